"""``whyrec explain``: recommendations for one person, or another system's recommendations from
a JSON-lines file, each worded by a language model and checked against its evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from whyrec.cli.common import (
    backend_option,
    configured,
    data_option,
    default_explainer,
    emit_json,
    explain_values,
    json_option,
    llm_options,
    model_options,
    progress_option,
    setting_option,
    store_option,
    style_options,
    want_progress,
)
from whyrec.errors import ConfigError
from whyrec.loaders import get_model, load_data, open_db
from whyrec.settings import ExplainSettings


def backend_options(func: Any) -> Any:
    """--backend, --model, --base-url, --timeout, --repairs, --prefill, --db, --no-cache: how
    explanations are written and kept."""
    func = click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")(
        func)
    return backend_option(llm_options(store_option(func)))


def local_only_option(func: Any) -> Any:
    """--local-only: refuse a backend that would send prompts off this machine."""
    return click.option(
        "--local-only", is_flag=True, default=None,
        help="Refuse backends that send prompts off this machine (also WHYREC_LOCAL_ONLY=1).",
    )(func)


@click.command()
@data_option
@model_options
@click.option("--user", "user_id", default=None, help="The person to explain for.")
@click.option("--item", "item_id", default=None,
              help="Explain this item only (it must be among the top --n).")
@click.option("--n", "n", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--input", "input_path", type=click.Path(path_type=Path), default=None,
              help="Explain another system's recommendations: a JSON-lines file of requests "
                   "(item, evidence, language); --data then only lends its vocabulary.")
@backend_options
@click.option("--adapter", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="llamacpp: a LoRA adapter GGUF from `whyrec tune` (default: the shipped "
                   "explanation adapter, when installed).")
@click.option("--no-adapter", is_flag=True, help="llamacpp: the bundled model without adapter.")
@local_only_option
@style_options
@click.option("--facts/--no-facts", default=False, help="Also list the facts behind each one.")
@setting_option("--best-of", "best_of", setting="best_of", type=click.IntRange(1, 8),
                help="Drafts the model writes first (other seeds); the verified one stating "
                     "the most facts is kept. Each costs a model call.")
@click.option("--strict", is_flag=True,
              help="Exit with status 3 when any explanation is not the model's own verified "
                   "text (the model was down or slow, or its drafts failed the verifier).")
@progress_option
@json_option
def explain(data: str, algo: str, model_dir: Path | None, params: tuple[str, ...],
            user_id: str | None, item_id: str | None, n: int, input_path: Path | None,
            backend: str, llm_model: str | None, base_url: str | None,
            llm_timeout: float | None, repairs: int, prefill: bool, db_url: str | None,
            no_cache: bool, adapter: Path | None, no_adapter: bool, local_only: bool | None,
            language: str | None,
            length: str, tone: str, prefer: tuple[str, ...], exclude: tuple[str, ...],
            facts: bool, best_of: int, strict: bool, progress: bool | None,
            as_json: bool) -> None:
    """Explain why each item was recommended, in the person's language."""
    from whyrec.explanation.cache import ExplanationCache
    from whyrec.explanation.requests import read_requests
    from whyrec.feedback.events import record_explanation
    from whyrec.pipeline import Pipeline
    from whyrec.privacy.sanitise import vetted_recommendation

    if (user_id is None) == (input_path is None):
        raise ConfigError("give either --user (explain whyrec's recommendations) or --input "
                          "(explain another system's)")
    show_progress = want_progress(progress)
    values = explain_values(
        backend=backend, llm_model=llm_model, base_url=base_url, llm_timeout=llm_timeout,
        repairs=repairs, prefill=prefill, adapter=_adapter(adapter, no_adapter),
        language=language, length=length, tone=tone, prefer=prefer, exclude=exclude,
        best_of=best_of)
    if adapter is not None or no_adapter:  # given: refused when the backend takes none
        values["adapter"] = _adapter(adapter, no_adapter)
    settings = ExplainSettings(**values)
    k_anonymity = configured("k_anonymity").value
    store = open_db(db_url)
    requests = read_requests(input_path) if input_path is not None else None
    # another system's recommendations need no dataset: --data only lends its vocabulary
    dataset = None if requests is not None and data == "demo" else load_data(data)
    explainer, stood_in = default_explainer(
        settings, dataset, local_only=local_only,
        cache=None if no_cache else ExplanationCache(store))
    if requests is not None:
        pipeline = Pipeline(dataset, explain=explainer, store=store)
        rows = []
        for request in _progress(requests, show_progress, "explain"):
            [explanation] = pipeline.explain_requests([request], language=language)
            record_explanation(store, explanation)
            # a caller's reason that was not quoted is listed with why (``withheld``)
            rows.append((vetted_recommendation(request.recommendation), explanation))
    else:
        assert dataset is not None
        model = get_model(dataset, algo, model_dir, params, show_progress)
        pipeline = Pipeline(dataset, model, explainer, store=store, k_anonymity=k_anonymity)
        recs = pipeline.recommend(user_id or "", n)
        if item_id is not None:
            recs = [r for r in recs if r.item_id == item_id]
            if not recs:
                raise ConfigError(f"item {item_id!r} is not among the top {n} for {user_id!r} "
                                  "(raise --n, or ask about another item)")
        rows = [(rec, pipeline.explain([rec], language=language)[0])
                for rec in _progress(recs, show_progress, "explain")]
    if as_json:
        emit_json([_row(rec, e) for rec, e in rows])
    else:
        _print(rows, facts)
    # the template stood in for a model that is not installed: none of it is the model's own
    _honest_exit([e for _, e in rows], backend, strict,
                 stood_in=stood_in)


def _honest_exit(explanations: list[Any], backend: str, strict: bool,
                 stood_in: bool = False) -> None:
    """One line on stderr when the model was down or slow (the text is then the template's),
    and with ``strict`` status 3 when any text is not the model's own."""
    from whyrec.types import FallbackReason

    down = [e for e in explanations if e.fallback_reason == FallbackReason.BACKEND_ERROR]
    if down:
        detail = (down[0].fallback_detail or "no answer").rstrip(". ")
        click.echo(f"whyrec: the {backend} model did not answer for {len(down)} of "
                   f"{len(explanations)} explanations ({detail}); the template worded them",
                   err=True)
    if strict and (stood_in or (backend != "template"
                                and any(e.fallback or not e.text for e in explanations))):
        click.get_current_context().exit(3)


def _adapter(adapter: Path | None, no_adapter: bool) -> str | bool | None:
    """--adapter FILE, --no-adapter (``False``: none) or neither: the configured ``adapter``
    (``None``: the shipped one)."""
    if adapter is not None and no_adapter:
        raise ConfigError("give --adapter or --no-adapter, not both")
    if adapter is None and not no_adapter:
        configured_adapter: str | bool | None = configured("adapter").value
        return configured_adapter
    return False if no_adapter else str(adapter)


def _progress(items: list[Any], show: bool, label: str) -> list[Any] | Any:
    if not show:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="expl", leave=False)


def _row(rec: Any, explanation: Any) -> dict[str, Any]:
    data = explanation.to_dict()
    return {
        "item": rec.item_id, "title": rec.title, "rank": rec.rank, "score": rec.score,
        "text": data["text"], "language": data["language"], "backend": data["backend"],
        "model": data["model"], "fallback": data["fallback"],
        "fallback_reason": data["fallback_reason"], "fallback_detail": data["fallback_detail"],
        "attempts": data["attempts"],
        "verdict": data["verdict"], "cited_ids": data["cited_ids"],
        "latency_ms": round(data["latency_ms"], 2), "cached": data["cached"],
        "style": data["style"], "drafts": data["drafts"], "id": data["id"],
        "preferences": data["preferences"],
        "evidence": [e.to_dict() for e in rec.evidence],
    }


def _print(rows: list[tuple[Any, Any]], facts: bool) -> None:
    from whyrec.cli.format import print_recommendations

    recs = [rec for rec, _ in rows]
    explanations = [e for _, e in rows]
    print_recommendations(recs, explanations, facts=facts)
    from whyrec.types import FallbackReason

    # an outage gets its own line (see _honest_exit): these are drafts that failed the check
    failed = sum(e.fallback_reason == FallbackReason.VERIFICATION_FAILED for e in explanations)
    if failed:
        click.echo(f"({failed} of {len(rows)} worded by the template: the model's drafts "
                   "did not pass the verifier)", err=True)
