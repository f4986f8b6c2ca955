"""Item quality: the recommended item's mean rating and how many people had it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import Evidence, Signal, TextField, on_five_point_scale


@dataclass(slots=True)
class ItemQuality(Evidence):
    """Aggregate quality of the recommended item: mean rating and how many people."""

    kind: ClassVar[str] = "item_quality"
    id_prefix: ClassVar[str] = "quality"
    priority: ClassVar[int] = 5
    label: ClassVar[str] = "ratings"
    text_fields: ClassVar[tuple[TextField, ...]] = ()  # numbers only
    item_id: str
    n_people: int
    mean_rating: float | None = None
    n_ratings: int = 0
    rating_scale: float | None = None  # 5.0 for 1..5 stars
    score_share: float = 0.0  # popularity models: the score *is* how many people

    @property
    def contribution(self) -> float:
        return self.score_share

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        # it is cited by the count it states: the raters, or else the people; or by its mean
        # rating as explanations write it ("its average rating is 4.9/5"), unless the mean
        # could be a person's own rating of a history item (a whole or half star)
        terms = [str(self.n_ratings or self.n_people)]
        if self.mean_rating is not None and self.n_ratings and (2 * self.mean_rating) % 1:
            terms.append(f"{self.mean_rating:.2f}".rstrip("0").rstrip("."))
        return terms

    def signals(self) -> tuple[Signal, ...]:
        people = Signal("people", numbers=(self.n_people, self.n_ratings))
        if self.mean_rating is None or not self.n_ratings:
            return (people,)
        return (people, Signal("item_rating", numbers=(round(self.mean_rating, 1),
                                                       round(self.mean_rating, 2)),
                               rating=on_five_point_scale(self.mean_rating, self.rating_scale)))

    def numbers(self) -> tuple[float, ...]:
        stated: list[float] = [self.n_people, self.n_ratings]
        if self.mean_rating is not None:
            stated += [round(self.mean_rating, 1), round(self.mean_rating, 2),
                       self.rating_scale or 5.0]
        return tuple(stated)

    def describe(self) -> str:
        text = f"{self.n_people} people"
        if self.mean_rating is not None:
            text += f", mean rating {self.mean_rating:g} from {self.n_ratings}"
        if self.score_share:
            text += f": share {self.score_share:+.4f}"
        return text

    @classmethod
    def example(cls) -> Self:
        return cls(id="quality:7", item_id="7", n_people=80, mean_rating=4.25, n_ratings=64,
                   rating_scale=5.0)
