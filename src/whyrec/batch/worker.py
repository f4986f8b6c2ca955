"""One worker's state and work: a pipeline built once, then one shard after another.

The same ``ShardRunner`` serves both engines: a local pool process builds one in its
initializer, a Ray actor in its constructor; neither rebuilds it per shard.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

from whyrec.batch.config import WorkerSpec
from whyrec.batch.shards import ShardResult, ShardSpec, ShardTable
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.pipeline import Pipeline, make_explainer

#: users scored and enriched together (one matrix product each)
SCORE_CHUNK = 128


class ShardRunner:
    """Recommends and explains for the users of a shard; built once per worker.

    Parameters
    ----------
    dataset : the data the model was trained on (evidence, vocabulary, languages).
    model : the trained recommender.
    spec : backend and style settings.
    node : a label for the machine running it, recorded in the shard's counts.

    Examples
    --------
    >>> runner = ShardRunner(dataset, model, spec)                    # doctest: +SKIP
    >>> runner.run(ShardSpec(0, ("u0001", "u0002"))).stats.users       # doctest: +SKIP
    2
    """

    def __init__(self, dataset: Dataset, model: Recommender, spec: WorkerSpec,
                 node: str = "") -> None:
        self.spec = spec
        self.node = node or socket.gethostname()
        # no explanation cache: shards are the record, and workers must not contend for one
        # SQLite file
        explainer = make_explainer(spec.explain, dataset, threads=spec.threads,
                                   parallel=spec.concurrency)
        self.pipeline = Pipeline(dataset, model, explainer, k_anonymity=spec.k_anonymity)
        # the person's language, looked up once (Dataset.user_language scans the people table)
        users = dataset.users
        self._languages = {str(u): str(lang) for u, lang in
                           zip(users["user_id"].tolist(), users["language"].tolist(),
                               strict=True) if isinstance(lang, str) and lang}

    def run(self, shard: ShardSpec) -> ShardResult:
        """Recommend and explain for every user of ``shard``; the rows as Parquet bytes."""
        started = time.perf_counter()
        table = ShardTable(uses_model=self.pipeline.explainer.backend.uses_model)
        spec = self.spec
        for user, recs in self.pipeline.recommend_many(shard.users, spec.n,
                                                       chunk_size=SCORE_CHUNK):
            language = spec.explain.language or self._languages.get(user, "en")
            explanations = self.pipeline.explain(recs, language=language,
                                                 workers=spec.concurrency)
            table.add_user(zip(recs, explanations, strict=True))
        payload = table.to_parquet()
        table.stats.compute_s = time.perf_counter() - started
        table.stats.node = self.node
        return ShardResult(shard.index, payload, table.stats)

    def close(self) -> None:
        """Release the backend (servers, connections)."""
        self.pipeline.close()


# --- the local engine's pool processes ------------------------------------------------------
_runner: ShardRunner | None = None


def init_pool_worker(data: str, model_dir: str, spec: WorkerSpec) -> None:
    """Pool initializer: load the data and the saved model once for this process."""
    global _runner
    from whyrec.data.load import load_dataset

    dataset = load_dataset(data)
    model = Recommender.load(Path(model_dir))
    _runner = ShardRunner(dataset, model, spec)


def run_in_pool_worker(shard: ShardSpec) -> ShardResult:
    """Pool task: one shard with this process's runner."""
    if _runner is None:
        raise RuntimeError("pool worker used before init_pool_worker")
    return _runner.run(shard)


def describe(value: Any) -> str:
    """A short, safe description of an exception for one-line messages."""
    text = str(value).strip().splitlines()
    return f"{type(value).__name__}: {text[0] if text else ''}"
