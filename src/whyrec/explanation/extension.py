"""Sentence planning: a verified text grows one fact at a time, the model writing each sentence.

A small model asked for "two or three facts" writes one clause. So once its first text passes,
whyrec begins the next sentence itself, with a connective and the first words of how the prompt
words the next fact not yet stated ("Also, people who…", "另外，它与…"), and the model writes
the rest of that sentence. The longer text is kept only when it passes the verifier as a whole
and states a fact the shorter one did not; otherwise the shorter text stands. The code chooses
*what* each sentence is about; the model chooses how to say it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: how a further sentence may open, in turn (no text repeats one)
CONNECTIVES = {"en": ("Also,", "Plus,", "And", "What is more,"),
               "zh": ("另外，", "而且", "此外，", "同时，")}
#: the facts a text of each length aims to state (the prompt asks for as many)
FACTS_AIMED = {"short": 1, "medium": 3, "detailed": 5}
#: words the lead of a further sentence stops before: a title, a number, a quoted word
_LEAD_STOP_RE = re.compile(r"^[\u201c\"《(\d%]")
_ZH_LEAD_STOP = frozenset("《“\"0123456789（(，。")
#: a title, a quotation or a number: a clause holding one is not a mere frame
_NAMES_RE = re.compile(r"[\u201c\u201d\"《》(（\d]")
#: first words of a fact's wording that are not names (they are lower-cased mid-sentence)
_COMMON_FIRST = frozenset({
    "it", "its", "it's", "you", "your", "you're", "people", "person", "among", "like", "of",
    "this", "that", "these", "those", "the", "a", "an", "many", "most", "other", "others", "in",
    "on", "with", "for", "rated", "tagged", "shared", "every", "each", "everyone", "some", "one",
    "two", "three", "both", "also", "and", "as", "at", "from", "more", "over", "there", "they",
    "their", "we", "our", "here", "when", "while", "what", "who", "which", "all", "same",
    "similar", "fans", "viewers", "buyers", "customers", "readers", "listeners", "diners",
    "individuals", "users", "travelers", "travellers", "families", "patrons", "guests",
    "shoppers", "visitors", "lovers", "enthusiasts", "anyone", "someone"})


def sentence_lead(sentence: str, language: str) -> str:
    """The first words of a fact's wording, up to (not into) a title or a number: the model
    writes the rest. English: up to two words, lower-cased ("it shares", "people who");
    Chinese: up to two characters ("你给"), and "你的" after them ("它与你的"). A framing
    clause before a colon is skipped ("It fits your taste: you rated “X” 5/5." is begun "you
    rated"): begun on the frame, the model wrote the frame alone ("另外，它很符合你的口味。")
    and stated nothing."""
    sentence = _after_frame(sentence)
    if language == "zh":
        chars = ""
        for char in sentence[:2]:
            if char in _ZH_LEAD_STOP:
                break
            chars += char
        # "它与你的238部电影…" is begun "它与你的": begun "它与", the model wrote "它与你给它的平均
        # 评分…" (a rating of the item said to be the person's, which the verifier rejects)
        if chars and sentence[len(chars):].startswith("你的"):
            chars += "你的"
        return chars
    words = sentence.split()
    if words and words[0].casefold() in {"because", "since"}:
        words = words[1:]  # "Also, because you…" reads badly: the connective says it already
    lead: list[str] = []
    for word in words[:2]:
        if _LEAD_STOP_RE.match(word):
            break
        lead.append(word.rstrip(",:;"))
        if word.endswith((",", ":", ";")):
            break
    if not lead:
        return ""
    # a common word loses its capital after the connective; a name keeps it ("Also, Costco
    # Wholesale is…", not "Also, costco Wholesale is…")
    first = lead[0][:1].lower() + lead[0][1:] if lead[0].casefold() in _COMMON_FIRST else lead[0]
    return " ".join([first, *lead[1:]])


def _after_frame(sentence: str) -> str:
    """``sentence`` without a short framing clause that ends in a colon and names nothing."""
    for mark in ("：", ": "):
        frame, found, rest = sentence.partition(mark)
        if found and rest.strip() and len(frame) <= 30 and not _NAMES_RE.search(frame):
            return rest.strip()
    return sentence


def next_sentence_start(text: str, sentence: str, language: str, step: int) -> str:
    """``text`` with the next sentence begun: connective ``step`` and ``sentence``'s lead."""
    connective = CONNECTIVES["zh" if language == "zh" else "en"]
    word = connective[step % len(connective)]
    lead = sentence_lead(sentence, language)
    if language == "zh":
        return f"{text}{word}{lead}"
    return f"{text} {word} {lead}" if lead else f"{text} {word}"


def unstated(facts: Sequence[tuple[str, str]], cited: Sequence[str]) -> list[str]:
    """The wordings of the facts (``(id, sentence)`` in prompt order) a text does not state."""
    said = set(cited)
    return [sentence for fact_id, sentence in facts if sentence and fact_id not in said]


#: how a warm close (the friendly tone) is begun; the model finishes it
WARM_LEADS = {"en": "We hope", "zh": "希望你"}


def led_start(start: str, sentence: str, language: str) -> str:
    """An answer start ("We picked “X” because") with the reason begun by ``sentence``'s lead,
    so that the first thing said is that fact (a preferred kind leads the text)."""
    lead = sentence_lead(sentence, language)
    if not lead:
        return start
    if language == "zh":
        return f"{start}{lead}"
    # "because, like 4 of your items, it…": a fronted phrase is set off by commas
    return f"{start}, {lead}" if lead.split()[0] in {"like", "among"} else f"{start} {lead}"


def warm_close_start(text: str, language: str) -> str:
    """``text`` with a warm closing sentence begun."""
    lead = WARM_LEADS["zh" if language == "zh" else "en"]
    return f"{text}{lead}" if language == "zh" else f"{text} {lead}"
