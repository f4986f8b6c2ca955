"""Progress bars on stderr (tqdm), off when asked or when nothing is long enough to show."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

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


def stage_bar(enabled: bool, *, desc: str, total: int, unit: str) -> Any:
    """A labelled tqdm bar on stderr for one long step ("training als: 3/15 iterations"), or
    None when not ``enabled``; the caller updates and closes it. Libraries' own bars carry no
    label ("0/15 it/s"), so whyrec draws its own."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=False, dynamic_ncols=True)
