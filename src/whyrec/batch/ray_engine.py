"""The Ray engine: Ray Data ``map_batches`` over the shard plan with a pool of actors.

The dataset and the trained recommender are put in the object store once; each actor gets them
from there and builds its pipeline and language-model backend once in its constructor, then
answers one shard per call with the shard's Parquet bytes. The driver writes the files, so the
workers need no shared file system. Ray restarts actors on lost nodes and retries their shards;
shards are written by index, so a retried shard is never written twice.

Ray is an optional extra (``pip install 'whyrec[ray]'``), imported only here, inside functions.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from whyrec.batch.config import EngineOptions, WorkerSpec
from whyrec.batch.shards import ShardResult, ShardSpec, ShardStats
from whyrec.batch.worker import ShardRunner
from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.models.base import Recommender


def import_ray() -> Any:
    """The ``ray`` module, or a one-line error naming the extra that provides it."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError("--engine ray needs Ray Data: pip install 'whyrec[ray]' "
                          "(or pip install 'ray[data]')") from None
    return ray


class RayShardWorker:
    """A Ray Data actor: the pipeline and backend are built once, then one shard per call.

    Parameters
    ----------
    dataset, model : object references (``ray.put``) to the data and the trained recommender.
    spec : backend and style settings.
    """

    def __init__(self, dataset: Any, model: Any, spec: WorkerSpec) -> None:
        import ray

        node = ray.get_runtime_context().get_node_id()
        self.runner = ShardRunner(ray.get(dataset), ray.get(model), spec, node=node)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        indices, payloads, stats = [], [], []
        for index, users in zip(batch["shard"].tolist(), batch["users"].tolist(), strict=True):
            result = self.runner.run(ShardSpec(int(index), tuple(json.loads(users))))
            indices.append(result.index)
            payloads.append(result.payload)
            stats.append(json.dumps(result.stats.to_dict()))
        return {"shard": np.asarray(indices, dtype=np.int64),
                "payload": np.asarray(payloads, dtype=object),
                "stats": np.asarray(stats, dtype=object)}


def run_ray(
    shards: Sequence[ShardSpec], *, dataset: Dataset, model: Recommender, spec: WorkerSpec,
    options: EngineOptions, on_result: Callable[[ShardResult], None],
) -> None:
    """Run ``shards`` on the Ray cluster at ``options.address``, calling ``on_result`` on the
    driver as each shard finishes (a shard retried after a lost node is reported once)."""
    if not shards:
        return
    ray = import_ray()
    started_here = not ray.is_initialized()
    # Ray's driver prints cluster events ("(raylet) Task … failed") to stdout even with
    # log_to_driver=False; stdout belongs to the command's own output (--json), so Ray gets
    # stderr until it is shut down
    with _stdout_to_stderr():
        if started_here:
            try:
                ray.init(address=options.address, logging_level=logging.WARNING,
                         log_to_driver=False, include_dashboard=False)
            except ConnectionError as exc:
                raise ConfigError(f"cannot reach the Ray cluster at {options.address}: "
                                  f"{str(exc).splitlines()[0]}") from None
        try:
            _execute(ray, shards, dataset, model, spec, options, on_result)
        finally:
            if started_here:
                ray.shutdown()


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """File descriptor 1 points at stderr inside (Python's and native code's writes alike)."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def cluster_workers(ray: Any, options: EngineOptions) -> int:
    """``options.workers``, or as many actors as the cluster's CPUs hold."""
    if options.workers is not None:
        return options.workers
    cpus = float(ray.cluster_resources().get("CPU", 1.0))
    return max(1, int(cpus // max(options.ray_num_cpus, 0.01)))


def _execute(ray: Any, shards: Sequence[ShardSpec], dataset: Dataset, model: Recommender,
             spec: WorkerSpec, options: EngineOptions,
             on_result: Callable[[ShardResult], None]) -> None:
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # whyrec draws its own bar
    context.print_on_execution_start = False
    workers = min(cluster_workers(ray, options), len(shards))
    # once in the object store; every actor reads the same copy (zero-copy on its node)
    dataset_ref, model_ref = ray.put(dataset), ray.put(model)
    plan = ray.data.from_items(
        [{"shard": s.index, "users": json.dumps(list(s.users))} for s in shards],
        override_num_blocks=len(shards))
    results = plan.map_batches(
        RayShardWorker, batch_size=1, batch_format="numpy", concurrency=workers,
        fn_constructor_kwargs={"dataset": dataset_ref, "model": model_ref, "spec": spec},
        num_cpus=options.ray_num_cpus, resources=options.ray_resources or None)
    seen: set[int] = set()
    for batch in results.iter_batches(batch_size=None, batch_format="numpy"):
        for index, payload, stats in zip(batch["shard"].tolist(), batch["payload"].tolist(),
                                         batch["stats"].tolist(), strict=True):
            if int(index) in seen:  # a retried task whose first try also came back
                continue
            seen.add(int(index))
            on_result(ShardResult(int(index), bytes(payload),
                                  ShardStats.from_dict(json.loads(stats))))
