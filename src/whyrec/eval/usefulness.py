"""Usefulness of explanations from people's feedback events.

Events are plain dicts (the feedback store hands them over as such)::

    {"kind": "helpful", "explanation_id": "e1", "user": "u1", "item": "i9",
     "backend": "llamacpp", "created_at": datetime(...)}

``kind`` is one of :data:`KINDS`. The figures:

* ``helpful_rate`` = helpful / (helpful + not_helpful) over votes, with a 95 % Wilson score
  interval (E. B. Wilson, *Probable inference…*, JASA 1927) so small samples show their doubt;
* ``per_kind`` counts, and ``rate_per_explanation`` = share of rated explanations that got each
  kind at least once (too_long, not_relevant… are complaints);
* the same split by ``backend``, and a daily helpful-rate series for the plot.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from whyrec.errors import ValidationError
from whyrec.feedback.events import KINDS as FEEDBACK_KINDS

#: the feedback store's kinds, so the two never drift apart
KINDS = tuple(FEEDBACK_KINDS)
REQUIRED = ("kind", "explanation_id", "user", "item", "created_at")


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion (``(0, 0)`` when ``n == 0``).

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _summary(events: list[Mapping[str, Any]]) -> dict[str, Any]:
    kinds = Counter(str(e["kind"]) for e in events)
    helpful, unhelpful = kinds["helpful"], kinds["not_helpful"]
    votes = helpful + unhelpful
    per_explanation: dict[str, set[str]] = defaultdict(set)
    for e in events:
        per_explanation[str(e["explanation_id"])].add(str(e["kind"]))
    rated = len(per_explanation)
    low, high = wilson_interval(helpful, votes)
    return {
        "events": len(events),
        "explanations": rated,
        "people": len({str(e["user"]) for e in events}),
        "votes": votes,
        "helpful_rate": helpful / votes if votes else None,
        "helpful_rate_ci95": [low, high] if votes else None,
        "per_kind": {k: kinds[k] for k in KINDS},
        "rate_per_explanation": {
            k: sum(k in got for got in per_explanation.values()) / rated if rated else 0.0
            for k in KINDS},
    }


def usefulness(events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Helpful rate and the other feedback signals, overall, per backend and per day.

    Raises
    ------
    ValidationError
        when an event lacks a field or has an unknown ``kind`` (every problem listed).

    Examples
    --------
    >>> from datetime import datetime
    >>> when = datetime(2025, 1, 1)
    >>> events = [{"kind": "helpful", "explanation_id": "e1", "user": "u", "item": "i",
    ...            "backend": "template", "created_at": when},
    ...           {"kind": "not_helpful", "explanation_id": "e2", "user": "u", "item": "j",
    ...            "backend": "template", "created_at": when}]
    >>> usefulness(events)["overall"]["helpful_rate"]
    0.5
    """
    rows = list(events)
    problems = []
    for number, event in enumerate(rows, start=1):
        missing = [k for k in REQUIRED if k not in event]
        if missing:
            problems.append(f"event {number}: missing {', '.join(missing)}")
        elif event["kind"] not in KINDS:
            problems.append(f"event {number}: unknown kind {event['kind']!r}; known: "
                            f"{', '.join(KINDS)}")
    if problems:
        raise ValidationError(problems[:10])
    by_backend: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    for event in rows:
        by_backend[str(event.get("backend") or "unknown")].append(event)
        by_day[_day(event["created_at"])][str(event["kind"])] += 1
    daily = [{"day": day, "helpful": c["helpful"], "not_helpful": c["not_helpful"]}
             for day, c in sorted(by_day.items())]
    return {
        "overall": _summary(rows),
        "by_backend": {b: _summary(group) for b, group in sorted(by_backend.items())},
        "daily": daily,
    }


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:10]


def parse_event_time(value: Any) -> datetime:
    """An event's ``created_at`` from a datetime or an ISO-8601 string (JSON files)."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError([f"created_at {value!r} is not an ISO-8601 time"]) from exc
