"""``whyrec demo``: the whole pipeline on the bundled bilingual shop, in one command."""

from __future__ import annotations

import time
from typing import Any

import click

from whyrec.cli.common import (
    algo_option,
    backend_option,
    configured,
    configured_values,
    data_option,
    default_explainer,
    emit_json,
    explain_values,
    json_option,
    progress_option,
    want_progress,
)
from whyrec.cli.format import print_recommendations
from whyrec.config import EXPLAIN_SETTINGS


@click.command()
@data_option
@algo_option
@click.option("--user", "users", multiple=True,
              help="Person to show (repeatable; default: one per language).")
@click.option("--n", "n", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--eval/--no-eval", "run_eval", default=True, show_default=True,
              help="Also measure NDCG@10 against the popularity baseline.")
@backend_option
@progress_option
@json_option
def demo(data: str, algo: str, users: tuple[str, ...], n: int, run_eval: bool, backend: str,
         progress: bool | None, as_json: bool) -> None:
    """Train on the demo shop, recommend, and explain in each person's language."""
    from whyrec.data.load import load_dataset
    from whyrec.eval.offline import evaluate
    from whyrec.explanation.cache import ExplanationCache
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings
    from whyrec.store import open_store

    # the configured way of explaining (whyrec.toml, WHYREC_*), with this --backend
    settings = ExplainSettings(**explain_values(
        **{**configured_values(*EXPLAIN_SETTINGS), "backend": backend}))
    show_progress = want_progress(progress)
    dataset = load_dataset(data)
    started = time.perf_counter()
    model = create(algo).fit(dataset, progress=show_progress)
    fit_seconds = time.perf_counter() - started
    store = open_store(configured("db_url").value)
    explainer, stood_in = default_explainer(settings, dataset, cache=ExplanationCache(store))
    if stood_in:  # the model is not installed: say what really wrote the text
        backend = "template"
    pipeline = Pipeline(dataset, model, explainer, store=store,
                        k_anonymity=configured("k_anonymity").value)
    people = list(users) or _one_per_language(dataset)

    shown: list[dict[str, Any]] = []
    for user in people:
        recs = pipeline.recommend(user, n)
        language = pipeline.language_of(user)
        explanations = pipeline.explain(recs, language=language)
        shown.append({"user_id": user, "language": language, "items": [
            {**r.to_dict(), "explanation": e.to_dict()}
            for r, e in zip(recs, explanations, strict=True)
        ]})
        if not as_json:
            click.echo(f"\n== {user} ({language}) ==")
            print_recommendations(recs, explanations, facts=False)

    quality: dict[str, Any] = {}
    if run_eval:
        for name in (algo, "popular"):
            result = evaluate(dataset, name, k=10, progress=show_progress)
            quality[name] = {key: result[key] for key in ("ndcg@10", "recall@10", "coverage")}
    if as_json:
        emit_json({"dataset": dataset.summary(), "algorithm": algo, "backend": backend,
                   "fit_seconds": round(fit_seconds, 3), "users": shown, "evaluation": quality})
        return
    click.echo(f"\n{dataset!r}; {algo} trained in {fit_seconds:.2f}s")
    for name, scores in quality.items():
        click.echo(f"  {name:<8} NDCG@10 {scores['ndcg@10']:.4f}  Recall@10 "
                   f"{scores['recall@10']:.4f}  coverage {scores['coverage']:.3f}  "
                   "(leave-last-1 split)")
    if shown and shown[0]["items"]:
        example = shown[0]["items"][0]["explanation"]["id"]
        click.echo(f"\nTell whyrec what you think: whyrec feedback add {example} too_long  "
                   f"(or helpful, too_technical, dont_mention others, …); then ask: "
                   f"whyrec chat --user {shown[0]['user_id']} --ask 'why?'")


def _one_per_language(dataset: Any) -> list[str]:
    """The first person of each language, so the demo shows English and Chinese."""
    chosen: dict[str, str] = {}
    users = dataset.users
    known = set(dataset.user_ids.tolist())
    for user, language in zip(users["user_id"].tolist(), users["language"].tolist(), strict=True):
        if user in known and language and language not in chosen:
            chosen[language] = user
    return list(chosen.values()) or [str(dataset.user_ids[0])]
