"""Free text: a fact in words, supplied by a caller (another recommender)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Self

from whyrec.evidence.base import Evidence, Signal, TextField

#: the values of ``FreeText.about``
FREE_TEXT_ABOUT = ("", "user", "item")


@dataclass(slots=True)
class FreeText(Evidence):
    """A fact in words, supplied by a caller (another recommender); worded as given, never typed.

    Its words and numbers count as support for the explanation, so callers own its truth.
    """

    kind: ClassVar[str] = "free_text"
    id_prefix: ClassVar[str] = "free"
    priority: ClassVar[int] = 2
    label: ClassVar[str] = "notes"
    text_fields: ClassVar[tuple[TextField, ...]] = (
        # a profile's sentence is often longer than 200 characters, and cut, the model copied
        # the cut part as a sentence ("Also, individuals who appreciate organic products…")
        TextField("text", limit=300, personal=True),)
    text: str
    source: str = "caller"
    #: whom the words describe: "user" (the person's tastes), "item" (the item), "" (either)
    about: str = ""
    #: why the words are not quoted ("" when they are): they do not read as a reason
    #: (``whyrec.privacy.reasons``: "addressed", "link", …). A withheld reason stays evidence,
    #: listed with this mark, but is neither worded, nor prompted, nor backs a model's text.
    withheld: str = ""

    def __post_init__(self) -> None:
        if self.about not in FREE_TEXT_ABOUT:
            raise ValueError(f'"about" must be one of {", ".join(map(repr, FREE_TEXT_ABOUT))}, '
                             f"got {self.about!r}")

    def to_dict(self) -> dict[str, Any]:
        data = Evidence.to_dict(self)
        for name in ("about", "withheld"):
            if not data[name]:
                del data[name]  # the usual case: records written before it existed read the same
        return data

    @property
    def supports_item(self) -> bool:
        return not self.withheld

    def vetted(self, judge: Callable[[str], str]) -> Self:
        """The fact marked :attr:`withheld` when ``judge`` finds its text is not a reason (it
        returns the fault, "" for none); whyrec's own words (chat's contrasts) are not judged."""
        if self.withheld or self.source == "whyrec":
            return self
        fault = judge(self.text)
        return replace(self, withheld=fault) if fault else self

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [] if self.withheld else [self.text]

    def signals(self) -> tuple[Signal, ...]:
        if self.withheld:
            return ()
        return (Signal("free_text", text=self.text, about=self.about),)

    def describe(self) -> str:
        said = f"{self.source} says: {self.text}"
        return f"{said} (not quoted: {self.withheld})" if self.withheld else said

    @classmethod
    def example(cls) -> Self:
        return cls(id="free:1", text="Bought together with running caps by 40% of shoppers")
