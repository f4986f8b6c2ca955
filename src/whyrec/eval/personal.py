"""Personalisation and readability of explanations.

* **distinctness** -- how different two people's explanations of the *same* item are: the mean
  Jaccard distance ``1 - |A ∩ B| / |A ∪ B|`` of their word sets (Chinese: character sets), over
  pairs of people per item, averaged over items explained to at least two people (0 = every
  person reads the same text, 1 = no word in common). Each item contributes at most
  ``max_per_item`` texts, so the cost stays linear in the number of items.
* **history reference** -- how much of an explanation is about the person's own history: the
  share of the facts it cites that are personal (``history_item``, ``shared_feature`` -- a
  feature shared *with the person's history* -- and ``preference``), and the share of
  explanations citing at least one history item.
* **readability / length** per language. English: words, sentences, words per sentence and the
  Flesch reading ease ``206.835 - 1.015 (words / sentences) - 84.6 (syllables / words)``
  (R. Flesch, *A new readability yardstick*, J. Applied Psychology 1948; syllables counted as
  vowel groups, a silent final *e* dropped, at least one per word). Chinese: characters,
  sentences and characters per sentence (no Flesch formula exists for Chinese).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import numpy as np

from whyrec.eval.overlap import units
from whyrec.text import CJK_RE, WORD_RE, has_cjk
from whyrec.types import Evidence, Explanation, Recommendation

PERSONAL_KINDS = frozenset({"history_item", "shared_feature", "preference"})
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
VOWEL_GROUP_RE = re.compile(r"[aeiouy]+")


def jaccard_distance(a: str, b: str) -> float:
    """``1 - |A ∩ B| / |A ∪ B|`` of the two texts' unit sets (0 for two empty texts).

    Examples
    --------
    >>> jaccard_distance("you like crime", "you like drama")
    0.5
    """
    left, right = set(units(a)), set(units(b))
    union = left | right
    return 1.0 - len(left & right) / len(union) if union else 0.0


def distinctness(
    texts: Iterable[tuple[str, str, str]], max_per_item: int = 20
) -> dict[str, float | int]:
    """Mean Jaccard distance between different people's explanations of the same item.

    Parameters
    ----------
    texts : ``(item_id, user_id, text)`` triples.
    max_per_item : at most this many people's texts per item (the first ones) are compared.

    Examples
    --------
    >>> distinctness([("i", "u1", "a b"), ("i", "u2", "a c"), ("j", "u1", "x")])["distinctness"]
    0.6666666666666667
    """
    by_item: dict[str, dict[str, str]] = defaultdict(dict)
    for item, user, text in texts:
        people = by_item[item]
        if user not in people and len(people) < max_per_item:
            people[user] = text
    per_item = []
    for people in by_item.values():
        if len(people) < 2:
            continue
        distances = [jaccard_distance(a, b) for a, b in combinations(people.values(), 2)]
        per_item.append(float(np.mean(distances)))
    return {"distinctness": float(np.mean(per_item)) if per_item else 0.0,
            "items_compared": len(per_item)}


def history_reference(pairs: Sequence[tuple[Recommendation, Explanation]]) -> dict[str, float]:
    """Share of cited facts that are personal, and of texts citing a history item.

    Examples
    --------
    >>> history_reference([])["personal_fact_share"]
    0.0
    """
    shares: list[float] = []
    cites_history = 0
    for rec, explanation in pairs:
        facts: dict[str, Evidence] = {e.id: e for e in rec.evidence}
        cited = [facts[i] for i in explanation.cited_ids if i in facts]
        if cited:
            shares.append(sum(e.kind in PERSONAL_KINDS for e in cited) / len(cited))
        else:
            shares.append(0.0)
        cites_history += any(e.kind == "history_item" for e in cited)
    n = len(pairs)
    return {"personal_fact_share": float(np.mean(shares)) if shares else 0.0,
            "cites_history_rate": cites_history / n if n else 0.0}


def syllables(word: str) -> int:
    """English syllables by vowel groups (a heuristic, as readability tools use).

    Examples
    --------
    >>> syllables("recommended"), syllables("like"), syllables("rhythm")
    (4, 1, 1)
    """
    word = word.lower()
    if len(word) > 2 and word.endswith("e") and not word.endswith(("le", "ee")):
        word = word[:-1]
    return max(1, len(VOWEL_GROUP_RE.findall(word)))


def sentences(text: str) -> list[str]:
    """Sentences of ``text`` (ended by ``.!?`` or ``。！？``)."""
    return [s for s in SENTENCE_SPLIT_RE.split(text.strip()) if s.strip()]


def text_stats(text: str, language: str) -> dict[str, float]:
    """Length and readability of one text in ``language`` (``en`` or ``zh``).

    Examples
    --------
    >>> text_stats("You like it. It is good.", "en")["words_per_sentence"]
    3.0
    """
    n_sentences = max(1, len(sentences(text)))
    if language == "zh" or (has_cjk(text) and language != "en"):
        chars = len(CJK_RE.findall(text))
        return {"length": float(chars), "sentences": float(n_sentences),
                "per_sentence": chars / n_sentences}
    words = [w for w in WORD_RE.findall(text) if not has_cjk(w)]
    n_words = max(1, len(words))
    n_syllables = sum(syllables(w) for w in words)
    flesch = 206.835 - 1.015 * (n_words / n_sentences) - 84.6 * (n_syllables / n_words)
    return {"length": float(len(words)), "sentences": float(n_sentences),
            "words_per_sentence": n_words / n_sentences, "flesch": flesch}


def readability(explanations: Sequence[Explanation]) -> dict[str, dict[str, Any]]:
    """Per language: how many texts, mean / median / p90 length (words or characters),
    sentences, and the mean Flesch reading ease (English).

    Examples
    --------
    >>> readability([])
    {}
    """
    by_language: dict[str, list[dict[str, float]]] = defaultdict(list)
    for e in explanations:
        by_language[e.language].append(text_stats(e.text, e.language))
    out: dict[str, dict[str, Any]] = {}
    for language, stats in sorted(by_language.items()):
        lengths = np.asarray([s["length"] for s in stats])
        summary: dict[str, Any] = {
            "n": len(stats),
            "unit": "characters" if language == "zh" else "words",
            "length_mean": float(lengths.mean()),
            "length_p50": float(np.percentile(lengths, 50)),
            "length_p90": float(np.percentile(lengths, 90)),
            "sentences_mean": float(np.mean([s["sentences"] for s in stats])),
        }
        if language != "zh":
            summary["words_per_sentence"] = float(np.mean([s["words_per_sentence"]
                                                           for s in stats]))
            summary["flesch_reading_ease"] = float(np.mean([s["flesch"] for s in stats]))
        else:
            summary["chars_per_sentence"] = float(np.mean([s["per_sentence"] for s in stats]))
        out[language] = summary
    return out
