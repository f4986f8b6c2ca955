"""Popularity: the most-interacted items; the baseline every other model must beat."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender


class PopularityRecommender(Recommender):
    """Recommends what the most people interacted with; every person is a "cold start"."""

    algorithm = "popular"
    default_min_history = 2**31  # always answer from popularity, with its ItemQuality fact
    popularity_is_fallback = False

    def _fit(self, dataset: Dataset, *, progress: bool) -> None:
        return None

    def _scores(self, history: sparse.csr_matrix, state: Any) -> np.ndarray:
        return self.popularity.astype(np.float64)

    def _shares(
        self, history: sparse.csr_matrix, state: Any, item_rows: np.ndarray
    ) -> np.ndarray:
        return np.zeros((history.nnz, len(item_rows)))
