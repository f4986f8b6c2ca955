"""Content-based recommender: items similar in category, tags, brand and text.

Each item becomes a TF-IDF vector over catalog features; ``implicit``'s cosine k-NN builds the
item-item similarity, and scoring is the same exact weighted sum as item-kNN.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from whyrec._native import quiet_implicit
from whyrec.data.dataset import Dataset
from whyrec.models.similarity import ItemSimilarityRecommender

_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_STOP = frozenset({
    "the", "and", "for", "with", "from", "this", "that", "your", "you", "are", "was", "its",
    "our", "into", "out", "all", "not", "but", "has", "have", "new", "more", "most", "very",
})


def text_tokens(text: str) -> list[str]:
    """Latin words (3+ letters, no stop words) and Chinese character bigrams.

    >>> text_tokens("Trail running shoes 轻量跑鞋")
    ['trail', 'running', 'shoes', '轻量', '量跑', '跑鞋']
    """
    lowered = text.lower()
    words = [w for w in _WORD.findall(lowered) if w not in _STOP]
    for run in _CJK_RUN.findall(text):
        words.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return words


def item_features(items: pd.DataFrame, text_weight: float) -> tuple[list[str], sparse.csr_matrix]:
    """Features x items TF-IDF matrix and the feature names ("category:…", "tag:…", …)."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []

    def add(item: int, name: str, value: float) -> None:
        rows.append(vocabulary.setdefault(name, len(vocabulary)))
        cols.append(item)
        values.append(value)

    columns = zip(items["category"].tolist(), items["tags"].tolist(), items["brand"].tolist(),
                  items["title"].tolist(), items["description"].tolist(), strict=True)
    for item, (category, tags, brand, title, description) in enumerate(columns):
        if category:
            add(item, f"category:{str(category).lower()}", 1.0)
        for tag in tags:
            add(item, f"tag:{str(tag).lower()}", 1.0)
        if brand:
            add(item, f"brand:{str(brand).lower()}", 1.0)
        if text_weight > 0:
            for token in text_tokens(f"{title} {description}"):
                add(item, f"text:{token}", text_weight)
    matrix = sparse.csr_matrix(
        (values, (rows, cols)), shape=(len(vocabulary), len(items)), dtype=np.float64
    )
    matrix.sum_duplicates()
    # idf: rare features (a niche tag) say more than ubiquitous ones (a big category)
    document_frequency = np.diff(matrix.indptr)
    idf = np.log((1 + len(items)) / (1 + document_frequency)) + 1.0
    names = sorted(vocabulary, key=vocabulary.__getitem__)
    return names, sparse.csr_matrix(sparse.diags(idf) @ matrix)


class ContentRecommender(ItemSimilarityRecommender):
    """Recommends items whose catalog features resemble the person's history.

    Parameters
    ----------
    k : neighbours kept per item.
    text_weight : weight of title/description tokens relative to category, tags and brand.
    """

    algorithm = "content"

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return {"k": 100, "text_weight": 0.3}

    def _fit(self, dataset: Dataset, *, progress: bool) -> None:
        from implicit.nearest_neighbours import CosineRecommender

        _, features = item_features(dataset.items, float(self.params["text_weight"]))
        knn = CosineRecommender(K=int(self.params["k"]) + 1, num_threads=0)
        with quiet_implicit():
            knn.fit(features.tocsr(), show_progress=False)  # a moment; no unlabelled bar
        similarity = sparse.csr_matrix(knn.similarity)
        # an item is no reason for itself
        self._set_similarity(similarity - sparse.diags(similarity.diagonal()))
