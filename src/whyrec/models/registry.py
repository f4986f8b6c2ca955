"""Algorithms by name: ``create("als", factors=32)``."""

from __future__ import annotations

from typing import Any

from whyrec.errors import ConfigError
from whyrec.models.base import Recommender


def algorithms() -> dict[str, type[Recommender]]:
    """Every available algorithm by name."""
    from whyrec.models.als import ALSRecommender
    from whyrec.models.content import ContentRecommender
    from whyrec.models.hybrid import HybridRecommender
    from whyrec.models.itemknn import ItemKNNRecommender
    from whyrec.models.popular import PopularityRecommender

    classes: list[type[Recommender]] = [
        ALSRecommender, ItemKNNRecommender, ContentRecommender, PopularityRecommender,
        HybridRecommender,
    ]
    return {cls.algorithm: cls for cls in classes}


def get_algorithm(name: str) -> type[Recommender]:
    found = algorithms().get(name)
    if found is None:
        raise ConfigError(f"unknown algorithm {name!r}; choose from {', '.join(algorithms())}")
    return found


def create(name: str, **params: Any) -> Recommender:
    """A new, unfitted recommender.

    >>> create("itemknn", k=50).params["k"]
    50
    """
    return get_algorithm(name)(**params)
