"""A preference: something the person said they care about (from the feedback store)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Self

from whyrec.evidence.base import Evidence, Signal, TextField


@dataclass(slots=True)
class Preference(Evidence):
    """Something the person said they care about (from the feedback store)."""

    kind: ClassVar[str] = "preference"
    id_prefix: ClassVar[str] = "pref"
    priority: ClassVar[int] = 1
    label: ClassVar[str] = "what you told us"
    text_fields: ClassVar[tuple[TextField, ...]] = (
        TextField("statement", limit=160, personal=True),)
    aspect: str
    statement: str

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.statement]

    def signals(self) -> tuple[Signal, ...]:
        return (Signal("stated", text=self.statement),)

    def describe(self) -> str:
        return f"said: {self.statement}"

    @classmethod
    def example(cls) -> Self:
        return cls(id="pref:genre", aspect="genre", statement="you like slow crime stories")
