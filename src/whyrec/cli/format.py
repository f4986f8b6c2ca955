"""Plain-text rendering of recommendations and facts for the terminal."""

from __future__ import annotations

import click

from whyrec.types import (
    Cohort,
    Evidence,
    Explanation,
    HistoryItem,
    ItemQuality,
    Preference,
    Recommendation,
    SharedFeature,
    Trend,
)


def describe_fact(fact: Evidence) -> str:
    """One line per fact, with its id, for people checking why a model ranked an item."""
    if isinstance(fact, HistoryItem):
        if fact.n_items > 1:
            return f"{fact.n_items} other history items: share {fact.score_share:+.4f}"
        did = fact.event or "history"
        if fact.rating is not None:
            did += f" {fact.rating:g}"
        return f"{did} {fact.title!r}: share {fact.score_share:+.4f}"
    if isinstance(fact, SharedFeature):
        return f"shares {fact.feature} {fact.value!r} with {fact.history_count} history items"
    if isinstance(fact, Cohort) and fact.approximate:
        return (f"about {fact.share:.0%} of people with {fact.anchor_title!r} also had it "
                "(differential privacy: noisy counts)")
    if isinstance(fact, Cohort):
        return (f"{fact.co_count} of {fact.anchor_count} people with {fact.anchor_title!r} "
                f"also had it ({fact.share:.0%})")
    if isinstance(fact, ItemQuality):
        text = f"{fact.n_people} people"
        if fact.mean_rating is not None:
            text += f", mean rating {fact.mean_rating:g} from {fact.n_ratings}"
        if fact.score_share:
            text += f": share {fact.score_share:+.4f}"
        return text
    if isinstance(fact, Trend):
        return (f"#{fact.rank_in_category} in {fact.category!r} over {fact.window_days} days "
                f"({fact.recent_count} interactions)")
    if isinstance(fact, Preference):
        return f"said: {fact.statement}"
    return fact.id


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
        if (explanation.fallback_reason or "").startswith("backend error"):
            source = f"template; {explanation.backend} unavailable"
    elif explanation.backend == "template":
        source = "template"
    else:
        source = f"{explanation.model or explanation.backend}, {explanation.attempts} draft(s)"
    return f"{source}; {checked}"
