"""What the evidence handed to the model backs: its sentences, numbers and untrusted text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from whyrec.evidence.base import Signal
from whyrec.text import (
    _QUOTES,
    INVISIBLE_RE,
    SENTENCE_END_RE,
    SHORT,
    has_cjk,
    normalise,
    title_variants,
    token_key,
    tokens,
)
from whyrec.verification.content import en_content, stem, stems_of
from whyrec.verification.patterns import canonical_number, numbers_in
from whyrec.voice import spoken_to

#: a citing term longer than this many words is a reason in words, cited by a paraphrase
PARAPHRASED_WORDS = 6
#: how many of such a reason's content words (stems) a text must hold to cite it
CITING_STEMS = 3
#: how many facts' lines each memo of them keeps (a person's working set and the common ones)
LINE_MEMO = 1024
#: a quoted title in a fact sentence: “…” or 《…》 (within its line: a stray mark in one fact
#: does not swallow the next facts)
QUOTED_SPAN_RE = re.compile(r"“[^”\n]*”|《[^》\n]*》")


@dataclass
class Support:
    """The facts one explanation may use.

    ``sentences`` are the facts as given to the model (and any item details shown to it);
    ``fact_terms`` maps each fact id to the words that show the text cites it; ``untrusted``
    holds catalog free text about the items involved, which must never be echoed.
    """

    item_title: str
    sentences: list[str] = field(default_factory=list)
    fact_terms: dict[str, list[str]] = field(default_factory=dict)
    #: per fact, numbers of which a text must give one to state it (Evidence.stating_numbers)
    stating: dict[str, list[str]] = field(default_factory=dict)
    untrusted: list[str] = field(default_factory=list)
    #: titles of the person's history items among the facts (what "you bought X" may name)
    history_titles: list[str] = field(default_factory=list)
    #: "N of your items" counts the facts state, each with the words it is said of
    counts: dict[str, list[str]] = field(default_factory=dict)
    #: titles of other items the facts name (cohort anchors)
    other_titles: list[str] = field(default_factory=list)
    #: what the facts let a text claim about events, ratings and statements (claim checks)
    signals: list[Signal] = field(default_factory=list)
    #: numbers the facts state however they are worded (a rating, a cohort's share)
    fact_numbers: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        # each line once (facts repeat their titles and tags); lines recur across a person's
        # recommendations (titles, tags, worded facts), so each is read once and remembered.
        # Line by line is the same as the lines joined: a word, a token or a number never
        # spans two lines, and normalising a line does not depend on its neighbours
        every = [self.item_title, *self.sentences]
        lines = list(dict.fromkeys(every))
        # all of them, in order, for the text: a term may be looked up across two lines
        read = [_line(line) for line in every]
        folded = [f for f, _ in read if f]
        #: the facts' lines as compared (:func:`fold` of the lines joined, line by line)
        self._folded = folded
        self.text = " ".join(folded)  # fold("\n".join(every)), line by line
        self.token_text = f" {' '.join(keys for _, keys in read if keys)} "
        # a number inside a title ("Heat (1995)", "Pack of 12") backs that title, not a claim
        # like "1995 people rated it": titles are taken out before numbers are collected
        titles = self.titles
        if any("\n" in t for t in titles):
            # a title across lines (only a hostile catalog's): taken out of the whole text
            bare = "\n".join(lines)
            for title in titles:
                bare = bare.replace(title, " ")
            self.numbers = numbers_in(QUOTED_SPAN_RE.sub(" ", bare))
        else:
            self.numbers = set()
            for line in lines:
                for title in titles:
                    if title in line:
                        line = line.replace(title, " ")
                self.numbers |= _line_numbers(line)
        self.numbers |= {c for n in self.fact_numbers if (c := canonical_number(str(n)))}

    @cached_property
    def titles(self) -> tuple[str, ...]:
        """Every title the facts name (the item's, the history's, other items'), longest first."""
        return tuple(t for t in sorted({self.item_title, *self.history_titles,
                                        *self.other_titles}, key=len, reverse=True) if t)

    @cached_property
    def history_keys(self) -> frozenset[str]:
        """How the person's history items may be named (every title variant, as compared)."""
        return frozenset(key for t in self.history_titles for key in _variant_keys(t))

    @cached_property
    def carted(self) -> tuple[str, ...]:
        """The history titles the person added to their cart (and did nothing more with)."""
        return tuple(s.title for s in self.signals
                     if s.kind == "history" and s.event == "add_to_cart" and s.title)

    @cached_property
    def grouping_features(self) -> tuple[tuple[str, str], ...]:
        """The categories and genres the item shares with the history, as (feature, value)."""
        found = []
        for fact_id, terms in self.fact_terms.items():
            feature = fact_id.split(":")[1] if fact_id.startswith("feature:") else ""
            if feature in ("category", "genre") and terms:
                found.append((feature, terms[0]))
        return tuple(found)

    @cached_property
    def stems(self) -> set[str]:
        """Every English stem the facts hold (what a content word must be one of)."""
        return set().union(*map(_line_stems, self._folded))

    @cached_property
    def item_text(self) -> str:
        """What a claim about the item may draw on: the facts without the free text that
        describes the person's tastes ("the user enjoys friendly staff" says nothing of the
        item's staff)."""
        about_user = [s.text for s in self.signals if s.kind == "free_text" and s.about == "user"]
        if not about_user:
            return self.text
        # as the caller wrote it, or said to the person ("The user enjoys" -> "You enjoy")
        forms = {form for text in about_user for form in (text, spoken_to(text).rstrip("."))}
        kept = [s for s in self.sentences if not any(form in s for form in forms)]
        return normalise("\n".join([self.item_title, *kept]))

    @cached_property
    def item_stems(self) -> set[str]:
        """The English stems of :attr:`item_text`."""
        return self.stems if self.item_text is self.text else stems_of(self.item_text)

    def backs(self, term: str) -> bool:
        """Whether ``term`` (a title, brand, tag…) occurs in the facts."""
        cjk, key = _term_key(term)
        return (key in self.text) if cjk else (bool(key) and f" {key} " in self.token_text)

    @cached_property
    def _title_keys(self) -> frozenset[str]:
        """The titles the facts name, normalised, each with its other names."""
        titles = {self.item_title, *self.history_titles, *self.other_titles}
        return frozenset(normalise(v) for t in titles if t for v in title_variants(t))

    @cached_property
    def _titled_facts(self) -> frozenset[str]:
        """The facts cited by a title (history items, cohorts' anchors), not by a word."""
        return frozenset(fact_id for fact_id, terms in self.fact_terms.items()
                         if any(normalise(t) in self._title_keys for t in terms if t))

    def _without_titles(self, folded: str) -> str:
        """``folded`` with every title the facts name blanked (longest first)."""
        for title in sorted(self._title_keys, key=len, reverse=True):
            if title and title in folded:
                folded = folded.replace(title, " ")
        return folded

    def cited_ids(self, text: str, folded: str | None = None,
                  keys: str | None = None) -> list[str]:
        """Facts ``text`` states: their words appear in it (``folded``: its
        :func:`normalise`, and ``keys``: its tokens between spaces, if known), with one of
        their ``stating`` numbers where they have some (a cohort's share or counts, not only
        its anchor title)."""
        return list(self._cited(text, folded, keys, stated=True))

    def cites_any(self, text: str, folded: str | None = None, keys: str | None = None) -> bool:
        """Whether ``text`` names any fact (its words, numbers or not), found at the first:
        "people who bought “X” often bought it too" is grounded, if vague."""
        return next(self._cited(text, folded, keys, stated=False), None) is not None

    def _cited(self, text: str, folded: str | None, keys: str | None, *,
               stated: bool) -> Iterator[str]:
        folded = fold(text) if folded is None else folded
        keys = token_text(folded) if keys is None else keys
        text_stems: set[str] | None = None
        # to state a fact that names no title (a tag, a brand, a count), a text must say it
        # outside the titles it names: "《新手友好策略桌游 …》" states no "策略" tag
        untitled = self._without_titles(folded) if stated else folded
        untitled_keys = token_text(untitled) if stated else keys
        for fact_id, terms in self.fact_terms.items():
            if stated and fact_id not in self._titled_facts:
                folded_here, keys_here = untitled, untitled_keys
            else:
                folded_here, keys_here = folded, keys
            if fact_id not in self._titled_facts and any(
                    term.count(" ") >= PARAPHRASED_WORDS for term in terms):
                # a reason in words (free text, a stated preference) is cited by a rewording:
                # enough of its content words, by stem, in the text. A long title is no
                # reason in words: it is cited by one of its names ("Planet Waves Classic
                # Series Instrument Cable with Right Angle Plug" is not stated by another
                # title with "Planet Waves", "Instrument Cable" and "Right Angle" in it)
                text_stems = stems_of(text) if text_stems is None else text_stems
                wanted = {stem(w) for term in terms for w in en_content(term)}
                if wanted and len(wanted & text_stems) >= min(CITING_STEMS, len(wanted)):
                    yield fact_id
                    continue
            # a title is cited by any of its names ("Casino" for "Casino (1995)"); a count or
            # a mean rating by the number standing alone ("10人", "4.9分" in Chinese, where
            # no space sets a number apart from the words around it)
            if any(_number_key(term).search(folded_here) is not None
                   if _NUMBER_TERM_RE.fullmatch(term)
                   else any(key in (folded_here if cjk else keys_here)
                            for cjk, key in _citing_keys(term))
                   for term in terms if term) and (
                    not stated or not (needed := self.stating.get(fact_id))
                    or _states(folded, terms, needed)):
                yield fact_id


#: the quotes :func:`whyrec.text.normalise` straightens, as (from, to) pairs
_QUOTE_PAIRS = tuple((chr(code), straight) for code, straight in _QUOTES.items())


def fold(text: str) -> str:
    """:func:`whyrec.text.normalise` of a long text (a whole explanation, every fact joined),
    the same string, faster: ``str.translate`` walks a text with non-ASCII characters one
    character at a time (some 40x slower than a few ``str.replace``); short strings go to
    ``normalise`` itself, which memoises them."""
    return normalise(text) if len(text) <= SHORT else fold_once(text)


def fold_once(text: str) -> str:
    """:func:`fold` without the memo, for strings that seldom recur (a person's worded facts):
    memoised, they would fill the memo with every person's lines."""
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    if not text.isascii():
        for quote, straight in _QUOTE_PAIRS:
            if quote in text:
                text = text.replace(quote, straight)
    return " ".join(text.casefold().split())


def token_text(folded: str) -> str:
    """The tokens of normalised text between single spaces, with a space at each end (what a
    term's `` key `` is looked up in)."""
    return f" {' '.join(tokens(folded))} "


@lru_cache(maxsize=1024)  # titles, named again in every text about them
def history_key(name: str) -> str:
    """A title as compared with the history items: Chinese as characters, Latin by tokens."""
    return normalise(name).strip('"') if has_cjk(name) else token_key(name)


# the memos of a fact's lines (worded facts recur across a person's recommendations, titles
# and tags across everyone's: on MovieLens one line in fifteen is new): bounded, like the others
@lru_cache(maxsize=LINE_MEMO)
def _line(line: str) -> tuple[str, str]:
    """A fact's line as compared (:func:`fold_once`) and its tokens between single spaces."""
    folded = fold_once(line)
    return folded, " ".join(tokens(folded))


@lru_cache(maxsize=LINE_MEMO)
def _line_stems(folded: str) -> frozenset[str]:
    return frozenset(stems_of(folded))


@lru_cache(maxsize=LINE_MEMO)
def _line_numbers(bare: str) -> frozenset[str]:
    """:func:`numbers_in` of one line with its titles taken out, quoted spans too."""
    return frozenset(numbers_in(QUOTED_SPAN_RE.sub(" ", bare)))


# the memos below are keyed by catalog words (titles, tags): bounded, so that a batch walking a
# whole catalog does not grow them without end
@lru_cache(maxsize=1024)
def _variant_keys(title: str) -> tuple[str, ...]:
    return tuple({history_key(v) for v in title_variants(title)})


@lru_cache(maxsize=1024)
def _term_key(term: str) -> tuple[bool, str]:
    """How a term is looked up in the facts: (Chinese, its normalised characters) or (Latin, its
    token key)."""
    return (True, normalise(term)) if has_cjk(term) else (False, token_key(term))


#: other people, as a sentence about a cohort names them
_PEOPLE_RE = re.compile(r"\b(?:people|others|other users|viewers|fans|buyers|customers|readers|"
                        r"shoppers|listeners|everyone|those who)\b|人|用户|顾客|观众|读者")
def _states(folded: str, terms: list[str], numbers: list[str]) -> bool:
    """Whether a sentence of ``folded`` that names one of ``terms`` says what the fact says of
    it: one of its ``numbers``, or other people ("people who watched “X” often chose it too");
    "because you rated “X”" names a cohort's anchor and states nothing of the cohort."""
    keys = [key for term in terms if term for _, key in _citing_keys(term)]
    for sentence in SENTENCE_END_RE.split(folded):
        spaced = token_text(sentence)
        if any(key in sentence or key in spaced for key in keys) and (
                _PEOPLE_RE.search(sentence)
                or any(_number_key(n, count=True).search(sentence) for n in numbers)):
            return True
    return False


#: a citing term that is a number (a count, a mean rating)
_NUMBER_TERM_RE = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=1024)
def _number_key(term: str, *, count: bool = False) -> re.Pattern[str]:
    """``term`` as a whole number in a text: "10" is not in "100" or "2010", "4.9" not in
    "4.95", nor "5" in a scale's "/5" (though "4.9分" and "4.9/5" hold "4.9"); with ``count``,
    not a rating either ("5/5", "5分", "5 out of")."""
    rating = r"|\s*/|分|\s*out of" if count else ""
    return re.compile(rf"(?<![\d./]){re.escape(term)}(?!\d|\.\d{rating})")


@lru_cache(maxsize=1024)
def _citing_keys(term: str) -> tuple[tuple[bool, str], ...]:
    """Every name of a citing term, as :meth:`Support.cited_ids` looks it up: (Chinese, the
    normalised name) or (Latin, the token key between spaces)."""
    out = []
    for name in title_variants(term):
        cjk, key = _term_key(name)
        out.append((True, key) if cjk else (False, f" {key} "))
    return tuple(dict.fromkeys(out))
