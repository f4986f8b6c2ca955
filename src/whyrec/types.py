"""Core value types: evidence facts, recommendations and explanations.

Evidence is the contract between the recommender and every explanation: each fact is typed, has a
stable id, and is JSON-serialisable with ``to_dict`` / ``evidence_from_dict``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Literal

EvidenceKind = Literal[
    "history_item", "shared_feature", "cohort", "item_quality", "trend", "preference",
    "free_text",
]


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return _FIELD_NAMES[cls]


@dataclass(slots=True)
class Evidence:
    """Base class of every fact. ``id`` is stable: the same fact gets the same id on every run.

    ``contribution`` is this fact's additive share of the recommendation score; facts that do not
    enter the score (catalog features, statistics) have ``contribution == 0``.
    """

    kind: ClassVar[EvidenceKind]
    id: str

    @property
    def contribution(self) -> float:
        return 0.0

    def to_dict(self) -> dict[str, Any]:
        # facts are flat (numbers, strings, tuples of strings): a shallow copy is what
        # ``asdict`` would give, without its deep copy (it dominated serving recommendations)
        data = {name: getattr(self, name) for name in _field_names(type(self))}
        data["kind"] = self.kind
        return data


@dataclass(slots=True)
class HistoryItem(Evidence):
    """An item in the person's history that drove the score (exact additive share).

    ``n_items > 1`` marks the remainder fact: the summed share of the history items not listed
    one by one (``item_id`` and ``title`` are then empty).
    """

    kind: ClassVar[EvidenceKind] = "history_item"
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


@dataclass(slots=True)
class SharedFeature(Evidence):
    """A catalog feature (category, tag, brand, genre) the item shares with the person's history."""

    kind: ClassVar[EvidenceKind] = "shared_feature"
    feature: str  # "category" | "tag" | "brand" | "genre"
    value: str
    history_count: int  # how many of the person's history items carry it
    history_item_ids: tuple[str, ...] = ()


@dataclass(slots=True)
class Cohort(Evidence):
    """Co-occurrence: share of people who interacted with ``anchor`` and also with the item.

    Only emitted when at least k distinct people back it (k-anonymity); with differential
    privacy on, both counts are noisy releases and ``approximate`` is true.
    """

    kind: ClassVar[EvidenceKind] = "cohort"
    anchor_item_id: str
    anchor_title: str
    co_count: int  # people with both the anchor and the recommended item
    anchor_count: int  # people with the anchor
    share: float  # co_count / anchor_count
    #: the counts carry differential-privacy noise: worded as "about 60%", never exactly
    approximate: bool = False


@dataclass(slots=True)
class ItemQuality(Evidence):
    """Aggregate quality of the recommended item: mean rating and how many people."""

    kind: ClassVar[EvidenceKind] = "item_quality"
    item_id: str
    n_people: int
    mean_rating: float | None = None
    n_ratings: int = 0
    rating_scale: float | None = None  # 5.0 for 1..5 stars
    score_share: float = 0.0  # popularity models: the score *is* how many people

    @property
    def contribution(self) -> float:
        return self.score_share


@dataclass(slots=True)
class Trend(Evidence):
    """Recent popularity of the item within its category."""

    kind: ClassVar[EvidenceKind] = "trend"
    item_id: str
    category: str
    window_days: int
    recent_count: int
    rank_in_category: int


@dataclass(slots=True)
class Preference(Evidence):
    """Something the person said they care about (from the feedback store)."""

    kind: ClassVar[EvidenceKind] = "preference"
    aspect: str
    statement: str


@dataclass(slots=True)
class FreeText(Evidence):
    """A fact in words, supplied by a caller (another recommender); worded as given, never typed.

    Its words and numbers count as support for the explanation, so callers own its truth.
    """

    kind: ClassVar[EvidenceKind] = "free_text"
    text: str
    source: str = "caller"


EVIDENCE_TYPES: dict[str, type[Evidence]] = {
    cls.kind: cls
    for cls in (HistoryItem, SharedFeature, Cohort, ItemQuality, Trend, Preference, FreeText)
}


def evidence_from_dict(data: dict[str, Any]) -> Evidence:
    """Rebuild an evidence fact from ``Evidence.to_dict`` output."""
    payload = dict(data)
    cls = EVIDENCE_TYPES[payload.pop("kind")]
    names = {f.name for f in fields(cls)}
    kwargs = {k: v for k, v in payload.items() if k in names}
    if "history_item_ids" in kwargs:
        kwargs["history_item_ids"] = tuple(kwargs["history_item_ids"])
    return cls(**kwargs)


@dataclass
class Recommendation:
    """One recommended item for one person, with the facts that explain it."""

    user_id: str
    item_id: str
    title: str
    score: float
    rank: int
    algorithm: str
    evidence: list[Evidence] = field(default_factory=list)
    cold_start: bool = False

    def evidence_total(self) -> float:
        """Sum of the score shares of all facts; equals ``score`` for additive models."""
        return float(sum(e.contribution for e in self.evidence))

    def to_dict(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "item_id": self.item_id,
            "title": self.title,
            "score": self.score,
            "rank": self.rank,
            "algorithm": self.algorithm,
            "cold_start": self.cold_start,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recommendation:
        return cls(
            user_id=data["user_id"],
            item_id=data["item_id"],
            title=data["title"],
            score=float(data["score"]),
            rank=int(data["rank"]),
            algorithm=data["algorithm"],
            cold_start=bool(data.get("cold_start", False)),
            evidence=[evidence_from_dict(e) for e in data.get("evidence", [])],
        )


@dataclass(frozen=True, slots=True)
class UnsupportedSpan:
    """A piece of text the evidence does not back, and why (``kind`` names the check)."""

    text: str
    kind: str  # title, brand, feature, number, url, email, phone, id, catalog_text, language...
    reason: str


@dataclass
class Verdict:
    """The verifier's judgement of one text: passed, or the list of unsupported spans."""

    passed: bool
    unsupported: list[UnsupportedSpan] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "unsupported": [asdict(s) for s in self.unsupported]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(passed=bool(data["passed"]),
                   unsupported=[UnsupportedSpan(**s) for s in data.get("unsupported", [])])

    def complaint(self) -> str:
        """One line per problem, for the repair prompt and for logs."""
        return "; ".join(f"{s.reason}" for s in self.unsupported)


@dataclass
class Explanation:
    """The words shown to the person and how they were produced.

    ``attempts`` counts language-model calls (0 for templates and cache hits); ``fallback`` is
    true when the template text was delivered instead of a model's draft, with the reason;
    ``drafts`` keeps each raw draft's verdict so the LLM-pass rate is always measurable.
    ``id`` names the delivered text (feedback refers to it); ``preferences`` says which of the
    person's stated preferences shaped it.
    """

    user_id: str
    item_id: str
    text: str
    language: str
    cited_ids: list[str]
    backend: str
    fallback: bool = False
    latency_ms: float = 0.0
    model: str = ""
    attempts: int = 0
    verdict: Verdict | None = None
    fallback_reason: str | None = None
    style: str = ""
    cached: bool = False
    drafts: list[dict[str, Any]] = field(default_factory=list)
    id: str = ""
    preferences: list[str] = field(default_factory=list)

    def assign_id(self) -> str:
        """A stable id from who, what and the words: the same text for the same person and item
        always gets the same id, so recording it twice stores it once."""
        blob = "\x1f".join((self.user_id, self.item_id, self.language, self.style, self.text))
        self.id = hashlib.sha256(blob.encode()).hexdigest()[:20]
        return self.id

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = None if self.verdict is None else self.verdict.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        payload = dict(data)
        verdict = payload.pop("verdict", None)
        names = {f.name for f in fields(cls)}
        explanation = cls(**{k: v for k, v in payload.items() if k in names})
        explanation.verdict = None if verdict is None else Verdict.from_dict(verdict)
        return explanation
