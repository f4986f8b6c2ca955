"""``run_batch``: plan shards, resume, dispatch to an engine, write, summarise.

The driver loads the data once, trains the recommender and saves it in the output folder (or
copies the saved one it was given there, file for file), so that a resumed run, every local
worker and the Ray actors all use the very same model. Finished shards are skipped; the rest go
to the engine, and each one is written the moment it comes back.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whyrec.batch.config import BatchConfig, EngineOptions, worker_spec
from whyrec.batch.output import OutputFolder
from whyrec.batch.shards import ShardResult, ShardStats, plan_shards
from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError, ModelError
from whyrec.models.base import Recommender
from whyrec.models.persist import META_FILE, check_save_target, write_directory


def run_batch(config: BatchConfig, options: EngineOptions | None = None) -> dict[str, Any]:
    """Recommendations and explanations for every user of ``config.data``, to Parquet shards.

    Parameters
    ----------
    config : what to compute (recorded in the manifest; a resumed run must match it).
    options : how to run it (engine, workers, progress); may differ between runs.

    Returns
    -------
    dict
        The summary: users, explanations, fallbacks, LLM-pass rate, time, throughput, shards
        written now and skipped as already finished.

    Raises
    ------
    ConfigError
        Bad options, or ``config.out`` holds another job.

    Examples
    --------
    >>> config = BatchConfig(data="demo", out="out", backend="template")  # doctest: +SKIP
    >>> run_batch(config, EngineOptions(workers=2))["complete"]         # doctest: +SKIP
    True
    """
    from whyrec.backends.registry import backend_class
    from whyrec.data.load import load_dataset

    options = options or EngineOptions()
    started = time.perf_counter()
    backend_class(config.backend)  # an unknown backend fails now, not in every worker
    spec = worker_spec(config, options)
    dataset = load_dataset(config.data)
    users = [str(u) for u in dataset.user_ids.tolist()][: config.max_users]
    shards = plan_shards(users, config.shard_size)
    fingerprint = {**config.fingerprint(), "dataset": {
        "users": dataset.n_users, "items": dataset.n_items,
        "interactions": len(dataset.interactions)}}
    folder = OutputFolder(Path(config.out).expanduser(), fingerprint, n_shards=len(shards),
                          n_users=len(users))
    model = _job_model(folder, dataset, config, options.progress)
    missing = [u for u in users if u not in model.user_index]
    if missing:
        raise ConfigError(f"the recommender does not know {len(missing)} user(s) of --data "
                          f"(e.g. {missing[0]!r}); train it on the same data")
    finished = folder.finished()
    todo = [s for s in shards if s.index not in finished]
    workers = options.n_workers
    folder.start_run({"engine": options.engine, "workers": options.workers,
                      "address": options.address, "shards_todo": len(todo)})
    now = ShardStats()
    bar = _bar(options.progress, total=len(users),
               initial=sum(len(s.users) for s in shards if s.index in finished))

    def on_result(result: ShardResult) -> None:
        folder.save_result(result)
        now.add(result.stats)
        if bar is not None:
            bar.update(result.stats.users)

    try:
        if options.engine == "ray":
            from whyrec.batch.ray_engine import run_ray

            run_ray(todo, dataset=dataset, model=model, spec=spec, options=options,
                    on_result=on_result)
        else:
            from whyrec.batch.local import run_local

            run_local(todo, dataset=dataset, model=model, data=config.data,
                      model_dir=folder.model_dir, spec=spec, workers=workers,
                      on_result=on_result, out=folder.path)
    finally:
        if bar is not None:
            bar.close()
    summary = summarise(folder, now, time.perf_counter() - started, options,
                        written=len(todo), skipped=len(finished))
    summary["rebuilt"] = folder.damaged
    folder.finish_run(summary)
    return summary


def summarise(folder: OutputFolder, now: ShardStats, seconds: float, options: EngineOptions,
              *, written: int, skipped: int) -> dict[str, Any]:
    """The run's summary: totals over the whole job, throughput of this run."""
    total = folder.totals()
    return {
        "out": str(folder.path),
        "complete": len(folder.finished()) == folder.manifest["n_shards"],
        "users": total.users,
        "users_without_recommendations": total.users_without_recommendations,
        "explanations": total.explanations,
        "fallbacks": total.fallbacks,
        "llm_pass_rate": _rate(total.llm_passed, total.llm_explanations),
        "draft_pass_rate": _rate(total.drafts_passed, total.drafts),
        "verdict_failures": total.verdict_failures,
        "shards": {"total": folder.manifest["n_shards"], "written": written,
                   "skipped": skipped},
        "engine": options.engine,
        "workers": options.workers,
        "time_s": round(seconds, 3),
        "this_run": {"users": now.users, "explanations": now.explanations,
                     "explanations_per_s": round(now.explanations / seconds, 2)
                     if seconds > 0 else None},
        "nodes": len(folder.nodes()),
    }


def _job_model(folder: OutputFolder, dataset: Dataset, config: BatchConfig,
               progress: bool) -> Recommender:
    """The job's recommender: the saved one when resuming, else trained or loaded and saved."""
    if (folder.model_dir / "model.json").is_file():
        return Recommender.load(folder.model_dir)
    if config.recommender is not None:
        def same_catalog(model: Recommender) -> None:
            differ = set(model.item_ids.tolist()) ^ set(dataset.item_ids.tolist())
            if differ:
                raise ConfigError(
                    f"recommender {config.recommender} was trained on another catalog "
                    f"({len(differ)} items differ); pass the --data it was trained on")

        return copy_model(Path(config.recommender).expanduser(), folder.model_dir,
                          check=same_catalog)
    from whyrec.models.registry import create

    model = create(config.algorithm, **config.params).fit(dataset, progress=progress)
    model.save(folder.model_dir, overwrite=True)
    return model


def copy_model(source: Path, target: Path,
               check: Callable[[Recommender], None] | None = None) -> Recommender:
    """The saved recommender ``source``, copied file for file to ``target`` (atomically) and
    loaded from the copy.

    A copy of the very files, not the loaded model saved again: ``np.savez_compressed`` of a
    hybrid's arrays took 2 s of a MovieLens batch, copying them takes milliseconds, and the job
    uses exactly the bytes it was given. ``check`` may refuse the model (it raises); then
    nothing is left at ``target``. A ``source`` that does not load raises the error of loading
    it (which names ``source``, not the copy).
    """
    loaded: list[Recommender] = []

    def write(staging: Path) -> None:
        # a model's own files only: staging folders of a save in progress start with "."
        shutil.copytree(source, staging, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".*"))
        try:
            model = Recommender.load(staging)
        except ModelError:
            Recommender.load(source)  # raises the same error, naming the folder given
            raise
        if check is not None:
            check(model)
        loaded.append(model)

    if not (source / META_FILE).is_file():
        Recommender.load(source)  # its error: not a saved model
    write_directory(check_save_target(target, overwrite=True), write)
    return loaded[0]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _bar(enabled: bool, *, total: int, initial: int) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc="batch", unit="user", dynamic_ncols=True,
                smoothing=0.1)
