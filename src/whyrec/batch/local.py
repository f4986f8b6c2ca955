"""The local engine: a pool of processes on this machine, one pipeline per process.

On Linux the pool is forked from the driver once it has loaded the data and the recommender:
every process shares those pages (copy-on-write) instead of loading its own copy, and starts at
once. Elsewhere (macOS's system libraries are not fork-safe), and for a model run inside the
worker once an OpenMP runtime is loaded here (GNU OpenMP hangs in a forked child that uses it
again), processes are started with ``spawn`` and each loads the data and the job's saved
recommender in its initializer. Each process then takes shard after shard and writes each
shard's file itself; only its counts and checksum come back. At most two shards per process are
in flight, so finished rows never pile up in memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from whyrec.batch import worker
from whyrec.batch.config import WorkerSpec
from whyrec.batch.shards import ShardResult, ShardSpec
from whyrec.batch.worker import (
    ShardRunner,
    init_forked_worker,
    init_pool_worker,
    run_in_pool_worker,
)
from whyrec.data.dataset import Dataset
from whyrec.errors import WhyrecError
from whyrec.models.base import Recommender
from whyrec.pipeline import Pipeline

#: shards queued per process beyond the one it is working on
QUEUE_PER_WORKER = 1
#: people the driver explains (and drops) before it forks a pool: what explaining builds on
#: first use is then built once and shared, not once per process
WARM_USERS = 2


def run_local(
    shards: Sequence[ShardSpec], *, dataset: Dataset, model: Recommender, data: str,
    model_dir: Path, spec: WorkerSpec, workers: int,
    on_result: Callable[[ShardResult], None], out: Path | None = None,
) -> None:
    """Run ``shards`` on ``workers`` processes, calling ``on_result`` in this process as each
    one finishes (in any order).

    With one worker the shards run in this process, on the ``dataset`` and ``model`` already
    loaded. Forked pool processes share them; spawned ones load ``data`` and ``model_dir``
    themselves. With ``out``, pool processes write their shard files there
    (:func:`~whyrec.batch.output.write_shard`) and return them without their bytes.
    """
    if not shards:
        return
    workers = min(workers, len(shards))
    if workers == 1:
        single = ShardRunner(dataset, model, spec)
        try:
            for shard in shards:
                on_result(single.run(shard))
        finally:
            single.close()
        return
    method = start_method(spec)
    target = None if out is None else str(out)
    runner: ShardRunner | None = None
    initializer: Callable[..., None]
    initargs: tuple[object, ...]
    if method == "fork":
        from whyrec.backends.registry import backend_class

        if backend_class(spec.explain.backend).uses_model:
            # the evidence indexes (kept with the dataset) are built once, here; each process
            # makes its own backend (model, connections) after the fork
            Pipeline(dataset, model, spec.explain, k_anonymity=spec.k_anonymity)
        else:
            runner = ShardRunner(dataset, model, spec)  # nothing in it that a fork breaks
            runner.warm(shards[0].users[:WARM_USERS])
        worker._inherited = (dataset, model, spec, runner)
        initializer, initargs = init_forked_worker, (target,)
        # objects that exist now are never scanned by the children's collector, so their
        # pages stay shared instead of being copied on the first collection
        gc.freeze()
    else:
        initializer, initargs = init_pool_worker, (data, str(model_dir), spec, target)
    try:
        _run_pool(shards, multiprocessing.get_context(method), workers, initializer, initargs,
                  on_result)
    finally:
        if method == "fork":
            gc.unfreeze()
            worker._inherited = None
        if runner is not None:
            runner.close()


def start_method(spec: WorkerSpec) -> str:
    """How pool processes start: ``fork`` (share the driver's memory) where that is safe,
    else ``spawn``."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return "spawn"
    from whyrec.backends.registry import backend_class

    backend = backend_class(spec.explain.backend)
    if backend.uses_model and backend.in_process and _openmp_loaded():
        return "spawn"
    return "fork"


def _openmp_loaded() -> bool:
    """Whether an OpenMP runtime is loaded in this process (e.g. by training ALS here)."""
    from threadpoolctl import ThreadpoolController

    return bool(ThreadpoolController().select(user_api="openmp").lib_controllers)


def _run_pool(shards: Sequence[ShardSpec], context: multiprocessing.context.BaseContext,
              workers: int, initializer: Callable[..., None], initargs: tuple[object, ...],
              on_result: Callable[[ShardResult], None]) -> None:
    pending: set[Future[ShardResult]] = set()
    todo = iter(shards)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        try:
            _fill(pool, todo, pending, workers * (1 + QUEUE_PER_WORKER))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    on_result(future.result())
                _fill(pool, todo, pending, workers * (1 + QUEUE_PER_WORKER))
        except BrokenProcessPool:
            raise WhyrecError(f"a batch worker process died ({_exit_codes(pool)}); finished "
                              "shards are kept: run the same command again to resume") from None
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _fill(pool: ProcessPoolExecutor, todo: Iterator[ShardSpec],
          pending: set[Future[ShardResult]], limit: int) -> None:
    while len(pending) < limit:
        shard = next(todo, None)
        if shard is None:
            return
        pending.add(pool.submit(run_in_pool_worker, shard))


def _exit_codes(pool: ProcessPoolExecutor) -> str:
    """How the pool's processes ended, e.g. ``exit codes -9`` (killed: out of memory?)."""
    processes = getattr(pool, "_processes", None) or {}  # private, so only for the message
    codes = sorted({p.exitcode for p in processes.values() if p.exitcode not in (None, 0)})
    if not codes:
        return "cause unknown"
    hint = ": killed, out of memory?" if -9 in codes else ""
    return "exit code " + ", ".join(str(c) for c in codes) + hint
