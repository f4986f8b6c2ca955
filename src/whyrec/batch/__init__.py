"""Batch recommendations and explanations for every user, to Parquet shards.

``run_batch`` drives a job: it plans shards of users, skips the ones a previous run finished,
and hands the rest to an engine (``local``: a process pool; ``ray``: Ray Data on a cluster).
Every shard is written atomically and listed in ``manifest.json``.

Examples
--------
>>> from whyrec.batch import BatchConfig, run_batch                  # doctest: +SKIP
>>> summary = run_batch(BatchConfig(data="demo", out="out/", backend="template"))  # doctest: +SKIP
>>> summary["explanations"]                                          # doctest: +SKIP
10000
"""

from whyrec.batch.config import BatchConfig, EngineOptions
from whyrec.batch.runner import run_batch

__all__ = ["BatchConfig", "EngineOptions", "run_batch"]
