"""Things that may never appear in an explanation, and numbers, found by pattern.

Each finder returns ``(start, end, text)`` spans of the text it was given.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

Span = tuple[int, int, str]

URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|io|cn|shop|store|co|ly|me|info|biz)\b"
    r"(?:/\S*)?", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# eight or more digits with phone punctuation, or a Chinese mobile number
PHONE_RE = re.compile(r"(?<![\w.])\+?\d[\d ()\-]{6,}\d(?![\w.])|(?<!\d)1[3-9]\d{9}(?!\d)")
# letters and digits mixed in one token: SKUs, ASINs, user and item ids
MIXED_ID_RE = re.compile(r"\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{5,}\b")
NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])|\d+")

EN_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "million": 1_000_000,
}
EN_NUMBER_RE = re.compile(r"\b(" + "|".join(EN_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+")
ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# a Chinese numeral before a measure word; a lone 一 is an article ("一部电影"), not a count
ZH_NUMBER_RE = re.compile(r"[零一二两三四五六七八九十百千万]+(?=[星分人个位部件天名篇款%成倍])")


def find(pattern: re.Pattern[str], text: str) -> Iterator[Span]:
    for match in pattern.finditer(text):
        yield match.start(), match.end(), match.group()


@lru_cache(maxsize=65_536)
def canonical_number(text: str) -> str | None:
    """'1,204' -> '1204', '4.50' -> '4.5', '62' -> '62'; None when it is not a number."""
    digits = text.replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    return f"{value:.4f}".rstrip("0").rstrip(".")


def zh_numeral(text: str) -> int | None:
    """'五' -> 5, '六十' -> 60, '一百二十' -> 120; None for a lone '一'."""
    if text == "一":
        return None
    total, current = 0, 0
    for char in text:
        if char in ZH_DIGITS:
            current = ZH_DIGITS[char]
        elif char in ZH_UNITS:
            total += (current or 1) * ZH_UNITS[char]
            current = 0
    return total + current


def numbers_in(text: str) -> set[str]:
    """Every number a text states, canonical: digits, English number words, Chinese numerals."""
    # each distinct number once (a fact list repeats its ratings and counts many times)
    found = {c for t in set(NUMBER_RE.findall(text)) if (c := canonical_number(t))}
    # a number word stands between word boundaries: it is a whole word of the text (one pass
    # over the words costs a fraction of the alternation's search at every position)
    found |= {str(EN_NUMBER_WORDS[w]) for w in {t.lower() for t in set(_WORD_RE.findall(text))}
              if w in EN_NUMBER_WORDS}
    found |= {str(v) for t in set(ZH_NUMBER_RE.findall(text)) if (v := zh_numeral(t)) is not None}
    return found
