"""Pseudonymised, scrubbed copies of what an explanation is built from.

Before any text is worded, prompted or logged, every free-text string of a recommendation
(titles, feature values, caller free text, preference statements) and of the item's catalog
details goes through :func:`~whyrec.privacy.pii.scrub_text`, and the person's own id is
replaced wherever a caller wrote it: the person is only ever "you".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from whyrec.privacy.injection import defuse
from whyrec.privacy.pii import scrub_catalog_text, scrub_text
from whyrec.types import (
    Cohort,
    Evidence,
    FreeText,
    HistoryItem,
    Preference,
    Recommendation,
    SharedFeature,
    Trend,
)
from whyrec.values import ItemDetails

#: what a person's id is replaced with when a caller wrote it into a fact
PERSON = "you"
#: the name of an item whose whole title was an injection attempt
UNTITLED = "(untitled)"


def private_text(text: str, user_id: str = "", *, catalog: bool = False) -> str:
    """``text`` without personal data, without the person's id and cut before any attempt
    to instruct the model (empty when it is nothing but one); ``catalog`` text keeps names
    (titles name people on purpose), other text loses them too.

    Examples
    --------
    >>> private_text("u0042 asked for it, mail u0042@example.com", "u0042")
    'you asked for it, mail (email)'
    """
    if not text:
        return text
    cleaned = defuse(scrub_catalog_text(text) if catalog else scrub_text(text))
    if user_id and len(user_id) >= 3 and user_id in cleaned:
        cleaned = re.sub(rf"(?<![\w.@-]){re.escape(user_id)}(?![\w@-])", PERSON, cleaned)
    return cleaned


def private_recommendation(rec: Recommendation) -> Recommendation:
    """A copy of ``rec`` whose every free-text string is scrubbed and pseudonymised.

    Ids and numbers are kept (the facts stay the same facts); the original is not changed.
    """
    user = rec.user_id

    def clean(text: str, catalog: bool = True) -> str:
        return private_text(text, user, catalog=catalog)

    facts: list[Evidence] = []
    changed = False
    for fact in rec.evidence:
        new = _private_fact(fact, clean)
        changed |= new is not fact
        if new is not None:  # a fact that was nothing but an injection attempt is dropped
            facts.append(new)
    title = clean(rec.title) or UNTITLED
    if not changed and title == rec.title:
        return rec
    return replace(rec, title=title, evidence=facts)


def private_details(details: ItemDetails, user_id: str = "") -> ItemDetails:
    """The item's catalog details without contact data (the description too: it is kept to
    catch copying and may be logged in a verdict)."""
    def clean(text: str | None) -> str | None:
        return private_text(text, user_id, catalog=True) if text else text

    new = ItemDetails(
        title=clean(details.title) or UNTITLED, category=clean(details.category) or None,
        brand=clean(details.brand) or None,
        tags=tuple(t for t in (clean(tag) for tag in details.tags) if t),
        # kept whole (contact data removed): the verifier compares drafts with all of it
        description=scrub_catalog_text(details.description) if details.description else None)
    return details if new == details else new


def _private_fact(fact: Evidence, clean: Callable[..., str]) -> Evidence | None:
    """The fact with its catalog strings scrubbed (names kept) and its person-written strings
    (caller free text, stated preferences) scrubbed with names."""
    if isinstance(fact, HistoryItem) and fact.title:
        title = clean(fact.title)
        return fact if title == fact.title else replace(fact, title=title) if title else None
    if isinstance(fact, SharedFeature):
        value = clean(fact.value)
        if value == fact.value:
            return fact
        # the id names the value ("feature:tag:…"): it changes with it
        return replace(fact, value=value, id=f"feature:{fact.feature}:{value.lower()}") if (
            value) else None
    if isinstance(fact, Cohort):
        title = clean(fact.anchor_title)
        return (fact if title == fact.anchor_title
                else replace(fact, anchor_title=title) if title else None)
    if isinstance(fact, Trend):
        category = clean(fact.category)
        return (fact if category == fact.category
                else replace(fact, category=category) if category else None)
    if isinstance(fact, Preference):
        statement = clean(fact.statement, False)
        return (fact if statement == fact.statement
                else replace(fact, statement=statement) if statement else None)
    if isinstance(fact, FreeText):
        text = clean(fact.text, False)
        return fact if text == fact.text else replace(fact, text=text) if text else None
    return fact
