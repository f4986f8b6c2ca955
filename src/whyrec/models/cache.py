"""Fitted recommenders kept under ``$WHYREC_HOME/recommenders`` so a restart does not refit.

``whyrec serve`` trains its recommender at start-up when no saved one is named; on the demo
shop that fit was the largest piece of start-up after the imports. :func:`fit_cached` keeps the
fitted model (saved as ``whyrec train`` saves one: ``arrays.npz`` + ``model.json``, never
pickled) in a folder named by a digest of everything the fit depends on:

- the data: every row and column of the dataset's interactions, catalog and people (and its
  reviews, translations and dislike settings), hashed as loaded, so a changed file, another
  folder with the same content or a forgotten person each give their own key;
- the algorithm, its parameters and ``min_history``;
- the code: whyrec's version, the source files of ``whyrec.models``, of ``whyrec.data.dataset``
  and of the algorithm's own module (a plug-in's too), and the versions of numpy, scipy, pandas
  and implicit.

A kept model is checked before it is used (it must load, and list exactly the dataset's people
and items); anything else (damaged, half-written by another process, of an older layout) is
deleted and the model fitted again. At most :data:`KEEP` models are kept (the least recently
used go). :func:`forget_user` deletes every kept model that lists a person (``whyrec forget``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from whyrec._version import __version__
from whyrec.data.dataset import Dataset
from whyrec.errors import ModelError
from whyrec.models.base import Recommender, algorithm_class
from whyrec.models.persist import META_FILE, mentions_user
from whyrec.store.engine import whyrec_home

log = logging.getLogger("whyrec.models")

#: how many fitted models are kept (each is about the size of its interaction matrix)
KEEP = 4
#: packages whose version can change what a fit gives
PACKAGES = ("numpy", "scipy", "pandas", "implicit")
#: kept models that a process is still writing start with this (never read as a model)
STAGING_PREFIX = "."


def cache_dir() -> Path:
    """``$WHYREC_HOME/recommenders``, where fitted models are kept."""
    return whyrec_home() / "recommenders"


def fit_cached(dataset: Dataset, algorithm: str, params: dict[str, Any] | None = None, *,
               progress: bool = False) -> Recommender:
    """``create(algorithm, **params).fit(dataset)``, or the same model kept by an earlier fit.

    A kept model that does not load or does not match ``dataset`` is deleted and refitted;
    a model that cannot be kept (read-only home, full disk) is still returned.
    """
    params = dict(params or {})
    cls = algorithm_class(algorithm)
    path = cache_dir() / model_key(dataset, cls, params)
    model = _load_kept(path, dataset, algorithm)
    if model is not None:
        log.info("using the %s recommender kept in %s", algorithm, path)
        return model
    model = cls(**params).fit(dataset, progress=progress)
    try:
        model.save(path, overwrite=True)
        _prune(keep=path)
    except (OSError, ModelError) as exc:  # keeping it is only a saving of time
        log.warning("could not keep the fitted recommender in %s: %s", path, exc)
    return model


def model_key(dataset: Dataset, cls: type[Recommender], params: dict[str, Any]) -> str:
    """The folder name of the model ``cls(**params)`` fitted on ``dataset`` (a hex digest)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(json.dumps({"algorithm": cls.algorithm, "params": params},
                             sort_keys=True, default=repr).encode())
    digest.update(dataset_digest(dataset))
    digest.update(code_digest(cls.__module__))
    return digest.hexdigest()


def dataset_digest(dataset: Dataset) -> bytes:
    """A digest of everything ``dataset`` holds that a fit can read."""
    digest = hashlib.blake2b(digest_size=20)
    frames: dict[str, pd.DataFrame | None] = {
        "interactions": dataset.interactions, "items": dataset.items, "users": dataset.users,
        "reviews": dataset._reviews}
    for name, frame in frames.items():
        digest.update(name.encode())
        if frame is None:
            continue
        digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
        digest.update(np.ascontiguousarray(
            pd.util.hash_pandas_object(frame, index=False).to_numpy()).tobytes())
    digest.update(json.dumps({
        "name": dataset.name, "domain": dataset.domain, "rating_scale": dataset.rating_scale,
        "dislike_threshold": dataset.dislike_threshold,
        "dislike_signal": dataset.dislike_signal, "translations": dataset.translations,
    }, sort_keys=True, default=repr).encode())
    return digest.digest()


@cache
def code_digest(module: str) -> bytes:
    """A digest of the code a fit runs: whyrec's version, the recommenders' sources, the
    algorithm's own module and the numeric packages' versions."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(__version__.encode())
    models = Path(__file__).resolve().parent
    sources = [*sorted(models.glob("*.py")), models.parent / "data" / "dataset.py"]
    own = getattr(sys.modules.get(module), "__file__", None)
    if own is not None:
        sources.append(Path(own).resolve())
    for source in dict.fromkeys(sources):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    for package in PACKAGES:
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} -".encode())
    return digest.digest()


def forget_user(user_id: str) -> int:
    """Delete every kept model that lists ``user_id`` (or cannot be read); how many went."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.iterdir()):
        if not path.is_dir():
            continue
        try:
            listed = mentions_user(path, str(user_id))
        except Exception:  # damaged: it cannot be shown not to list them
            listed = True
        if listed:
            shutil.rmtree(path)
            removed += 1
    return removed


def _load_kept(path: Path, dataset: Dataset, algorithm: str) -> Recommender | None:
    if not (path / META_FILE).is_file():
        return None
    try:
        model = Recommender.load(path)
        fits = (model.algorithm == algorithm
                and np.array_equal(model.user_ids, np.asarray(dataset.user_ids, dtype=str))
                and np.array_equal(model.item_ids, np.asarray(dataset.item_ids, dtype=str)))
    except Exception as exc:  # anything unreadable is refitted: the cache is only a copy
        log.warning("the kept recommender in %s cannot be used (%s: %s); fitting it again",
                    path, type(exc).__name__, exc)
        fits, model = False, None
    if not fits:
        shutil.rmtree(path, ignore_errors=True)
        return None
    os.utime(path)  # recently used: the last to be pruned
    return model


def _prune(*, keep: Path) -> None:
    """Delete all but the :data:`KEEP` most recently used models (``keep`` stays)."""
    kept = [p for p in cache_dir().iterdir()
            if p.is_dir() and not p.name.startswith(STAGING_PREFIX) and p != keep]
    kept.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEEP - 1:]:
        shutil.rmtree(old, ignore_errors=True)
