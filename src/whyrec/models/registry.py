"""Algorithms by name: ``create("als", factors=32)``.

Importing this module imports every built-in algorithm, so each has registered itself
(``Recommender.__init_subclass__``) by the time a name is looked up.
"""

from __future__ import annotations

from typing import Any

from whyrec.models.als import ALSRecommender
from whyrec.models.base import ALGORITHMS, Recommender, algorithm_class
from whyrec.models.content import ContentRecommender
from whyrec.models.hybrid import HybridRecommender
from whyrec.models.itemknn import ItemKNNRecommender
from whyrec.models.popular import PopularityRecommender

BUILT_IN: tuple[type[Recommender], ...] = (
    ALSRecommender, ItemKNNRecommender, ContentRecommender, PopularityRecommender,
    HybridRecommender)


def algorithms() -> dict[str, type[Recommender]]:
    """Every available algorithm by name (the built-in ones first, then any plug-in)."""
    return {**{cls.algorithm: cls for cls in BUILT_IN}, **ALGORITHMS}


def get_algorithm(name: str) -> type[Recommender]:
    return algorithm_class(name)


def create(name: str, **params: Any) -> Recommender:
    """A new, unfitted recommender.

    >>> create("itemknn", k=50).params["k"]
    50
    """
    return get_algorithm(name)(**params)
