"""A cohort: the share of people who had an anchor item and also the recommended one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import TITLE_CHARS, Evidence, ItemRef, Signal, TextField


@dataclass(slots=True)
class Cohort(Evidence):
    """Co-occurrence: share of people who interacted with ``anchor`` and also with the item.

    Only emitted when at least k distinct people back it (k-anonymity); with differential
    privacy on, both counts are noisy releases and ``approximate`` is true.
    """

    kind: ClassVar[str] = "cohort"
    id_prefix: ClassVar[str] = "cohort"
    priority: ClassVar[int] = 4
    label: ClassVar[str] = "what other people did"
    text_fields: ClassVar[tuple[TextField, ...]] = (TextField("anchor_title", limit=TITLE_CHARS),)
    anchor_item_id: str
    anchor_title: str
    co_count: int  # people with both the anchor and the recommended item
    anchor_count: int  # people with the anchor
    share: float  # co_count / anchor_count
    #: the counts carry differential-privacy noise: worded as "about 60%", never exactly
    approximate: bool = False

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.anchor_title]

    def stating_numbers(self) -> list[str]:
        # the share as worded (to the percent, or to the nearest ten when noisy) or a count
        return list(dict.fromkeys([str(round(self.share * 100)),
                                   str(max(1, round(self.share * 10) * 10)),
                                   str(self.anchor_count), str(self.co_count)]))

    def items(self) -> tuple[ItemRef, ...]:
        return (ItemRef(self.anchor_item_id, self.anchor_title, "other"),)

    def signals(self) -> tuple[Signal, ...]:
        # a noisy share is worded rounded (to the nearest 10 %): "approximate" widens the check
        counts = () if self.approximate else (self.co_count, self.anchor_count)
        return (Signal("share", title=self.anchor_title, rating=100 * self.share,
                       numbers=counts, text="approximate" if self.approximate else ""),)

    def numbers(self) -> tuple[float, ...]:
        percent = float(round(100 * self.share))
        return (percent,) if self.approximate else (self.co_count, self.anchor_count, percent)

    def describe(self) -> str:
        if self.approximate:
            return (f"about {self.share:.0%} of people with {self.anchor_title!r} also had it "
                    "(differential privacy: noisy counts)")
        return (f"{self.co_count} of {self.anchor_count} people with {self.anchor_title!r} "
                f"also had it ({self.share:.0%})")

    @classmethod
    def example(cls) -> Self:
        return cls(id="cohort:9:7", anchor_item_id="9", anchor_title="Heat (1995)", co_count=24,
                   anchor_count=60, share=0.4)
