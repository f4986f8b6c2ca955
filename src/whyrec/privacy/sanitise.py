"""Pseudonymised, scrubbed copies of what an explanation is built from.

Before any text is worded, prompted or logged, every free-text string of a recommendation
(titles, feature values, caller free text, preference statements) and of the item's catalog
details goes through :func:`~whyrec.privacy.clean.clean_text` (each fact field by field, as its
kind declares: catalog text keeps names, what a person wrote loses them), and the person's own id
is replaced wherever a caller wrote it: the person is only ever "you". A caller's free-text
reason that does not read as a reason (:mod:`whyrec.privacy.reasons`) is marked withheld: it
stays evidence but is not quoted.
"""

from __future__ import annotations

from dataclasses import replace

from whyrec.evidence import Evidence, TextField
from whyrec.privacy.clean import PERSON, clean_text
from whyrec.types import Recommendation
from whyrec.values import ItemDetails

__all__ = ["PERSON", "UNTITLED", "private_details", "private_recommendation", "private_text",
           "vetted_recommendation"]

#: the name of an item whose whole title was an injection attempt
UNTITLED = "(untitled)"


def private_text(text: str, user_id: str = "", *, catalog: bool = False) -> str:
    """``text`` without personal data, without the person's id and cut before any attempt
    to instruct the model (empty when it is nothing but one); ``catalog`` text keeps names
    (titles name people on purpose), other text loses them too. Short for
    ``clean_text(text, purpose="wording", source=..., user_id=user_id)``.

    Examples
    --------
    >>> private_text("u0042 asked for it, mail u0042@example.com", "u0042")
    'you asked for it, mail (email)'
    """
    return clean_text(text, purpose="wording", source="catalog" if catalog else "person",
                      user_id=user_id)


def reason_fault(text: str) -> str:
    """:func:`whyrec.privacy.reasons.reason_fault`, imported when a caller's reason is first
    judged (its three dozen patterns take a twentieth of a second to compile, and most
    recommendations carry no caller's reason)."""
    from whyrec.privacy.reasons import reason_fault as judge

    return judge(text)


def private_recommendation(rec: Recommendation) -> Recommendation:
    """A copy of ``rec`` whose every free-text string is scrubbed and pseudonymised.

    Ids and numbers are kept (the facts stay the same facts, though a kind whose id names its
    text gets the scrubbed text's id); the original is not changed.
    """
    user = rec.user_id

    def clean(text: str, spec: TextField) -> str:
        # catalog strings keep names; what a person or caller wrote loses them too
        return clean_text(text, purpose="wording",
                          source="person" if spec.personal else "catalog", user_id=user)

    facts: list[Evidence] = []
    changed = False
    for fact in rec.evidence:
        # a caller's reason is judged as written: what scrubbing and defusing cut says most
        new = fact.vetted(reason_fault).scrubbed(clean)
        changed |= new is not fact
        if new is not None:  # a fact that was nothing but an injection attempt is dropped
            facts.append(new)
    title = clean_text(rec.title, purpose="wording", user_id=user) or UNTITLED
    if not changed and title == rec.title:
        return rec
    return replace(rec, title=title, evidence=facts)


def vetted_recommendation(rec: Recommendation) -> Recommendation:
    """``rec`` with each caller's free-text reason that does not read as a reason marked
    withheld (as :func:`private_recommendation` marks it), its text unchanged: what the
    terminal lists beside an explanation of a caller's request."""
    facts = [fact.vetted(reason_fault) for fact in rec.evidence]
    if all(new is old for new, old in zip(facts, rec.evidence, strict=True)):
        return rec
    return replace(rec, evidence=facts)


def private_details(details: ItemDetails, user_id: str = "") -> ItemDetails:
    """The item's catalog details without contact data (the description too: it is kept to
    catch copying and may be logged in a verdict)."""
    def clean(text: str | None) -> str | None:
        return clean_text(text, purpose="wording", user_id=user_id) if text else text

    new = ItemDetails(
        title=clean(details.title) or UNTITLED, category=clean(details.category) or None,
        brand=clean(details.brand) or None,
        tags=tuple(t for t in (clean(tag) for tag in details.tags) if t),
        # kept whole (contact data removed): the verifier compares drafts with all of it
        description=clean_text(details.description, purpose="record")
        if details.description else None)
    return details if new == details else new
