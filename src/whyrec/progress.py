"""Progress bars on stderr (tqdm), off when asked or when nothing is long enough to show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress_bar(
    items: Iterable[T], *, enabled: bool, desc: str = "", total: int | None = None
) -> Iterator[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``."""
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, desc=desc, total=total, unit="user", leave=False, dynamic_ncols=True)
