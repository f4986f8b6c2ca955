"""Deterministic template explanations from evidence, in English and Chinese.

Used as the ``template`` backend and as the fallback when a language model's draft fails
verification. Every word that carries information comes from a fact; the fact ids are cited.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

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
#: the order facts are worded in when the style states no preference
KIND_PRIORITY = {"history_item": 0, "preference": 1, "free_text": 2, "shared_feature": 3,
                 "cohort": 4, "item_quality": 5, "trend": 6}


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
        sentences = []
        for fact in facts:
            if isinstance(fact, HistoryItem):
                sentence = self._history([fact], key) if fact.item_id else None
            else:
                sentence = self._fact(fact, key)
            sentences.append(sentence or "")
        return sentences

    @property
    def _style(self) -> Style:
        assert self.style is not None  # set in __post_init__
        return self.style

    # --- composition ------------------------------------------------------------------------
    def _sentences(self, rec: Recommendation) -> tuple[list[str], list[str]]:
        style = self._style
        budget = style.n_facts
        key = f"{rec.user_id}\x1f{rec.item_id}"
        usable = [e for e in rec.evidence if e.kind not in style.exclude]
        liked = [e for e in usable
                 if isinstance(e, HistoryItem) and e.item_id and e.score_share > 0]
        # a group is one sentence: the top history items together, then every other fact alone
        groups: list[list[Evidence]] = []
        if liked:
            groups.append(list(liked[:2] if budget >= 3 and len(liked) >= 2 else liked[:1]))
        groups.extend([e] for e in usable if not isinstance(e, HistoryItem))
        # preferred kinds first; otherwise what the person did, what they said, shared
        # features, other people, quality (a stable sort keeps the builder's strength order)
        groups.sort(key=lambda g: (style.order_key(g[0].kind), KIND_PRIORITY.get(g[0].kind, 9)))

        sentences: list[str] = []
        cited: list[str] = []
        per_kind: dict[str, int] = {}
        kind_cap = 2 if style.length == "detailed" else 1  # variety beats three features in a row
        for group in groups:
            if budget <= 0:
                break
            kind = group[0].kind
            if kind != "history_item" and per_kind.get(kind, 0) >= kind_cap:
                continue
            sentence = (self._history(group, key) if kind == "history_item"  # type: ignore[arg-type]
                        else self._fact(group[0], key))
            if sentence:
                per_kind[kind] = per_kind.get(kind, 0) + 1
                sentences.append(sentence)
                cited.extend(e.id for e in group)
                budget -= 1
        if not sentences:
            sentences.append(self._pick("fallback", key))
        if self.name_item:
            sentences.insert(0, self._pick("lead", key).format(title=self._title(rec.title)))
        if style.tone == "friendly":
            sentences.append(self._pick("friendly", key))
        return sentences, cited

    def _pick(self, name: str, key: str) -> str:
        options = self._phrases[name]
        # stable across runs and processes (unlike hash()): crc32 of user, item and phrase kind
        return options[zlib.crc32(f"{key}\x1f{name}".encode()) % len(options)]

    def _history(self, facts: list[HistoryItem], key: str) -> str:
        if len(facts) == 1:
            return self._pick("history_one", key).format(did=self._did(facts[0]))
        first, second = facts
        if _action(first) == _action(second):
            # same action on both: "bought “A” and “B”" rather than "bought A and bought B"
            both = self._did(first, self._title(first.title) + AND[self.language]
                             + self._title(second.title))
            return self._pick("history_one", key).format(did=both)
        return self._pick("history_two", key).format(
            did=self._did(first), did2=self._did(second))

    def _fact(self, fact: Evidence, key: str) -> str | None:
        plural = ITEM_NOUNS[self.language][self.domain][1]
        people_verb = PEOPLE_VERBS[self.language][self.domain]
        if isinstance(fact, SharedFeature):
            # a film's category is its (first) genre
            feature = "genre" if self.domain == "movies" and fact.feature == "category" else (
                fact.feature)
            count = fact.history_count
            return self._pick(f"feature_{feature}", key).format(
                n=ONE[self.language] if count == 1 else count, items=plural,
                value=self._word(fact.value),
            )
        if isinstance(fact, Cohort) and fact.approximate:
            # noisy counts (differential privacy): a rounded share, never a precise figure
            return self._pick("cohort_about", key).format(
                share=approximate_percent(fact.share), anchor=self._title(fact.anchor_title),
                people_verb=people_verb)
        if isinstance(fact, Cohort):
            name = "cohort_often" if fact.share >= OFTEN_SHARE else "cohort"
            return self._pick(name, key).format(
                share=_percent(fact.share), anchor_count=fact.anchor_count,
                co_count=fact.co_count, anchor=self._title(fact.anchor_title),
                people_verb=people_verb,
            )
        if isinstance(fact, ItemQuality):
            if fact.mean_rating is not None and fact.n_ratings:
                return self._pick("quality_rated", key).format(
                    mean=_number(fact.mean_rating), scale=_number(fact.rating_scale or 5.0),
                    n_ratings=fact.n_ratings,
                )
            return self._pick("quality_popular", key).format(
                n_people=fact.n_people, people_verb=people_verb)
        if isinstance(fact, Trend):
            return self._pick("trend", key).format(
                rank=fact.rank_in_category, category=self._word(fact.category),
                days=fact.window_days,
            )
        if isinstance(fact, Preference):
            return self._pick("preference", key).format(statement=fact.statement)
        if isinstance(fact, FreeText):
            text = fact.text.strip().rstrip("。.!！")
            return self._pick("free_text", key).format(text=text) if text else None
        return None

    # --- words ------------------------------------------------------------------------------
    def _did(self, fact: HistoryItem, titles: str | None = None) -> str:
        """What the person did with a history item: "rated “Heat” 5/5", "购买过《…》"."""
        phrases = EVENT_PHRASES[self.language][self.domain]
        event = fact.event or "default"
        if event == "rating" and fact.rating is None:
            event = "default"
        phrase = phrases.get(event, phrases["default"])
        rating = _number(fact.rating or 0.0)
        rating_text = (f"{rating}分" if self.language == "zh"
                       else f"{rating}/{_number(self.rating_scale)}")
        return phrase.format(title=titles or self._title(fact.title), rating=rating_text)

    def _title(self, title: str) -> str:
        if title.startswith("《") and title.endswith("》"):
            return title  # already marked as a title (Chinese book titles often are)
        return f"《{title}》" if self.language == "zh" else f"\u201c{title}\u201d"

    def _word(self, value: str) -> str:
        return self.translations.get(value, value) if self.language == "zh" else value


def _action(fact: HistoryItem) -> tuple[str | None, float | None]:
    """What wording a history fact gets: its event, and its rating when the event is a rating."""
    return fact.event, fact.rating if fact.event == "rating" else None


def _number(value: float) -> str:
    """4.0 -> '4', 4.25 -> '4.25': how people write ratings."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _percent(share: float) -> str:
    return str(round(share * 100))
