"""ALS matrix factorisation (``implicit``) with exact, ranking-consistent explanations.

Ranking and evidence use the *same* user vector: the one ``implicit``'s ``explain()`` recomputes
from the person's history, ``x_u = A^-1 b`` with ``A = YᵀCᵤY + λI`` and ``b = YᵀCᵤpᵤ``.
Then ``score(i) = yᵢᵀA⁻¹b = Σⱼ cⱼ (yᵢᵀA⁻¹yⱼ)`` splits exactly into one share per history item
(Hu, Koren & Volinsky 2008, section 5). This is ``implicit``'s ``explain`` vectorised over items.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# with the module, not on first use: scipy.linalg loads scipy's own OpenBLAS, and the BLAS
# thread limit (whyrec._native) knows the libraries loaded when it is first used; loaded
# later, that OpenBLAS kept its thread pool and implicit warned on every fit
import scipy.linalg
from scipy import sparse

from whyrec._native import single_threaded_blas
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.progress import stage_bar

UserState = tuple[tuple[np.ndarray, bool], np.ndarray, np.ndarray, np.ndarray]


class ALSRecommender(Recommender):
    """Implicit-feedback ALS (Hu, Koren & Volinsky 2008) trained by ``implicit`` on the CPU.

    Parameters
    ----------
    factors, regularization, alpha, iterations, random_state : as in
        ``implicit.als.AlternatingLeastSquares``; confidence is ``alpha * weight``. A dislike
        (weight 0) has no confidence; a negative weight is a confident "not liked".
    """

    algorithm = "als"

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return {
            "factors": 64, "regularization": 0.05, "alpha": 1.0, "iterations": 15,
            "random_state": 42,
        }

    def implicit_model(self) -> Any:
        """A fresh, unfitted ``implicit`` model with this model's parameters."""
        from implicit.cpu.als import AlternatingLeastSquares

        return AlternatingLeastSquares(
            factors=int(self.params["factors"]),
            regularization=float(self.params["regularization"]),
            alpha=float(self.params["alpha"]),
            iterations=int(self.params["iterations"]),
            random_state=self.params["random_state"],
        )

    def _fit(self, dataset: Dataset, *, progress: bool) -> None:
        # implicit parallelises itself; a multi-threaded BLAS underneath only slows it down
        bar = stage_bar(progress, desc="training als", total=int(self.params["iterations"]),
                        unit="iteration")
        with single_threaded_blas():
            model = self.implicit_model()
            try:
                model.fit(self.user_items, show_progress=False,
                          callback=None if bar is None else lambda *_: bar.update(1))
            finally:
                if bar is not None:
                    bar.close()
        self._set_factors(np.asarray(model.item_factors), np.asarray(model.user_factors))

    def _set_factors(self, item_factors: np.ndarray, user_factors: np.ndarray) -> None:
        self.item_factors = item_factors.astype(np.float64)
        self.user_factors = user_factors.astype(np.float32)
        k = self.item_factors.shape[1]
        self._gram = self.item_factors.T @ self.item_factors + float(
            self.params["regularization"]
        ) * np.eye(k)

    def _user_state(self, history: sparse.csr_matrix) -> UserState:
        # as ``implicit`` reads a weight: > 0 liked with that confidence; 0 (a dislike) no
        # confidence at all; < 0 not liked with confidence |weight|; only likes enter b
        weight = float(self.params["alpha"]) * history.data.astype(np.float64)
        liked = self.item_factors[history.indices]
        a = self._gram + liked.T @ ((np.abs(weight) - 1.0)[:, None] * liked)
        confidence = np.maximum(weight, 0.0)
        b = liked.T @ confidence
        cho = scipy.linalg.cho_factor(a)
        user_vector = scipy.linalg.cho_solve(cho, b)
        return cho, user_vector, liked, confidence

    def _scores(self, history: sparse.csr_matrix, state: UserState) -> np.ndarray:
        return self.item_factors @ state[1]

    def _scores_many(self, histories: list[sparse.csr_matrix], states: list[Any]) -> np.ndarray:
        vectors = np.vstack([state[1] for state in states])
        return np.asarray(vectors @ self.item_factors.T)  # one matrix product for the chunk

    def _shares(
        self, history: sparse.csr_matrix, state: UserState, item_rows: np.ndarray
    ) -> np.ndarray:
        cho, _, liked, confidence = state
        weighted = scipy.linalg.cho_solve(cho, self.item_factors[item_rows].T)
        return np.asarray((liked @ weighted) * confidence[:, None])  # history x items

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"item_factors": self.item_factors, "user_factors": self.user_factors}

    def _restore(self, arrays: dict[str, np.ndarray]) -> None:
        self._set_factors(arrays["item_factors"], arrays["user_factors"])
