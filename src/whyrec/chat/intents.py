"""What a follow-up question asks, in English or Chinese: why this, why not X, what else like
this, don't show me things like this, what it costs, who makes it and what kind of item it is —
or something the evidence cannot answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

INTENTS = ("why", "why_not", "similar", "not_like_this", "details", "unknown")
#: what a "details" question asks about, and how it is asked (the catalog's own fields)
_DETAILS = (
    ("price", re.compile(r"\bhow much\b|\bprice\b|\bcosts?\b|\bexpensive\b|\bcheap\b|"
                         r"多少钱|价格|价钱|贵不贵|多贵|便宜吗|售价", re.I)),
    ("brand", re.compile(r"\bbrand\b|\bwho makes\b|\bmade by\b|\bmanufacturer\b|\bmaker\b|"
                         r"品牌|牌子|谁做的|哪家", re.I)),
    ("category", re.compile(r"\bcategory\b|\bwhat (?:kind|type|sort) of\b|\bgenre\b|"
                            r"类别|分类|哪一类|什么类|属于哪", re.I)),
)

_NOT_LIKE = re.compile(
    r"\b(?:don'?t|do not|never|stop)\s+(?:show|recommend|suggest)(?:ing)?\s+(?:me\s+)?"
    r"(?:things|items|stuff|anything|more)?\s*like\s+(?:this|that|it)|\bnot interested\b|"
    r"\bless like this\b|不要再?推荐|别再?推荐|不感兴趣|少推荐", re.I)
_WHY_NOT = (
    re.compile(r"\bwhy\s+not\s+(?P<x>.+)", re.I),
    re.compile(r"\bwhy\s+(?:didn'?t|did not|don'?t|do not|wasn'?t|isn'?t)\s+(?:you\s+)?"
               r"(?:recommend(?:ed)?|suggest(?:ed)?|show(?:n)?|pick(?:ed)?)\s+(?:me\s+)?"
               r"(?P<x>.+)", re.I),
    re.compile(r"\bwhat about\s+(?P<x>.+)", re.I),
    re.compile(r"为什么不(?:推荐|是|选)?(?P<x>.+)"),
    re.compile(r"为什么没有?(?:推荐)?(?P<x>.+)"),
)
_SIMILAR = re.compile(r"\b(?:what else|anything else|more like this|similar|others? like "
                      r"(?:this|it))\b|类似|相似|还有.*(?:像|一样)", re.I)
_WHY = re.compile(r"^\W*(?:why\b|how come\b|explain\b|tell me (?:more|why)\b|what makes|"
                  r"为什么|为何|怎么会|解释)", re.I)
_TRIM = re.compile(r"^[\s\"'“”‘’「」《》]+|[\s\"'“”‘’「」《》?？.!！。]+$")


@dataclass(frozen=True)
class Intent:
    """A classified question: ``name`` is one of :data:`INTENTS`; ``target`` names X in
    "why not X?"."""

    name: str
    target: str | None = None


def classify(question: str) -> Intent:
    """What ``question`` asks.

    Examples
    --------
    >>> classify("Why not “Heat”?")
    Intent(name='why_not', target='Heat')
    >>> classify("为什么推荐这个？").name
    'why'
    >>> classify("what's the weather").name
    'unknown'
    """
    text = question.strip()
    if _NOT_LIKE.search(text):
        return Intent("not_like_this")
    for pattern in _WHY_NOT:
        match = pattern.search(text)
        if match:
            target = _TRIM.sub("", match.group("x"))
            target = re.sub(r"^(?:the|a|an)\s+", "", target, flags=re.I)
            if target and not re.fullmatch(r"(?:this|it|that)(?: one)?|这个|它", target, re.I):
                return Intent("why_not", target)
    for field, pattern in _DETAILS:
        if pattern.search(text):
            return Intent("details", field)
    if _SIMILAR.search(text):
        return Intent("similar")
    if _WHY.search(text):
        return Intent("why")
    return Intent("unknown")
