"""A trend: the item's recent popularity within its category."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import Evidence, Signal, TextField


@dataclass(slots=True)
class Trend(Evidence):
    """Recent popularity of the item within its category."""

    kind: ClassVar[str] = "trend"
    id_prefix: ClassVar[str] = "trend"
    priority: ClassVar[int] = 6
    label: ClassVar[str] = "trends"
    text_fields: ClassVar[tuple[TextField, ...]] = (
        TextField("category", limit=40, translated=True),)
    item_id: str
    category: str
    window_days: int
    recent_count: int
    rank_in_category: int

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.category, translations.get(self.category, self.category)]

    def signals(self) -> tuple[Signal, ...]:
        return (Signal("ranking", text=self.category, rank=self.rank_in_category,
                       numbers=(self.window_days,)),)

    def numbers(self) -> tuple[float, ...]:
        return (self.window_days, self.recent_count, self.rank_in_category)

    def describe(self) -> str:
        return (f"#{self.rank_in_category} in {self.category!r} over {self.window_days} days "
                f"({self.recent_count} interactions)")

    @classmethod
    def example(cls) -> Self:
        return cls(id="trend:7", item_id="7", category="Crime", window_days=30, recent_count=41,
                   rank_in_category=3)
