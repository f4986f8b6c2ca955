"""A person's explanation preferences, derived from their feedback: recent feedback counts most.

Each event weighs ``0.5 ** (age / half_life)``. The weights add up per knob:

- length: ``too_short`` minus ``too_long``, rounded, moves the length that many steps;
- tone: ``too_technical`` of weight >= 0.5 makes the wording friendly;
- evidence kinds: ``more_about`` +1 (prefer at >= 0.25), ``dont_mention`` -2 (exclude at <= -0.5),
  ``helpful`` +0.5 for each kind the explanation cited, ``not_helpful`` / ``not_relevant``
  -0.5 (put last);
- language: the latest ``language`` request;
- items: ``not_like_this`` items, whose features the recommendations then down-weight.

Comments count as the requests they make (see :mod:`whyrec.feedback.comments`). A reset ignores
everything before it (the events stay stored).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, select

from whyrec.evidence import BUILT_IN, kind_of_id
from whyrec.feedback.comments import parse_comment
from whyrec.feedback.events import ASPECTS, FeedbackEvent, feedback_for
from whyrec.store.engine import Store
from whyrec.store.schema import explanations, user_preferences
from whyrec.types import EVIDENCE_TYPES
from whyrec.values import LENGTHS, Style

HALF_LIFE_DAYS = 30.0
#: cited fact id prefix -> evidence kind (the built-in kinds; ``kind_of_id`` knows them all)
ID_PREFIX_KIND = {cls.id_prefix: cls.kind for cls in BUILT_IN}


@dataclass
class Preferences:
    """The knobs one person's feedback sets; ``None`` / empty means "as requested"."""

    user_id: str
    length_steps: int = 0
    friendly: bool = False
    prefer: tuple[str, ...] = ()
    demote: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    ignored_aspects: tuple[str, ...] = ()
    language: str | None = None
    avoid_items: dict[str, float] = field(default_factory=dict)
    n_events: int = 0

    def style(self, base: Style | None = None) -> Style:
        """``base`` (the caller's request) adjusted by this person's feedback."""
        base = base or Style()
        index = max(0, min(len(LENGTHS) - 1, LENGTHS.index(base.length) + self.length_steps))
        exclude = tuple(dict.fromkeys((*base.exclude, *self.exclude)))
        # what the caller asks for explicitly leads; what feedback taught comes next
        prefer = [k for k in (*base.prefer, *self.prefer) if k not in exclude]
        if self.demote:  # everything not demoted goes before the demoted kinds
            prefer += [k for k in EVIDENCE_TYPES if k not in prefer and k not in self.demote
                       and k not in exclude]
        return replace(base, length=LENGTHS[index],
                       tone="friendly" if self.friendly else base.tone,
                       prefer=tuple(dict.fromkeys(prefer)), exclude=exclude)

    def notes(self) -> list[str]:
        """What shaped the explanation, in words, for the person to see."""
        notes = []
        if self.length_steps < 0:
            notes.append("shorter, as you asked")
        elif self.length_steps > 0:
            notes.append("more detail, as you asked")
        if self.friendly:
            notes.append("plainer wording, as you asked")
        notes += [f"leads with {_label(k)}" for k in self.prefer[:2]]
        notes += [f"leaves out {_label(k)}" for k in self.exclude]
        notes += [f"leaves out {a}" for a in self.ignored_aspects]
        if self.demote:
            notes.append("less about " + ", ".join(_label(k) for k in self.demote))
        if self.language:
            notes.append(f"in {'Chinese' if self.language == 'zh' else 'English'}, as you asked")
        if self.avoid_items:
            notes.append(f"fewer items like the {len(self.avoid_items)} you turned down")
        return notes

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "length_steps": self.length_steps,
                "friendly": self.friendly, "prefer": list(self.prefer),
                "demote": list(self.demote), "exclude": list(self.exclude),
                "ignored_aspects": list(self.ignored_aspects), "language": self.language,
                "avoid_items": self.avoid_items, "n_events": self.n_events,
                "notes": self.notes()}


def derive(user_id: str, events: list[FeedbackEvent], cited: dict[str, list[str]], *,
           now: float | None = None, half_life_days: float = HALF_LIFE_DAYS) -> Preferences:
    """Preferences from ``events`` (oldest first); ``cited`` maps explanation id -> the evidence
    kinds it cited. Pure: the store-reading wrapper is :func:`preferences_for`."""
    now = time.time() if now is None else now
    length = friendly = 0.0
    kinds: dict[str, float] = defaultdict(float)
    aspects: dict[str, float] = defaultdict(float)
    avoid: dict[str, float] = {}
    language = None
    for event in events:
        weight = 0.5 ** (max(0.0, now - event.created_at) / 86400.0 / half_life_days)
        requests = ([(event.kind, event.aspect)] if event.kind != "comment"
                    else parse_comment(event.comment or ""))
        for kind, aspect in requests:
            if kind == "too_long":
                length -= weight
            elif kind == "too_short":
                length += weight
            elif kind == "too_technical":
                friendly += weight
            elif kind == "language":
                language = aspect
            elif kind == "not_like_this":
                avoid[event.item_id] = round(weight, 4)
            elif kind in ("more_about", "dont_mention") and aspect is not None:
                sign = 1.0 if kind == "more_about" else -2.0
                aspects[aspect] += sign * weight
                for evidence_kind in ASPECTS[aspect]:
                    kinds[evidence_kind] += sign * weight
            elif kind in ("helpful", "not_helpful", "not_relevant"):
                sign = 0.5 if kind == "helpful" else -0.5
                for evidence_kind in cited.get(event.explanation_id, []):
                    kinds[evidence_kind] += sign * weight
    ranked = sorted(kinds.items(), key=lambda kv: -kv[1])
    return Preferences(
        user_id=user_id, length_steps=round(length), friendly=friendly >= 0.5,
        prefer=tuple(k for k, v in ranked if v >= 0.25),
        demote=tuple(k for k, v in ranked if -0.5 < v < 0),
        exclude=tuple(k for k, v in ranked if v <= -0.5),
        ignored_aspects=tuple(a for a, v in aspects.items() if v <= -0.5 and not ASPECTS[a]),
        language=language, avoid_items={i: w for i, w in avoid.items() if w >= 0.25},
        n_events=len(events))


def preferences_for(store: Store, user_id: str, *, now: float | None = None,
                    half_life_days: float = HALF_LIFE_DAYS) -> Preferences:
    """The person's current preferences: their feedback since the last reset, decayed."""
    user_id = str(user_id)
    with store.read() as connection:  # one transaction: asked on every request
        reset_at = connection.execute(select(user_preferences.c.reset_at).where(
            user_preferences.c.user_id == user_id)).scalar()
        events = feedback_for(connection, user_id, since=reset_at)
        cited = _cited_kinds(connection, {e.explanation_id for e in events
                                          if e.kind in ("helpful", "not_helpful",
                                                        "not_relevant")})
    return derive(user_id, events, cited, now=now, half_life_days=half_life_days)


def reset_preferences(store: Store, user_id: str, *, at: float | None = None) -> None:
    """Forget the person's feedback from now on (events are kept, but no longer count)."""
    at = time.time() if at is None else at

    def upsert(connection: Connection) -> None:
        updated = connection.execute(user_preferences.update().where(
            user_preferences.c.user_id == str(user_id)).values(reset_at=at, updated_at=at))
        if updated.rowcount == 0:
            connection.execute(user_preferences.insert().values(
                user_id=str(user_id), reset_at=at, updated_at=at))

    store.run_write(upsert)


def _cited_kinds(connection: Connection, ids: set[str]) -> dict[str, list[str]]:
    import json

    if not ids:
        return {}
    rows = connection.execute(select(explanations.c.id, explanations.c.payload).where(
        explanations.c.id.in_(ids)))
    cited = {}
    for explanation_id, payload in rows:
        fact_ids = json.loads(payload).get("cited_ids", [])
        kinds = [kind_of_id(f) for f in fact_ids]
        cited[explanation_id] = list(dict.fromkeys(k for k in kinds if k))
    return cited


def _label(kind: str) -> str:
    """What an evidence kind is called to the person ("your own history")."""
    cls = EVIDENCE_TYPES.get(kind)
    return cls.label if cls is not None else kind
