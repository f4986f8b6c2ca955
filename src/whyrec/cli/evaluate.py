"""``whyrec eval``: offline ranking quality of an algorithm on a held-out split."""

from __future__ import annotations

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
from whyrec.data.split import SPLITS
from whyrec.loaders import load_data, parse_params


@click.command("eval")
@data_option
@algo_option
@params_option
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--split", type=click.Choice(SPLITS), default="leave-last", show_default=True)
@click.option("--holdout", "n", default=1, show_default=True, type=click.IntRange(min=1),
              help="Items held out per person (leave-last).")
@click.option("--test-fraction", default=0.2, show_default=True, type=float,
              help="Share held out (temporal, random).")
@progress_option
@json_option
def eval_command(data: str, algo: str, params: tuple[str, ...], k: int, split: str, n: int,
                 test_fraction: float, progress: bool | None, as_json: bool) -> None:
    """Measure Recall@K, NDCG@K and coverage on a held-out split."""
    from whyrec.eval.offline import evaluate

    result = evaluate(load_data(data), algo, k=k, split=split, n=n,
                      test_fraction=test_fraction, params=parse_params(params),
                      progress=want_progress(progress))
    if as_json:
        emit_json(result)
        return
    click.echo(f"{algo} on {result['dataset']} ({split}, {result['n_users']} people): "
               f"NDCG@{k} {result[f'ndcg@{k}']:.4f}  Recall@{k} {result[f'recall@{k}']:.4f}  "
               f"coverage {result['coverage']:.3f}")
