"""Loading what a command or the service works on: the dataset a source names, a recommender
(saved, or trained now), the store. Shared by the CLI, the service and the benchmarks, so it sits
above the pipeline and below every interface (docs/architecture.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whyrec.data.dataset import Dataset
from whyrec.data.load import load_dataset
from whyrec.errors import ConfigError
from whyrec.models.base import Recommender
from whyrec.models.cache import fit_cached
from whyrec.models.registry import create
from whyrec.privacy.limits import contained
from whyrec.store import Store, open_store


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``("factors=32", "cf=als")`` -> ``{"factors": 32, "cf": "als"}``.

    Values are JSON when they parse as JSON, plain strings otherwise.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--param expects KEY=VALUE, got {pair!r}")
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


def load_data(source: str) -> Dataset:
    """``demo``, a MovieLens folder or a whyrec dataset folder (inside the allowed roots)."""
    return load_dataset(source if source == "demo" else contained(source, what="--data"))


def get_model(
    dataset: Dataset, algo: str, model_dir: Path | None, params: tuple[str, ...], progress: bool,
    *, keep: bool = False,
) -> Recommender:
    """Load ``model_dir`` when given (it must match the data), else train ``algo`` now; with
    ``keep``, the model is kept under ``$WHYREC_HOME/recommenders`` and a later call with the
    same data, algorithm, parameters and code loads it instead (:mod:`whyrec.models.cache`)."""
    if model_dir is not None:
        model = Recommender.load(model_dir)
        unknown = set(model.item_ids.tolist()) ^ set(dataset.item_ids.tolist())
        if unknown:
            raise ConfigError(
                f"model {model_dir} was trained on another catalog "
                f"({len(unknown)} items differ); pass the same --data it was trained on")
        return model
    if keep:
        return fit_cached(dataset, algo, parse_params(params), progress=progress)
    return create(algo, **parse_params(params)).fit(dataset, progress=progress)


def open_db(url: str | None) -> Store:
    """The store at ``url`` (default: ``$WHYREC_DB_URL``, else the SQLite file in the home)."""
    return open_store(url)
