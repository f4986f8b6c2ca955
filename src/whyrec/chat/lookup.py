"""Finding the item a person names ("why not Heat?"): by id, then by title."""

from __future__ import annotations

import numpy as np

from whyrec.data.dataset import Cached, Dataset

#: each item's title, normalised for matching, and how many people had it
TITLES: Cached[tuple[list[str], np.ndarray]] = Cached("chat: titles and popularity")


def find_item(dataset: Dataset, name: str) -> str | None:
    """The item ``name`` refers to: an id, an exact title (any case), a title that starts with
    it, then one that contains it; ties go to the item most people had. ``None`` if none.

    Examples
    --------
    >>> find_item(dataset, "heat")                                    # doctest: +SKIP
    '6'
    """
    query = " ".join(name.split()).casefold()
    if not query:
        return None
    if name in dataset.item_index:
        return name
    titles, popularity = _titles(dataset)
    for test in (str.__eq__, str.startswith, str.__contains__):
        rows = [row for row, title in enumerate(titles) if test(title, query)]
        if rows:
            best = max(rows, key=lambda row: (popularity[row], -row))
            return str(dataset.item_ids[best])
    return None


def _titles(dataset: Dataset) -> tuple[list[str], np.ndarray]:
    def make() -> tuple[list[str], np.ndarray]:
        titles = [" ".join(str(t).split()).casefold() for t in dataset.items["title"].tolist()]
        return titles, np.diff(dataset.user_items.tocsc().indptr)

    return dataset.cached(TITLES, make)
