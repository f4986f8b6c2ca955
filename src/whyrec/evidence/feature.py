"""A shared feature: a catalog feature the item shares with the person's history."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import Evidence, TextField


@dataclass(slots=True)
class SharedFeature(Evidence):
    """A catalog feature (category, tag, brand, genre) the item shares with the person's history."""

    kind: ClassVar[str] = "shared_feature"
    id_prefix: ClassVar[str] = "feature"
    priority: ClassVar[int] = 3
    label: ClassVar[str] = "shared features"
    text_fields: ClassVar[tuple[TextField, ...]] = (
        TextField("value", limit=40, translated=True),)
    feature: str  # "category" | "tag" | "brand" | "genre"
    value: str
    history_count: int  # how many of the person's history items carry it
    history_item_ids: tuple[str, ...] = ()

    @staticmethod
    def make_id(feature: str, value: str) -> str:
        """The id names the feature and its value: ``feature:tag:running``."""
        return f"feature:{feature}:{value.lower()}"

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.value, translations.get(self.value, self.value)]

    def counts(self, translations: Mapping[str, str]) -> dict[str, list[str]]:
        return {str(self.history_count):
                list({self.value, translations.get(self.value, self.value)})}

    def rekeyed(self) -> Self:
        return dataclasses.replace(self, id=self.make_id(self.feature, self.value))

    def numbers(self) -> tuple[float, ...]:
        return (self.history_count,)

    def describe(self) -> str:
        items = "history item" if self.history_count == 1 else "history items"
        return f"shares {self.feature} {self.value!r} with {self.history_count} {items}"

    @classmethod
    def example(cls) -> Self:
        return cls(id=cls.make_id("tag", "heist"), feature="tag", value="heist",
                   history_count=3, history_item_ids=("9", "12", "30"))
