"""Item-kNN collaborative filtering: similarity from ``implicit.nearest_neighbours``."""

from __future__ import annotations

from typing import Any

from whyrec._native import quiet_implicit
from whyrec.data.dataset import Dataset
from whyrec.errors import ModelError
from whyrec.models.base import liked_part
from whyrec.models.similarity import ItemSimilarityRecommender
from whyrec.progress import stage_bar

WEIGHTINGS = ("cosine", "bm25", "tfidf")


class ItemKNNRecommender(ItemSimilarityRecommender):
    """Items people interacted with together; the K nearest neighbours of each item.

    Parameters
    ----------
    k : neighbours kept per item.
    weighting : ``cosine``, ``bm25`` or ``tfidf`` (how ``implicit`` weights co-occurrence).
    """

    algorithm = "itemknn"

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return {"k": 20, "weighting": "cosine", "bm25_k1": 1.2, "bm25_b": 0.75}

    def _fit(self, dataset: Dataset, *, progress: bool) -> None:
        from implicit.nearest_neighbours import (
            BM25Recommender,
            CosineRecommender,
            TFIDFRecommender,
        )

        weighting = self.params["weighting"]
        k = int(self.params["k"])
        if weighting == "cosine":
            model: Any = CosineRecommender(K=k, num_threads=0)
        elif weighting == "tfidf":
            model = TFIDFRecommender(K=k, num_threads=0)
        elif weighting == "bm25":
            model = BM25Recommender(
                K=k, K1=float(self.params["bm25_k1"]), B=float(self.params["bm25_b"]),
                num_threads=0,
            )
        else:
            raise ModelError(f"itemknn: weighting must be one of {', '.join(WEIGHTINGS)}")
        bar = stage_bar(progress, desc=f"training itemknn ({weighting})", total=1, unit="step")
        with quiet_implicit():  # co-liking, not co-seeing: dislikes make no item similar
            model.fit(liked_part(self.user_items), show_progress=False)
        if bar is not None:
            bar.update(1)
            bar.close()
        self._set_similarity(model.similarity)
