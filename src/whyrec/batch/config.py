"""What a batch job computes (``BatchConfig``) and how it is run (``EngineOptions``).

Only ``BatchConfig`` decides the output: it is recorded in the manifest, and resuming a job with
a different one is refused. Engine options (local or Ray, how many workers) may change between
runs of the same job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from pydantic import Field, model_validator

from whyrec.errors import ConfigError
from whyrec.settings import ExplainSettings

ENGINES = ("local", "ray")
#: users per shard by default: small enough to resume often, large enough to amortise overhead
DEFAULT_SHARD_SIZE = 256


class BatchConfig(ExplainSettings):
    """A batch job: data, recommender, explanation settings and shard layout.

    Parameters
    ----------
    data : ``"demo"``, a MovieLens folder or a whyrec dataset folder.
    out : the output folder (shards, ``manifest.json`` and the recommender used).
    algorithm, params, recommender : train ``algorithm`` with ``params`` now, or load the
        recommender saved in the folder ``recommender``.
    n : recommendations (and explanations) per user.
    backend, llm_model, base_url, llm_timeout, repairs, language, length, tone, prefer,
        exclude : how explanations are worded and read (:class:`~whyrec.settings.ExplainSettings`;
        language ``None``: the user's own).
    k_anonymity : least number of people behind a statistic about others.
    shard_size : users per output shard.
    max_users : only the first ``max_users`` users (sorted ids); ``None`` for all.

    Examples
    --------
    >>> BatchConfig(data="demo", out="out", backend="template").n
    10
    """

    data: str
    out: str
    algorithm: str = "hybrid"
    params: dict[str, Any] = Field(default_factory=dict)
    recommender: str | None = None
    n: int = 10
    k_anonymity: int = 10
    shard_size: int = DEFAULT_SHARD_SIZE
    max_users: int | None = None

    @model_validator(mode="after")
    def _check_layout(self) -> Self:
        if self.n < 1:
            raise ConfigError(f"--n must be at least 1, got {self.n}")
        if self.shard_size < 1:
            raise ConfigError(f"--shard-size must be at least 1, got {self.shard_size}")
        if self.max_users is not None and self.max_users < 1:
            raise ConfigError(f"--max-users must be at least 1, got {self.max_users}")
        return self

    def fingerprint(self) -> dict[str, Any]:
        """The settings that decide the output, as recorded in the manifest (JSON values)."""
        record = self.model_dump()
        del record["out"]
        record["data"] = _source_name(self.data)
        if self.recommender is not None:
            record["recommender"] = str(Path(self.recommender).expanduser().resolve())
        record["prefer"], record["exclude"] = list(self.prefer), list(self.exclude)
        return record


@dataclass(frozen=True)
class EngineOptions:
    """How a job runs; free to change between a run and its resumption.

    Parameters
    ----------
    engine : ``local`` (a process pool on this machine) or ``ray`` (Ray Data on a cluster).
    workers : processes (local) or actors (ray); ``None``: one per CPU core.
    address : the Ray cluster (``host:port``, ``auto``); ``None`` starts a local Ray.
    concurrency : explanations requested at once per worker (model-server backends).
    ray_resources : custom Ray resources each actor needs (``{"llm_node": 1}``).
    ray_num_cpus : CPUs each Ray actor reserves.
    progress : a tqdm bar on stderr.
    """

    engine: str = "local"
    workers: int | None = None
    address: str | None = None
    concurrency: int = 1
    ray_resources: dict[str, float] = field(default_factory=dict)
    ray_num_cpus: float = 1.0
    progress: bool = False

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ConfigError(f"unknown engine {self.engine!r}; choose from {', '.join(ENGINES)}")
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency}")
        if self.address is not None and self.engine != "ray":
            raise ConfigError("--address only applies to --engine ray")

    @property
    def n_workers(self) -> int:
        """``workers``, or the CPU cores this process may use."""
        return self.workers or available_cores()


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs besides the data and the model (picklable, small)."""

    n: int
    explain: ExplainSettings
    k_anonymity: int
    concurrency: int = 1
    #: llamacpp: the cores of this worker's model
    threads: int | None = None


def worker_spec(config: BatchConfig, options: EngineOptions) -> WorkerSpec:
    """The worker's share of ``config``: backend options sized to one worker's cores."""
    # each worker runs its own model: split the machine's cores between the local processes;
    # a Ray actor uses the CPUs it reserved
    threads = (max(1, int(options.ray_num_cpus)) if options.engine == "ray"
               else max(1, available_cores() // options.n_workers))
    return WorkerSpec(n=config.n, explain=config.explain_settings(),
                      k_anonymity=config.k_anonymity, concurrency=options.concurrency,
                      threads=threads)


def available_cores() -> int:
    """CPU cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _source_name(source: str) -> str:
    if source == "demo":
        return source
    return str(Path(source).expanduser().resolve())
