"""``whyrec train``: fit a model and save it as .npz + JSON."""

from __future__ import annotations

import time
from pathlib import Path

import click

from whyrec.cli.common import (
    algo_option,
    data_option,
    emit_json,
    json_option,
    params_option,
    progress_option,
    want_progress,
)
from whyrec.loaders import load_data, parse_params


@click.command()
@data_option
@algo_option
@params_option
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Directory to write the model to.")
@click.option("--force", is_flag=True, help="Replace a model already saved there.")
@progress_option
@json_option
def train(data: str, algo: str, params: tuple[str, ...], out: Path, force: bool,
          progress: bool | None, as_json: bool) -> None:
    """Train a recommender and save it."""
    from whyrec.models.persist import check_save_target
    from whyrec.models.registry import create

    check_save_target(out, overwrite=force)  # before training, not after
    dataset = load_data(data)
    started = time.perf_counter()
    model = create(algo, **parse_params(params)).fit(dataset, progress=want_progress(progress))
    seconds = time.perf_counter() - started
    model.save(out, overwrite=force)
    result = {"algorithm": algo, "params": model.params, "out": str(out),
              "n_users": dataset.n_users, "n_items": dataset.n_items,
              "fit_seconds": round(seconds, 3)}
    if as_json:
        emit_json(result)
    else:
        click.echo(f"trained {algo} on {dataset.n_users} people x {dataset.n_items} items "
                   f"in {seconds:.2f}s; saved to {out}")
