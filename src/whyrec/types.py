"""Core value types: evidence facts, recommendations, verdicts, drafts and explanations.

Evidence is the contract between the recommender and every explanation: each fact is typed, has a
stable id, and is JSON-serialisable with ``to_dict`` / ``evidence_from_dict``. The kinds live in
:mod:`whyrec.evidence` (one module each) and are re-exported here.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any, Literal

from whyrec.evidence import (
    EVIDENCE_TYPES,
    Cohort,
    Evidence,
    FreeText,
    HistoryItem,
    ItemQuality,
    Preference,
    SharedFeature,
    Trend,
    evidence_from_dict,
)

__all__ = [
    "EVIDENCE_TYPES", "Cohort", "Draft", "Evidence", "EvidenceKind", "Explanation",
    "FallbackReason", "FreeText", "HistoryItem", "ItemQuality", "Preference", "Recommendation",
    "SharedFeature", "Trend", "UnsupportedSpan", "Verdict", "evidence_from_dict",
]

#: the built-in evidence kinds (a registered kind may add its own name)
EvidenceKind = Literal[
    "history_item", "shared_feature", "cohort", "item_quality", "trend", "preference",
    "free_text",
]


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
    #: the sentence holding it, as offsets into the verified text (None: the whole text is at
    #: fault, e.g. its language or length); surgical repair drops these sentences
    claim_start: int | None = None
    claim_end: int | None = None


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


class FallbackReason(StrEnum):
    """Why the template text was delivered instead of a model's draft.

    The values are the words logs, metrics and JSON have always used, so ``"backend error"``
    still starts every outage's reason; :attr:`Explanation.fallback_detail` says the rest.
    """

    #: the model could not answer at all (connection refused, timeout, server error)
    BACKEND_ERROR = "backend error"
    #: every draft, the repairs included, stated something the facts do not back
    VERIFICATION_FAILED = "failed verification"

    @classmethod
    def parse(cls, text: str) -> tuple[FallbackReason, str]:
        """The reason and detail from a stored value: ``"backend error"`` (the detail stored
        beside it) or one line written before reasons were typed (``"backend error: timed
        out"``, ``"2 draft(s) failed verification: number 7"``)."""
        for reason in cls:
            if text == reason.value:
                return reason, ""
        if text.startswith(cls.BACKEND_ERROR.value):
            return cls.BACKEND_ERROR, text.split(":", 1)[1].strip() if ":" in text else ""
        if cls.VERIFICATION_FAILED.value in text:
            return cls.VERIFICATION_FAILED, text.split(":", 1)[1].strip() if ":" in text else ""
        raise ValueError(f"not a fallback reason: {text!r}")


@dataclass
class Draft:
    """One raw model draft and the verifier's judgement of it (kept for the record, so the
    LLM-pass rate is always measurable); its text and spans are scrubbed of contact data."""

    passed: bool
    unsupported: list[UnsupportedSpan] = field(default_factory=list)
    text: str = ""
    latency_ms: float = 0.0
    #: surgical repair: the sentences dropped from this draft, each with why; the rest of it
    #: passed and was delivered
    dropped: list[str] = field(default_factory=list)
    #: sentence planning: this draft is a verified text with one more sentence begun by whyrec
    #: and written by the model (kept only when it passes and states a new fact)
    extension: bool = False

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.passed, list(self.unsupported))

    def to_dict(self) -> dict[str, Any]:
        data = {"passed": self.passed, "unsupported": [asdict(s) for s in self.unsupported],
                "text": self.text, "latency_ms": self.latency_ms, "dropped": list(self.dropped)}
        if self.extension:  # records of first drafts and repairs keep their old shape
            data["extension"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        return cls(passed=bool(data["passed"]),
                   unsupported=[UnsupportedSpan(**s) for s in data.get("unsupported", [])],
                   text=str(data.get("text", "")), latency_ms=float(data.get("latency_ms", 0.0)),
                   dropped=[str(d) for d in data.get("dropped", [])],
                   extension=bool(data.get("extension", False)))


@dataclass
class Explanation:
    """The words shown to the person and how they were produced.

    ``attempts`` counts the language-model rounds that wrote the first text (its draft and
    repairs; 0 for templates and cache hits; sentence planning's further calls are the drafts
    marked ``extension``); ``fallback`` is
    true when the template text was delivered instead of a model's draft, with the reason
    (``fallback_reason``) and what exactly happened (``fallback_detail``: the backend's error,
    or the last draft's first problem); ``drafts`` keeps each raw draft's verdict so the
    LLM-pass rate is always measurable. ``id`` names the delivered text (feedback refers to
    it); ``preferences`` says which of the person's stated preferences shaped it.
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
    fallback_reason: FallbackReason | None = None
    style: str = ""
    cached: bool = False
    drafts: list[Draft] = field(default_factory=list)
    id: str = ""
    preferences: list[str] = field(default_factory=list)
    fallback_detail: str = ""

    @property
    def is_outage(self) -> bool:
        """Whether the template text stands in because the model could not answer at all."""
        return self.fallback_reason is FallbackReason.BACKEND_ERROR

    @property
    def fallback_text(self) -> str:
        """The reason in one line for people ("backend error: connection refused"); empty
        when the text was not a fallback."""
        if self.fallback_reason is None:
            return ""
        detail = self.fallback_detail
        return f"{self.fallback_reason.value}: {detail}" if detail else self.fallback_reason.value

    def assign_id(self) -> str:
        """A stable id from who, what and the words: the same text for the same person and item
        always gets the same id, so recording it twice stores it once."""
        blob = "\x1f".join((self.user_id, self.item_id, self.language, self.style, self.text))
        self.id = hashlib.sha256(blob.encode()).hexdigest()[:20]
        return self.id

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = None if self.verdict is None else self.verdict.to_dict()
        data["fallback_reason"] = (None if self.fallback_reason is None
                                   else self.fallback_reason.value)
        data["drafts"] = [d.to_dict() for d in self.drafts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        payload = dict(data)
        verdict = payload.pop("verdict", None)
        reason = payload.pop("fallback_reason", None)
        drafts = payload.pop("drafts", [])
        names = {f.name for f in fields(cls)}
        explanation = cls(**{k: v for k, v in payload.items() if k in names})
        explanation.verdict = None if verdict is None else Verdict.from_dict(verdict)
        explanation.drafts = [Draft.from_dict(d) for d in drafts]
        if reason:
            explanation.fallback_reason, detail = FallbackReason.parse(reason)
            explanation.fallback_detail = explanation.fallback_detail or detail
        return explanation
