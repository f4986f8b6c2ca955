"""Build a validated ``Dataset`` from raw pandas frames (the step every file loader ends with)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from whyrec.data.columns import split_column_map
from whyrec.data.dataset import DOMAINS, Dataset, ValidationReport
from whyrec.data.validate import (
    check_references,
    normalize_interactions,
    normalize_items,
    normalize_users,
)
from whyrec.errors import ConfigError, ValidationError

#: Rating scales recognised from the data when none is given: the top rating actually used.
_KNOWN_SCALES = (5.0, 10.0)


def dataset_from_frames(
    interactions: pd.DataFrame | None,
    items: pd.DataFrame | None,
    users: pd.DataFrame | None = None,
    *,
    column_map: Mapping[str, Any] | None = None,
    event_weights: Mapping[str, float] | None = None,
    name: str = "dataset",
    domain: str = "ecommerce",
    rating_scale: float | None = None,
    item_language: str = "",
    translations: Mapping[str, Mapping[str, str]] | None = None,
    sources: Mapping[str, str] | None = None,
    problems: Sequence[str] = (),
    dislike_threshold: float | None = None,
    dislike_signal: str = "zero",
) -> Dataset:
    """Validate raw interactions, catalog and people frames and build a ``Dataset``.

    Parameters
    ----------
    interactions, items, users
        Raw frames with any column names that ``column_map`` or the aliases resolve. ``None``
        for interactions or items means the file could not be read (already in ``problems``).
    column_map
        ``{"user_id": "userId"}`` for every frame, or per frame:
        ``{"items": {"item_id": "Product ID"}}``; both may be mixed.
    event_weights
        Weight per event type, over the defaults (view 1, click 2, add_to_cart 3, purchase 5).
    rating_scale
        Top of the rating scale; when None and the highest rating is exactly 5 or 10, that.
    item_language
        Language for items that do not state one.
    translations
        Catalog words per language, ``{"zh": {"headphones": "耳机"}}``, kept on the Dataset.
    sources
        Names used in messages for ``"interactions"``, ``"items"`` and ``"users"`` (file names).
    problems
        Problems already found (unreadable files); they are reported together with the rest.
    dislike_threshold
        A latest rating at or below it is a dislike: never a reason, no weight in the models.
        Default: 40 % of the rating scale (2 of 5).
    dislike_signal
        What a dislike weighs in the models: ``"zero"`` (default) or ``"negative"``.

    Raises
    ------
    ValidationError
        With one message per problem, after checking every frame.
    ConfigError
        ``domain`` is not one of ``DOMAINS``.

    Examples
    --------
    >>> inter = pd.DataFrame({"user": ["a", "a", "b"], "item": ["x", "y", "x"],
    ...                       "event": ["view", "purchase", "click"]})
    >>> cat = pd.DataFrame({"item_id": ["x", "y"], "title": ["Tea", "茶壶"]})
    >>> data = dataset_from_frames(inter, cat)
    >>> data.user_items.toarray().tolist()
    [[1.0, 5.0], [2.0, 0.0]]
    """
    if domain not in DOMAINS:
        raise ConfigError(f"unknown domain {domain!r} (expected one of: {', '.join(DOMAINS)})")
    names = {"interactions": "interactions", "items": "items", "users": "users", **(sources or {})}
    maps, found = split_column_map(column_map)
    problems = [*problems, *found]
    report = ValidationReport()

    canonical = canonical_items = canonical_users = None
    if interactions is not None:
        canonical, found = normalize_interactions(
            interactions, maps["interactions"], event_weights, names["interactions"],
            report=report,
        )
        problems += found
    if items is not None:
        canonical_items, found = normalize_items(
            items, maps["items"], names["items"], report=report, language=item_language
        )
        problems += found
    if users is not None:
        canonical_users, found = normalize_users(users, maps["users"], names["users"],
                                                 report=report)
        problems += found
    if canonical is not None and canonical_items is not None and min(
        len(canonical), len(canonical_items)
    ):
        canonical, found = check_references(
            canonical, canonical_items, canonical_users, report=report,
            source=names["interactions"], catalog=names["items"],
        )
        problems += found
    if problems or canonical is None or canonical_items is None:
        raise ValidationError(problems or ["no interactions or items to load"])
    canonical, reviews = _split_reviews(canonical)
    return Dataset(
        canonical,
        canonical_items,
        canonical_users,
        name=name,
        domain=domain,
        rating_scale=rating_scale if rating_scale is not None else _infer_scale(canonical),
        report=report,
        translations={lang: dict(words) for lang, words in (translations or {}).items()},
        reviews=reviews,
        dislike_threshold=dislike_threshold,
        dislike_signal=dislike_signal,
    )


def _split_reviews(interactions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The canonical interactions and, apart, the non-empty reviews (the last one per pair)."""
    if "review" not in interactions:
        return interactions, None
    written = interactions[interactions["review"] != ""]
    if "timestamp" in written:
        written = written.sort_values("timestamp", kind="stable", na_position="first")
    reviews = written.drop_duplicates(["user_id", "item_id"], keep="last")
    reviews = reviews[["user_id", "item_id", "review"]].reset_index(drop=True)
    return interactions.drop(columns="review"), reviews


def _infer_scale(interactions: pd.DataFrame) -> float | None:
    ratings = interactions["rating"].to_numpy(dtype=np.float64)
    if not len(ratings) or np.isnan(ratings).all():
        return None
    top = float(np.nanmax(ratings))
    return top if top in _KNOWN_SCALES else None
