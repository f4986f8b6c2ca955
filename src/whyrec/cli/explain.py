"""``whyrec explain``: recommendations for one person, each with a worded explanation."""

from __future__ import annotations

from pathlib import Path

import click

from whyrec.cli.common import (
    data_option,
    emit_json,
    get_model,
    json_option,
    load_data,
    model_options,
    progress_option,
    want_progress,
)
from whyrec.cli.format import print_recommendations
from whyrec.errors import ConfigError

BACKENDS = ("template",)


@click.command()
@data_option
@model_options
@click.option("--user", "user_id", required=True, help="The person to explain for.")
@click.option("--item", "item_id", default=None,
              help="Explain this item only (it must be among the top --n).")
@click.option("--n", "n", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--backend", default="template", show_default=True,
              help="How explanations are worded: " + ", ".join(BACKENDS) + ".")
@click.option("--language", default=None, help="en or zh (default: the person's language).")
@click.option("--length", type=click.Choice(["short", "medium", "long"]), default="medium",
              show_default=True)
@click.option("--facts/--no-facts", default=False, help="Also list the facts behind each one.")
@progress_option
@json_option
def explain(data: str, algo: str, model_dir: Path | None, params: tuple[str, ...],
            user_id: str, item_id: str | None, n: int, backend: str, language: str | None,
            length: str, facts: bool, progress: bool | None, as_json: bool) -> None:
    """Explain why each item was recommended to one person."""
    from whyrec.pipeline import Pipeline

    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}")
    dataset = load_data(data)
    model = get_model(dataset, algo, model_dir, params, want_progress(progress))
    pipeline = Pipeline(dataset, model)
    recs = pipeline.recommend(user_id, n)
    if item_id is not None:
        recs = [r for r in recs if r.item_id == item_id]
        if not recs:
            raise ConfigError(f"item {item_id!r} is not among the top {n} for {user_id!r} "
                              "(raise --n, or ask about another item)")
    explanations = pipeline.explain(recs, language=language, length=length)
    if as_json:
        emit_json({
            "user_id": user_id, "algorithm": model.algorithm, "backend": backend,
            "items": [{**r.to_dict(), "explanation": e.to_dict()}
                      for r, e in zip(recs, explanations, strict=True)],
        })
    else:
        print_recommendations(recs, explanations, facts=facts)
