"""The local engine: a pool of processes on this machine, one pipeline (and model) per process.

Processes are started with ``spawn`` (no inherited BLAS or llama.cpp threads), each loads the
data and the job's saved recommender once in its initializer, then takes shard after shard. At
most two shards per process are in flight, so finished rows never pile up in memory.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from whyrec.batch.config import WorkerSpec
from whyrec.batch.shards import ShardResult, ShardSpec
from whyrec.batch.worker import ShardRunner, init_pool_worker, run_in_pool_worker
from whyrec.data.dataset import Dataset
from whyrec.errors import WhyrecError
from whyrec.models.base import Recommender

#: shards queued per process beyond the one it is working on
QUEUE_PER_WORKER = 1


def run_local(
    shards: Sequence[ShardSpec], *, dataset: Dataset, model: Recommender, data: str,
    model_dir: Path, spec: WorkerSpec, workers: int,
    on_result: Callable[[ShardResult], None],
) -> None:
    """Run ``shards`` on ``workers`` processes, calling ``on_result`` in this process as each
    one finishes (in any order).

    With one worker the shards run in this process, on the ``dataset`` and ``model`` already
    loaded; otherwise each pool process loads ``data`` and ``model_dir`` itself.
    """
    if not shards:
        return
    workers = min(workers, len(shards))
    if workers == 1:
        runner = ShardRunner(dataset, model, spec)
        try:
            for shard in shards:
                on_result(runner.run(shard))
        finally:
            runner.close()
        return
    context = multiprocessing.get_context("spawn")
    pending: set[Future[ShardResult]] = set()
    todo = iter(shards)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=init_pool_worker,
                             initargs=(data, str(model_dir), spec)) as pool:
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
