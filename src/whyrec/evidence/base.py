"""The evidence contract: what a fact is, and what every kind of fact must say about itself.

A fact is a small typed record with a stable ``id``. Everything that handles facts — the prompt,
the template wording, paraphrases for fine-tuning, PII scrubbing, the verifier's support, the
terminal — asks the fact instead of testing its class:

========================  ========================================================================
``kind``, ``id_prefix``    its name in JSON and the prefix of its ids (``"hist"`` in ``hist:42``)
``priority``               the order facts are worded and kept in (lower first) when the style
                           states no preference
``label``                  what the kind is called to a person ("your own history")
``text_fields``            the strings it carries (:class:`TextField`): what scrubbing and
                           quoting clean, with each one's prompt length and whether a person wrote
                           it (names are then scrubbed too)
``citing_terms()``         the words that, found in a text, show the text cites it
``describe()``             one line for people checking why an item ranked (CLI)
``example()``              a representative fact (the contract test runs every kind through the
                           template, the prompt, scrubbing, the verifier and the CLI with it)
========================  ========================================================================

and, with defaults that suit most kinds: ``contribution`` (its share of the score),
``supports_item`` (whether it is worded as a reason at all), ``items()`` (the catalog items it
names by title), ``counts()`` ("N of your items" figures it states) and ``rekeyed()`` (for kinds
whose id is made from their text). :func:`register_kind` refuses a kind that lacks any of the
required ones. A new kind is its own module plus its template wording
(``whyrec.explanation.templates.register_wording``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Self, TypeVar

#: what every kind must define itself (class attributes and methods)
REQUIRED = ("kind", "id_prefix", "priority", "label", "text_fields", "citing_terms", "describe",
            "example")


@dataclass(frozen=True, slots=True)
class TextField:
    """One string a fact carries.

    ``limit`` is the longest it is quoted in a prompt; ``personal`` marks text a person or a
    caller wrote (stated preferences, free text): scrubbing removes names from it as well,
    while catalog text (titles, tags) keeps them; ``translated`` marks catalog words the dataset
    may translate (categories, tags), so the translation cites the fact too.
    """

    name: str
    limit: int = 120
    personal: bool = False
    translated: bool = False


#: the longest a title is quoted in a prompt: as long as the catalog keeps one whole
#: (``data.catalog_text.TITLE_LIMIT``), since a model copies the name it is shown, and a name
#: cut in the prompt ("… endless tone ben…") is one the verifier cannot tell from an invented one
TITLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A catalog item a fact names: one of the person's own (``history``) or another one."""

    item_id: str
    title: str
    role: Literal["history", "other"]


@dataclass(frozen=True, slots=True)
class Signal:
    """What a fact lets a text claim beyond its words; the verifier's claim checks read these.

    ``history``: the person did ``event`` with ``title`` (and rated it ``rating``, on a 5-point
    scale); ``item_rating``: the recommended item's mean rating (5-point scale); ``stated``: the
    person said ``text``; ``free_text``: a caller's reason in words (paraphrases of it pass);
    ``ranking``: the item ranks ``rank`` in its category ``text`` (so "top 3" may be said);
    ``share``: ``rating`` per cent of the people with ``title`` also had the item (so "about
    half" may be said); ``people``: how many people had or rated the item.
    """

    kind: Literal["history", "item_rating", "stated", "free_text", "ranking", "share", "people"]
    title: str = ""
    event: str | None = None
    rating: float | None = None
    text: str = ""
    #: ``ranking``: the item's place in ``text`` (its category) over a recent window
    rank: int | None = None
    #: ``share`` / ``people``: the counts of people the fact states; ``ranking``: its window
    #: in days
    numbers: tuple[float, ...] = ()
    #: ``free_text``: whom its words describe: ``"user"`` (the person's tastes: they back what
    #: a text says of the person, never an attribute of the item), ``"item"``, or ``""``
    about: str = ""


def on_five_point_scale(rating: float | None, scale: float | None = None) -> float | None:
    """A rating moved to a 1-5 scale (10-point and 100-point scales are recognised by value)."""
    if rating is None:
        return None
    scale = scale or (100.0 if rating > 10 else 10.0 if rating > 5 else 5.0)
    return rating * 5.0 / scale


#: how a text field is cleaned: the value and the field it came from -> the cleaned value
Cleaner = Callable[[str, TextField], str]

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return _FIELD_NAMES[cls]


@dataclass(slots=True)
class Evidence:
    """Base class of every fact. ``id`` is stable: the same fact gets the same id on every run.

    ``contribution`` is this fact's additive share of the recommendation score; facts that do not
    enter the score (catalog features, statistics) have ``contribution == 0``.
    """

    kind: ClassVar[str]
    id_prefix: ClassVar[str]
    priority: ClassVar[int]
    label: ClassVar[str]
    text_fields: ClassVar[tuple[TextField, ...]]
    id: str

    @property
    def contribution(self) -> float:
        return 0.0

    @property
    def supports_item(self) -> bool:
        """Whether the fact argues for the item, so it may be worded as a reason."""
        return True

    def citing_terms(self, translations: Mapping[str, str]) -> list[str]:
        """The words whose presence in a text shows it cites this fact."""
        raise NotImplementedError(f"{type(self).__name__} does not say what cites it")

    def stating_numbers(self) -> list[str]:
        """Numbers of which a text must also give one to *state* this fact, not merely name
        what it is about (a cohort is named by its anchor title, which a history fact names
        too); empty: its citing terms suffice."""
        return []

    def describe(self) -> str:
        """One line for people checking why a model ranked an item (the terminal's fact list)."""
        raise NotImplementedError(f"{type(self).__name__} does not describe itself")

    @classmethod
    def example(cls) -> Self:
        """A representative fact of this kind."""
        raise NotImplementedError(f"{cls.__name__} has no example")

    def items(self) -> tuple[ItemRef, ...]:
        """The catalog items this fact names by title."""
        return ()

    def signals(self) -> tuple[Signal, ...]:
        """What the fact lets a text claim about events, ratings and statements."""
        return ()

    def numbers(self) -> tuple[float, ...]:
        """The numbers the fact states (a text may say any of them, however it is worded)."""
        return ()

    def counts(self, translations: Mapping[str, str]) -> dict[str, list[str]]:
        """"N of your items" figures the fact states, each with the words it is said of."""
        return {}

    def vetted(self, judge: Callable[[str], str]) -> Self:
        """The fact as it may be quoted: kinds that quote a caller's words as they are (free
        text) mark themselves withheld when ``judge`` (the text -> why it is no reason, "" when
        it is one) refuses them; others are returned as they are."""
        return self

    def rekeyed(self) -> Self:
        """The fact with its id made again from its text, for kinds whose id names their text
        (so that scrubbing the text scrubs the id too); others keep their id."""
        return self

    # --- text -----------------------------------------------------------------------------------
    def text_values(self) -> dict[str, str]:
        """The fact's text fields by name."""
        return {f.name: getattr(self, f.name) for f in self.text_fields}

    def with_text(self, clean: Cleaner) -> Self:
        """A copy with every text field passed through ``clean`` (``self`` when none changed);
        the id is kept, so the copy is still the same fact (what the prompt quotes)."""
        changes = {}
        for spec in self.text_fields:
            value = getattr(self, spec.name)
            new = clean(value, spec)
            if new != value:
                changes[spec.name] = new
        return dataclasses.replace(self, **changes) if changes else self

    def scrubbed(self, clean: Cleaner) -> Self | None:
        """The fact as it may be kept: every text field passed through ``clean``, the id made
        again when it names the text, and ``None`` when cleaning emptied a field that had
        text (the fact was nothing but what was removed)."""
        emptied = False

        def checked(value: str, spec: TextField) -> str:
            nonlocal emptied
            if not value:
                return value
            new = clean(value, spec)
            emptied |= not new
            return new

        new = self.with_text(checked)
        if emptied:
            return None
        return new if new is self else new.rekeyed()

    # --- JSON -----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        # facts are flat (numbers, strings, tuples of strings): a shallow copy is what
        # ``asdict`` would give, without its deep copy (it dominated serving recommendations)
        data = {name: getattr(self, name) for name in _field_names(type(self))}
        data["kind"] = self.kind
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The fact from :meth:`to_dict` output (unknown keys ignored; JSON lists as tuples)."""
        names = _field_names(cls)
        kwargs: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                  for k, v in data.items() if k in names}
        return cls(**kwargs)


#: every registered kind by name, in registration order (the built-in kinds first)
EVIDENCE_TYPES: dict[str, type[Evidence]] = {}

E = TypeVar("E", bound=type[Evidence])


def missing_behaviour(cls: type[Evidence]) -> list[str]:
    """The required attributes and methods (:data:`REQUIRED`) ``cls`` does not define."""
    own = cls.__mro__[: cls.__mro__.index(Evidence)]
    return [name for name in REQUIRED if not any(name in vars(k) for k in own)]


def register_kind(cls: E) -> E:
    """Make ``cls`` a kind of evidence (a class decorator): JSON, styles and every consumer
    know it from then on. Refuses a kind that lacks a required behaviour or takes a name or id
    prefix another kind has."""
    missing = missing_behaviour(cls)
    if missing:
        raise TypeError(f"evidence kind {cls.__name__} lacks {', '.join(missing)}")
    for other in EVIDENCE_TYPES.values():
        if other is not cls and cls.kind == other.kind:
            raise ValueError(f"evidence kind {cls.kind!r} is already {other.__name__}")
        if other is not cls and cls.id_prefix == other.id_prefix:
            raise ValueError(f"id prefix {cls.id_prefix!r} is already {other.__name__}'s")
    EVIDENCE_TYPES[cls.kind] = cls
    return cls


def unregister_kind(kind: str) -> None:
    """Forget a registered kind (for tests that plug one in for a while)."""
    EVIDENCE_TYPES.pop(kind, None)


def evidence_from_dict(data: Mapping[str, Any]) -> Evidence:
    """Rebuild an evidence fact from ``Evidence.to_dict`` output."""
    return EVIDENCE_TYPES[data["kind"]].from_dict(data)


def kind_of_id(fact_id: str) -> str | None:
    """The kind a fact id names by its prefix (``"hist:42"`` -> ``"history_item"``)."""
    prefix = fact_id.split(":", 1)[0]
    for cls in EVIDENCE_TYPES.values():
        if cls.id_prefix == prefix:
            return cls.kind
    return None
