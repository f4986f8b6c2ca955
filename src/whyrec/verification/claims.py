"""Claims: a text split into sentences and clauses, each checked against what the facts let it say.

The name-and-number checks of :mod:`whyrec.verification.verifier` find words the facts do not
contain; these find statements the facts do not make with words they do contain:

* ``event``: the verb that governs a history item must word that item's event ("bought" a click
  is false); ``sentiment``: "loved" needs a high rating or a purchase, "hated" / 退货 a fact
  that says so (there is none: dislikes are never reasons);
* ``comparison``: best, cheaper, top, 最, 更… only where a fact's wording says the same;
* ``item_rating``: "highly rated", 好评… about the recommended item need its rating fact;
* ``stated``: "you told us", 你说过… need a stated preference;
* ``attribute``: a content word (stemmed; Chinese segmented) that no fact backs and that is not
  one of the explanation's own closed words; a claim that paraphrases a caller's free-text
  reason passes when the fact covers enough of its content (:data:`PARAPHRASE_COVERAGE`);
* ``fluency``: a clause without its verb, a dangling 给 / 把 / "because you", a repeated phrase,
  a text that stops mid-sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from whyrec.evidence.base import Signal
from whyrec.text import STRAY_YOURSELF_RE, normalise, title_variants, token_key
from whyrec.verification.content import en_content, stem, stems_of, zh_content
from whyrec.verification.lexicon import (
    CART,
    EN_COMPARISON_RE,
    EN_EXPERIENCE_RE,
    EN_HIGH_RE,
    EN_NEGATIVE_RE,
    EN_PEOPLE_RE,
    EN_RATING_RE,
    EN_STATED_RE,
    EN_VERB_RE,
    EVENT_ALLOWS,
    FRACTION_SLACK,
    FRACTIONS,
    LIKE,
    LIKED_RATING,
    RATE,
    ZH_COMPARISON_RE,
    ZH_EXPERIENCE_RE,
    ZH_HIGH_RE,
    ZH_NEGATIVE_RE,
    ZH_PEOPLE_RE,
    ZH_RATING_RE,
    ZH_STATED_RE,
    ZH_VERB_RE,
)
from whyrec.verification.patterns import canonical_number, numbers_in, zh_numeral
from whyrec.verification.support import Support

#: the share of a claim's content words a free-text fact must hold for the claim to be its
#: paraphrase (measured on benchmarks/verifier_set: faithful rewordings of XRec's profiles
#: against claims taken from other profiles)
PARAPHRASE_COVERAGE = 0.9
#: how far a share worded from a noisy (differentially private) count may be from the noisy
#: share: it is rounded to the nearest 10 %
APPROXIMATE_SLACK = 5.5
#: where a title stood, in the masked text: one private-use character per title
TITLE_MARK = "\ue000"
#: the marks a title may be written between
QUOTE_MARKS = "“”\"《》「」"
MARKS = frozenset({"\ue000", "\ue001"})
#: one Chinese character
CJK_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff]"
#: where another catalog term (a brand, a tag) or a judged span stood
TERM_MARK = "\ue001"
#: reports one unsupported span: (text, kind, reason, claim start, claim end)
ClaimFlag = Callable[[str, str, str, int, int], None]

#: a sentence ends at 。！？； or at . ! ? ; before a space (so "4.62" and "Vol.1" do not end one),
#: never at the dot of a short form ("St. Louis", "Dr. No")
_ABBREVIATION_DOT = "|".join(f"(?<=\\b{a})\\." for a in ("St", "Mr", "Ms", "Mrs", "Dr", "Mt", "Jr",
                                                          "Sr", "vs", "No", "Vol", "Ft"))
_SENTENCE_RE = re.compile(
    r"(?:[^.!?;。！？；]|[.!?;](?!\s|$|[\ue000\ue001“\"《])|" + _ABBREVIATION_DOT + r")+"
    r"(?:[.!?;]+(?=\s|$|[\ue000\ue001“\"《])|[。！？；]+|$)")
_CLAUSE_RE = re.compile(r"[^,，、:：]+(?:[,，、:：]+|$)")


@dataclass
class Claim:
    """One sentence (or clause) of a text: where it is, and whether every check passed."""

    start: int
    end: int
    text: str
    passed: bool = True
    #: it rewords a caller's free-text (or a stated) fact, so the text cites that fact
    paraphrase: bool = False


@dataclass
class Title:
    """A title found in the text, with the history signal it names (None: not a history item)."""

    start: int
    end: int
    signal: Signal | None
    #: the name as written (quotes removed)
    name: str | None = None


@dataclass
class Masked:
    """The text with titles replaced by :data:`TITLE_MARK` padded to their length (offsets are
    kept), catalog terms blanked, and the titles' positions."""

    text: str
    titles: list[Title] = field(default_factory=list)


def sentences(text: str) -> list[Claim]:
    """The sentences of ``text`` (titles should be masked first: their dots are not ends)."""
    out = []
    for match in _SENTENCE_RE.finditer(text):
        if match.group().strip():
            out.append(Claim(match.start(), match.end(), match.group()))
    return out


def mask(base: str, title_spans: Iterable[tuple[int, int]], other_spans: Iterable[tuple[int, int]],
         support: Support) -> Masked:
    """Titles become one mark each (padded with spaces), other catalog terms spaces."""
    chars = list(base)
    for start, end in other_spans:
        chars[start:end] = TERM_MARK + " " * (end - start - 1)
    titles = []
    by_title = _history_signals(support)
    for start, end in sorted(set(title_spans)):
        name = base[start:end].strip(QUOTE_MARKS)
        signal = by_title.get(_key(name))
        chars[start:end] = TITLE_MARK + " " * (end - start - 1)
        titles.append(Title(start, end, signal, name))
    return Masked("".join(chars), titles)


def check_claims(masked: Masked, support: Support, language: str, flag: ClaimFlag) -> list[Claim]:
    """Run every claim check on ``masked``; returns the sentences with ``passed`` set."""
    claims = sentences(masked.text)
    # a hand-built support states no typed facts: the plain number check stands alone
    numbers = Numbers.of(support) if support.signals else None
    free = [s.text for s in support.signals if s.kind in ("free_text", "stated")]
    said: set[str] = set()
    for claim in claims:
        problems = 0

        def claim_flag(span: str, kind: str, reason: str, _claim: Claim = claim) -> None:
            nonlocal problems
            problems += 1
            flag(span, kind, reason, _claim.start, _claim.end)

        titles = [t for t in masked.titles if claim.start <= t.start < claim.end]
        if language == "zh":
            _zh_events(claim, titles, claim_flag)
        else:
            _en_events(claim, titles, claim_flag)
        if numbers is not None and _DIGIT_RE.search(claim.text):
            _claim_numbers(claim, titles, numbers, language, claim_flag)
        _negative(claim.text, support, language, claim_flag)
        _comparisons(claim.text, support, language, claim_flag)
        _item_rating(claim, titles, support, language, claim_flag)
        _stated(claim.text, support, language, claim_flag)
        _experience(claim.text, support, language, claim_flag)
        compact = _compact(claim.text)  # read by both checks below
        claim.paraphrase = _content(claim.text, compact, support, free, language, claim_flag)
        _spliced(claim.text, support, language, claim_flag)
        _fluency(compact, language, claim_flag)
        key, clause_keys, twice = _sentence_key(claim, titles)
        # the whole sentence, or every one of its clauses, said before
        if key and (key in said or (len(clause_keys) > 2 and clause_keys - {key} <= said)):
            claim_flag(" ".join(claim.text.replace(TITLE_MARK, "…").split())[:40], "fluency",
                       "it says the same sentence twice")
        elif twice:  # "因为你浏览过《X》，你浏览过《X》。"
            claim_flag(twice[:40], "fluency", "it says the same clause twice")
        said.update(clause_keys)
        if _fragment(claim.text, language) and normalise(claim.text.strip()) not in support.text:
            claim_flag(claim.text.strip(), "fluency", "a fragment, not a sentence")
        elif claim is claims[-1] and not _ENDED_RE.search(claim.text):
            claim_flag(claim.text.strip()[-20:].replace(TITLE_MARK, "…"), "fluency",
                       "it stops mid-sentence")
        claim.passed = problems == 0
    return claims


# --- events and sentiment -------------------------------------------------------------------
def _allowed(verb_class: str, signal: Signal, high: bool) -> bool:
    rating = signal.rating
    if verb_class == LIKE:
        if rating is not None:
            return rating >= LIKED_RATING
        return LIKE in EVENT_ALLOWS.get(signal.event, EVENT_ALLOWS[None])
    if verb_class == RATE:
        if rating is None:  # a rating whose value the log lacks: "rated", never "rated highly"
            return not high and RATE in EVENT_ALLOWS.get(signal.event, EVENT_ALLOWS[None])
        return not high or rating >= LIKED_RATING
    return verb_class in EVENT_ALLOWS.get(signal.event, EVENT_ALLOWS[None])


def _verb_class(match: re.Match[str]) -> str:
    return next(name for name, value in match.groupdict().items() if value is not None)


def _describe(verb_class: str, signal: Signal) -> str:
    did = signal.event or "an interaction"
    if signal.rating is not None:
        did += f", rated {signal.rating:g}/5"
    if verb_class == LIKE:
        return f"a liking needs a high rating or a purchase; the fact says {did}"
    return f"the fact says {did}"


Flag3 = Callable[[str, str, str], None]


def _en_events(claim: Claim, titles: Sequence[Title], flag: Flag3) -> None:
    text = claim.text
    lowered = text.casefold()
    for title in titles:
        if title.signal is None:
            continue
        at = title.start - claim.start
        verb = _governing_en_verb(lowered, at)
        if verb is None:
            continue
        verb_class = _verb_class(verb)
        if verb_class == CART and not _CART_WORD_RE.search(lowered[at:]):
            continue  # "put", "added" without a cart are not events
        if _people_subject_en(lowered[: verb.start()]):
            continue
        high = bool(EN_HIGH_RE.search(lowered[verb.start(): at + 40]))
        if not _allowed(verb_class, title.signal, high):
            kind = "sentiment" if verb_class == LIKE else "event"
            flag(text[verb.start(): at].strip() + " " + title.signal.title, kind,
                 f"{verb.group()!r} {title.signal.title!r}: {_describe(verb_class, title.signal)}")


def _governing_en_verb(lowered: str, at: int) -> re.Match[str] | None:
    """The last event verb before position ``at`` with nothing but titles, "and", "also"… in
    between (so "bought A and B" governs B)."""
    last = None
    for match in EN_VERB_RE.finditer(lowered, 0, at):
        last = match
    if last is None:
        return None
    between = lowered[last.end(): at]
    between = between.replace(TITLE_MARK, " ")
    if _EN_BETWEEN_RE.fullmatch(between):
        return last
    return None


def _people_subject_en(before: str) -> bool:
    you = [m.end() for m in _YOU_RE.finditer(before)]
    people = [m.end() for m in EN_PEOPLE_RE.finditer(before)]
    if not people:
        return False
    return not you or people[-1] > you[-1]


#: a sentence end, but not the dot of "Vol. 1", "No. 5", "St. Louis"
_EN_END_RE = re.compile(r"(?<!\bVol)(?<!\bNo)(?<!\bSt)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bvs)"
                        r"(?<!\bJr)(?<!\bSr)(?<!\bEp)[.!?;]")


def others_did(text: str, start: int, end: int, language: str) -> bool:
    """Whether the verb before the title at ``text[start:end]`` is other people's ("people who
    bought A", "买过《A》的48人"), judged within its sentence (Chinese: its clause)."""
    bounds = _EN_END_RE if language != "zh" else re.compile("[.!?;。！？；]")
    head = bounds.split(text[:start])[-1].casefold()
    if language != "zh":
        return _people_subject_en(head)
    tail = text[end:].lstrip(" 》”\"")[:16]
    if _ZH_OTHERS_TAIL_RE.match(tail):
        return True
    people = [m.end() for m in ZH_PEOPLE_RE.finditer(head)]
    return bool(people) and head.rfind("你") < people[-1]


def _zh_events(claim: Claim, titles: Sequence[Title], flag: Flag3) -> None:
    text = claim.text
    for clause in _clauses(text):
        c_start, c_text = clause
        for title in titles:
            at = title.start - claim.start - c_start
            if title.signal is None or not 0 <= at < len(c_text):
                continue
            verb = _governing_zh_verb(c_text, at)
            if verb is None:
                continue
            verb_class = _verb_class(verb)
            if verb_class == CART and "购物车" not in c_text:
                continue
            if others_did(text, c_start + min(verb.start(), at), title.end - claim.start, "zh"):
                continue  # "买过《A》的48人里": other people's event
            high = bool(ZH_HIGH_RE.search(c_text[min(verb.start(), at):]))
            if not _allowed(verb_class, title.signal, high):
                kind = "sentiment" if verb_class == LIKE else "event"
                flag(f"{verb.group()}《{title.signal.title}》", kind,
                     f"{verb.group()!r} {title.signal.title!r}: "
                     f"{_describe(verb_class, title.signal)}")


def _governing_zh_verb(clause: str, at: int) -> re.Match[str] | None:
    """给《A》打了 / 把《A》加入购物车: the verb after the title; else the last verb before it."""
    before = clause[:at].rstrip(" ")
    if _ZH_BEFORE_VERB_RE.search(before) or _ZH_BEFORE_VERB_TITLES_RE.search(before):
        return ZH_VERB_RE.search(clause, at + 1)
    last = None
    for match in ZH_VERB_RE.finditer(clause, 0, at):
        last = match
    if last is not None:
        between = clause[last.end(): at].replace(TITLE_MARK, "")
        if _ZH_BETWEEN_RE.fullmatch(between):
            return last
    return None


def _clauses(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in _CLAUSE_RE.finditer(text) if m.group().strip()]


def _negative(text: str, support: Support, language: str,
              flag: Callable[[str, str, str], None]) -> None:
    pattern = ZH_NEGATIVE_RE if language == "zh" else EN_NEGATIVE_RE
    for match in pattern.finditer(text.casefold()):
        if not _said(match.group(), support):
            flag(match.group(), "sentiment",
                 f"{match.group()!r}: no fact says the person disliked or returned anything")
    # "even though the atmosphere is not as good": a reservation no fact states
    negation = (ZH_NEGATION_RE if language == "zh" else EN_NEGATION_RE).search(text.casefold())
    if negation and not _said(negation.group(), support):
        flag(negation.group(), "sentiment", f"{negation.group()!r}: no fact states a reservation")


# --- numbers in their place -----------------------------------------------------------------
_EN_RATING_NUM_RE = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:/\s*(?:5|10|100)\b|out of (?:5|10|five|ten)\b|stars?\b)")
_ZH_RATING_NUM_RE = re.compile(
    r"(?<!满分)(?<![\d.])(\d+(?:\.\d+)?)\s*(?:/\s*(?:5|10)\b|分(?!之)|星)")
_PERCENT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b)")
_EN_RANK_RE = re.compile(r"\b(?:top|number|no\.|#)\s*(\d+)\b")
_ZH_RANK_RE = re.compile(r"(?:前|第)\s*(\d+)")
_EN_PEOPLE_NUM_RE = re.compile(
    r"(?<![\d.])(\d[\d,]*)\s+(?:other\s+)?(?:people|persons|users|shoppers|customers|viewers|"
    r"readers|buyers|reviewers|raters|fans|listeners)\b|\bof (\d[\d,]*)\)")
_ZH_PEOPLE_NUM_RE = re.compile(r"(?<![\d.第前])(\d+)\s*(?:人|位|名)")
_DIGIT_RE = re.compile(r"\d")
#: any number; Chinese characters around it do not join it into a word ("在49位")
_ANY_NUM_RE = re.compile(r"(?<![A-Za-z0-9_.])\d[\d,]*(?:\.\d+)?(?![A-Za-z0-9_])")
_DAYS_RE = re.compile(r"(?<![\d.])(\d+)\s*(?:days?\b|天)")


@dataclass
class Numbers:
    """What the facts say with numbers, worked out once per text (not once per sentence)."""

    free: set[str]
    history_ratings: set[str]
    mean: set[str]
    shares: list[Signal]
    ranks: set[str]
    windows: set[str]
    people: set[str]
    item_people: set[str]
    #: each cohort with the keys its anchor is named by
    anchors: list[tuple[Signal, set[str]]]

    @classmethod
    def of(cls, support: Support) -> Numbers:
        signals = support.signals

        def canon(numbers: Iterable[float]) -> set[str]:
            return {_value(f"{n:g}") for n in numbers}

        shares = [s for s in signals if s.kind == "share"]
        return cls(
            free=numbers_in(" ".join(s.text for s in signals
                                     if s.kind in ("free_text", "stated"))),
            history_ratings=canon(s.rating for s in signals
                                  if s.kind == "history" and s.rating is not None),
            mean=canon(n for s in signals if s.kind == "item_rating" for n in s.numbers),
            shares=shares,
            ranks={str(s.rank) for s in signals if s.kind == "ranking"},
            windows=canon(n for s in signals if s.kind == "ranking" for n in s.numbers),
            # counts of people: a cohort's two counts (not its share) and the item's raters
            people=canon(n for s in signals if s.kind in ("share", "people") for n in s.numbers),
            item_people=canon(n for s in signals if s.kind == "people" for n in s.numbers),
            anchors=[(s, set(_title_keys(s.title))) for s in shares if s.title],
        )


def _value(raw: str) -> str:
    return canonical_number(raw) or raw


def _claim_numbers(claim: Claim, titles: Sequence[Title], facts: Numbers, language: str,
                   flag: Callable[[str, str, str], None]) -> None:
    """Each number where it stands: a rating must be the rating of the item it is said of,
    a share the cohort's, a rank the trend's, a count of people one a fact gives for people,
    and every number in a sentence about a cohort that cohort's."""
    text = claim.text.casefold()
    zh = language == "zh"
    judged: list[tuple[int, int]] = []

    def bad(raw: str, reason: str) -> None:
        # a caller's free-text reason may state any number ("ranks number 25"): it backs it
        if _value(_NOT_NUMBER_RE.sub("", raw) or raw) not in facts.free:
            flag(raw, "number", f"{raw}: {reason}")

    previous = 0
    for match in (_ZH_RATING_NUM_RE if zh else _EN_RATING_NUM_RE).finditer(text):
        judged.append(match.span())
        raw = match.group(1)
        said_of = [t for t in titles if t.signal is not None
                   and previous <= t.start - claim.start < match.start()]
        previous = match.end()
        if said_of:
            rated = {_value(f"{t.signal.rating:g}") for t in said_of
                     if t.signal is not None and t.signal.rating is not None}
            if _value(raw) not in rated:
                bad(raw, "not the rating of the item it is said of")
            continue
        mine = _YOU_OR_NI_RE.search(text, 0, match.start()) and not (
            ZH_PEOPLE_RE if zh else EN_PEOPLE_RE).search(text[: match.start()])
        allowed = facts.mean | facts.history_ratings if mine else facts.mean
        if _value(raw) not in allowed:
            bad(raw, "no fact gives that rating")
    for match in _PERCENT_RE.finditer(text):
        judged.append(match.span())
        share = float(match.group(1))
        if not any(_share_matches(s, share) for s in facts.shares):
            bad(match.group(), "no fact gives that share")
    for match in (_ZH_RANK_RE if zh else _EN_RANK_RE).finditer(text):
        judged.append(match.span())
        if match.group(1) not in facts.ranks:
            bad(match.group(), "no fact gives that rank")
    for match in _DAYS_RE.finditer(text):
        judged.append(match.span())
        if facts.windows and _value(match.group(1)) not in facts.windows:
            bad(match.group(), "not the window of the trend")
    for match in (_ZH_PEOPLE_NUM_RE if zh else _EN_PEOPLE_NUM_RE).finditer(text):
        # a count of people stays open to the cohort check below: it must be that cohort's
        raw = next(g for g in match.groups() if g)
        if _value(raw) not in facts.people:
            bad(raw, "no fact gives that many people")
    # the anchor of a cohort is often one of the person's own items too
    named = {_key(t.name) for t in titles if t.name is not None}
    cohorts = [s for s, keys in facts.anchors if keys & named]
    if cohorts:
        # a bare number there is a count (shares were judged above): one of the cohort's two
        # (and the item's own count of people: "60 people have it, among them 25 of the 112…")
        allowed = {_value(f"{n:g}") for s in cohorts for n in s.numbers} | facts.item_people
        for match in _ANY_NUM_RE.finditer(text):
            inside = any(a <= match.start() < b for a, b in judged)
            if not inside and _value(match.group()) not in allowed and not _OF_YOURS_RE.match(
                    text, match.end()):
                bad(match.group(), "not a number of the cohort this sentence describes")
        _cohort_roles(text, cohorts, zh, bad)
        _cohort_target(claim, titles, [keys for s, keys in facts.anchors if s in cohorts], zh,
                       flag)


#: the cohort's size where a sentence says it ("of 81 people", "81人里"), and the overlap ("10
#: also", "10人也")
_EN_COHORT_BASE_RE = re.compile(r"\b(?:of|among) (?:the |all )?(\d[\d,]*)\b")
_EN_COHORT_PART_RE = re.compile(r"\b(\d[\d,]*) (?:of them |people |shoppers |others )?also\b")
_ZH_COHORT_BASE_RE = re.compile(r"(\d+)\s*(?:人|位|名)(?:里|中|当中|之中)")
_ZH_COHORT_PART_RE = re.compile(r"(\d+)\s*(?:人|位|名)也")


def _cohort_roles(text: str, cohorts: Sequence[Signal], zh: bool,
                  bad: Callable[[str, str], None]) -> None:
    """"Of 69 people who bought A, 18 also bought it": the size must be the cohort's size and
    the overlap its overlap (the right numbers in each other's place are still false)."""
    sizes = {_value(f"{s.numbers[1]:g}") for s in cohorts if len(s.numbers) == 2}
    parts = {_value(f"{s.numbers[0]:g}") for s in cohorts if len(s.numbers) == 2}
    if not sizes:
        return
    base_re, part_re = ((_ZH_COHORT_BASE_RE, _ZH_COHORT_PART_RE) if zh
                        else (_EN_COHORT_BASE_RE, _EN_COHORT_PART_RE))
    for match in base_re.finditer(text):
        if _value(match.group(1)) in parts - sizes:
            bad(match.group(1), "the cohort's overlap said as its size")
    for match in part_re.finditer(text):
        if _value(match.group(1)) in sizes - parts:
            bad(match.group(1), "the cohort's size said as its overlap")


#: where a cohort sentence turns to what its people also had ("…, 12 also bought it", "…，有10人也
#: 买过它"), and where that clause ends
_EN_ALSO_RE = re.compile(r"\balso\b")
_ZH_ALSO_RE = re.compile("也")
_CLAUSE_END_RE = re.compile(r"[,，;；:：。.!！?？]")
#: words between "also" and a title that make the title the people's anchor, not their item
_EN_PEOPLE_GAP_RE = re.compile(r"\b(?:by|who|of|among|people|those)\b")
_ZH_PEOPLE_GAP_RE = re.compile("[人的]")


def _cohort_target(claim: Claim, titles: Sequence[Title], anchors: Sequence[set[str]],
                   zh: bool, flag: Callable[[str, str, str], None]) -> None:
    """What a cohort's people also had is the recommended item: "67% of the 24 people who
    bought “A” also bought “A”" names the anchor again where the item goes, and states a
    share no fact gives (the bundled model wrote it, begun on the cohort's wording)."""
    also_re = _ZH_ALSO_RE if zh else _EN_ALSO_RE
    for keys in anchors:
        named = [t for t in titles if t.name is not None and _key(t.name) in keys]
        if len(named) < 2:
            continue
        also = also_re.search(claim.text, named[0].end - claim.start)
        if also is None:
            continue
        end = _CLAUSE_END_RE.search(claim.text, also.end())
        stop = end.start() if end else len(claim.text)
        for title in named[1:]:
            gap = claim.text[also.end(): max(also.end(), title.start - claim.start)]
            # "it was also bought by 33% of the 48 people who bought “A”": A is the anchor
            if also.end() <= title.start - claim.start < stop and not (
                    _ZH_PEOPLE_GAP_RE if zh else _EN_PEOPLE_GAP_RE).search(gap):
                flag(str(title.name), "number",
                     f"{title.name!r}: a cohort's people are said to have had its anchor again, "
                     "not the recommended item")
                return


def _share_matches(signal: Signal, share: float) -> bool:
    if signal.rating is None:
        return False
    if signal.text == "approximate":  # worded rounded, never more precise than the noise allows
        return abs(signal.rating - share) <= APPROXIMATE_SLACK and (share % 10 == 0 or share < 10)
    return abs(signal.rating - share) <= 1.0


# --- comparisons, the item's rating, stated preferences -------------------------------------
def _comparisons(text: str, support: Support, language: str,
                 flag: Callable[[str, str, str], None]) -> None:
    pattern = ZH_COMPARISON_RE if language == "zh" else EN_COMPARISON_RE
    folded = text.casefold()
    ranks = [s.rank for s in support.signals if s.kind == "ranking" and s.rank]
    for match in pattern.finditer(folded):
        if ranks and _ranking_word(match, folded, min(ranks)):
            continue
        if not _said(match.group(), support):
            flag(match.group(), "comparison",
                 f"{match.group()!r}: no fact states that comparison or ranking")


def _ranking_word(match: re.Match[str], text: str, rank: int) -> bool:
    """What a trend fact lets a text say: "top 3", "most popular", 最受欢迎, and "number one"
    / 第一 when the item ranks first."""
    word, after = match.group(), text[match.end(): match.end() + 8]
    if word in ("top", "most") or word.startswith("最"):
        return word == "top" or bool(
            _POPULAR_AFTER_RE.match(after))
    return rank == 1 and word in ("number one", "no. 1", "no.1", "#1", "第一", "leading", "冠军")


def _item_rating(claim: Claim, titles: Sequence[Title], support: Support, language: str,
                 flag: Callable[[str, str, str], None]) -> None:
    text = claim.text.casefold()
    pattern = ZH_RATING_RE if language == "zh" else EN_RATING_RE
    rated = [s.rating for s in support.signals if s.kind == "item_rating" and s.rating is not None]
    history_at = [(t.start - claim.start, t.end - claim.start) for t in titles
                  if t.signal is not None]
    for match in pattern.finditer(text):
        if _said(match.group(), support):
            continue  # a caller's reason says it ("based on the user's reviews")
        # a rating word about one of the person's own items is an event claim (checked above)
        if any(0 <= start - match.end() <= 30 or 0 <= match.start() - end <= 30
               for start, end in history_at):
            continue
        if language != "zh" and _YOU_BEFORE_RE.search(
                text[: match.start()]):
            continue  # "you rated it": the person's rating of something named elsewhere
        # "high" said of this rating: within its clause, not the person's 高分 elsewhere
        near = _CLAUSE_MARK_RE.split(text[match.start():])[0]
        near = _CLAUSE_MARK_RE.split(text[: match.start()])[-1] + near
        high = bool((ZH_HIGH_RE if language == "zh" else EN_HIGH_RE).search(near)) or (
            match.group() in ("好评", "acclaimed", "well-reviewed", "five-star", "5-star",
                              "praised", "beloved", "赞誉", "推崇", "五星"))
        if not rated:
            flag(match.group(), "item_rating", f"{match.group()!r}: no fact rates the item")
            return
        if high and max(rated) < LIKED_RATING:
            flag(match.group(), "item_rating",
                 f"{match.group()!r}: the item's mean rating is {max(rated):.2g}/5, not high")
            return


def _stated(text: str, support: Support, language: str,
            flag: Callable[[str, str, str], None]) -> None:
    pattern = ZH_STATED_RE if language == "zh" else EN_STATED_RE
    match = pattern.search(text.casefold())
    if match and not any(s.kind == "stated" for s in support.signals):
        flag(match.group(), "stated", f"{match.group()!r}: the person told us nothing of the kind")


def _experience(text: str, support: Support, language: str,
                flag: Callable[[str, str, str], None]) -> None:
    """"You had a great time": a past experience of the person needs a liking a fact states."""
    pattern = ZH_EXPERIENCE_RE if language == "zh" else EN_EXPERIENCE_RE
    match = pattern.search(text.casefold())
    if match and not any(s.kind == "history" and (
            s.rating >= LIKED_RATING if s.rating is not None
            else LIKE in EVENT_ALLOWS.get(s.event, frozenset())) for s in support.signals):
        flag(match.group(), "sentiment",
             f"{match.group()!r}: no fact says the person had or enjoyed such an experience")


# --- content words ----------------------------------------------------------------------------
def _content(text: str, compact: str, support: Support, free: Sequence[str], language: str,
             flag: Callable[[str, str, str], None]) -> bool:
    """Flag the content words no fact backs (``compact``: the sentence :func:`_compact`);
    returns whether the sentence paraphrases a free-text fact (which then backs it, and cites
    that fact)."""
    # the words alone count, not the spaces that pad a title's mark: compacted, a sentence
    # is the same whatever its titles' lengths, and read once (memoised) for all of them
    plain = compact.replace(TITLE_MARK, " ")
    latin = en_content(plain)
    about_item = _about_item(text, language)
    fact_text = support.text
    if about_item:
        # what the item has or offers is backed by what the facts say of it, not of the person
        fact_text = support.item_text
        free = [s.text for s in support.signals if s.kind in ("free_text", "stated")
                and s.about != "user"]
    unbacked: list[str] = []
    if latin:  # the facts' stems are worked out only for a sentence with English words
        stems = support.item_stems if about_item else support.stems
        unbacked = [w for w in latin if stem(w) not in stems]
    words = len(latin)
    if language == "zh":
        chinese = zh_content(plain)
        words += len(chinese)
        unbacked += [w for w in chinese if normalise(w) not in fact_text]
    unbacked = [w for w in unbacked if not _ordinal_backed(w, support)]
    shares = [s.rating for s in support.signals if s.kind == "share" and s.rating is not None]
    unbacked = [w for w in unbacked if not (w in FRACTIONS and any(
        abs(FRACTIONS[w] - share) <= FRACTION_SLACK for share in shares))]
    paraphrase = bool(free) and bool(words) and _paraphrase(latin, plain, free, language)
    if unbacked and not paraphrase:
        flag(", ".join(dict.fromkeys(unbacked)), "attribute",
             f"no fact says {', '.join(repr(w) for w in dict.fromkeys(unbacked))}")
    return paraphrase


#: a claim that gives the item attributes ("for its cozy atmosphere", "it offers …"), and one
#: about the person's own tastes ("you appreciate …"): a claim of both kinds is not narrowed
_EN_ITEM_CLAIM_RE = re.compile(
    r"\b(?:its|it (?:offers|has|provides|serves|features|boasts|carries|sells|is known for)|"
    r"(?:they|it) (?:offer|have|serve|provide)s?)\b"
    # "… enjoy “X” for the cozy atmosphere": what follows the item's name
    r"|\ue000\s*(?:for|because of|thanks to) (?:the|their)\b")
_EN_PERSON_CLAIM_RE = re.compile(
    r"\byou(?:'re| are)? (?:appreciate|value|like|love|enjoy|prefer|seek|look for|"
    r"are into|a fan of|fans of)\b|\byour (?:taste|love|liking|preference|interest)"
    r"|\b(?:the|this) user\b")
_ZH_ITEM_CLAIM_RE = re.compile("(?:它|这家|该店|这里|店里)(?:的|有|提供|供应|以)")
_ZH_PERSON_CLAIM_RE = re.compile("你(?:喜欢|偏爱|欣赏|看重|青睐|钟爱|爱)|你的(?:口味|喜好|偏好)")


def _about_item(text: str, language: str) -> bool:
    folded = text.casefold()
    if language == "zh":
        return bool(_ZH_ITEM_CLAIM_RE.search(folded)) and not _ZH_PERSON_CLAIM_RE.search(folded)
    return bool(_EN_ITEM_CLAIM_RE.search(folded)) and not _EN_PERSON_CLAIM_RE.search(folded)


def _ordinal_backed(word: str, support: Support) -> bool:
    """第二 / 排名第一: an ordinal is backed by the number a fact states."""
    match = _ZH_ORDINAL_RE.fullmatch(word)
    return match is not None and str(zh_numeral(match.group(1)) or 1) in support.numbers


def _paraphrase(latin: list[str], plain: str, free: Sequence[str], language: str) -> bool:
    """Whether one free-text fact covers enough of the claim's content words."""
    words = [stem(w) for w in latin]
    chinese = zh_content(plain) if language == "zh" else []
    total = len(words) + len(chinese)
    if not total:
        return False
    # a claim may join reasons from several free-text facts ("fans of A, and you enjoy B")
    fact_stems = set().union(*(stems_of(fact) for fact in free))
    fact_text = normalise(" ".join(free))
    covered = sum(w in fact_stems for w in words) + sum(normalise(w) in fact_text
                                                         for w in chinese)
    return covered / total >= PARAPHRASE_COVERAGE


# --- reasons spliced ---------------------------------------------------------------------------
#: where a sentence's clauses part: what one reason says may be joined to another's there, not
#: inside a clause ("fans of A would enjoy X, and you enjoy B" holds; "fans of A would enjoy
#: places that offer B" makes the item's fans like what only the person's profile names)
_CLAUSE_BREAK_RE = re.compile(
    # a conjunction before a new subject, not one inside a list ("A, B, and C")
    r"[;:；：]|,?\s*\b(?:and|but|while|whereas|plus|so|also)\s+(?=(?:you|your|it|its|they|"
    r"their|people|those|users|fans|diners|guests|visitors|customers|travelers|this|these)\b|"
    + TITLE_MARK + r")|\b(?:because|since)\b|，|因为|而且|并且|同时")
#: a clause that says what the person likes, as a fact and not as a condition ("if you like")
_EN_TASTE_RE = re.compile(
    r"(?<!\bif )\byou(?:'re| are)?(?: also| really| especially| often)? (?:appreciate|value|like|"
    r"love|enjoy|prefer|seek|are into|are a fan of)\b|\byour (?:taste|love|liking|preference)")
_ZH_TASTE_RE = re.compile("(?<!如果)你(?:也|还|很|特别)?(?:喜欢|偏爱|欣赏|看重|青睐|钟爱)")
#: words of a clause drawn from a reason about someone else, before the clause is a splice
SPLICE_WORDS = 2


def _spliced(text: str, support: Support, language: str,
             flag: Callable[[str, str, str], None]) -> None:
    """Flag a clause that joins what a caller's reason says of the person with what another
    says of the item's audience, or says the person likes what only the item's reason names:
    each clause may draw on the person's reasons or on the item's, not both."""
    groups = _reason_words(tuple((s.text, "user" if s.kind == "stated" else s.about)
                                 for s in support.signals if s.kind in ("free_text", "stated")),
                           language)
    if groups is None:
        return
    person, item = groups
    taste_re = _ZH_TASTE_RE if language == "zh" else _EN_TASTE_RE
    for clause in _CLAUSE_BREAK_RE.split(text):
        words = _clause_words(clause, language)
        only_person = [shown for shown, key in words if key in person and key not in item]
        only_item = [shown for shown, key in words if key in item and key not in person]
        if len(only_person) >= SPLICE_WORDS and len(only_item) >= SPLICE_WORDS:
            flag(", ".join(dict.fromkeys(only_item + only_person)), "splice",
                 "it joins what one reason says of the item's audience with what another says "
                 "of you, in one clause")
        elif (len(only_item) > SPLICE_WORDS and not only_person
              and taste_re.search(clause.casefold())):
            flag(", ".join(dict.fromkeys(only_item)), "splice",
                 "it says you like what only a reason about the item names")


@lru_cache(maxsize=1024)
def _reason_words(reasons: tuple[tuple[str, str], ...], language: str
                  ) -> tuple[frozenset[str], frozenset[str]] | None:
    """The words of the reasons about the person (stated ones too) and of those about the
    item; None unless there are both (a reason about no one is either's)."""
    person = [text for text, about in reasons if about == "user"]
    item = [text for text, about in reasons if about == "item"]
    if not person or not item:
        return None
    loose = [text for text, about in reasons if about not in ("user", "item")]
    return (frozenset(key for _, key in _clause_words(" ".join(person + loose), language)),
            frozenset(key for _, key in _clause_words(" ".join(item + loose), language)))


def _clause_words(text: str, language: str) -> list[tuple[str, str]]:
    """A clause's content words, each as written and as compared (stemmed, normalised)."""
    words = [(w, stem(w)) for w in en_content(text)]
    if language == "zh":
        words += [(w, normalise(w)) for w in zh_content(text)]
    return words


# --- fluency ----------------------------------------------------------------------------------
#: how a finished text ends: a sentence mark, or a closing bracket or quote after one
_ENDED_RE = re.compile(r"[.!?。！？…][)）”\"」』》\s]*$|[!！]\s*$")
EN_NEGATION_RE = re.compile(r"\b(?:not|never|isn't|aren't|wasn't|doesn't|don't|didn't|despite|"
                            r"even though|although|however)\b")
ZH_NEGATION_RE = re.compile("不(?!错|少|同|仅|只)|没有|虽然|尽管|但是|可惜")
_EN_DANGLING_RE = re.compile(
    # before a comma only the words that cannot end a phrase ("interacted with," can)
    r"(?<![-'’])\b(?:because|since|and|or|the|a|an|your)\s*,|"
    r"\b(?:because|since|and|or|the|a|an|your|its|their|even|very|such)\s*[.!?;]|"
    r"\b(?:because|since|and|or|the|a|an|of|to|with|your|than|as|by)\s*$|"
    r"\b(?:because|since) you\s*(?:[.!?;,]|$)|"
    # a cohort's deed left without its object: "of the 56 people who …, 14 also checked out."
    r"\balso (?:bought|viewed|watched|read|chose|clicked|checked out|looked at|ordered)"
    r"(?: or (?:bought|viewed|watched|read|checked out|looked at))?\s*[.!?;]|"
    # … or the people without what they did it to: "Plus, 49 people checked out."
    r"\b(?:people|others|users|shoppers|customers|viewers|readers)"
    r" (?:have |also |too )?(?:bought|viewed|watched|read|chose|clicked|checked out|looked at|"
    r"ordered|liked)(?: or (?:bought|viewed|watched|read|checked out|looked at))?\s*[.!?;]|"
    # an adjective left without its noun by a cut: "for its unique."
    r"\b(?:its|their|your|the|a|an|his|her|our) (?:unique|creative|delicious|cozy|friendly|"
    r"authentic|fresh|great|good|nice|lovely|wonderful|beautiful|excellent|amazing|tasty|warm|"
    r"quick|local|classic|modern|traditional|diverse|wide|special|perfect|ideal|relaxed|"
    r"vibrant|lively|affordable|reasonable|high|low|new|various|wide)\s*[.!?;]")
_EN_NO_VERB_RE = re.compile(
    r"(?<!\bfor )(?<!\bto )(?<!\bwith )(?<!\bat )\byou\s*" + TITLE_MARK
    + r"|(?:\d|\))\s+and\s+" + TITLE_MARK + r"(?![ ]*(?:\d|\())"
    + r"|\b(?:bought|purchased|viewed|rated|watched|clicked|ordered|liked|gave)\s+and\s+"
    + TITLE_MARK
    + r"|(?:^|[.!?])\s*you\s*[,.;]|\byou\s*$"
    # two connectives run together by a cut or a splice: "because and like one of your items",
    # "You might like “X” and because you rated …"
    + r"|\b(?:because|since)\s+(?:and|but|or|so|because|since|like)\b"
    + r"|" + TITLE_MARK + r"\s+and\s+(?:because|since)\b"
    # a deed done to people or a share ("since you added up to 21 people", delivered once)
    + r"|\byou (?:added|bought|purchased|viewed|rated|clicked|watched|ordered|liked)\s+"
      r"(?:up to |about |over |around |nearly )?\d+(?:\.\d+)?\s*(?:people|persons|users|"
      r"others|%)"
    + r"|\b(?:this|the) user (?!(?:is|was|would|has|had|may|might|will|can|could|should|seems|"
      r"tends|likes|enjoys|loves|prefers|appreciates|values|wants|seeks|needs|also|often|"
      r"usually|really|likely|probably)\b)\w+")
_ZH_NO_VERB_RE = re.compile(
    "(?:你|还|也|并|又)[ ]*" + TITLE_MARK + "|(?:给|把|将)[ ]*" + TITLE_MARK
    + "(?:[ ]*(?:和|与|、|及)[ ]*" + TITLE_MARK + ")*[ ]*(?:[，。；！？,.;]|$)"
    + "|[，；、,][ ]*[。！？.]|(?:给|把|对)[ ]*[，。；！？]")


#: English a small model garbles into: the person as the one who recommends ("because you are
#: recommending hotels like …", delivered for a caller's request)
_EN_GARBLED_RE = re.compile(r"\byou(?:'re| are| were| would| will)? recommend(?:s|ed|ing)?\b")


#: Chinese a small model garbles into: an item that "is" something the person did (《X》是你点击
#: 过…), "it is" another title, a dangling 的它, a rating said twice (5分的5分), the prompt's
#: own label (推荐物品)
_ZH_GARBLED_RE = re.compile(
    TITLE_MARK + r"[ ]*是你(?!会|可能|也许|或许|一定)|它是[ ]*" + TITLE_MARK
    + r"[ ]*(?=[，。；！？,.;]|$)|的它[ ]*(?:[，。；！？,.;]|$)|(\d+(?:\.\d+)?分)的\1|推荐物品"
    # "…的112人中。": the share of a cohort cut off, only "among the people who…" left
    + r"|的\d+(?:位|个)?人(?:中|里|当中)[ ]*[。！？]?[ ]*$"
    # "你把《X》的112人中…": a deed's 把 run into a cohort's phrase
    + r"|把[ ]*" + TITLE_MARK + r"[ ]*的"
    # two connectives run together: "因为而且…"
    + r"|因为[ ]*(?:而且|另外|并且|所以|但是|此外)"
    # a number where a deed's title belongs, a rating bought ("它与你给了67%也买了4.66分", a
    # bundled model's draft)
    + r"|你(?:给|把)了?[ ]*\d|(?:买|购买|看|浏览|点击)(?:了|过)[ ]*\d+(?:\.\d+)?分"
    # a deed's title run into a shared feature's count ("因为你点击过《X》的11件商品同属“图书”类")
    + r"|" + TITLE_MARK + r"[ ]*的[ ]*\d+[ ]*(?:件|部|篇|本|个)"
    # people's deed run into the person's ("已有14人买过你浏览过《X》", delivered)
    + r"|(?:买|购买|看|浏览|点击|读)过[ ]*你[ ]*(?:购买|买|浏览|点击|看|读|喜欢|评价)过"
    # people's deed done to the person ("而且已有31人买过你。", delivered)
    + r"|(?:买|购买|看|浏览|点击|读|选择|选)(?:过|了)[ ]*你[ ]*(?:[，。；！？,.;]|$)")
#: a clause mark followed at once by a sentence's end ("口味；。", "taste,."): a lost clause
_LOST_CLAUSE_RE = re.compile(r"[，；：、,;:][ ]*[。！？.!?]")


def _fluency(compact: str, language: str, flag: Callable[[str, str, str], None]) -> None:
    """Flag a sentence (:func:`_compact`) that is not fluent."""
    problem = _fluency_problem(compact, language)
    if problem is not None:
        flag(*problem)


#: a mark and the spaces that pad it to the length of what it stands for
_PADDED_MARK_RE = re.compile(r"(?<=[\ue000\ue001]) +")


def _compact(text: str) -> str:
    """The (title-masked) sentence with each mark's padding cut to one space: what the fluency
    checks read (a title's length is not theirs to judge)."""
    # a plain replacement: a template (r"\1 ") is expanded in Python at every match (twice
    # the time of the whole substitution)
    return _PADDED_MARK_RE.sub(" ", text) if "  " in text else text


# a function of the compacted sentence alone, and template sentences recur across people
# ("Of the 81 people who bought or viewed …", whatever the titles' lengths): judged once each
@lru_cache(maxsize=1024)
def _fluency_problem(compact: str, language: str) -> tuple[str, str, str] | None:
    lost = _LOST_CLAUSE_RE.search(compact)
    if lost:
        return lost.group(), "fluency", "a clause mark ends the sentence: a clause is missing"
    if language == "zh":
        match = _ZH_NO_VERB_RE.search(compact)
        if match:
            return (match.group().replace(TITLE_MARK, "《…》"), "fluency",
                    "a clause has lost its verb or dangles (给 / 把 with nothing after)")
        garbled = _ZH_GARBLED_RE.search(compact)
        if garbled:
            return (garbled.group().replace(TITLE_MARK, "《…》"), "fluency",
                    "the sentence does not say what it seems to (an item that is a deed, a "
                    "title that is another, a dangling 的它, a doubled rating)")
    else:
        match = _EN_NO_VERB_RE.search(compact.casefold()) or _EN_DANGLING_RE.search(
            compact.casefold().rstrip())
        if match:
            return (match.group().replace(TITLE_MARK, "“…”").strip(), "fluency",
                    "a clause has lost its verb or ends on a word that needs more")
        garbled = _EN_GARBLED_RE.search(compact.casefold()) or STRAY_YOURSELF_RE.search(
            compact.casefold())
        if garbled:
            return (garbled.group().replace(TITLE_MARK, "“…”").strip(" ,;:.!?"), "fluency",
                    "the sentence does not say what it seems to (the person recommends, or "
                    "'yourself' in a clause not about you)")
    repeat = _repeated_phrase(compact, language)
    if repeat:
        return repeat.replace(TITLE_MARK, "“…”"), "fluency", f"it says {repeat!r} twice in a row"
    return None


#: connectives that open a sentence without changing what it says
_OPENING_CONNECTIVE_RE = re.compile(
    r"^(?:besides|also|and|plus|what is more|moreover|in addition|because|since|so|"
    r"另外|此外|同时|而且|还有|并且|也|因为|所以|因此)[,，、\s]*", re.IGNORECASE)
_CLAUSE_SPLIT_RE = re.compile(r"[,，;；:：]")


def _sentence_key(claim: Claim, titles: Sequence[Title]) -> tuple[str, set[str], str]:
    """What a sentence says, for telling one said twice: its words with its titles named,
    without an opening connective, case and punctuation; the same of each of its clauses (a
    later sentence may repeat one of them); and a clause it says twice itself ("" if none)."""
    text = claim.text
    for title in sorted(titles, key=lambda t: t.start, reverse=True):
        start, end = title.start - claim.start, title.end - claim.start
        # a title's own commas split no clause: two names ending "…, HD Light Gauge" are two
        name = _CLAUSE_SPLIT_RE.sub(" ", title.name or "")
        text = text[:start] + f" {name} " + text[end:]

    whole = _said_key(text)
    clauses = [k for k in map(_said_key, _CLAUSE_SPLIT_RE.split(text)) if k]
    # a clause of some length (not "so" or "也是") that comes back within the same sentence
    twice = next((k for n, k in enumerate(clauses) if len(k) >= _REPEATED_CLAUSE_CHARS
                  and k in clauses[:n]), "")
    return whole, {whole, *clauses}, twice


#: how long a clause must be for saying it twice in one sentence to count
_REPEATED_CLAUSE_CHARS = 8


#: words that change nothing a clause states ("and you rated “X” 5/5 yourself" says "you rated
#: “X” 5/5" again)
_FILLER_RE = re.compile(r"\b(?:yourself|too|as well|again)\b")
_ZH_FILLER_RE = re.compile("[也都还]")


@lru_cache(maxsize=1024)
def _said_key(part: str) -> str:
    part = _NOT_SAID_RE.sub(" ", part.casefold()).strip()
    part = _OPENING_CONNECTIVE_RE.sub("", part).strip()
    return " ".join(_ZH_FILLER_RE.sub("", _FILLER_RE.sub(" ", part)).split())


def _fragment(text: str, language: str) -> bool:
    """"Louis." left by a cut: a sentence of one or two words, no title in it."""
    if TITLE_MARK in text:
        return False
    if language == "zh":
        return len(_CJK_CHAR_RE.findall(text)) + len(_LATIN_RUN_RE.findall(text)) < 3
    return len(_WORD_RUN_RE.findall(text)) < 3


#: two to eight characters said twice in a row, at every place (overlaps included)
_ZH_REPEAT_RE = re.compile(r"(?=(.{2,8}?)\1)")
#: a function word said twice ("17人也也买过", delivered); a doubled verb or noun ("看看", "常常",
#: "人人") is Chinese, so only these
_ZH_DOUBLED_WORD_RE = re.compile(r"([也的了是都还和与在给把被而])\1")


def _repeated_phrase(text: str, language: str) -> str | None:
    if language == "zh":
        chars = _SPACE_OR_DIGIT_RE.sub("", text)
        for match in _ZH_REPEAT_RE.finditer(chars):
            if not _LATIN_OR_MARKS_RE.fullmatch(match.group(1)):
                return match.group(1)
        doubled = _ZH_DOUBLED_WORD_RE.search(chars)
        return doubled.group(1) if doubled else None
    written = _WRITTEN_RE.findall(text)
    # a word's full stop is not part of it ("too yourself yourself." says it twice); a number's
    # decimal point is
    words = [w.casefold().rstrip(".") for w in written]
    for size in range(1, 7):
        for i in range(len(words) - 2 * size + 1):
            if words[i] != words[i + size]:
                continue  # the two windows differ in their first word already
            window = words[i: i + size]
            if window == words[i + size: i + 2 * size] and not (
                    size == 1 and (words[i] in ("very", "really", "so", "had", "that")
                                   or written[i][:1].isupper())  # "Shabu Shabu", a name
            ) and not set(window) <= MARKS:  # two catalog terms side by side: "budget camping"
                return " ".join(words[i: i + size])
    return None


#: patterns of the checks above, compiled once
_CART_WORD_RE = re.compile(r"\b(?:cart|basket|bag)\b")
_EN_BETWEEN_RE = re.compile(r"[\s,]*(?:(?:and|also|both|it|them|the|a|an|highly|"
                            r"\(?\d+(?:\.\d+)?(?:/\d+| out of \d+| stars?)?\)?)[\s,]*)*")
_YOU_RE = re.compile(r"\byou(?:'ve|'re)?\b")
_ZH_OTHERS_TAIL_RE = re.compile(r"(?:的|中的)[^，。；]{0,8}(?:人|用户|买家|顾客|观众)")
_ZH_BEFORE_VERB_RE = re.compile(r"(?:给|把|为|对|将)(?:了)?$")
_ZH_BEFORE_VERB_TITLES_RE = re.compile(
    r"(?:给|把|为|对|将)" + TITLE_MARK + r"[ ]*(?:和|与|、|及)[ ]*$")
_ZH_BETWEEN_RE = re.compile(r"[ 过了和与、及的页面也还]*")
_NOT_NUMBER_RE = re.compile(r"[^\d.,]")
_YOU_OR_NI_RE = re.compile(r"\byou\b|你")
_OF_YOURS_RE = re.compile(r"\s*(?:of your|件|部|篇)")
_POPULAR_AFTER_RE = re.compile(r"\s*(?:popular|trending|watched|bought|受欢迎|热门|火)")
_YOU_BEFORE_RE = re.compile(r"\byou(?:'ve| have)?\s+(?:\w+\s+)?$")
_CLAUSE_MARK_RE = re.compile(r"[,，;；]")
_ZH_ORDINAL_RE = re.compile("(?:排名)?第([一二两三四五六七八九十百]+)(?:名)?")
_NOT_SAID_RE = re.compile(r"[^\w\u3400-\u9fff]+")
_CJK_CHAR_RE = re.compile(CJK_CLASS)
_LATIN_RUN_RE = re.compile(r"[A-Za-z]+")
_WORD_RUN_RE = re.compile(r"[^\W_]+")
_SPACE_OR_DIGIT_RE = re.compile(r"[\s\d]")
_LATIN_OR_MARKS_RE = re.compile(r"[a-zA-Z\ue000\ue001]+")
_WRITTEN_RE = re.compile(r"[\w\ue000\ue001'/.%]+|[,;:]")
_LOWER_LATIN_RE = re.compile(r"[a-z]")


# --- helpers ----------------------------------------------------------------------------------
def _said(phrase: str, support: Support) -> bool:
    """Whether a fact's own wording holds ``phrase`` (token-wise for Latin words)."""
    if _LOWER_LATIN_RE.search(phrase):
        return support.backs(phrase)
    return normalise(phrase) in support.text


# catalog titles recur across a person's recommendations: memoised, bounded (a batch walks the
# whole catalog)
@lru_cache(maxsize=1024)
def _key(name: str) -> str:
    return token_key(name) if name.isascii() else normalise(name)


@lru_cache(maxsize=1024)
def _title_keys(title: str) -> tuple[str, ...]:
    """Every way a text may name ``title``, as compared."""
    # a catalog title may carry its own marks (《金色的档案馆》)
    return tuple(dict.fromkeys(_key(v.strip(QUOTE_MARKS)) for v in title_variants(title)))


def _history_signals(support: Support) -> dict[str, Signal]:
    out: dict[str, Signal] = {}
    for signal in support.signals:
        if signal.kind == "history" and signal.title:
            for key in _title_keys(signal.title):
                out.setdefault(key, signal)
    return out
