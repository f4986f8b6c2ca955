"""Deterministic template explanations from evidence, in English and Chinese.

Used as the ``template`` backend and as the fallback when a language model's draft fails
verification. Every word that carries information comes from a fact; the fact ids are cited.

Each evidence kind's wording is registered here under its kind name (:func:`register_wording`):
a function that words one of its facts (or, for a kind worded several at a time, a few) in the
explainer's language, picking among the phrasings in :mod:`whyrec.explanation.phrases`. The
composition (which facts, in what order, how many) asks the facts and their wording, never
their class, so a new kind brings its module (:mod:`whyrec.evidence`) and its wording.
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from whyrec.errors import ConfigError
from whyrec.explanation.extension import sentence_lead
from whyrec.explanation.phrases import (
    EVENT_PHRASES,
    ITEM_NOUNS,
    OFTEN_SHARE,
    ONE,
    PEOPLE_VERBS,
    PHRASES,
    THIS_ONE,
)
from whyrec.privacy.rounding import approximate_percent
from whyrec.text import quote_title
from whyrec.types import (
    Cohort,
    Evidence,
    Explanation,
    FreeText,
    HistoryItem,
    ItemQuality,
    Preference,
    Recommendation,
    SharedFeature,
    Trend,
)
from whyrec.values import LANGUAGES, Style
from whyrec.voice import spoken_to

#: the longest text the template delivers (titles are bounded at load, a caller's need not be)
MAX_TEXT_CHARACTERS = 1_200
AND = {"en": " and ", "zh": "和"}
#: two history actions in one clause: "bought A and looked at B", "购买过《A》，也浏览过《B》"
THEN = {"en": " and ", "zh": "，也"}

F = TypeVar("F", bound=Evidence)
#: (the explainer, facts of one kind, a key that picks among phrasings) -> a sentence or None
Sentence = Callable[["TemplateExplainer", Sequence[Any], str], "str | None"]
#: the same, with the recommended item's title (quoted) to name: a text's opening sentence
Opening = Callable[["TemplateExplainer", Sequence[Any], str, str], "str | None"]


@dataclass(frozen=True)
class Wording:
    """How one kind is worded: ``sentence`` words up to ``together`` of its facts in one
    sentence. With ``together`` above 1 the kind's strongest facts share that one sentence and
    its others are left out (history: "you bought A and B"); with 1 each fact gets its own.
    ``opening``, when the kind has one, words the facts as a text's first sentence, naming
    the item ("Since you bought A, you may like X."); without it a text that starts with this
    kind gets a separate lead ("We picked X for you.")."""

    sentence: Sentence
    together: int = 1
    opening: Opening | None = None


#: every kind's wording, by kind name
WORDINGS: dict[str, Wording] = {}


def register_wording(
    kind: str, sentence: Callable[[TemplateExplainer, Sequence[F], str], str | None], *,
    together: int = 1, phrases: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
    opening: Callable[[TemplateExplainer, Sequence[F], str, str], str | None] | None = None,
) -> None:
    """Word evidence of ``kind`` with ``sentence``.

    ``phrases`` (language -> phrase name -> phrasings) join the tables ``sentence`` picks from
    with :meth:`TemplateExplainer.pick`; a name another kind uses is refused. ``opening``
    (optional) words the facts as a text's first sentence, given the item's quoted title.
    """
    for language, table in (phrases or {}).items():
        taken = sorted(name for name in table if name in PHRASES[language])
        if taken:
            raise ValueError(f"phrases already worded: {', '.join(taken)}")
    for language, table in (phrases or {}).items():
        PHRASES[language].update(table)
    WORDINGS[kind] = Wording(sentence, together, opening)


def unregister_wording(kind: str, phrases: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """Forget a kind's wording and its phrases (for tests that plug a kind in for a while)."""
    WORDINGS.pop(kind, None)
    for language, table in (phrases or {}).items():
        for name in table:
            PHRASES[language].pop(name, None)


#: a built-in kind's wording: one function for both forms, ``title`` given for the opening
Worded = Callable[..., "str | None"]


def _wording(kind: str, *, together: int = 1) -> Callable[[Worded], Worded]:
    def register(worded: Worded) -> Worded:
        def sentence(ex: TemplateExplainer, facts: Sequence[Any], key: str) -> str | None:
            return worded(ex, facts, key)

        register_wording(kind, sentence, together=together, opening=worded)
        return worded
    return register


@dataclass
class TemplateExplainer:
    """Words a recommendation's evidence as a short explanation.

    Parameters
    ----------
    language : ``en`` or ``zh``.
    domain : ``ecommerce``, ``movies`` or ``news`` (picks verbs: bought / watched / read).
    length : ``short``, ``medium`` or ``detailed``; ``style`` (length, tone, preferred and
        excluded evidence kinds) overrides it when given.
    translations : catalog words (categories, tags) in the target language, when known.

    Examples
    --------
    >>> explainer = TemplateExplainer(language="zh", domain="movies")
    >>> explainer.explain(recommendation).text                       # doctest: +SKIP
    '因为你打过5分的《盗火线》。'
    """

    language: str = "en"
    domain: str = "ecommerce"
    length: str = "medium"
    translations: Mapping[str, str] = field(default_factory=dict)
    rating_scale: float = 5.0
    style: Style | None = None
    #: open with the recommended item's name, as every delivered explanation must
    name_item: bool = True

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}, "
                              f"got {self.language!r}")
        if self.domain not in EVENT_PHRASES[self.language]:
            raise ConfigError(f"domain must be one of {', '.join(EVENT_PHRASES['en'])}, "
                              f"got {self.domain!r}")
        if self.style is None:
            self.style = Style(length=self.length)
        self.length = self.style.length
        self._phrases = PHRASES[self.language]

    def explain(self, rec: Recommendation) -> Explanation:
        """One explanation for one recommendation (deterministic for the same input)."""
        started = time.perf_counter()
        sentences, cited = self._sentences(rec)
        joiner = "" if self.language == "zh" else " "
        text = joiner.join(sentences)
        if len(text) > MAX_TEXT_CHARACTERS:
            cited = []  # which facts are left is for the verifier's support to say
            while len(text) > MAX_TEXT_CHARACTERS and len(sentences) > 1:
                sentences = sentences[:-1]  # a caller's long titles: the last reasons go
                text = joiner.join(sentences)
            if len(text) > MAX_TEXT_CHARACTERS:
                text = self.bare(rec)[-1]
        return Explanation(
            user_id=rec.user_id, item_id=rec.item_id, text=text,
            language=self.language, cited_ids=cited, backend="template",
            latency_ms=(time.perf_counter() - started) * 1000.0, style=self._style.key(),
        )

    def bare(self, rec: Recommendation) -> list[str]:
        """Texts that state no reason, for when every worded one fails its check: the item
        named ("We picked “X” for you."), then not even that."""
        key = f"{rec.user_id}\x1f{rec.item_id}"
        named = self.pick("lead", key).format(title=self.title(rec.title))
        return [named, self.pick("fallback", key)] if self.name_item else [
            self.pick("fallback", key)]

    def fact_sentences(self, rec: Recommendation, facts: list[Evidence], *,
                       plain: bool = False) -> list[str]:
        """Each fact worded on its own (history items one by one): the prompt's fact list;
        ``plain`` says what the person did with a history item and nothing more ("You rated
        “Heat” 5/5.", not "…, and this one is a close match."), and words any other fact
        with a phrasing that opens with words when it has one (:meth:`_begun_in_words`)."""
        key = f"{rec.user_id}\x1f{rec.item_id}"
        return [(self._plain_history(fact, key) if plain and isinstance(fact, HistoryItem)
                 else self._begun_in_words(fact, key) if plain
                 else self.sentence([fact], key)) or "" for fact in facts]

    def _begun_in_words(self, fact: Evidence, key: str) -> str | None:
        """``fact`` worded by one of its phrasings that sentence planning can begin: a
        further sentence is begun with the first words of its fact's wording, up to a number
        or a title, and "11 people rated it 3.91 out of 5 on average." gives none (begun on
        a bare "Plus,", the bundled model repeated a fact it had already stated). The
        phrasing ``key`` picks, unless it opens with a number and another does not."""
        sentence = self.sentence([fact], key)
        for attempt in range(1, _REPHRASINGS + 1):
            if not sentence or sentence_lead(sentence, self.language):
                break
            other = self.sentence([fact], f"{key}\x1frephrased {attempt}")
            if other and sentence_lead(other, self.language):
                return other
        return sentence

    def _plain_history(self, fact: HistoryItem, key: str) -> str | None:
        if not fact.item_id:
            return None  # the remainder stands for many items: nothing to name
        return self.pick("history_plain", key).format(did=_did(self, fact))

    def sentence(self, facts: Sequence[Evidence], key: str = "") -> str | None:
        """Facts of one kind worded in one sentence (``None`` when they say nothing to word,
        or their kind has no wording); ``key`` picks among the phrasings."""
        wording = WORDINGS.get(facts[0].kind) if facts else None
        return None if wording is None else wording.sentence(self, facts, key)

    def pick(self, name: str, key: str) -> str:
        """One of the phrasings called ``name``, the same one every time for the same key."""
        options = self._phrases[name]
        return options[_hashed(key, name) % len(options)]

    def title(self, title: str) -> str:
        """A catalog title as the language marks one: “Heat” or 《盗火线》."""
        return quote_title(title, self.language)

    def word(self, value: str) -> str:
        """A catalog word (category, tag) in the explainer's language, when translated."""
        return self.translations.get(value, value) if self.language == "zh" else value

    @property
    def _style(self) -> Style:
        assert self.style is not None  # set in __post_init__
        return self.style

    # --- composition ------------------------------------------------------------------------
    def _sentences(self, rec: Recommendation) -> tuple[list[str], list[str]]:
        style = self._style
        budget = style.n_facts
        key = f"{rec.user_id}\x1f{rec.item_id}"
        usable = [e for e in rec.evidence if e.kind not in style.exclude and e.supports_item]
        # a group is one sentence: a kind worded several at a time gets one group (its
        # strongest facts, two only when three or more facts fit), every other fact its own
        groups: list[list[Evidence]] = []
        joined: dict[str, list[Evidence]] = {}
        for fact in usable:
            together = _together(fact.kind)
            if together == 1:
                groups.append([fact])
                continue
            if fact.kind not in joined:
                joined[fact.kind] = []
                groups.append(joined[fact.kind])
            if len(joined[fact.kind]) < (together if budget >= 3 else 1):
                joined[fact.kind].append(fact)
        # preferred kinds first; otherwise by each kind's priority: what the person did, what
        # they said, shared features, other people, quality (a stable sort keeps the builder's
        # strength order within a kind)
        groups.sort(key=lambda g: (style.order_key(g[0].kind), g[0].priority))

        title = self.title(rec.title)
        lead = self.pick("lead", key).format(title=title) if self.name_item else ""
        friendly = self.pick("friendly", key) if style.tone == "friendly" else ""
        limit = style.max_chars if self.language == "zh" else style.max_words
        # the reasons get what a separate lead and the friendly close leave: an opening that
        # names the item in its reason is no longer than the two apart
        room = limit - _size(lead, self.language) - _size(friendly, self.language)
        chosen: list[tuple[list[Evidence], str]] = []
        per_kind: dict[str, int] = {}
        kind_cap = 2 if style.length == "detailed" else 1  # variety beats three features in a row
        was_cut = False
        named: set[str] = set()  # titles with a sentence mark inside already worded
        for group in groups:
            if budget <= 0:
                break
            kind = group[0].kind
            if per_kind.get(kind, 0) >= kind_cap:
                continue
            # "Vol. 2 (a.k.a. X)" named twice reads to the verifier's repetition check as a
            # sentence said twice: a fact that would name such a title again is left out
            dotted = {ref.title for fact in group for ref in fact.items()
                      if _DOTTED_RE.search(ref.title)}
            if dotted & named:
                continue
            sentence = self.sentence(group, key)
            # a long reason (a caller's free text) must not push the text past its length:
            # the fallback has to pass its own check
            if sentence and _size(sentence, self.language) > room:
                if chosen:
                    continue
                # the only reason is too long by itself (a caller's long free text): its
                # opening clauses, which still say only what the fact says
                sentence = _cut(sentence, room, self.language)
                was_cut = True
            if sentence:
                room -= _size(sentence, self.language)
                per_kind[kind] = per_kind.get(kind, 0) + 1
                named |= dotted
                chosen.append((group, sentence))
                budget -= 1
        if not chosen:
            sentences = [self.pick("fallback", key)]
            if lead:
                sentences.insert(0, lead)
            cited: list[str] = []
        else:
            if self.name_item:
                opened = None if was_cut else self._opened(chosen, key, title, limit, friendly)
                chosen, sentences = opened or (chosen, [lead, *(s for _, s in chosen)])
            else:
                sentences = [s for _, s in chosen]
            cited = [e.id for group, _ in chosen for e in group]
        if friendly:
            sentences.append(friendly)
        return sentences, cited

    def _opened(self, chosen: list[tuple[list[Evidence], str]], key: str, title: str,
                limit: int, friendly: str,
                ) -> tuple[list[tuple[list[Evidence], str]], list[str]] | None:
        """The chosen reasons with one of them worded as the opening that names the item:
        the first, or now and then (no preferred kinds asked for) the second, so that not
        every text starts with the same kind of fact; ``None`` when it cannot open."""
        # the first reason opens (a kind without an opening gets a lead of its own instead,
        # so a preferred kind still comes first)
        order = [0]
        if not self._style.prefer and len(chosen) > 1 and _hashed(key, "open") % 3 == 0:
            order = [1, 0]
        for index in order:
            group, _ = chosen[index]
            wording = WORDINGS.get(group[0].kind)
            opening = wording.opening if wording is not None else None
            sentence = opening(self, group, key, title) if opening is not None else None
            if not sentence:
                continue
            rest = [c for i, c in enumerate(chosen) if i != index]
            sentences = [sentence, *(s for _, s in rest)]
            size = sum(_size(s, self.language) for s in [*sentences, friendly])
            if size <= limit:
                return [chosen[index], *rest], sentences
        return None


def _hashed(key: str, name: str) -> int:
    # stable across runs and processes (unlike hash()): crc32 of user, item and a name
    return zlib.crc32(f"{key}\x1f{name}".encode())


def _size(text: str, language: str) -> int:
    """How long the verifier finds a text: a quoted title counts as one word (or two
    characters); Chinese by characters, English by words."""
    bare = QUOTED_TITLE_RE.sub(" T " if language != "zh" else "TT", text)
    return len(bare.replace(" ", "")) if language == "zh" else len(bare.split())


def _cut(sentence: str, room: int, language: str) -> str:
    """``sentence`` cut after its last clause that fits in ``room``, closed as a sentence
    (whole when no clause boundary fits)."""
    end = "。" if language == "zh" else "."
    clauses = re.split(r"(?<=[,，;；])\s*", sentence.rstrip(".。!！?？"))
    kept = ""
    for clause in clauses:
        longer = kept + ("" if language == "zh" or not kept else " ") + clause
        if kept and _size(longer, language) > room:
            break
        kept = longer
    return kept.rstrip(",，;； ") + end


#: other keys :meth:`TemplateExplainer._begun_in_words` tries for a phrasing that opens with words
_REPHRASINGS = 8

#: a sentence mark inside a title, with more of the title after it
_DOTTED_RE = re.compile(r"[.!?。！？]\s*\S")

#: a title as the template quotes it
QUOTED_TITLE_RE = re.compile("\u201c[^\u201d]*\u201d|《[^》]*》")


def _together(kind: str) -> int:
    wording = WORDINGS.get(kind)
    return 1 if wording is None else wording.together


# --- the built-in kinds' wording ------------------------------------------------------------
# Each takes ``title`` (the item's quoted title) when it words a text's opening: it then picks
# from the phrase's ``_lead`` form, which names the item where the plain form says "it".
def _phrase(ex: TemplateExplainer, name: str, key: str, title: str | None, **values: Any) -> str:
    if title is None:
        return ex.pick(name, key).format(**values)
    return ex.pick(f"{name}_lead", key).format(title=title, **values)


@_wording(HistoryItem.kind, together=2)
def _history(ex: TemplateExplainer, facts: Sequence[HistoryItem], key: str,
             title: str | None = None) -> str | None:
    if not facts[0].item_id:
        return None  # the remainder stands for many items: nothing to name
    if len(facts) == 1:
        did = _did(ex, facts[0])
    elif _action(facts[0]) == _action(facts[1]):
        # same action on both: "bought “A” and “B”" rather than "bought A and bought B"
        did = _did(ex, facts[0], ex.title(facts[0].title) + AND[ex.language]
                   + ex.title(facts[1].title))
    elif ex.language != "zh" and facts[0].event == facts[1].event == "rating":
        # "rated “A” 5/5 and “B” 4/5": the verb once, each rating after its title
        did = _did(ex, facts[0]) + AND["en"] + _did(ex, facts[1]).removeprefix("rated ")
    else:
        did = _did(ex, facts[0]) + THEN[ex.language] + _did(ex, facts[1])
    return _phrase(ex, "history", key, title, did=did,
                   this_one=THIS_ONE[ex.language][ex.domain])


@_wording(SharedFeature.kind)
def _shared_feature(ex: TemplateExplainer, facts: Sequence[SharedFeature], key: str,
                    title: str | None = None) -> str:
    fact = facts[0]
    # a film's category is its (first) genre
    feature = "genre" if ex.domain == "movies" and fact.feature == "category" else fact.feature
    one = fact.history_count == 1
    n = ONE[ex.language] if one else str(fact.history_count)
    return _phrase(ex, f"feature_{feature}", key, title, n=n, n_cap=n[:1].upper() + n[1:],
                   are="is" if one else "are", items=_plural(ex),
                   items_n=ITEM_NOUNS[ex.language][ex.domain][0 if one else 1],
                   value=ex.word(fact.value))


@_wording(Cohort.kind)
def _cohort(ex: TemplateExplainer, facts: Sequence[Cohort], key: str,
            title: str | None = None) -> str | None:
    fact = facts[0]
    people_verb = PEOPLE_VERBS[ex.language][ex.domain]
    if fact.approximate:
        if title is not None and _DOTTED_RE.search(fact.anchor_title):
            # "people who bought “Vol. 2” also bought “X”": the dot hides the people from the
            # check that the verb before X is theirs; another fact opens instead
            return None
        # noisy counts (differential privacy): a rounded share, never a precise figure
        return _phrase(ex, "cohort_about", key, title, share=approximate_percent(fact.share),
                       anchor=ex.title(fact.anchor_title), people_verb=people_verb)
    name = "cohort_often" if fact.share >= OFTEN_SHARE else "cohort"
    return _phrase(ex, name, key, title, share=_percent(fact.share),
                   anchor_count=fact.anchor_count, co_count=fact.co_count,
                   anchor=ex.title(fact.anchor_title), people_verb=people_verb)


@_wording(ItemQuality.kind)
def _item_quality(ex: TemplateExplainer, facts: Sequence[ItemQuality], key: str,
                  title: str | None = None) -> str:
    fact = facts[0]
    if fact.mean_rating is not None and fact.n_ratings:
        return _phrase(ex, "quality_rated", key, title, mean=_number(fact.mean_rating),
                       scale=_number(fact.rating_scale or 5.0), n_ratings=fact.n_ratings,
                       people=_people(fact.n_ratings))
    return _phrase(ex, "quality_popular", key, title, n_people=fact.n_people,
                   people=_people(fact.n_people),
                   people_verb=PEOPLE_VERBS[ex.language][ex.domain])


@_wording(Trend.kind)
def _trend(ex: TemplateExplainer, facts: Sequence[Trend], key: str,
           title: str | None = None) -> str:
    fact = facts[0]
    days = fact.window_days
    # "the last 30 days", "the last day"; Chinese puts 天 in the phrasing
    days_text = str(days) if ex.language == "zh" else "day" if days == 1 else f"{days} days"
    # "top 1" reads wrong: a first rank is "number one"
    name = "trend_first" if fact.rank_in_category == 1 else "trend"
    return _phrase(ex, name, key, title, rank=fact.rank_in_category,
                   category=ex.word(fact.category), days=days_text)


@_wording(Preference.kind)
def _preference(ex: TemplateExplainer, facts: Sequence[Preference], key: str,
                title: str | None = None) -> str:
    statement = facts[0].statement.strip().rstrip("。.!！")
    return _phrase(ex, "preference", key, title, statement=statement)


@_wording(FreeText.kind)
def _free_text(ex: TemplateExplainer, facts: Sequence[FreeText], key: str,
               title: str | None = None) -> str | None:
    if title is not None or facts[0].withheld:
        # a caller's own words: not rewritten around the title, a lead goes first; words that
        # do not read as a reason (``FreeText.withheld``) are not quoted at all
        return None
    text = facts[0].text.strip().rstrip("。.!！")
    if facts[0].about == "user" and ex.language == "en":
        text = spoken_to(text)  # "The user enjoys X" is said to them: "You enjoy X"
    return ex.pick("free_text", key).format(text=text) if text else None


# --- words ----------------------------------------------------------------------------------
def _did(ex: TemplateExplainer, fact: HistoryItem, titles: str | None = None) -> str:
    """What the person did with a history item: "rated “Heat” 5/5", "购买过《…》"."""
    phrases = EVENT_PHRASES[ex.language][ex.domain]
    event = fact.event or "default"
    if event == "rating" and fact.rating is None:
        event = "rated"  # the log says a rating, not its value: "rated", never "liked"
    phrase = phrases.get(event, phrases["default"])
    rating = _number(fact.rating or 0.0)
    rating_text = f"{rating}分" if ex.language == "zh" else f"{rating}/{_number(ex.rating_scale)}"
    return phrase.format(title=titles or ex.title(fact.title), rating=rating_text)


def _plural(ex: TemplateExplainer) -> str:
    return ITEM_NOUNS[ex.language][ex.domain][1]


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


#: events worded alike when two history items share a clause: a click and a view are both
#: "looked at" ("viewed A and looked at B" says one thing twice)
_SAME_ACTION = {"click": "look", "view": "look"}


def _action(fact: HistoryItem) -> tuple[str | None, float | None]:
    """What wording a history fact gets: its event, and its rating when the event is a rating."""
    event = _SAME_ACTION.get(fact.event or "", fact.event)
    return event, fact.rating if fact.event == "rating" else None


def _number(value: float) -> str:
    """4.0 -> '4', 4.25 -> '4.25': how people write ratings."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _percent(share: float) -> str:
    return str(round(share * 100))
