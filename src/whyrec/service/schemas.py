"""Wire formats of the API: strict request bodies (unknown fields are refused) and replies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from whyrec.feedback.events import MAX_COMMENT_CHARS, MAX_ID_CHARS
from whyrec.privacy.limits import MAX_QUESTION_CHARS
from whyrec.values import FeedbackKind, Language, Length

Id = Field(min_length=1, max_length=200)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FeedbackIn(Strict):
    """A person's reaction to one explanation (its ``id`` from an explanation reply)."""

    explanation_id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    kind: FeedbackKind
    aspect: str | None = Field(None, min_length=1, max_length=64,
                               description="for dont_mention / more_about (history, features, "
                                           "others, ratings, trends, preferences, price) and "
                                           "language (en, zh)")
    comment: str | None = Field(None, max_length=MAX_COMMENT_CHARS)
    event_id: str | None = Field(None, min_length=1, max_length=MAX_ID_CHARS,
                                 description="idempotency key: a retried event is stored once")


class ChatIn(Strict):
    """A follow-up question about one recommended item."""

    user_id: str = Id
    item_id: str = Id
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    language: Language | None = None
    conversation_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$")


class ItemIn(Strict):
    id: str = Id
    title: str = Field(min_length=1, max_length=500)
    category: str | None = Field(None, max_length=200)
    brand: str | None = Field(None, max_length=200)
    tags: list[str] = Field(default_factory=list, max_length=50)
    description: str | None = Field(None, max_length=5000)


class CallerExplanationIn(Strict):
    """A recommendation made by another system, explained from the evidence it sends."""

    user_id: str = Field("anonymous", min_length=1, max_length=200)
    item: ItemIn
    evidence: list[str | dict[str, Any]] = Field(default_factory=list, max_length=50)
    language: Language | None = None
    length: Length = "medium"
    score: float = 0.0
    rank: int = Field(1, ge=1)
    algorithm: str = Field("external", max_length=100)


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody


class UserOut(BaseModel):
    id: str
    language: str


class UsersOut(BaseModel):
    users: list[UserOut]
    total: int


class ItemOut(BaseModel):
    id: str
    title: str


class ItemsOut(BaseModel):
    items: list[ItemOut]


class RecommendationsOut(BaseModel):
    user_id: str
    recommendations: list[dict[str, Any]]
    degraded: bool = Field(description="the language model was unavailable: explanations are "
                                       "template texts")
    preferences: list[str] = Field(default_factory=list)


class ExplanationOut(BaseModel):
    explanation: dict[str, Any]
    recommendation: dict[str, Any] | None = None
    degraded: bool


class ChatOut(BaseModel):
    conversation_id: str
    answer: dict[str, Any]
    degraded: bool


class FeedbackOut(BaseModel):
    event: dict[str, Any]
    preferences: list[str]


class PreferencesOut(BaseModel):
    user_id: str
    preferences: list[str]
    language: str | None
    n_events: int


class HealthOut(BaseModel):
    status: str
    llm: str
    backend: str
    version: str
