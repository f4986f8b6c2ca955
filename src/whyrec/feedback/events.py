"""Feedback events: what a person said about one explanation, validated and stored exactly once.

Every event names the explanation it is about (its id, as ``whyrec explain`` prints it). Bad input
(unknown explanation, unknown kind, missing or unknown aspect, oversized text) raises
:class:`~whyrec.errors.FeedbackError` and stores nothing; a batch is stored whole or not at all.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.exc import IntegrityError

from whyrec.errors import FeedbackError
from whyrec.privacy.clean import clean_text
from whyrec.store.engine import Store
from whyrec.store.schema import explanations, feedback_events
from whyrec.types import Explanation
from whyrec.values import LANGUAGES, FeedbackKind

#: kind -> what the person means
KINDS: dict[FeedbackKind, str] = {
    "helpful": "the explanation helped",
    "not_helpful": "the explanation did not help",
    "too_long": "shorter, please",
    "too_short": "more detail, please",
    "too_technical": "plainer, friendlier words, please",
    "not_relevant": "these reasons do not matter to me",
    "dont_mention": "don't mention <aspect>",
    "more_about": "tell me more about <aspect>",
    "language": "explain in <aspect> (en or zh)",
    "not_like_this": "don't show me things like this item",
    "comment": "free text; recognised requests in it count as those kinds",
}
NEEDS_ASPECT = ("dont_mention", "more_about", "language")
#: aspect a person can name -> the evidence kinds it covers ("price": whyrec never states
#: prices, so the wish is recorded and always met)
ASPECTS: dict[str, tuple[str, ...]] = {
    "history": ("history_item",),
    "features": ("shared_feature",),
    "others": ("cohort",),
    "ratings": ("item_quality",),
    "trends": ("trend",),
    "preferences": ("preference",),
    "price": (),
}
ASPECT_SYNONYMS: dict[str, str] = {
    "history_item": "history", "my items": "history", "my films": "history",
    "my movies": "history", "past": "history", "similar items": "history",
    "shared_feature": "features", "genre": "features", "genres": "features", "tags": "features",
    "tag": "features", "brand": "features", "category": "features",
    "cohort": "others", "other people": "others", "people": "others",
    "item_quality": "ratings", "rating": "ratings", "quality": "ratings",
    "popularity": "ratings", "trend": "trends", "trending": "trends", "recent": "trends",
    "prices": "price", "cost": "price",
}
MAX_COMMENT_CHARS = 2000
MAX_ID_CHARS = 64


@dataclass(frozen=True)
class FeedbackEvent:
    """One stored reaction. ``event_id`` is the idempotency key: sending the same event twice
    (a retry after a timeout) stores it once."""

    explanation_id: str
    kind: str
    aspect: str | None = None
    comment: str | None = None
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: float = field(default_factory=time.time)
    user_id: str = ""
    item_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_aspect(kind: str, aspect: str | None) -> str | None:
    """The canonical aspect for ``kind``; raises for a missing or unknown one."""
    if kind not in NEEDS_ASPECT:
        if aspect:
            raise FeedbackError(f"feedback {kind!r} takes no aspect (got {aspect!r})")
        return None
    if not aspect or not aspect.strip():
        raise FeedbackError(f"feedback {kind!r} needs an aspect")
    name = aspect.strip().lower()
    if kind == "language":
        if name not in LANGUAGES:
            raise FeedbackError(f"language must be one of {', '.join(LANGUAGES)}, got {aspect!r}")
        return name
    name = ASPECT_SYNONYMS.get(name, name)
    if name not in ASPECTS:
        raise FeedbackError(f"unknown aspect {aspect!r}; known: {', '.join(ASPECTS)}")
    return name


def validate(event: FeedbackEvent) -> FeedbackEvent:
    """The event with its aspect made canonical, or :class:`FeedbackError`."""
    if event.kind not in KINDS:
        raise FeedbackError(f"unknown feedback kind {event.kind!r}; known: {', '.join(KINDS)}")
    if not event.explanation_id or len(event.explanation_id) > MAX_ID_CHARS:
        raise FeedbackError("feedback needs the id of the explanation it is about")
    if not event.event_id or len(event.event_id) > MAX_ID_CHARS:
        raise FeedbackError(f"event id must be 1..{MAX_ID_CHARS} characters")
    comment = event.comment.strip() if event.comment else None
    if event.kind == "comment" and not comment:
        raise FeedbackError("a 'comment' needs some text")
    if comment and len(comment) > MAX_COMMENT_CHARS:
        raise FeedbackError(f"comment is {len(comment)} characters; the limit is "
                            f"{MAX_COMMENT_CHARS}")
    aspect = normalise_aspect(event.kind, event.aspect)
    if comment:  # stored and read back into preferences: never keep contact data or names
        comment = clean_text(comment, purpose="record", source="person")
    return FeedbackEvent(explanation_id=event.explanation_id, kind=event.kind, aspect=aspect,
                         comment=comment or None, event_id=event.event_id,
                         created_at=float(event.created_at))


def record_explanation(store: Store, explanation: Explanation) -> str:
    """Store a delivered explanation so feedback can refer to it; returns its id.

    Serving the same text again (a cache hit) only reads: the write lock is taken only for a
    new explanation, so many requests for cached texts never queue behind each other.
    """
    explanation_id = explanation.id or explanation.assign_id()
    with store.read() as connection:
        if connection.execute(select(explanations.c.id).where(
                explanations.c.id == explanation_id)).first() is not None:
            return explanation_id
    row = {"id": explanation_id, "user_id": explanation.user_id,
           "item_id": explanation.item_id, "language": explanation.language,
           "style": explanation.style, "backend": explanation.backend,
           "text": explanation.text, "created_at": time.time(),
           "payload": json.dumps(explanation.to_dict(), ensure_ascii=False)}

    def insert(connection: Connection) -> None:
        exists = connection.execute(
            select(explanations.c.id).where(explanations.c.id == explanation_id)).first()
        if exists is None:
            connection.execute(explanations.insert().values(**row))

    # IntegrityError: another writer recorded it in the meantime (the same text)
    with contextlib.suppress(IntegrityError):
        store.run_write(insert)
    return explanation_id


def get_explanation(store: Store, explanation_id: str) -> Explanation:
    """A recorded explanation, or :class:`FeedbackError` naming the unknown id."""
    with store.read() as connection:
        payload = connection.execute(select(explanations.c.payload).where(
            explanations.c.id == explanation_id)).scalar()
    if payload is None:
        raise FeedbackError(f"unknown explanation {explanation_id!r}: explain first, then "
                            "give feedback on the id it prints")
    return Explanation.from_dict(json.loads(payload))


def record_feedback(store: Store, events: FeedbackEvent | Sequence[FeedbackEvent]
                    ) -> list[FeedbackEvent]:
    """Validate and store events in one transaction (all or none); returns them as stored.

    An event whose ``event_id`` is already stored is skipped, so retrying is always safe.
    """
    batch = [events] if isinstance(events, FeedbackEvent) else list(events)
    checked = [validate(e) for e in batch]

    def insert(connection: Connection) -> list[FeedbackEvent]:
        owners = _owners(connection, {e.explanation_id for e in checked})
        stored = []
        for event in checked:
            owner = owners.get(event.explanation_id)
            if owner is None:
                raise FeedbackError(f"unknown explanation {event.explanation_id!r}: explain "
                                    "first, then give feedback on the id it prints")
            if connection.execute(select(feedback_events.c.seq).where(
                    feedback_events.c.event_id == event.event_id)).first() is not None:
                continue  # a retry of an event already stored
            event = FeedbackEvent(**{**event.to_dict(), "user_id": owner[0],
                                     "item_id": owner[1]})
            connection.execute(feedback_events.insert().values(**event.to_dict()))
            stored.append(event)
        return stored

    for _ in range(3):
        try:
            return store.run_write(insert)
        except IntegrityError:  # the same event_id raced in from another writer: retry skips it
            continue
    raise FeedbackError("feedback could not be stored: the same event ids keep colliding")


def stored_event(store: Store, event_id: str) -> FeedbackEvent | None:
    """The event stored under ``event_id`` (the idempotency key), ``None`` when there is none."""
    with store.read() as connection:
        row = connection.execute(select(feedback_events).where(
            feedback_events.c.event_id == event_id)).mappings().first()
    return None if row is None else _event_of(row)


def feedback_for(store: Store | Connection, user_id: str | None = None, *,
                 since: float | None = None, limit: int | None = None) -> list[FeedbackEvent]:
    """Stored events, oldest first: one person's (``user_id``) or everyone's.

    ``store`` may be a connection already in a transaction (read together with other rows).
    """
    query = select(feedback_events).order_by(feedback_events.c.seq)
    if user_id is not None:
        query = query.where(feedback_events.c.user_id == str(user_id))
    if since is not None:
        query = query.where(feedback_events.c.created_at >= since)
    if limit is not None:
        query = query.limit(limit)
    if isinstance(store, Connection):
        rows = store.execute(query).mappings().all()
    else:
        with store.read() as connection:
            rows = connection.execute(query).mappings().all()
    return [_event_of(row) for row in rows]


def _event_of(row: RowMapping) -> FeedbackEvent:
    """A stored row as the event it records (the table's other columns left out)."""
    return FeedbackEvent(**{name: row[name] for name in FeedbackEvent.__dataclass_fields__})


def event_dicts(events: Iterable[FeedbackEvent], store: Store) -> list[dict[str, Any]]:
    """Events as plain dicts with the explanation's backend, for reports."""
    rows = list(events)
    ids = {e.explanation_id for e in rows}
    with store.read() as connection:
        backends = dict(connection.execute(select(explanations.c.id, explanations.c.backend)
                                           .where(explanations.c.id.in_(ids))).all())
    return [{**e.to_dict(), "user": e.user_id, "item": e.item_id,
             "backend": backends.get(e.explanation_id)} for e in rows]


def _owners(connection: Connection, ids: set[str]) -> dict[str, tuple[str, str]]:
    rows = connection.execute(select(explanations.c.id, explanations.c.user_id,
                                     explanations.c.item_id).where(explanations.c.id.in_(ids)))
    return {row.id: (row.user_id, row.item_id) for row in rows}
