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
from whyrec.explanation.phrases import (
    EVENT_PHRASES,
    ITEM_NOUNS,
    OFTEN_SHARE,
    ONE,
    PEOPLE_VERBS,
    PHRASES,
)
from whyrec.privacy.rounding import approximate_percent
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

AND = {"en": " and ", "zh": "和"}

F = TypeVar("F", bound=Evidence)
#: (the explainer, facts of one kind, a key that picks among phrasings) -> a sentence or None
Sentence = Callable[["TemplateExplainer", Sequence[Any], str], "str | None"]


@dataclass(frozen=True)
class Wording:
    """How one kind is worded: ``sentence`` words up to ``together`` of its facts in one
    sentence. With ``together`` above 1 the kind's strongest facts share that one sentence and
    its others are left out (history: "you bought A and B"); with 1 each fact gets its own."""

    sentence: Sentence
    together: int = 1


#: every kind's wording, by kind name
WORDINGS: dict[str, Wording] = {}


def register_wording(
    kind: str, sentence: Callable[[TemplateExplainer, Sequence[F], str], str | None], *,
    together: int = 1, phrases: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
) -> None:
    """Word evidence of ``kind`` with ``sentence``.

    ``phrases`` (language -> phrase name -> phrasings) join the tables ``sentence`` picks from
    with :meth:`TemplateExplainer.pick`; a name another kind uses is refused.
    """
    for language, table in (phrases or {}).items():
        taken = sorted(name for name in table if name in PHRASES[language])
        if taken:
            raise ValueError(f"phrases already worded: {', '.join(taken)}")
    for language, table in (phrases or {}).items():
        PHRASES[language].update(table)
    WORDINGS[kind] = Wording(sentence, together)


def unregister_wording(kind: str, phrases: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """Forget a kind's wording and its phrases (for tests that plug a kind in for a while)."""
    WORDINGS.pop(kind, None)
    for language, table in (phrases or {}).items():
        for name in table:
            PHRASES[language].pop(name, None)


def _wording(kind: str, *, together: int = 1) -> Callable[[Sentence], Sentence]:
    def register(sentence: Sentence) -> Sentence:
        register_wording(kind, sentence, together=together)
        return sentence
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
        return Explanation(
            user_id=rec.user_id, item_id=rec.item_id, text=joiner.join(sentences),
            language=self.language, cited_ids=cited, backend="template",
            latency_ms=(time.perf_counter() - started) * 1000.0, style=self._style.key(),
        )

    def fact_sentences(self, rec: Recommendation, facts: list[Evidence]) -> list[str]:
        """Each fact worded on its own (history items one by one): the prompt's fact list."""
        key = f"{rec.user_id}\x1f{rec.item_id}"
        return [self.sentence([fact], key) or "" for fact in facts]

    def sentence(self, facts: Sequence[Evidence], key: str = "") -> str | None:
        """Facts of one kind worded in one sentence (``None`` when they say nothing to word,
        or their kind has no wording); ``key`` picks among the phrasings."""
        wording = WORDINGS.get(facts[0].kind) if facts else None
        return None if wording is None else wording.sentence(self, facts, key)

    def pick(self, name: str, key: str) -> str:
        """One of the phrasings called ``name``, the same one every time for the same key."""
        options = self._phrases[name]
        # stable across runs and processes (unlike hash()): crc32 of user, item and phrase kind
        return options[zlib.crc32(f"{key}\x1f{name}".encode()) % len(options)]

    def title(self, title: str) -> str:
        """A catalog title as the language marks one: “Heat” or 《盗火线》."""
        if title.startswith("《") and title.endswith("》"):
            return title  # already marked as a title (Chinese book titles often are)
        return f"《{title}》" if self.language == "zh" else f"\u201c{title}\u201d"

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

        sentences: list[str] = []
        cited: list[str] = []
        per_kind: dict[str, int] = {}
        lead = self.pick("lead", key).format(title=self.title(rec.title)) if self.name_item else ""
        room = (style.max_chars if self.language == "zh" else style.max_words) - _size(
            lead, self.language)
        kind_cap = 2 if style.length == "detailed" else 1  # variety beats three features in a row
        for group in groups:
            if budget <= 0:
                break
            kind = group[0].kind
            if per_kind.get(kind, 0) >= kind_cap:
                continue
            sentence = self.sentence(group, key)
            # a long reason (a caller's free text) must not push the text past its length:
            # the fallback has to pass its own check
            if sentence and _size(sentence, self.language) > room:
                if sentences:
                    continue
                # the only reason is too long by itself (a caller's long free text): its
                # opening clauses, which still say only what the fact says
                sentence = _cut(sentence, room, self.language)
            if sentence:
                room -= _size(sentence, self.language)
                per_kind[kind] = per_kind.get(kind, 0) + 1
                sentences.append(sentence)
                cited.extend(e.id for e in group)
                budget -= 1
        if not sentences:
            sentences.append(self.pick("fallback", key))
        if lead:
            sentences.insert(0, lead)
        if style.tone == "friendly":
            sentences.append(self.pick("friendly", key))
        return sentences, cited


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


#: a title as the template quotes it
QUOTED_TITLE_RE = re.compile("\u201c[^\u201d]*\u201d|《[^》]*》")


def _together(kind: str) -> int:
    wording = WORDINGS.get(kind)
    return 1 if wording is None else wording.together


# --- the built-in kinds' wording ------------------------------------------------------------
@_wording(HistoryItem.kind, together=2)
def _history(ex: TemplateExplainer, facts: Sequence[HistoryItem], key: str) -> str | None:
    if not facts[0].item_id:
        return None  # the remainder stands for many items: nothing to name
    if len(facts) == 1:
        return ex.pick("history_one", key).format(did=_did(ex, facts[0]))
    first, second = facts[:2]
    if _action(first) == _action(second):
        # same action on both: "bought “A” and “B”" rather than "bought A and bought B"
        both = _did(ex, first, ex.title(first.title) + AND[ex.language] + ex.title(second.title))
        return ex.pick("history_one", key).format(did=both)
    return ex.pick("history_two", key).format(did=_did(ex, first), did2=_did(ex, second))


@_wording(SharedFeature.kind)
def _shared_feature(ex: TemplateExplainer, facts: Sequence[SharedFeature], key: str) -> str:
    fact = facts[0]
    # a film's category is its (first) genre
    feature = "genre" if ex.domain == "movies" and fact.feature == "category" else fact.feature
    count = fact.history_count
    return ex.pick(f"feature_{feature}", key).format(
        n=ONE[ex.language] if count == 1 else count, items=_plural(ex), value=ex.word(fact.value))


@_wording(Cohort.kind)
def _cohort(ex: TemplateExplainer, facts: Sequence[Cohort], key: str) -> str:
    fact = facts[0]
    people_verb = PEOPLE_VERBS[ex.language][ex.domain]
    if fact.approximate:
        # noisy counts (differential privacy): a rounded share, never a precise figure
        return ex.pick("cohort_about", key).format(
            share=approximate_percent(fact.share), anchor=ex.title(fact.anchor_title),
            people_verb=people_verb)
    name = "cohort_often" if fact.share >= OFTEN_SHARE else "cohort"
    return ex.pick(name, key).format(
        share=_percent(fact.share), anchor_count=fact.anchor_count, co_count=fact.co_count,
        anchor=ex.title(fact.anchor_title), people_verb=people_verb)


@_wording(ItemQuality.kind)
def _item_quality(ex: TemplateExplainer, facts: Sequence[ItemQuality], key: str) -> str:
    fact = facts[0]
    if fact.mean_rating is not None and fact.n_ratings:
        return ex.pick("quality_rated", key).format(
            mean=_number(fact.mean_rating), scale=_number(fact.rating_scale or 5.0),
            n_ratings=fact.n_ratings)
    return ex.pick("quality_popular", key).format(
        n_people=fact.n_people, people_verb=PEOPLE_VERBS[ex.language][ex.domain])


@_wording(Trend.kind)
def _trend(ex: TemplateExplainer, facts: Sequence[Trend], key: str) -> str:
    fact = facts[0]
    return ex.pick("trend", key).format(
        rank=fact.rank_in_category, category=ex.word(fact.category), days=fact.window_days)


@_wording(Preference.kind)
def _preference(ex: TemplateExplainer, facts: Sequence[Preference], key: str) -> str:
    return ex.pick("preference", key).format(statement=facts[0].statement)


@_wording(FreeText.kind)
def _free_text(ex: TemplateExplainer, facts: Sequence[FreeText], key: str) -> str | None:
    text = facts[0].text.strip().rstrip("。.!！")
    return ex.pick("free_text", key).format(text=text) if text else None


# --- words ----------------------------------------------------------------------------------
def _did(ex: TemplateExplainer, fact: HistoryItem, titles: str | None = None) -> str:
    """What the person did with a history item: "rated “Heat” 5/5", "购买过《…》"."""
    phrases = EVENT_PHRASES[ex.language][ex.domain]
    event = fact.event or "default"
    if event == "rating" and fact.rating is None:
        event = "default"
    phrase = phrases.get(event, phrases["default"])
    rating = _number(fact.rating or 0.0)
    rating_text = f"{rating}分" if ex.language == "zh" else f"{rating}/{_number(ex.rating_scale)}"
    return phrase.format(title=titles or ex.title(fact.title), rating=rating_text)


def _plural(ex: TemplateExplainer) -> str:
    return ITEM_NOUNS[ex.language][ex.domain][1]


def _action(fact: HistoryItem) -> tuple[str | None, float | None]:
    """What wording a history fact gets: its event, and its rating when the event is a rating."""
    return fact.event, fact.rating if fact.event == "rating" else None


def _number(value: float) -> str:
    """4.0 -> '4', 4.25 -> '4.25': how people write ratings."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _percent(share: float) -> str:
    return str(round(share * 100))
