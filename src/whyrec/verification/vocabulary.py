"""The catalog's words that carry facts: titles, brands, categories, tags and genres, and ids.

The verifier looks every one of them up in an explanation; any that the evidence does not back
is an unsupported span. Latin terms are matched as whole token sequences (longest first),
Chinese terms as substrings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whyrec.data.dataset import Cached
from whyrec.privacy.injection import defuse
from whyrec.text import (
    CJK_RE,
    INVISIBLE_RE,
    WORD_RE,
    has_cjk,
    title_variants,
    token_key,
)

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset

#: which kind a term counts as when it is several (a film titled "Heat" tagged "heat")
KIND_ORDER = ("title", "brand", "feature")
#: too common to count as a catalog word when a tag or category happens to be one
COMMON_WORDS = frozenset({
    "the", "a", "an", "and", "or", "of", "for", "with", "in", "on", "to", "it", "is", "at", "by",
    "from", "new", "good", "great", "best", "more", "most", "other", "all", "one", "two", "top",
    "way", "life", "love", "man", "day", "night", "time", "home", "world", "story",
    # the words explanations are made of: a brand or tag spelled like one ("because") would
    # flag every sentence that uses the word
    "because", "since", "also", "you", "your", "like", "liked", "bought", "viewed", "rated",
    "people", "items", "item", "picked", "pick", "fits", "taste", "similar", "shares", "tagged",
    "category", "made", "who", "this", "that", "so", "as", "here", "we", "our", "may", "could",
})

Match = tuple[int, int, str, str]  # start, end, matched text, kind
#: the key of a trie node that holds the kind of the term ending there (never a word: words
#: have no spaces)
KIND = " kind"

#: where a sentence ends: no catalog term but a title runs across it
_BREAK_RE = re.compile(
    # ... not at the dot of a short form ("Kill Bill: Vol. 1", "(a.k.a. Ghost Busters)")
    r"(?<!\bVol)(?<!\bNo)(?<!\bSt)(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bJr)(?<!\bvs)(?<!\bPt)"
    r"(?<!\b[A-Za-z])\.\s|[!?;]\s|[\u3002\uff01\uff1f\uff1b]")


@dataclass
class Vocabulary:
    """Term -> kind for Latin (token keys) and Chinese (substrings) terms, plus known ids."""

    latin: dict[str, str] = field(default_factory=dict)
    cjk: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    descriptions: dict[str, str] = field(default_factory=dict)
    #: how many tokens the Latin terms have, longest first (the only n-grams worth looking up)
    lengths: list[int] = field(default_factory=list)
    #: Chinese terms by first character, built on first use (``add`` resets it)
    _cjk_index: dict[str, list[tuple[str, str]]] | None = field(
        default=None, init=False, repr=False, compare=False)
    #: the first characters of the Chinese terms (built with ``_cjk_index``)
    _cjk_first: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False)
    #: the Latin terms as a trie of words (each node: word -> node, ``KIND`` -> the kind of
    #: the term ending there), and how many terms it was built from
    _trie: tuple[int, dict[str, Any]] | None = field(
        default=None, init=False, repr=False, compare=False)
    #: the known ids that are not all digits (a word of digits alone is never taken for an id)
    _letter_ids: tuple[int, frozenset[str]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def add(self, kind: str, values: Iterable[Any]) -> None:
        for value in values:
            if value is None or value != value:  # None or NaN
                continue
            text = str(value).strip()
            variants = title_variants(text) if kind == "title" else {text}
            for variant in variants:
                self._add_one(kind, variant)

    def _add_one(self, kind: str, text: str) -> None:
        if has_cjk(text):
            key = INVISIBLE_RE.sub("", text).casefold().strip()
            if len(key) >= 2:
                self.cjk[key] = _stronger(self.cjk.get(key), kind)
                self._cjk_index = None
            return
        key = token_key(text)
        # two letters are a word more often than a name; a two-character title with a digit
        # ("X7", "i7") is a name
        short = len(key) < 3 and not (kind == "title" and len(key) == 2
                                      and any(c.isdigit() for c in key))
        # a feature, brand or category spelled like a common word ("because") is read as the
        # word: it would otherwise flag every sentence that uses the word
        if not key or short or (kind in ("feature", "brand", "category")
                                and key in COMMON_WORDS):
            return
        self.latin[key] = _stronger(self.latin.get(key), kind)
        self._trie = None  # a new term, or a stronger kind for one
        size = key.count(" ") + 1
        if size not in self.lengths:
            self.lengths = sorted([*self.lengths, size], reverse=True)

    def extended(self, **terms: Iterable[Any]) -> Vocabulary:
        """A copy with more terms (``title=…``, ``brand=…``, ``feature=…``), e.g. a caller's."""
        copy = Vocabulary(dict(self.latin), dict(self.cjk), set(self.ids),
                          dict(self.descriptions), list(self.lengths))
        for kind, values in terms.items():
            copy.add(kind, values)
        return copy

    def find(self, text: str) -> list[Match]:
        """Catalog terms in ``text`` (NFKC-normalised by the caller), longest match first."""
        found: list[Match] = []
        words = list(WORD_RE.finditer(text))
        keys = [w.group().casefold() for w in words]
        root = self._word_trie()
        count = len(words)
        # how many sentence ends lie before each word: a walk from word i to word j crosses
        # one when the counts differ (a sentence end is all marks and spaces, so it lies
        # between two words; one scan of the text instead of one search a step)
        ends_before: list[int] | None = None
        i = 0
        while i < count:
            # walk the trie from this word: one dict lookup a word, and the walk stops at the
            # first word no term continues with (a text costs its length, not the catalog's)
            node = root.get(keys[i])
            best: tuple[int, str] | None = None
            j = i
            while node is not None:
                kind = node.get(KIND)
                # a one-word title counts only when written as a name; only a title runs
                # across a sentence mark ("When Harry Met Sally... (1989)", "Hola! Stand"):
                # "category. 26" is not the category "category 26"
                if kind is not None and (j > i or kind != "title"
                                         or _named(text, words[i].start())):
                    if kind != "title" and j > i:
                        if ends_before is None:
                            ends_before = _ends_before(text, words)
                        if ends_before[j] != ends_before[i]:
                            kind = None  # a sentence end lies inside the words walked
                    if kind is not None:
                        best = (j, kind)
                j += 1
                node = node.get(keys[j]) if j < count else None
            if best is not None:
                last, kind = best
                start, end = words[i].start(), words[last].end()
                found.append((start, end, text[start:end], kind))
                i = last
            i += 1
        if self.cjk and CJK_RE.search(text):
            folded = text.casefold()
            by_first = self._cjk_by_first_char()
            # every occurrence of every term, overlaps included (the longest wins below);
            # indexed by first character, so a text costs its length, not the vocabulary's size
            for at in self._cjk_first_re().finditer(folded):
                start = at.start()
                for term, kind in by_first[at.group()]:
                    if folded.startswith(term, start):
                        end = start + len(term)
                        found.append((start, end, text[start:end], kind))
        return _without_overlaps(found)

    def _word_trie(self) -> dict[str, Any]:
        # rebuilt when terms were added (a new term is a new key: the count grows)
        if self._trie is None or self._trie[0] != len(self.latin):
            root: dict[str, Any] = {}
            for key, kind in self.latin.items():
                node = root
                for word in key.split(" "):
                    node = node.setdefault(word, {})
                node[KIND] = kind
            self._trie = (len(self.latin), root)
        return self._trie[1]

    def letter_ids(self) -> frozenset[str]:
        """The known ids (casefolded) that are not all digits."""
        if self._letter_ids is None or self._letter_ids[0] != len(self.ids):
            self._letter_ids = (len(self.ids), frozenset(i for i in self.ids if not i.isdigit()))
        return self._letter_ids[1]

    def _cjk_by_first_char(self) -> dict[str, list[tuple[str, str]]]:
        if self._cjk_index is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for term, kind in self.cjk.items():
                index.setdefault(term[0], []).append((term, kind))
            self._cjk_index = index
            # the characters a term begins with, as one pattern: the text's other characters
            # are skipped by the regex engine, not looked up one by one
            self._cjk_first = re.compile("|".join(map(re.escape, sorted(index))) or "(?!)")
        return self._cjk_index

    def _cjk_first_re(self) -> re.Pattern[str]:
        self._cjk_by_first_char()
        assert self._cjk_first is not None
        return self._cjk_first


def _stronger(current: str | None, kind: str) -> str:
    if current is None:
        return kind
    return min(current, kind, key=KIND_ORDER.index)


def _named(text: str, start: int) -> bool:
    """A one-word title counts only when written as a name: capitalised, not sentence-initial,
    or quoted ("It" the pronoun is not *It* the film)."""
    end = start  # where ``text[:start].rstrip()`` ends, found without copying the text
    while end > 0 and text[end - 1].isspace():
        end -= 1
    last = text[end - 1] if end else ""
    if last and last in _NAME_OPENERS:
        return True
    if not text[start].isupper():
        return False
    return bool(last) and last not in ".!?。！？:"


#: marks a name may be written after
_NAME_OPENERS = frozenset('"“\'‘《「')


def _ends_before(text: str, words: list[re.Match[str]]) -> list[int]:
    """For each word of ``text`` (and one past the last), how many sentence ends
    (:data:`_BREAK_RE`) begin before it."""
    ends = [m.start() for m in _BREAK_RE.finditer(text)]
    out, seen = [], 0
    for word in words:
        start = word.start()
        while seen < len(ends) and ends[seen] < start:
            seen += 1
        out.append(seen)
    out.append(len(ends))
    return out


def _without_overlaps(found: list[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (a title wins over the tag inside it)."""
    kept: list[Match] = []
    for match in sorted(found, key=lambda m: (-(m[1] - m[0]), m[0])):
        if all(match[1] <= k[0] or match[0] >= k[1] for k in kept):
            kept.append(match)
    return sorted(kept)


#: a dataset's catalog vocabulary (built once per dataset: it reads the whole catalog)
VOCABULARY: Cached[Vocabulary] = Cached("verification: catalog vocabulary")


def dataset_vocabulary(dataset: Dataset) -> Vocabulary:
    """The vocabulary of a dataset's catalog, built once and kept with the dataset."""
    return dataset.cached(VOCABULARY, lambda: _build(dataset))


def _build(dataset: Dataset) -> Vocabulary:
    items = dataset.items
    vocabulary = Vocabulary()
    titles = items["title"].tolist()
    vocabulary.add("title", titles)
    # prompts and templates name an item by its title cut before any injection attempt: that
    # form is a title too (else a shorter title inside it would be matched instead)
    vocabulary.add("title", {cut for t in titles if isinstance(t, str)
                             if (cut := defuse(t)) and cut != t})
    if "brand" in items:
        vocabulary.add("brand", items["brand"].tolist())
    if "category" in items:
        vocabulary.add("feature", items["category"].tolist())
    if "tags" in items:
        vocabulary.add("feature", {t for tags in items["tags"].tolist()
                                   if isinstance(tags, (list, tuple)) for t in tags})
    for words in dataset.translations.values():
        vocabulary.add("feature", words.values())
    vocabulary.ids = {str(i).casefold() for i in items["item_id"].tolist()}
    vocabulary.ids |= {str(u).casefold() for u in dataset.user_ids.tolist()}
    if "description" in items:
        vocabulary.descriptions = {
            str(i): str(d) for i, d in zip(items["item_id"].tolist(),
                                           items["description"].tolist(), strict=True)
            if isinstance(d, str) and d}
    return vocabulary
