"""Content words: the words of a claim that say something about the world, compared by stem.

English words are reduced with the Snowball stemmer ("running shoes" and "running shoe" meet at
"run shoe"); Chinese text is segmented with jieba (its dictionary ships in the wheel). Words in
the explanation's closed vocabulary (:mod:`whyrec.verification.lexicon`) are not content.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

from whyrec.text import CJK_RE, WORD_RE
from whyrec.verification.lexicon import EN_CLOSED, ZH_CLOSED

#: Latin words of one or two letters, and bare numbers, never carry a claim of their own
_SKIP_RE = re.compile(r"^(?:[a-z]{1,2}|\d[\d.,/%]*|[a-z]?\d+[a-z]?)$")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The stem of one lower-case English word ("shoes" -> "shoe", "cozier" -> "cozier")."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return str(_stemmer().stemWord(word))


def latin_words(text: str) -> list[str]:
    """Lower-case Latin words of ``text``, hyphenated ones also split into their parts."""
    out: list[str] = []
    # Chinese text runs into Latin words without a space ("它属于Harmonicas类")
    for word in WORD_RE.findall(CJK_RE.sub(" ", text.casefold())):
        out.append(word)
        if "-" in word:
            out.extend(part for part in word.split("-") if part)
    return out


def en_content(text: str) -> list[str]:
    """The English content words of ``text`` (closed-vocabulary and tiny words left out)."""
    return list(_en_content(text))


# claims are sentences, and template sentences recur across people: each one read once
@lru_cache(maxsize=1024)
def _en_content(text: str) -> tuple[str, ...]:
    return tuple(w for w in latin_words(text)
                 if w not in EN_CLOSED and not _SKIP_RE.match(w) and "-" not in w)


def zh_segments(text: str) -> list[str]:
    """jieba's words of the Chinese runs of ``text``."""
    words: list[str] = []
    for run in _CJK_RUN_RE.findall(text):
        words.extend(_segmented(run))
    return words


_CJK_RUN_RE = re.compile(f"[{CJK_RE.pattern[1:-1]}]+")


@lru_cache(maxsize=1024)
def _segmented(run: str) -> tuple[str, ...]:
    # explanations reuse their phrases ("因为你给", "打了", "分"): segment each run once
    return tuple(_jieba().lcut(run, HMM=False))


def zh_content(text: str) -> list[str]:
    """The Chinese content words of ``text``."""
    return list(_zh_content(text))


@lru_cache(maxsize=1024)
def _zh_content(text: str) -> tuple[str, ...]:
    return tuple(w for w in zh_segments(text) if w not in ZH_CLOSED)


def stems_of(text: str) -> set[str]:
    """Every English stem in ``text`` (what a set of facts backs)."""
    return {stem(w) for w in latin_words(text)}
