"""A caller's words about the person, turned to speak to them ("The user enjoys X" -> "You
enjoy X").

Another recommender's profile of a person is written about them in the third person ("This
user is likely to enjoy…", "They appreciate…"). An explanation speaks to the person, so the
template said "The user is likely to enjoy …" to them, and the bundled model, which copies its
prompt, wrote "Also, they appreciate …". Only the sentence's subject and its verb are turned:
a pronoun further on may be a business's ("places where they serve tacos"), and is left.
"""

from __future__ import annotations

import re

_PERSON = r"(?:the|this) (?:user|person|customer|reader|viewer|listener|member)"
#: "The user's tastes" -> "Your tastes"
_POSSESSIVE_RE = re.compile(rf"^{_PERSON}'s\b", re.IGNORECASE)
#: the subject, with any adverb before its verb ("The user also enjoys")
_SUBJECT_RE = re.compile(rf"^(?:{_PERSON}|he|she|they)\b((?: (?:also|often|really|usually|"
                         rf"generally|always|mostly|especially|particularly))*) (\w+)",
                         re.IGNORECASE)
#: verbs said differently to "you"
_IRREGULAR = {"is": "are", "was": "were", "has": "have", "does": "do", "goes": "go"}
#: a verb that keeps its form after "you" (a modal, a past tense, a plural "they" verb)
_KEPT_RE = re.compile(r"^(?:would|will|can|could|may|might|should|must|are|were|have|do|"
                      r"\w+ed)$", re.IGNORECASE)


def spoken_to(text: str) -> str:
    """``text`` with its third-person subject turned to "you" (English; anything else and a
    text not opening on the person are returned as they are)."""
    if _POSSESSIVE_RE.match(text):
        return _POSSESSIVE_RE.sub("Your", text, count=1)
    match = _SUBJECT_RE.match(text)
    if match is None:
        return text
    adverbs, verb = match.group(1), match.group(2)
    third = not text[:4].casefold().startswith("they")
    turned = _base(verb) if third else verb
    return f"You{adverbs} {turned}{text[match.end():]}"


def _base(verb: str) -> str:
    """A verb's form after "you": "enjoys" -> "enjoy", "is" -> "are", "would" -> "would"."""
    lower = verb.casefold()
    if lower in _IRREGULAR:
        return _IRREGULAR[lower]
    if _KEPT_RE.match(lower) or not lower.endswith("s") or lower.endswith("ss"):
        return verb
    if lower.endswith("ies") and len(lower) > 4:
        return verb[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return verb[:-2]
    return verb[:-1]
