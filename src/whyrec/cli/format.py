"""Plain-text rendering of recommendations and facts for the terminal."""

from __future__ import annotations

import click

from whyrec.types import Evidence, Explanation, FallbackReason, Recommendation


def describe_fact(fact: Evidence) -> str:
    """One line per fact, for people checking why a model ranked an item (each kind says
    its own: :meth:`~whyrec.evidence.Evidence.describe`)."""
    return fact.describe()


def print_recommendations(
    recs: list[Recommendation], explanations: list[Explanation] | None = None,
    *, facts: bool = True,
) -> None:
    if not recs:
        click.echo("no recommendations: no unseen item has anything in its favour "
                   "(every related item is already in this person's history)", err=True)
    for k, rec in enumerate(recs):
        tag = "  (cold start)" if rec.cold_start else ""
        click.echo(f"{rec.rank:>2}. {rec.title}  [{rec.item_id}]  score {rec.score:.4f}{tag}")
        if explanations is not None:
            explanation = explanations[k]
            click.echo(f"    {explanation.text}")
            click.echo(f"    ({_provenance(explanation)}; id {explanation.id})")
            if explanation.preferences:
                click.echo(f"    (shaped by your feedback: {'; '.join(explanation.preferences)})")
        if facts:
            for fact in rec.evidence:
                click.echo(f"      - {describe_fact(fact)}")


def _provenance(explanation: Explanation) -> str:
    """How the text was made, in a few words: who wrote it and whether it was checked."""
    checked = "verified" if explanation.verdict and explanation.verdict.passed else "UNVERIFIED"
    if explanation.cached:
        source = f"{explanation.backend}, cached"
    elif explanation.fallback:
        source = f"template; {explanation.backend} drafts rejected"
        if explanation.fallback_reason is FallbackReason.BACKEND_ERROR:
            source = f"template; {explanation.backend} unavailable"
    elif explanation.backend == "template":
        source = "template"
    else:
        source = f"{explanation.model or explanation.backend}, {explanation.attempts} draft(s)"
    return f"{source}; {checked}"
