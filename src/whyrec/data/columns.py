"""Which source column holds which canonical column: ``column_map``, own names and aliases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from whyrec.data.dataset import (
    INTERACTION_COLUMNS,
    ITEM_COLUMNS,
    OPTIONAL_INTERACTION_COLUMNS,
    USER_COLUMNS,
)

#: Other names accepted for each canonical column, compared lower-case without spaces, "_" or "-"
#: (so "userId", "User ID" and "user_id" are all ``user_id`` already).
ALIASES: dict[str, tuple[str, ...]] = {
    "user_id": ("user", "customerid", "customer", "visitorid", "readerid"),
    "item_id": ("item", "movieid", "productid", "product", "asin", "sku", "newsid", "articleid"),
    "event": ("eventtype", "action", "interactiontype"),
    "rating": ("stars",),
    "timestamp": ("time", "ts", "datetime", "eventtime", "date"),
    "title": ("name", "productname", "itemname", "headline"),
    "category": ("genre", "maincategory"),
    "tags": ("keywords", "labels"),
    "description": ("desc", "abstract"),
    "image_url": ("image", "imageurl", "img", "picture", "thumbnail", "imurl"),
    "language": ("lang", "locale"),
    "review": ("reviewtext", "text", "reviewbody"),
}

ColumnMap = Mapping[str, str]
FILE_KINDS = ("interactions", "items", "users")
_KNOWN = frozenset(INTERACTION_COLUMNS + OPTIONAL_INTERACTION_COLUMNS + ITEM_COLUMNS
                   + USER_COLUMNS)


def split_column_map(
    column_map: Mapping[str, Any] | None,
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Per-file maps from a flat map, a nested one, or both.

    Flat keys (``{"user_id": "userId"}``) apply to every file; sections named ``interactions``,
    ``items`` or ``users`` apply to that file and win over flat keys.

    Examples
    --------
    >>> maps, _ = split_column_map({"user_id": "uid", "items": {"item_id": "Product ID"}})
    >>> maps["items"], maps["users"]
    ({'user_id': 'uid', 'item_id': 'Product ID'}, {'user_id': 'uid'})
    """
    flat: dict[str, str] = {}
    sections: dict[str, dict[str, str]] = {kind: {} for kind in FILE_KINDS}
    problems: list[str] = []
    for key, value in (column_map or {}).items():
        if key in FILE_KINDS and isinstance(value, Mapping):
            for canonical, column in value.items():
                if _check_key(canonical, f"column_map[{key!r}]", problems):
                    sections[key][canonical] = column
        elif _check_key(key, "column_map", problems):
            flat[key] = value
    return {kind: {**flat, **sections[kind]} for kind in FILE_KINDS}, problems


def _check_key(key: object, where: str, problems: list[str]) -> bool:
    if key in _KNOWN:
        return True
    problems.append(f"{where} has unknown column {key!r} (whyrec columns are: "
                    f"{', '.join(sorted(_KNOWN))})")
    return False


def resolve_columns(
    columns: Sequence[str],
    wanted: Sequence[str],
    column_map: ColumnMap | None,
    source: str,
) -> tuple[dict[str, str], list[str]]:
    """Find the source column for each wanted canonical column.

    Keys of ``column_map`` that are not in ``wanted`` are ignored, so one map can serve several
    files. A mapped column that is missing is a problem unless the canonical column is found
    under its own name or an alias (the map was then meant for another file).

    Examples
    --------
    >>> resolve_columns(["userId", "asin", "stars"], ["user_id", "item_id", "rating"], None, "x")
    ({'user_id': 'userId', 'item_id': 'asin', 'rating': 'stars'}, [])
    """
    column_map = column_map or {}
    found: dict[str, str] = {}
    problems: list[str] = []
    unmet: dict[str, str] = {}
    for canonical in wanted:
        if canonical not in column_map:
            continue
        target = column_map[canonical]
        if not isinstance(target, str):
            problems.append(f"{source}: column_map[{canonical!r}] must be a column name, "
                            f"got {target!r}")
        elif target in columns:
            found[canonical] = target
        else:
            unmet[canonical] = target
    by_key: dict[str, str] = {}
    for column in columns:
        if column not in found.values():
            by_key.setdefault(name_key(column), column)
    # own names first, so an alias of one column never steals another column's exact name
    passes: list[dict[str, tuple[str, ...]]] = [
        {c: (name_key(c),) for c in wanted}, {c: ALIASES.get(c, ()) for c in wanted},
    ]
    for keys_of in passes:
        for canonical in wanted:
            for key in keys_of[canonical]:
                match = by_key.get(key)
                if canonical not in found and match and match not in found.values():
                    found[canonical] = match
    for canonical, target in unmet.items():
        if canonical not in found:
            problems.append(f"{source}: column_map maps {canonical!r} to {target!r}, but there "
                            f"is no such column (columns are: {names(columns)})")
    return found, problems


def name_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def names(columns: Sequence[str], limit: int = 15) -> str:
    shown = ", ".join(str(column) for column in list(columns)[:limit])
    return shown + (f", ... ({len(columns)} in all)" if len(columns) > limit else "")


def missing_required(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    required: Sequence[str],
    source: str,
    column_map: ColumnMap | None,
) -> list[str]:
    problems = []
    for canonical in required:
        if canonical in columns or canonical in (column_map or {}):
            continue  # found, or the column_map message already explains it
        problems.append(f"{source}: missing required column {canonical!r} (columns are: "
                        f"{names(list(frame.columns))}); name it with "
                        f"column_map={{{canonical!r}: '<column>'}}")
    return problems
