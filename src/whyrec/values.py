"""Value types every layer may use: the vocabularies (languages, lengths, tones, feedback kinds),
the catalog details of an item, and the :class:`Style` of an explanation.

They sit at the bottom of the layer order (docs/architecture.md) so that the service's wire
schemas, the CLI's options, the verifier and the explainer all name the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from whyrec.errors import ConfigError
from whyrec.types import EVIDENCE_TYPES

Language = Literal["en", "zh"]
Length = Literal["short", "medium", "detailed"]
Tone = Literal["neutral", "friendly"]
#: what a person can say about an explanation (``whyrec.feedback.events.KINDS`` words each)
FeedbackKind = Literal["helpful", "not_helpful", "too_long", "too_short", "too_technical",
                       "not_relevant", "dont_mention", "more_about", "language",
                       "not_like_this", "comment"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
LENGTHS: tuple[Length, ...] = get_args(Length)
TONES: tuple[Tone, ...] = get_args(Tone)
FEEDBACK_KINDS: tuple[FeedbackKind, ...] = get_args(FeedbackKind)
#: older spelling kept working
LENGTH_ALIASES = {"long": "detailed"}
#: the most words (English) / characters (Chinese) a text of each length may have
MAX_WORDS = {"short": 30, "medium": 50, "detailed": 90}
MAX_CHARS = {"short": 60, "medium": 100, "detailed": 180}
#: how many facts each length words
FACTS_PER_LENGTH = {"short": 2, "medium": 3, "detailed": 5}


@dataclass(frozen=True)
class ItemDetails:
    """Catalog details of the recommended item that the model may mention."""

    title: str
    category: str | None = None
    brand: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None  # never shown to the model; used to catch copying


@dataclass(frozen=True)
class Style:
    """Length, tone and evidence preferences of one explanation request.

    ``prefer`` lists evidence kinds to lead with (in order); ``exclude`` lists kinds never to use.

    Examples
    --------
    >>> Style(length="short", prefer=("history_item",)).key()
    'short/neutral/+history_item/-'
    """

    length: str = "medium"
    tone: str = "neutral"
    prefer: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "length", LENGTH_ALIASES.get(self.length, self.length))
        if self.length not in LENGTHS:
            raise ConfigError(f"length must be one of {', '.join(LENGTHS)}, got {self.length!r}")
        if self.tone not in TONES:
            raise ConfigError(f"tone must be one of {', '.join(TONES)}, got {self.tone!r}")
        for kind in (*self.prefer, *self.exclude):
            if kind not in EVIDENCE_TYPES:
                raise ConfigError(f"unknown evidence kind {kind!r}; known: "
                                  f"{', '.join(EVIDENCE_TYPES)}")
        object.__setattr__(self, "prefer", tuple(self.prefer))
        object.__setattr__(self, "exclude", tuple(self.exclude))

    def key(self) -> str:
        """A short stable string for cache keys and records."""
        return (f"{self.length}/{self.tone}/+{','.join(self.prefer)}/"
                f"-{','.join(self.exclude)}")

    @property
    def max_words(self) -> int:
        return MAX_WORDS[self.length]

    @property
    def max_chars(self) -> int:
        return MAX_CHARS[self.length]

    @property
    def n_facts(self) -> int:
        return FACTS_PER_LENGTH[self.length]

    def order_key(self, kind: str) -> int:
        """Sort key putting preferred kinds first, in the order given."""
        return self.prefer.index(kind) if kind in self.prefer else len(self.prefer)
