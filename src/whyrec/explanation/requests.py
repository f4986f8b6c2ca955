"""Explanation requests for recommendations made by *another* system, from JSON lines.

One object per line::

    {"user_id": "c42", "language": "en",
     "item": {"id": "sku-1", "title": "Trail Socks", "category": "sports", "brand": "Alder",
              "tags": ["running"]},
     "evidence": [
        {"kind": "history_item", "item_id": "sku-9", "title": "Running Cap",
         "event": "purchase", "score_share": 0.4},
        {"kind": "shared_feature", "feature": "tag", "value": "running", "history_count": 2},
        {"kind": "free_text", "text": "Bought together with running caps by 40% of shoppers"},
        "Popular with runners this month"
     ],
     "reference": "optional reference text (for BLEU / ROUGE in the evaluation)"}

Typed facts use whyrec's evidence fields; a plain string (or ``kind: free_text``) is a fact in
words, marked as such. A ``free_text`` fact may say whom it describes, ``"about": "user"`` (the
person's tastes, as a user profile does) or ``"item"``: words about the person's tastes then back
what a text says of the person ("you appreciate friendly staff"), never an attribute of the item
("its friendly staff"). Fact ids are filled in when missing. Every problem is reported with its
line number, all at once.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from whyrec.errors import NOT_UTF8, ValidationError
from whyrec.privacy.limits import (
    MAX_REQUESTS_BYTES,
    check_file_size,
    check_line_size,
    contained,
)
from whyrec.types import EVIDENCE_TYPES, Evidence, FreeText, Recommendation, evidence_from_dict
from whyrec.values import ItemDetails

MAX_PROBLEMS_SHOWN = 10


@dataclass
class ExplanationRequest:
    """A recommendation from elsewhere, its item details, and how to word it."""

    recommendation: Recommendation
    details: ItemDetails
    language: str | None = None
    reference: str | None = None


def read_requests(path: str | Path) -> list[ExplanationRequest]:
    """Parse a JSON-lines file of requests; raises one :class:`ValidationError` listing every
    problem with its line number."""
    source = contained(path, what="requests file")
    if not source.is_file():
        raise ValidationError([f"requests file not found: {source}"])
    check_file_size(source, "max_requests_bytes", MAX_REQUESTS_BYTES, "requests file")
    # a byte-order mark (Excel, Notepad) is fine; any other encoding is named, not a traceback
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError([f"cannot read {source}: {NOT_UTF8}"]) from None
    return parse_requests(text.splitlines(), name=source.name)


def parse_requests(lines: Iterable[str], name: str = "<requests>") -> list[ExplanationRequest]:
    requests: list[ExplanationRequest] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        check_line_size(line, number, name)
        try:
            requests.append(parse_request(json.loads(line), rank=len(requests) + 1))
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{number}: not JSON ({exc.msg})")
        except RecursionError:
            problems.append(f"{name}:{number}: JSON nested too deeply")
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(f"{name}:{number}: {_message(exc)}")
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        raise ValidationError([*shown, f"and {more} more"] if more else shown)
    if not requests:
        raise ValidationError([f"{name} holds no requests"])
    return requests


def parse_request(data: Any, rank: int = 1) -> ExplanationRequest:
    """One request from its JSON object (see the module docstring for the fields)."""
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    item = data.get("item")
    if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
        raise ValueError('"item" must be an object with "id" and "title"')
    for name in ("title", "category", "brand", "description"):
        if item.get(name) is not None and not isinstance(item[name], str):
            raise ValueError(f'"item.{name}" must be text, got {_shown(item[name])}')
    if isinstance(item.get("id"), dict | list):
        raise ValueError(f'"item.id" must be text or a number, got {_shown(item["id"])}')
    user_id = str(data.get("user_id") or data.get("user") or "anonymous")
    raw_evidence = data.get("evidence", [])
    if not isinstance(raw_evidence, list):
        raise ValueError('"evidence" must be a list')
    evidence = [_fact(raw, k) for k, raw in enumerate(raw_evidence, start=1)]
    tags = item.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split("|") if t.strip()]
    details = ItemDetails(
        title=str(item["title"]), category=_optional(item.get("category")),
        brand=_optional(item.get("brand")), tags=tuple(str(t) for t in tags),
        description=_optional(item.get("description")),
    )
    try:
        score, given_rank = float(data.get("score", 0.0)), int(data.get("rank", rank))
    except (TypeError, ValueError):
        raise ValueError('"score" must be a number and "rank" a whole number, got '
                         f'{_shown(data.get("score"))} and {_shown(data.get("rank"))}') from None
    rec = Recommendation(
        user_id=user_id, item_id=str(item["id"]), title=details.title,
        score=score, rank=given_rank,
        algorithm=str(data.get("algorithm", "external")), evidence=evidence,
    )
    language = data.get("language")
    if language is not None and language not in ("en", "zh"):
        raise ValueError(f'"language" must be "en" or "zh", got {language!r}')
    return ExplanationRequest(rec, details, language, _optional(data.get("reference")))


def _fact(raw: Any, number: int) -> Evidence:
    if isinstance(raw, str):
        return FreeText(id=f"free:{number}", text=raw)
    if not isinstance(raw, dict):
        raise ValueError(f"evidence #{number} must be an object or a string")
    kind = raw.get("kind")
    if kind not in EVIDENCE_TYPES:
        raise ValueError(f"evidence #{number}: unknown kind {kind!r}; known: "
                         f"{', '.join(EVIDENCE_TYPES)}")
    payload = {"id": f"{kind}:{number}", **raw}
    try:
        fact = evidence_from_dict(payload)
    except TypeError as exc:
        raise ValueError(f"evidence #{number} ({kind}): {_message(exc)}") from None
    wrong = _wrongly_typed(fact)
    if wrong:
        raise ValueError(f"evidence #{number} ({kind}): {wrong}")
    if isinstance(fact, FreeText) and fact.source == "whyrec":
        # whyrec's own words (chat's contrasts) are not judged as reasons; a caller's always are
        fact = replace(fact, source="caller")
    return fact


def _wrongly_typed(fact: Evidence) -> str:
    """What field of a caller's fact has the wrong type ("" when none): a number where a
    number goes, text where text goes (a fact holding "lots" as its score share once made
    the service answer 500)."""
    hints = _hints(type(fact))
    for field in dataclasses.fields(fact):
        value, hint = getattr(fact, field.name), hints.get(field.name)
        if hint in (float, int, float | None, int | None):
            if value is None and hint in (float | None, int | None):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"field {field.name!r} must be a number, got {_shown(value)}"
        elif hint in (str, str | None):
            if value is None and hint == str | None:
                continue
            if not isinstance(value, str):
                return f"field {field.name!r} must be text, got {_shown(value)}"
    return ""


#: each evidence class's field types, resolved once (the annotations are strings)
_HINTS: dict[str, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    key = f"{cls.__module__}.{cls.__qualname__}"
    if key not in _HINTS:
        _HINTS[key] = typing.get_type_hints(cls)
    return _HINTS[key]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _message(exc: BaseException) -> str:
    text = str(exc)
    if "missing" in text and "required positional argument" in text:
        return "missing field " + text.split(":", 1)[-1].strip()
    return text
