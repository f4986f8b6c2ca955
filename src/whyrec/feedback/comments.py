"""Requests people write in their own words ("shorter please", "I don't care about price",
"说详细一点"), read as the feedback kinds they mean. Anything unrecognised stays a plain comment.
"""

from __future__ import annotations

import re

from whyrec.feedback.events import ASPECT_SYNONYMS, ASPECTS

_ASPECT_WORDS = sorted({*ASPECTS, *ASPECT_SYNONYMS}, key=len, reverse=True)
_ASPECT_RE = "(" + "|".join(re.escape(w).replace("_", "[_ ]") for w in _ASPECT_WORDS) + ")"
_ZH_ASPECTS = {"价格": "price", "价钱": "price", "历史": "history", "看过的": "history",
               "买过的": "history", "类型": "features", "标签": "features", "品牌": "features",
               "其他人": "others", "别人": "others", "评分": "ratings", "趋势": "trends"}
_ZH_ASPECT_RE = "(" + "|".join(_ZH_ASPECTS) + ")"

#: (pattern, kind, aspect or None); the first group of an aspect pattern names the aspect
_RULES: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(rf"\b(?:don'?t|do not|never|stop)\s+(?:mention|talk about|care about|"
                rf"tell me about)\s+(?:the\s+|what\s+|which\s+)?{_ASPECT_RE}\b", re.I),
     "dont_mention", None),
    (re.compile(rf"\b{_ASPECT_RE}\s+(?:doesn'?t|does not|don'?t|do not)\s+matter", re.I),
     "dont_mention", None),
    (re.compile(r"\b(?:more about|tell me (?:more )?(?:about|which of)|I (?:really )?care "
                rf"about)\s+(?:the\s+|my\s+)?{_ASPECT_RE}\b", re.I), "more_about", None),
    (re.compile(r"\b(?:shorter|too long|less text|briefer|more concise)\b", re.I),
     "too_long", None),
    (re.compile(r"\b(?:more detail|more details|longer|too short|elaborate)\b", re.I),
     "too_short", None),
    (re.compile(r"\b(?:too technical|simpler|plainer|friendlier|more friendly|jargon)\b",
                re.I), "too_technical", None),
    (re.compile(r"\b(?:in chinese|中文)", re.I), "language", "zh"),
    (re.compile(r"\bin english\b|英文|英语", re.I), "language", "en"),
    (re.compile(rf"(?:不要|别|不用)(?:提|说|管)?{_ZH_ASPECT_RE}|(?:不在乎|不关心){_ZH_ASPECT_RE}"),
     "dont_mention", None),
    (re.compile(rf"(?:多说说|多讲讲|告诉我){_ZH_ASPECT_RE}"), "more_about", None),
    (re.compile(r"太长|短一点|简短|简洁"), "too_long", None),
    (re.compile(r"太短|详细|多说一点"), "too_short", None),
    (re.compile(r"太专业|通俗|简单点"), "too_technical", None),
)


def parse_comment(text: str) -> list[tuple[str, str | None]]:
    """The ``(kind, aspect)`` requests a comment makes, in the order the rules list them.

    Examples
    --------
    >>> parse_comment("Shorter please, and I don't care about price")
    [('dont_mention', 'price'), ('too_long', None)]
    >>> parse_comment("说详细一点")
    [('too_short', None)]
    """
    found: list[tuple[str, str | None]] = []
    for pattern, kind, fixed in _RULES:
        match = pattern.search(text)
        if match is None:
            continue
        aspect = fixed
        if fixed is None and match.groups():
            word = next(g for g in match.groups() if g)
            aspect = _ZH_ASPECTS.get(word) or _canonical(word)
        if (kind, aspect) not in found:
            found.append((kind, aspect))
    return found


def _canonical(word: str) -> str:
    name = re.sub(r"\s+", " ", word.lower())
    for candidate in (name, name.replace(" ", "_")):
        if candidate in ASPECTS:
            return candidate
        if candidate in ASPECT_SYNONYMS:
            return ASPECT_SYNONYMS[candidate]
    return name
