"""``whyrec recommend``: top-N items for one person, with their evidence."""

from __future__ import annotations

from pathlib import Path

import click

from whyrec.cli.common import (
    data_option,
    emit_json,
    json_option,
    k_anonymity_option,
    model_options,
    progress_option,
    want_progress,
)
from whyrec.cli.format import print_recommendations
from whyrec.loaders import get_model, load_data


@click.command()
@data_option
@model_options
@click.option("--user", "user_id", required=True, help="The person to recommend for.")
@click.option("--history", default=None, metavar="ITEM,ITEM",
              help="Recommend from these item ids instead of the person's stored history "
                   "(a new visitor: any --user name works).")
@click.option("--n", "n", default=10, show_default=True, type=click.IntRange(min=1))
@k_anonymity_option
@progress_option
@json_option
def recommend(data: str, algo: str, model_dir: Path | None, params: tuple[str, ...],
              user_id: str, history: str | None, n: int, k_anonymity: int,
              progress: bool | None, as_json: bool) -> None:
    """Recommend items for one person, with the facts behind each one."""
    from whyrec.pipeline import Pipeline

    dataset = load_data(data)
    model = get_model(dataset, algo, model_dir, params, want_progress(progress))
    items = None if history is None else [i.strip() for i in history.split(",") if i.strip()]
    recs = Pipeline(dataset, model, k_anonymity=k_anonymity).recommend(user_id, n, history=items)
    if as_json:
        emit_json({"user_id": user_id, "algorithm": model.algorithm,
                   "recommendations": [r.to_dict() for r in recs]})
    else:
        print_recommendations(recs)
