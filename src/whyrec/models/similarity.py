"""Models that score an item as a weighted sum of its similarity to the person's history.

``score(i) = sum_j weight_j * similarity[j, i]`` — so each history item's share is exact.
item-kNN (co-occurrence similarity from ``implicit``) and content-based (catalog features) differ
only in how they build ``similarity``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from whyrec.models.base import Recommender
from whyrec.models.persist import csr_arrays, csr_from_arrays


class ItemSimilarityRecommender(Recommender):
    """Base for models defined by an items x items similarity matrix (row j contributes to i)."""

    similarity: sparse.csr_matrix
    reports_similarity = True

    def _set_similarity(self, similarity: Any) -> None:
        matrix = sparse.csr_matrix(similarity).astype(np.float64)
        matrix.eliminate_zeros()
        matrix.sort_indices()
        self.similarity = matrix

    def _scores(self, history: sparse.csr_matrix, state: Any) -> np.ndarray:
        return np.asarray((history @ self.similarity).todense(), dtype=np.float64).ravel()

    def _scores_many(self, histories: list[sparse.csr_matrix], states: list[Any]) -> np.ndarray:
        return np.asarray((sparse.vstack(histories).tocsr() @ self.similarity).toarray())

    def _shares(
        self, history: sparse.csr_matrix, state: Any, item_rows: np.ndarray
    ) -> np.ndarray:
        block = self.similarity[history.indices][:, item_rows].toarray()
        return block * history.data.astype(np.float64)[:, None]

    def _arrays(self) -> dict[str, np.ndarray]:
        return csr_arrays("similarity", self.similarity)

    def _restore(self, arrays: dict[str, np.ndarray]) -> None:
        self._set_similarity(csr_from_arrays("similarity", arrays))
