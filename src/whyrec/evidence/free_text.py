"""Free text: a fact in words, supplied by a caller (another recommender)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
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
        TextField("text", limit=200, personal=True),)
    text: str
    source: str = "caller"
    #: whom the words describe: "user" (the person's tastes), "item" (the item), "" (either)
    about: str = ""

    def __post_init__(self) -> None:
        if self.about not in FREE_TEXT_ABOUT:
            raise ValueError(f'"about" must be one of {", ".join(map(repr, FREE_TEXT_ABOUT))}, '
                             f"got {self.about!r}")

    def to_dict(self) -> dict[str, Any]:
        data = Evidence.to_dict(self)
        if not self.about:
            del data["about"]  # the usual case: records written before it existed read the same
        return data

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        return [self.text]

    def signals(self) -> tuple[Signal, ...]:
        return (Signal("free_text", text=self.text, about=self.about),)

    def describe(self) -> str:
        return f"{self.source} says: {self.text}"

    def spoken_to_you(self, language: str) -> str:
        """The words as said to the person: a caller's profile of them in the third person
        ("This user is likely to enjoy …") becomes "You are likely to enjoy …", so that an
        explanation that speaks to "you" can use it as it stands. Only the leading subject is
        changed; other words, and words about the item, are kept."""
        if language != "en" or self.about == "item":
            return self.text
        return second_person(self.text)

    @classmethod
    def example(cls) -> Self:
        return cls(id="free:1", text="Bought together with running caps by 40% of shoppers")


#: "This user …" / "The user's …" at the start of a caller's sentence, and the word after it
_SUBJECT_RE = re.compile(
    r"^(?:this|the) (?:user|person|customer|shopper|reader|viewer|listener)\b('s)?(?:\s+(\w+))?",
    re.IGNORECASE)
#: verbs that change with the subject; others ("would", "may", "enjoyed") stay
_VERB_FORMS = {"is": "are", "was": "were", "has": "have", "does": "do"}
_THIRD_PERSON_S_RE = re.compile(r"^[a-z]+[^s]s$")


def second_person(text: str) -> str:
    """``text`` with a leading "This user" / "The user" subject turned into "You" ("Your" for
    "'s"), its verb agreeing ("is" -> "are", "enjoys" -> "enjoy")."""
    match = _SUBJECT_RE.match(text)
    if match is None:
        return text
    possessive, word = match.group(1), match.group(2) or ""
    if possessive:
        return f"Your {word}{text[match.end():]}".rstrip() if word else "Your" + text[match.end():]
    lower = word.lower()
    if lower in _VERB_FORMS:
        word = _VERB_FORMS[lower]
    elif _THIRD_PERSON_S_RE.match(lower) and not lower.endswith(("ous", "ss", "us", "is")):
        word = word[:-2] if lower.endswith(("shes", "ches", "sses", "xes", "zes")) else word[:-1]
    return f"You {word}{text[match.end():]}" if word else "You" + text[match.end():]

