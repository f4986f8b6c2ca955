"""Hybrid: a weighted sum of collaborative, content and popularity scores.

Each component's scores are divided by a scale measured at fit time (the median top score over
people), so weights mean the same whatever the components' units. Because the blend is linear,
the components' evidence shares, multiplied by the same coefficients, still sum to the score.
People with fewer than ``cf_min_history`` items get the content + popularity part only.
With ``auto_weights`` (the default) the content and popularity weights are chosen on held-out
data at fit time (``whyrec.models.blend``); the chosen values replace them in ``params``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from whyrec.data.dataset import Dataset
from whyrec.errors import ModelError
from whyrec.models.base import Recommender, liked_count
from whyrec.models.blend import COLLABORATIVE, choose_weights, median_top_score
from whyrec.models.content import ContentRecommender
from whyrec.types import ItemQuality, Recommendation


class HybridRecommender(Recommender):
    """Blend of a collaborative model (``cf``), the content model and popularity.

    Parameters
    ----------
    cf : ``als`` or ``itemknn``.
    cf_weight, content_weight, popularity_weight : blend weights (popularity may be 0).
    auto_weights : choose content and popularity weights by validation at fit time.
    cf_min_history : people with fewer history items skip the collaborative part.
    cf_params, content_params : parameters passed to the component models.
    """

    algorithm = "hybrid"

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return {
            "cf": "als", "cf_weight": 1.0, "content_weight": 0.3, "popularity_weight": 0.05,
            "cf_min_history": 3, "cf_params": {}, "content_params": {}, "auto_weights": True,
        }

    def _components(self) -> list[tuple[str, Recommender]]:
        return [("cf", self.cf_model), ("content", self.content_model)]

    def _fit(self, dataset: Dataset, *, progress: bool) -> None:
        if self.params["cf"] not in COLLABORATIVE:
            raise ModelError(f"hybrid: cf must be one of {', '.join(COLLABORATIVE)}")
        self.cf_model = COLLABORATIVE[self.params["cf"]](**self.params["cf_params"])
        self.content_model: Recommender = ContentRecommender(**self.params["content_params"])
        self.tuning: dict[str, Any] = {}
        if self.params["auto_weights"]:
            self.tuning = choose_weights(
                dataset, self.params["cf"], self.params["cf_params"],
                self.params["content_params"], int(self.params["cf_min_history"]))
            if self.tuning.get("chosen"):
                for key in ("content_weight", "popularity_weight"):
                    self.params[key] = self.tuning["chosen"][key]
        for _, model in self._components():
            model.fit(dataset, progress=progress)
        self._measure_scales()

    def _measure_scales(self) -> None:
        """Median best score per component over up to 200 people (deterministic sample)."""
        rng = np.random.default_rng(0)
        rows = rng.choice(self.user_items.shape[0], min(200, self.user_items.shape[0]),
                          replace=False)
        histories = [self.user_items[int(row)] for row in rows]
        scales = [median_top_score(model, histories) for _, model in self._components()]
        scales.append(max(float(np.max(self.popularity)), 1.0))
        self.scales = np.asarray(scales, dtype=np.float64)

    def _coefficients(self, history: sparse.csr_matrix) -> np.ndarray:
        weights = np.array([self.params["cf_weight"], self.params["content_weight"],
                            self.params["popularity_weight"]], dtype=np.float64)
        if liked_count(history) < int(self.params["cf_min_history"]):
            weights[0] = 0.0
        return weights / self.scales

    def _user_state(self, history: sparse.csr_matrix) -> Any:
        return [model._user_state(history) for _, model in self._components()]

    def _scores(self, history: sparse.csr_matrix, state: Any) -> np.ndarray:
        coef = self._coefficients(history)
        total = coef[2] * self.popularity
        for c, ((_, model), model_state) in enumerate(zip(self._components(), state, strict=True)):
            if coef[c] > 0:
                total = total + coef[c] * model._scores(history, model_state)
        return np.asarray(total, dtype=np.float64)

    def _shares(
        self, history: sparse.csr_matrix, state: Any, item_rows: np.ndarray
    ) -> np.ndarray:
        coef = self._coefficients(history)
        total = np.zeros((history.nnz, len(item_rows)))
        for c, ((_, model), model_state) in enumerate(zip(self._components(), state, strict=True)):
            if coef[c] > 0:
                total += coef[c] * model._shares(history, model_state, item_rows)
        return total

    def _scores_many(self, histories: list[sparse.csr_matrix], states: list[Any]) -> np.ndarray:
        coef = np.vstack([self._coefficients(h) for h in histories])  # people x components
        total = coef[:, 2:3] * self.popularity[None, :]
        for c, (_, model) in enumerate(self._components()):
            warm = np.flatnonzero(coef[:, c] > 0)
            if len(warm):
                part = model._scores_many([histories[k] for k in warm],
                                          [states[k][c] for k in warm])
                total[warm] += coef[warm, c : c + 1] * part
        return np.asarray(total, dtype=np.float64)

    def _recommendations(
        self, user_id: str, item_rows: np.ndarray, scores: np.ndarray, shares: np.ndarray,
        row: sparse.csr_matrix, max_shares: int,
    ) -> list[Recommendation]:
        recs = super()._recommendations(user_id, item_rows, scores, shares, row, max_shares)
        coef = self._coefficients(row)
        for rec, item in zip(recs, item_rows.tolist(), strict=True):
            rec.cold_start = bool(coef[0] == 0.0)  # too little history for the CF part
            if coef[2] > 0:  # popularity's part of the score, carried by its own fact
                rec.evidence.append(ItemQuality(
                    id=f"quality:{rec.item_id}", item_id=rec.item_id,
                    n_people=int(self.popularity[item]),
                    score_share=float(coef[2] * self.popularity[item]),
                ))
        return recs

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"scales": self.scales}

    def _restore(self, arrays: dict[str, np.ndarray]) -> None:
        self.scales = arrays["scales"]

    def _save_extra(self, directory: Path) -> None:
        self.cf_model.save(directory / "cf")
        self.content_model.save(directory / "content")

    def _load_extra(self, directory: Path) -> None:
        self.cf_model = Recommender.load(directory / "cf")
        self.content_model = Recommender.load(directory / "content")
