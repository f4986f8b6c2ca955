"""One worker's state and work: a pipeline built once, then one shard after another.

The same ``ShardRunner`` serves both engines: a local pool process builds one in its
initializer, a Ray actor in its constructor; neither rebuilds it per shard.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from whyrec.batch.config import WorkerSpec
from whyrec.batch.output import write_shard
from whyrec.batch.shards import ShardResult, ShardSpec, ShardTable
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.pipeline import Pipeline, make_explainer
from whyrec.privacy.pii import load_scrubber

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

    def warm(self, users: Sequence[str]) -> None:
        """Explain for ``users`` and drop the result: what explaining builds on first use (the
        evidence indexes' lazy parts, the wordings, the verifier's lookups, Presidio's
        recognisers when the catalog's text needs them) is built now. The driver does this
        before it forks a pool, so the processes share one copy instead of each building its
        own. Nothing it builds changes what is written: a shard's rows are the same whichever
        process, after whichever shards, writes them."""
        if _needs_presidio(self.pipeline.dataset):
            load_scrubber()
        for user, recs in self.pipeline.recommend_many(users, self.spec.n,
                                                       chunk_size=SCORE_CHUNK):
            language = self.spec.explain.language or self._languages.get(user, "en")
            self.pipeline.explain(recs, language=language, workers=self.spec.concurrency)

    def close(self) -> None:
        """Release the backend (servers, connections)."""
        self.pipeline.close()


# --- the local engine's pool processes ------------------------------------------------------
_runner: ShardRunner | None = None
#: where pool processes write their shards (``None``: they send the bytes back)
_out: Path | None = None
#: what a forked pool process inherits from the driver: a ready runner, or the loaded data
#: and model to build one from (set by the driver just before it forks)
_inherited: tuple[Dataset, Recommender, WorkerSpec, ShardRunner | None] | None = None


def init_pool_worker(data: str, model_dir: str, spec: WorkerSpec, out: str | None) -> None:
    """Pool initializer (``spawn``): load the data and the saved model once for this process."""
    global _runner, _out
    from whyrec.data.load import load_dataset

    dataset = load_dataset(data)
    model = Recommender.load(Path(model_dir))
    _runner = ShardRunner(dataset, model, spec)
    _out = None if out is None else Path(out)


def init_forked_worker(out: str | None) -> None:
    """Pool initializer (``fork``): the driver's loaded data and model, shared page by page
    (copy-on-write) instead of loaded again; its runner too when it made one."""
    global _runner, _out
    if _inherited is None:
        raise RuntimeError("forked pool worker without the driver's data")
    dataset, model, spec, runner = _inherited
    _runner = runner if runner is not None else ShardRunner(dataset, model, spec)
    _out = None if out is None else Path(out)


def run_in_pool_worker(shard: ShardSpec) -> ShardResult:
    """Pool task: one shard with this process's runner, written here when the driver said
    where (only its counts and checksum go back)."""
    if _runner is None:
        raise RuntimeError("pool worker used before init_pool_worker")
    result = _runner.run(shard)
    return result if _out is None else write_shard(_out, result)


def _needs_presidio(dataset: Dataset | None) -> bool:
    """Whether some catalog text will likely be scrubbed with Presidio's recognisers (what
    :meth:`~whyrec.privacy.pii.PiiScrubber.find` asks them for: an ``@``, or six digits)."""
    if dataset is None:
        return False
    items = dataset.items
    for column in ("title", "category", "brand", "description", "tags"):
        if column not in items.columns:
            continue
        values = items[column]
        if column == "tags":
            values = values.map(lambda tags: " ".join(tags) if tags else "")
        text = values.fillna("").astype(str)
        if bool((text.str.contains("@", regex=False)
                 | (text.str.count(r"\d") >= 6)).any()):
            return True
    return False


def describe(value: Any) -> str:
    """A short, safe description of an exception for one-line messages."""
    text = str(value).strip().splitlines()
    return f"{type(value).__name__}: {text[0] if text else ''}"
