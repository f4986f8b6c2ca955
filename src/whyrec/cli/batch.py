"""``whyrec batch``: recommendations and explanations for every user, to Parquet shards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from whyrec.cli.common import (
    configured_values,
    data_option,
    emit_json,
    explain_values,
    given,
    json_option,
    k_anonymity_option,
    model_options,
    progress_option,
    want_progress,
)
from whyrec.cli.explain import backend_options, style_options
from whyrec.errors import ConfigError
from whyrec.loaders import parse_params


@click.command()
@data_option
@model_options
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output folder: Parquet shards + manifest.json. Run again to resume.")
@click.option("--n", "n", default=10, show_default=True, type=click.IntRange(min=1),
              help="Recommendations (and explanations) per user.")
@k_anonymity_option
@backend_options
@style_options
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="local: a process pool; ray: Ray Data on a cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes (local) or actors (ray) [default: one per CPU core].")
@click.option("--address", default=None,
              help="ray: the cluster's address (host:6379 or 'auto'); default: a local Ray.")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              help="Explanations requested at once per worker (for model servers: vLLM).")
@click.option("--ray-cpus", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="ray: CPUs each actor reserves.")
@click.option("--ray-resource", "ray_resources", multiple=True, metavar="NAME=AMOUNT",
              help="ray: a custom resource each actor needs (repeatable): gpu_node=1.")
@click.option("--shard-size", type=click.IntRange(min=1), default=256, show_default=True,
              help="Users per shard (the unit of resumption).")
@click.option("--max-users", type=click.IntRange(min=1), default=None,
              help="Only the first N users (sorted ids): a sample run.")
@progress_option
@json_option
def batch(data: str, algo: str, model_dir: Path | None, params: tuple[str, ...], out: Path,
          n: int, k_anonymity: int, backend: str, llm_model: str | None, base_url: str | None,
          llm_timeout: float | None, repairs: int, prefill: bool, language: str | None,
          length: str, tone: str,
          prefer: tuple[str, ...], exclude: tuple[str, ...], engine: str, workers: int | None,
          address: str | None, concurrency: int, ray_cpus: float,
          ray_resources: tuple[str, ...], shard_size: int, max_users: int | None,
          progress: bool | None, as_json: bool, **storage: Any) -> None:
    """Recommend and explain for every user; resumable, local or on a Ray cluster."""
    from whyrec.batch import BatchConfig, EngineOptions, run_batch

    # the explain command's cache / store options: a batch writes its shards and nothing else
    # (--no-cache is what it does anyway); a store named in the configuration is not asked for
    on_line = given(click.get_current_context())
    asked = [name for name, value in storage.items()
             if name != "no_cache" and value not in (None, False) and name in on_line]
    if asked:
        flag = "--" + asked[0].removesuffix("_url").removesuffix("_path").replace("_", "-")
        raise ConfigError(f"whyrec batch keeps no explanation cache or store (its shards are "
                          f"the record, and workers would contend for one database); drop {flag}")
    config = BatchConfig(
        data=data, out=str(out), algorithm=algo, params=parse_params(params),
        recommender=None if model_dir is None else str(model_dir), n=n,
        k_anonymity=k_anonymity, shard_size=shard_size, max_users=max_users,
        **explain_values(backend=backend, llm_model=llm_model, base_url=base_url,
                         llm_timeout=llm_timeout, repairs=repairs, prefill=prefill,
                         language=language, length=length, tone=tone, prefer=prefer,
                         exclude=exclude, **configured_values("adapter", "best_of")))
    options = EngineOptions(
        engine=engine, workers=workers, address=address, concurrency=concurrency,
        ray_resources=_resources(ray_resources), ray_num_cpus=ray_cpus,
        progress=want_progress(progress))
    summary = run_batch(config, options)
    for shard in summary.get("rebuilt") or []:
        click.echo(f"whyrec: shard {shard['shard']} ({shard['file']}): {shard['why']}; rebuilt",
                   err=True)
    if as_json:
        emit_json(summary)
        return
    _print(summary)


def _resources(pairs: tuple[str, ...]) -> dict[str, float]:
    resources: dict[str, float] = {}
    for pair in pairs:
        name, sep, amount = pair.partition("=")
        try:
            resources[name.strip()] = float(amount)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise ConfigError(f"--ray-resource expects NAME=AMOUNT, got {pair!r}")
    return resources


def _print(summary: dict[str, object]) -> None:
    rate = summary["llm_pass_rate"]
    shards = summary["shards"]
    assert isinstance(shards, dict)
    this_run = summary["this_run"]
    assert isinstance(this_run, dict)
    lines = [
        f"users         {summary['users']}",
        f"explanations  {summary['explanations']}",
        f"fallbacks     {summary['fallbacks']}",
        f"LLM-pass rate {'n/a (template)' if rate is None else f'{rate:.1%}'}",
        f"shards        {shards['written']} written, {shards['skipped']} already done, "
        f"{shards['total']} in all",
        f"time          {summary['time_s']} s ({this_run['explanations_per_s']} explanations/s)",
        f"output        {summary['out']}" + ("" if summary["complete"] else "  (incomplete)"),
    ]
    click.echo("\n".join(lines))
