"""A history item: something the person did that drove the score (an exact additive share)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import (
    TITLE_CHARS,
    Evidence,
    ItemRef,
    Signal,
    TextField,
    on_five_point_scale,
)


@dataclass(slots=True)
class HistoryItem(Evidence):
    """An item in the person's history that drove the score (exact additive share).

    ``n_items > 1`` marks the remainder fact: the summed share of the history items not listed
    one by one (``item_id`` and ``title`` are then empty).
    """

    kind: ClassVar[str] = "history_item"
    id_prefix: ClassVar[str] = "hist"
    priority: ClassVar[int] = 0
    label: ClassVar[str] = "your own history"
    text_fields: ClassVar[tuple[TextField, ...]] = (TextField("title", limit=TITLE_CHARS),)
    item_id: str
    title: str
    score_share: float
    similarity: float | None = None
    weight: float | None = None
    event: str | None = None
    rating: float | None = None
    n_items: int = 1

    @property
    def contribution(self) -> float:
        return self.score_share

    @property
    def supports_item(self) -> bool:
        # the remainder stands for many items, and a negative share argues against the item
        return bool(self.item_id) and self.score_share > 0

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.title]

    def items(self) -> tuple[ItemRef, ...]:
        if not (self.item_id or self.title):
            return ()
        return (ItemRef(self.item_id, self.title, "history"),)

    def signals(self) -> tuple[Signal, ...]:
        if not self.title or self.n_items > 1:
            return ()
        return (Signal("history", title=self.title, event=self.event,
                       rating=on_five_point_scale(self.rating)),)

    def numbers(self) -> tuple[float, ...]:
        if self.rating is None:
            return ()
        return (self.rating, 5.0 if self.rating <= 5 else 10.0)

    def describe(self) -> str:
        if self.n_items > 1:
            return f"{self.n_items} other history items: share {self.score_share:+.4f}"
        did = self.event or "history"
        if self.rating is not None:
            did += f" {self.rating:g}"
        return f"{did} {self.title!r}: share {self.score_share:+.4f}"

    @classmethod
    def example(cls) -> Self:
        return cls(id="hist:9", item_id="9", title="Heat (1995)", score_share=0.6,
                   similarity=0.4, event="rating", rating=5.0)
