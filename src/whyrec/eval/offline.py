"""Offline evaluation: train on a split, rank for every held-out person, average the metrics."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from whyrec.data.dataset import Dataset
from whyrec.data.split import split_dataset
from whyrec.models.base import Recommender
from whyrec.models.metrics import hit_rate_at_k, ndcg_at_k, recall_at_k
from whyrec.models.registry import create
from whyrec.progress import progress_bar


def evaluate_model(
    model: Recommender, test: Mapping[str, set[str]], n_items: int, k: int = 10,
    *, progress: bool = False,
) -> dict[str, Any]:
    """Recall@K, NDCG@K, hit rate and catalog coverage of a fitted model on held-out items."""
    recalls, ndcgs, hits = [], [], []
    shown: set[str] = set()
    users = sorted(u for u in test if u in model.user_index)
    for user in progress_bar(users, enabled=progress, desc=f"eval {model.algorithm}"):
        ranked = model.recommend_ids(user, k)
        relevant = test[user]
        recalls.append(recall_at_k(ranked, relevant, k))
        ndcgs.append(ndcg_at_k(ranked, relevant, k))
        hits.append(hit_rate_at_k(ranked, relevant, k))
        shown.update(ranked)
    return {
        f"ndcg@{k}": float(np.mean(ndcgs)) if ndcgs else 0.0,
        f"recall@{k}": float(np.mean(recalls)) if recalls else 0.0,
        f"hit_rate@{k}": float(np.mean(hits)) if hits else 0.0,
        "coverage": len(shown) / n_items if n_items else 0.0,
        "n_users": len(users),
    }


def evaluate(
    dataset: Dataset,
    algorithm: str = "als",
    *,
    k: int = 10,
    split: str = "leave-last",
    n: int = 1,
    test_fraction: float = 0.2,
    params: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Split ``dataset``, fit ``algorithm`` on the training part and score it on the rest.

    Examples
    --------
    >>> evaluate(load_dataset("demo"), "itemknn", k=10)["ndcg@10"]      # doctest: +SKIP
    0.21
    """
    train, test = split_dataset(dataset, split, n=n, test_fraction=test_fraction)
    started = time.perf_counter()
    model = create(algorithm, **dict(params or {})).fit(train, progress=progress)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluate_model(model, test, dataset.n_items, k, progress=progress)
    return {
        "dataset": dataset.name, "algorithm": algorithm, "params": model.params,
        "split": split, "k": k, **result,
        "fit_seconds": round(fit_seconds, 3),
        "eval_seconds": round(time.perf_counter() - started, 3),
    }
