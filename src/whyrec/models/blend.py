"""Choosing the hybrid's blend weights on held-out data, so one default fits every catalog.

Content features help a shop with rich tags and hurt a film catalog with a handful of genres; the
right weights differ by an order of magnitude. ``choose_weights`` holds out each person's latest
item, fits the components once, and picks the grid point with the best NDCG@10.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from whyrec.data.dataset import Dataset
from whyrec.data.split import leave_last_n
from whyrec.models.als import ALSRecommender
from whyrec.models.base import Recommender
from whyrec.models.content import ContentRecommender
from whyrec.models.itemknn import ItemKNNRecommender
from whyrec.models.metrics import ndcg_at_k

#: the collaborative models a hybrid can blend
COLLABORATIVE: dict[str, type[Recommender]] = {
    "als": ALSRecommender, "itemknn": ItemKNNRecommender}
CONTENT_GRID = (0.0, 0.1, 0.3, 0.6)
POPULARITY_GRID = (0.0, 0.05, 0.2)
MAX_VALIDATION_PEOPLE = 300


def score_unit(scores: np.ndarray) -> float:
    """The median over people (rows) of their best score: a component's natural unit."""
    return max(float(np.median(scores.max(axis=1))), 1e-9)


def component_scores(model: Any, histories: Sequence[sparse.csr_matrix]) -> np.ndarray:
    states = [model._user_state(h) for h in histories]
    return np.asarray(model._scores_many(list(histories), states))


def median_top_score(model: Any, histories: Sequence[sparse.csr_matrix]) -> float:
    return score_unit(component_scores(model, histories))


def choose_weights(
    dataset: Dataset, cf: str, cf_params: dict[str, Any], content_params: dict[str, Any],
    cf_min_history: int,
) -> dict[str, Any]:
    """Best (content_weight, popularity_weight) for ``cf_weight = 1`` by validation NDCG@10.

    Returns the chosen weights and the whole grid's scores; ties go to the smaller weights.
    """
    train, test = leave_last_n(dataset, n=1, min_train=cf_min_history)
    people = sorted(u for u in test if u in train.user_index)
    if len(people) < 20:
        return {"chosen": None, "reason": f"only {len(people)} people to validate on"}
    step = max(1, len(people) // MAX_VALIDATION_PEOPLE)
    people = people[::step][:MAX_VALIDATION_PEOPLE]
    cf_model = COLLABORATIVE[cf](**cf_params).fit(train)
    content_model = ContentRecommender(**content_params).fit(train)
    histories = [cf_model.history_row(u) for u in people]
    parts = []
    for model in (cf_model, content_model):
        scores = component_scores(model, histories)
        parts.append(scores / score_unit(scores))
    popularity = cf_model.popularity / max(float(cf_model.popularity.max()), 1.0)
    seen = sparse.vstack(histories).tocsr()
    # every entry is seen, a dislike's explicit 0 too (``nonzero()`` would skip those)
    seen_rows = np.repeat(np.arange(seen.shape[0]), np.diff(seen.indptr))
    item_ids = cf_model.item_ids

    grid: list[dict[str, float]] = []
    for content_weight in CONTENT_GRID:
        for popularity_weight in POPULARITY_GRID:
            blend = parts[0] + content_weight * parts[1] + popularity_weight * popularity
            blend[seen_rows, seen.indices] = -np.inf
            top = np.argpartition(-blend, 9, axis=1)[:, :10]
            order = np.argsort(-np.take_along_axis(blend, top, axis=1), axis=1, kind="stable")
            ranked = np.take_along_axis(top, order, axis=1)
            ndcg = float(np.mean([ndcg_at_k(item_ids[r].tolist(), test[u], 10)
                                  for u, r in zip(people, ranked, strict=True)]))
            grid.append({"content_weight": content_weight,
                         "popularity_weight": popularity_weight, "ndcg@10": round(ndcg, 5)})
    best = max(grid, key=lambda g: (g["ndcg@10"], -g["content_weight"],
                                    -g["popularity_weight"]))
    return {"chosen": best, "n_people": len(people), "grid": grid}
