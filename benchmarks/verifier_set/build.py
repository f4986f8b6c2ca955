"""Build the verifier's labelled set: ``benchmarks/verifier_set/labelled.jsonl``.

Deterministic (seeded): reads the bundled demo shop, MovieLens ml-latest-small, the Amazon
musical-instruments reviews and XRec's Google / Yelp pairs (``../shared/data``), makes
recommendations with evidence through the public API (item-kNN; XRec's pairs as caller
requests whose ``FreeText`` facts are the profile sentences, as ``whyrec explain --input`` reads
them) and writes texts labelled against those facts:

* faithful: ``template`` (the template backend's text), ``paraphrase`` (the facts in other
  words, from the hand-written phrases in ``wording.py``), ``free_text_paraphrase`` (XRec: the
  profiles' reasons in the "you" voice, naming the item);
* false: each made from a faithful text by exactly one change (see ``FALSE_CLASSES``).

``handwritten.jsonl`` adds texts written by hand about named demo recommendations. The
verifier is run here only to pick each text's length setting (``medium``, or ``detailed`` when
the text is longer than medium allows), never to label.

    PYTHONPATH=src .venv/bin/python benchmarks/verifier_set/build.py     # ~1 min
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import wording as W
from sources import (
    HANDWRITTEN,
    LABELLED,
    SENTENCE_SPLIT_RE,
    XREC_FILES,
    load_source,
    xrec_request,
    xrec_rows,
)

from whyrec.api import explain, recommend, train
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.phrases import EVENT_PHRASES
from whyrec.types import (
    Cohort,
    Evidence,
    HistoryItem,
    ItemQuality,
    Recommendation,
    SharedFeature,
    Trend,
    evidence_from_dict,
)
from whyrec.values import ItemDetails, Style

SEED = 16
#: people sampled per dataset source, and recommendations per person
PEOPLE = {"demo": 34, "movielens": 24, "amazon": 40}
TOP_N = {"demo": 3, "movielens": 2, "amazon": 2}
#: XRec pairs sampled per file
XREC_PAIRS = 45
#: faithful texts per (language, subclass, source)
FAITHFUL_QUOTA = {
    ("en", "template"): {"demo": 25, "movielens": 20, "amazon": 20, "xrec": 20},
    ("zh", "template"): {"demo": 35, "movielens": 25, "amazon": 25},
    ("en", "paraphrase"): {"demo": 35, "movielens": 25, "amazon": 25},
    ("zh", "paraphrase"): {"demo": 35, "movielens": 25, "amazon": 25},
    ("en", "free_text_paraphrase"): {"xrec": 60},
}
#: false texts per (language, class), spread over the sources that apply
FALSE_PER_CLASS = 33
#: a title with an HTML entity or a quotation mark is issue 16's item 4: left out here so the
#: set stays valid when catalog text is decoded at load
AWKWARD_TITLE_RE = re.compile(r"&[#\w]+;|[\"“”《》]")

TITLE_RE = r"(?:“[^”]+”|《[^》]+》)"
TITLES_RE = TITLE_RE + r"(?:(?: and |和)" + TITLE_RE + r")?"
NUM_RE = r"\d+(?:\.\d+)?"


# --- the material ------------------------------------------------------------------------------
@dataclass
class Case:
    """One recommendation with everything a text about it is judged against."""

    source: str
    rec: Recommendation
    details: ItemDetails
    domain: str  # ecommerce | movies | venues
    group: str  # which attribute / plan list applies
    translations: dict[str, str] = field(default_factory=dict)
    scale: float = 5.0
    #: the person's own interactions: item id -> (events, ratings)
    history: dict[str, tuple[set[str], set[float]]] = field(default_factory=dict)
    #: catalog titles neither in the facts nor in the person's history (invented titles)
    other_titles: list[str] = field(default_factory=list)
    #: XRec: the profiles, lower-case, and the other pairs' profiles (claims from elsewhere)
    profile: str = ""
    xrec_row: dict[str, Any] | None = None

    @property
    def blob(self) -> str:
        """Every word the facts and the catalog give, lower-case (attribute keys are checked
        against it)."""
        parts = [self.details.title, self.details.category or "", self.details.brand or "",
                 " ".join(self.details.tags), self.details.description or "", self.profile]
        for fact in self.rec.evidence:
            parts.extend(str(v) for v in fact.to_dict().values())
        parts.extend(self.translations.get(t, "") for t in self.details.tags)
        return " ".join(parts).lower()

    def facts(self, kind: type[Evidence]) -> list[Any]:
        return [e for e in self.rec.evidence if isinstance(e, kind)]

    @property
    def history_facts(self) -> list[HistoryItem]:
        return [e for e in self.facts(HistoryItem) if e.item_id and e.event]

    @property
    def has_trend(self) -> bool:
        return bool(self.facts(Trend))

    @property
    def rated(self) -> bool:
        """Whether a fact gives the item's own rating."""
        return any(q.mean_rating is not None and q.n_ratings for q in self.facts(ItemQuality))


@dataclass
class Text:
    id: str
    source: str
    language: str
    label: str
    cls: str
    text: str
    case: Case
    base: str | None = None
    base_text: str | None = None
    change: str | None = None
    handwritten: bool = False
    length: str = "medium"

    def to_json(self) -> dict[str, Any]:
        d = self.case.details
        return {
            "id": self.id, "source": self.source, "language": self.language,
            "label": self.label, "class": self.cls, "text": self.text, "length": self.length,
            "base": self.base, "base_text": self.base_text, "change": self.change,
            "handwritten": self.handwritten,
            "recommendation": _compact(self.case.rec.to_dict()),
            "details": {"title": d.title, "category": d.category, "brand": d.brand,
                        "tags": list(d.tags), "description": d.description},
        }


def _compact(value: Any) -> Any:
    """Floats to 6 significant digits (the set must stay small; nothing worded changes)."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_compact(v) for v in value]
    return value


def number(value: float) -> str:
    """4.0 -> '4', 3.84 -> '3.84': as the template writes ratings."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def quote(title: str, language: str) -> str:
    if title.startswith("《") and title.endswith("》"):
        return title
    return f"《{title}》" if language == "zh" else f"\u201c{title}\u201d"


# --- dataset sources --------------------------------------------------------------------------
class DatasetSource:
    """A dataset source: the data, its item-kNN model and the cases made from it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.dataset = load_source(source)
        self.model = train(self.dataset, "itemknn")
        items = self.dataset.items
        ids = items["item_id"].astype(str)
        self.categories = dict(zip(ids, items["category"], strict=True))
        self.titles = dict(zip(ids, items["title"], strict=True))
        self.details = Explainer("template", dataset=self.dataset)._details
        self.translations = self.dataset.translations.get("zh", {})

    def sample(self, rng: random.Random) -> list[Case]:
        users = sorted(str(u) for u in self.dataset.interactions["user_id"].unique())
        return [case for person in rng.sample(users, PEOPLE[self.source])
                for case in self.cases(person, TOP_N[self.source], rng)]

    def cases(self, person: str, n: int, rng: random.Random, *,
              keep_all: bool = False) -> list[Case]:
        frame = self.dataset.interactions
        rows = frame[frame["user_id"] == person]
        history: dict[str, tuple[set[str], set[float]]] = defaultdict(lambda: (set(), set()))
        for item, event, rating in zip(rows["item_id"].astype(str), rows["event"],
                                       rows["rating"], strict=True):
            history[item][0].add(str(event))
            if rating == rating:  # not NaN
                history[item][1].add(float(rating))
        cases = []
        for rec in recommend(self.model, self.dataset, person, n=n):
            named = [rec.title, *(e.title for e in rec.evidence if isinstance(e, HistoryItem)),
                     *(e.anchor_title for e in rec.evidence if isinstance(e, Cohort))]
            if not keep_all and any(AWKWARD_TITLE_RE.search(t) for t in named if t):
                continue
            if not keep_all and any(e.event is None for e in rec.evidence
                                    if isinstance(e, HistoryItem) and e.item_id):
                continue  # the template would say "liked" for an unknown event
            in_facts = set(named)
            category = self.categories.get(rec.item_id)
            same = [t for i, t in self.titles.items() if i not in history and t not in in_facts
                    and not AWKWARD_TITLE_RE.search(t) and self.categories.get(i) == category]
            group = {"demo": str(category), "movielens": "movies",
                     "amazon": "instruments"}[self.source]
            cases.append(Case(
                source=self.source, rec=rec, details=self.details[rec.item_id],
                domain="movies" if self.dataset.domain == "movies" else "ecommerce",
                group=group, translations=self.translations,
                scale=float(self.dataset.rating_scale or 5.0), history=dict(history),
                other_titles=rng.sample(same, min(len(same), 300))))
        return cases


# --- xrec-dev ------------------------------------------------------------------------------
USER_RULES = [
    (re.compile(r"^(?:This|The) user is likely to (enjoy|appreciate|prefer|love|like) (.+)$"),
     ("you are likely to {v} {rest}", "you would likely {v} {rest}")),
    (re.compile(r"^User is likely to (enjoy|appreciate|prefer) (.+)$"),
     ("you are likely to {v} {rest}",)),
    (re.compile(r"^(?:This|The) user (enjoys|appreciates|prefers|values|likes|loves) (.+)$"),
     ("you {v} {rest}",)),
    (re.compile(r"^They (?:also )?(enjoy|appreciate|prefer|value|like|love) (.+)$"),
     ("you also {v} {rest}",)),
]
ITEM_RULE = re.compile(
    r"^(.+?),? (?:would|will) (?:all )?(?:also )?(?:enjoy|appreciate|love|like) ")
LOWER_FIRST = {"fans", "users", "food", "individuals", "those", "people", "anyone", "customers",
               "visitors", "diners", "travelers", "families", "coffee", "arts", "meat",
               "budget-conscious", "shoppers", "beer", "pizza", "dessert", "music", "sushi",
               "nature", "outdoor", "art", "wine", "health-conscious", "tea", "seafood",
               "breakfast", "brunch", "burger", "fitness", "pet", "movie", "car", "book"}
WORD_RE = re.compile(r"[a-z0-9][a-z0-9'&+-]*")
OVERLAP_STOP = {
    "the", "and", "a", "an", "of", "with", "for", "who", "that", "to", "in", "on", "or", "as",
    "their", "they", "would", "enjoy", "enjoys", "appreciate", "appreciates", "like", "love",
    "looking", "users", "user", "those", "fans", "people", "individuals", "businesses",
    "offer", "offering", "offers", "this", "is", "are", "likely", "variety", "quality", "great",
    "good", "delicious", "experience", "experiences", "atmosphere", "service", "food",
    "dining", "options", "also", "you", "it", "its", "suits", "such", "well", "enthusiasts",
    "unique", "friendly", "cozy", "affordable", "prices", "be", "all", "seeking",
    "selection", "wide", "focus", "place", "spot", "venue", "restaurant", "casual",
}


def _base_verb(verb: str) -> str:
    return {"enjoys": "enjoy", "appreciates": "appreciate", "prefers": "prefer",
            "values": "value", "likes": "like", "loves": "love"}.get(verb, verb)


def _you(rest: str) -> str | None:
    rest = rest.strip().rstrip(".")
    if re.search(r"\b(?:the|this) user\b", rest, re.IGNORECASE):
        return None
    rest = re.sub(r"\bthe user's\b", "your", rest)
    rest = re.sub(r"\btheir\b", "your", rest)
    rest = re.sub(r"\bthem\b", "you", rest)
    rest = re.sub(r"\bthey\b", "you", rest)
    return rest


def user_clauses(summary: str, rng: random.Random) -> list[str]:
    clauses = []
    for sentence in SENTENCE_SPLIT_RE.split(summary.strip()):
        for pattern, forms in USER_RULES:
            match = pattern.match(sentence.strip())
            if match:
                rest = _you(match.group(2))
                if rest:
                    clauses.append(rng.choice(forms).format(v=_base_verb(match.group(1)),
                                                            rest=rest))
                break
    return clauses


def item_audience(summary: str) -> str | None:
    for sentence in SENTENCE_SPLIT_RE.split(summary.strip()):
        match = ITEM_RULE.match(sentence.strip())
        if match:
            audience = match.group(1).strip()
            first, _, tail = audience.partition(" ")
            if first.lower() == "users":
                return "people " + tail
            common = first.lower() in LOWER_FIRST or first.endswith("s") or "-" in first
            return (first.lower() if common and not first.isupper() else first) + (
                " " + tail if tail else "")
    return None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def xrec_paraphrase(case: Case, rng: random.Random) -> str | None:
    """The profiles' reasons in the "you" voice, naming the item; None when the rules do not
    reach, or when a word would not come from the profiles (the self-check)."""
    row = case.xrec_row
    assert row is not None
    users = user_clauses(row["user_summary"], rng)
    audience = item_audience(row["item_summary"])
    if not users:
        return None
    title = quote(row["title"], "en")
    verb = rng.choice(["should appeal to", "suits", "is a match for"])
    if audience and rng.random() < 0.5:
        text = f"{title} {verb} {audience}, and {users[0]}."
        if len(users) > 1:
            text += f" {_cap(users[1])}."
    else:
        text = f"We recommend {title} because {users[0]}."
        if len(users) > 1:
            text += f" {_cap(users[1])}."
        if audience:
            text += f" It {'suits' if verb == 'suits' else verb} {audience}."
    allowed = set(WORD_RE.findall(case.profile)) | set(WORD_RE.findall(row["title"].lower()))
    allowed |= W.CONNECTIVES
    extra = [w for w in WORD_RE.findall(text.lower()) if w not in allowed]
    return None if extra else text


def xrec_cases(rng: random.Random) -> list[Case]:
    cases = []
    for name in XREC_FILES:
        rows = xrec_rows(name)
        for index in sorted(rng.sample(range(len(rows)), XREC_PAIRS)):
            row = rows[index]
            request = xrec_request(name, row)
            cases.append(Case(
                source="xrec", rec=request.recommendation, details=request.details,
                domain="venues", group="venues",
                profile=f"{row['user_summary']} {row['item_summary']}".lower(),
                xrec_row={**row, "file": name}))
    # invented titles and claims from elsewhere: the other pairs' names and profiles
    titles = sorted({c.details.title for c in cases})
    for case in cases:
        case.other_titles = [t for t in titles if t != case.details.title]
    return cases


# --- faithful paraphrases of whyrec facts --------------------------------------------------
def did(fact: HistoryItem, case: Case, language: str, rng: random.Random) -> str:
    phrases = W.HISTORY[language]
    high = fact.rating is not None and fact.rating >= 0.8 * case.scale
    if fact.event == "purchase":
        keys = ["purchase"] if fact.rating is None else (
            ["purchase_rated"] + (["purchase_high"] if high else []))
    elif fact.event == "rating" and fact.rating is not None:
        keys = ["rating"] + (["rating_high"] if high else []) + (
            ["rating_movies"] if case.domain == "movies" else [])
    else:
        keys = [str(fact.event)]
    options = [p for k in keys for p in phrases[k]]
    return rng.choice(options).format(A=quote(fact.title, language),
                                      r=number(fact.rating or 0.0), s=number(case.scale))


def fact_sentence(fact: Evidence, case: Case, language: str, rng: random.Random) -> str | None:
    """One of the hand-written sentences for a fact, with ``{it}`` / ``{It}`` left open."""
    items = W.ITEMS[language]["movies" if case.domain == "movies" else "ecommerce"]
    verb = W.PEOPLE_VERB[language]["movies" if case.domain == "movies" else "ecommerce"]

    def word(value: str) -> str:
        return case.translations.get(value, value) if language == "zh" else value

    if isinstance(fact, SharedFeature):
        n = W.ONE[language] if fact.history_count == 1 else str(fact.history_count)
        feature = fact.feature
        if case.domain == "movies" and feature == "category":
            feature = "genre"
        if feature == "tag" and word(fact.value) in W.ADJECTIVE_TAGS[language]:
            feature = "tag_adjective"
        if feature == "category" and language == "en":
            nouns = W.CATEGORY_NOUNS.get(fact.value)
            if nouns is None:
                return None
            options = W.FEATURE["en"]["category"]
            if fact.history_count == 1:
                options = [t for t in options if "as are" not in t]
            return rng.choice(options).format(
                n=n, items=items, noun_a=nouns[0], it="{it}", It="{It}")
        if feature not in W.FEATURE[language]:
            return None
        options = W.FEATURE[language][feature]
        if fact.history_count == 1:  # "as do one of your items" does not agree
            options = [t for t in options if not re.search(r"carry|as are|as do", t)] or [
                "Like {n} of your {items}, {it} has the tag \u201c{value}\u201d."]
        return rng.choice(options).format(
            n=n, items=items, value=word(fact.value), it="{it}", It="{It}")
    if isinstance(fact, Cohort) and not fact.approximate:
        return rng.choice(W.COHORT[language]).format(
            anchor_count=fact.anchor_count, co_count=fact.co_count, share=round(fact.share * 100),
            verb=verb, A=quote(fact.anchor_title, language), it="{it}", It="{It}")
    if isinstance(fact, ItemQuality):
        if fact.mean_rating is not None and fact.n_ratings:
            return rng.choice(W.QUALITY_RATED[language]).format(
                n_ratings=fact.n_ratings, mean=number(fact.mean_rating),
                scale=number(fact.rating_scale or 5.0), it="{it}", It="{It}")
        return rng.choice(W.QUALITY_POPULAR[language]).format(
            n_people=fact.n_people, verb=verb, it="{it}", It="{It}")
    if isinstance(fact, Trend):
        return rng.choice(W.TREND[language]).format(
            days=fact.window_days, rank=fact.rank_in_category, category=word(fact.category),
            it="{it}", It="{It}")
    return None


def name_item(sentences: list[str], case: Case, language: str, rng: random.Random) -> str:
    """Join sentences, naming the item in the first one with a slot (else in a lead)."""
    title = quote(case.details.title, language)
    pronoun = {"en": ("it", "It"), "zh": ("它", "它")}[language]
    slots = [i for i, s in enumerate(sentences) if "{it}" in s or "{It}" in s]
    if not slots or rng.random() < 0.35:
        sentences = [rng.choice(W.LEADS[language]), *sentences]
        slots = [0]
    out = []
    for i, sentence in enumerate(sentences):
        it, It = (title, title) if i == slots[0] else pronoun
        filled = sentence.replace("{it}", it).replace("{It}", It)
        out.append(_cap(filled) if language == "en" else filled)
    return ("" if language == "zh" else " ").join(out)


def paraphrase(case: Case, language: str, rng: random.Random) -> str | None:
    hist = [e for e in case.history_facts if e.score_share > 0]
    sentences = []
    if hist:
        chosen = sorted(rng.sample(hist[:4], min(len(hist[:4]), rng.choice([1, 2]))),
                        key=hist.index)
        dids = [did(f, case, language, rng) for f in chosen]
        if len(dids) == 2:
            form = rng.choice(W.HISTORY_SENTENCES[language]["two"])
            sentences.append(form.format(did=dids[0], did2=dids[1], it="{it}", It="{It}"))
        else:
            form = rng.choice(W.HISTORY_SENTENCES[language]["one"])
            sentences.append(form.format(did=dids[0], it="{it}", It="{It}"))
    others = [e for e in case.rec.evidence
              if isinstance(e, SharedFeature | Cohort | ItemQuality | Trend)]
    rng.shuffle(others)
    kinds: set[str] = set()
    for fact in others:
        if len(sentences) >= 3 or fact.kind in kinds:
            continue
        sentence = fact_sentence(fact, case, language, rng)
        if sentence:
            sentences.append(sentence)
            kinds.add(fact.kind)
    if not sentences:
        return None
    # the history sentence may come second
    if len(sentences) > 1 and rng.random() < 0.3:
        sentences[0], sentences[1] = sentences[1], sentences[0]
    return name_item(sentences, case, language, rng)


# --- perturbations -----------------------------------------------------------------------------
def split_sentences(text: str, language: str) -> list[str]:
    """Sentences, never splitting inside a quoted title."""
    out, start, depth = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "“《":
            depth += 1
        elif ch in "”》":
            depth = max(0, depth - 1)
        elif depth == 0 and (ch in "。！？" or (ch in ".!?" and (
                i + 1 == len(text) or text[i + 1] == " "))):
            out.append(text[start:i + 1].strip())
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return [s for s in out if s]


def join(sentences: list[str], language: str) -> str:
    return ("" if language == "zh" else " ").join(sentences)


def insert(text: str, sentence: str, language: str, rng: random.Random) -> str:
    sentences = split_sentences(text, language)
    position = rng.choice([1, len(sentences)]) if len(sentences) > 1 else len(sentences)
    return join([*sentences[:position], sentence, *sentences[position:]], language)


def fill(template: str, case: Case, language: str, rng: random.Random,
         named: bool | None = None, **values: Any) -> str:
    """An inserted sentence: the item as "it" (or, sometimes, by name)."""
    title = quote(case.details.title, language)
    named = rng.random() < 0.3 if named is None else named
    it = title if named else ("它" if language == "zh" else "it")
    It = title if named else ("它" if language == "zh" else "It")
    Its = f"{title}'s" if named else "Its"
    text = template.replace("{it}", it).replace("{It}", It).replace("{Its}", Its)
    text = text.format(**values) if values else text
    return _cap(text) if language == "en" else text


@dataclass
class Phrase:
    """A history verb phrase found in a text: where, and the facts it names."""

    start: int
    end: int
    titles: str
    facts: list[HistoryItem]


def _phrase_patterns(language: str) -> list[re.Pattern[str]]:
    templates = {p for phrases in W.HISTORY[language].values() for p in phrases}
    templates |= {p for domain in EVENT_PHRASES[language].values() for p in domain.values()}
    rating = rf"{NUM_RE}/{NUM_RE}" if language == "en" else rf"{NUM_RE}分"
    patterns = []
    for template in sorted(templates):
        regex = ""
        for piece in re.split(r"(\{\w+\})", template):
            if piece in ("{A}", "{title}"):
                regex += f"(?P<t>{TITLES_RE})"
            elif piece in ("{r}", "{s}"):
                regex += NUM_RE
            elif piece == "{rating}":
                regex += rating
            else:
                regex += re.escape(piece)
        patterns.append(re.compile(regex))
    return patterns


PATTERNS = {language: _phrase_patterns(language) for language in ("en", "zh")}


def phrases(text: str, case: Case, language: str) -> list[Phrase]:
    by_title = {quote(f.title, language): f for f in case.history_facts}
    found: dict[int, Phrase] = {}
    for pattern in PATTERNS[language]:
        for match in pattern.finditer(text):
            before = text[:match.start()]
            if language == "en" and not before.endswith(("you ", "You ", "and ", "also ")):
                continue
            if language == "zh" and before[-1:] not in ("你", "还", "也"):
                continue
            names = re.findall(TITLE_RE, match.group("t"))
            facts = [by_title[n] for n in names if n in by_title]
            if len(facts) != len(names) or not facts:
                continue
            old = found.get(match.start())
            if old is None or match.end() > old.end:
                found[match.start()] = Phrase(match.start(), match.end(), match.group("t"),
                                              facts)
    return [found[k] for k in sorted(found)]


def replace(text: str, phrase: Phrase, new: str) -> str:
    return text[:phrase.start] + new + text[phrase.end:]


Perturbed = tuple[str, str] | None
Perturb = Callable[["Text", random.Random], Perturbed]


def p_event(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    found = phrases(base.text, case, language)
    rng.shuffle(found)
    for phrase in found:
        fact = phrase.facts[0]
        if any(f.event != fact.event for f in phrase.facts):
            continue
        events = set().union(*(case.history.get(f.item_id, (set(), set()))[0]
                               for f in phrase.facts))
        if fact.event in ("view", "click", "add_to_cart"):
            key = "weak"
            if "purchase" in events:
                continue  # the person did buy it, in an interaction the fact does not show
        elif fact.event == "purchase":
            key = "purchase"
        elif fact.event == "rating":
            key = "rating_movies" if case.domain == "movies" else "rating"
        else:
            continue
        if case.source == "demo" and key == "rating" and "purchase" in events:
            continue
        new = rng.choice(W.FALSE_EVENT[language][key]).format(A=phrase.titles)
        return replace(base.text, phrase, new), f"{fact.event} worded as '{new}'"
    return None


def _not_positive(fact: HistoryItem, case: Case) -> bool:
    """No positive signal: rated 3 or lower, or only clicked / viewed / carted and never rated
    highly."""
    ratings = case.history.get(fact.item_id, (set(), set()))[1]
    if fact.rating is not None:
        return fact.rating <= 0.6 * case.scale and not any(r > 0.6 * case.scale for r in ratings)
    events = case.history.get(fact.item_id, (set(), set()))[0]
    return fact.event in ("view", "click", "add_to_cart") and "purchase" not in events and (
        not any(r > 0.6 * case.scale for r in ratings))


def _not_negative(fact: HistoryItem, case: Case) -> bool:
    ratings = case.history.get(fact.item_id, (set(), set()))[1]
    return not any(r <= 0.4 * case.scale for r in ratings)


def p_sentiment(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    if case.source == "xrec":
        sentence = fill(rng.choice(W.SENTIMENT_VENUE), case, language, rng, named=True)
        return insert(base.text, sentence, language, rng), f"sentiment: {sentence}"
    found = phrases(base.text, case, language)
    rng.shuffle(found)
    moves = ["loved", "negative", "insert"]
    rng.shuffle(moves)
    for move in moves:
        if move == "loved":
            for phrase in found:
                if all(_not_positive(f, case) for f in phrase.facts):
                    new = rng.choice(W.LOVED[language]).format(A=phrase.titles)
                    what = ", ".join(f"{f.event} {number(f.rating) if f.rating else ''}".strip()
                                     for f in phrase.facts)
                    return replace(base.text, phrase, new), f"'{new}' for: {what}"
        if move == "negative":
            for phrase in found:
                options = list(W.RETURNED[language]) if case.domain == "ecommerce" else []
                if all(_not_negative(f, case) for f in phrase.facts):
                    options += W.HATED[language]
                if not options:
                    continue
                new = rng.choice(options).format(A=phrase.titles)
                return replace(base.text, phrase, new), f"'{new}': no fact says so"
        if move == "insert":
            loved = [f for f in case.history_facts if _not_positive(f, case)]
            if loved and rng.random() < 0.6:
                fact = rng.choice(loved)
                sentence = rng.choice(W.LOVED_SENTENCES[language]).format(
                    A=quote(fact.title, language))
                return insert(base.text, sentence, language, rng), (
                    f"'{sentence}' for a {fact.event} rated {fact.rating}")
            candidates = [f for f in case.history_facts if _not_negative(f, case)]
            if candidates:
                fact = rng.choice(candidates)
                options = [t for t in W.NEGATIVE_SENTENCES[language]
                           if case.domain == "ecommerce" or t not in W.RETURNED_SENTENCES]
                sentence = rng.choice(options).format(A=quote(fact.title, language))
                return insert(base.text, sentence, language, rng), f"'{sentence}'"
    return None


def _nouns(case: Case, language: str) -> tuple[str, str]:
    """What the item is, singular and plural ("running shoe", "running shoes")."""
    if language == "zh":
        word = case.translations.get(case.group, "商品")
        return {"movies": ("电影", "电影"), "instruments": ("乐器配件", "乐器配件"),
                "venues": ("店", "店")}.get(case.group, (word, word))
    if case.group in W.CATEGORY_NOUNS:
        return W.CATEGORY_NOUNS[case.group][1], case.group
    return {"movies": ("film", "films"), "instruments": ("product", "products"),
            "venues": ("place", "places")}.get(case.group, ("product", "products"))


def _anchor_ok(case: Case, title: str) -> bool:
    """"More popular than A" must not be readable off two facts (the item's people count above
    A's)."""
    people = [q.n_people for q in case.facts(ItemQuality)]
    anchors = [c.anchor_count for c in case.facts(Cohort) if c.anchor_title == title]
    return not (people and anchors and people[0] >= anchors[0])


def p_comparison(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    if case.source == "xrec":
        options = [(t, keys) for t, keys in W.COMPARISON_VENUE
                   if not any(k in case.blob for k in keys)]
        if not options:
            return None
        template, _ = rng.choice(options)
        return insert(base.text, fill(template, case, language, rng), language, rng), template
    noun, nouns = _nouns(case, language)
    templates = list(W.COMPARISON[language])
    if case.has_trend:
        templates = [t for t in templates if not any(w in t for w in W.TREND_WORDS)]
    rng.shuffle(templates)
    titles = [f.title for f in case.history_facts]
    for template in templates:
        values: dict[str, Any] = {"noun": noun, "nouns": nouns}
        if "{A}" in template:
            usable = [t for t in titles if ("popular" not in template and "受欢迎" not in template)
                      or _anchor_ok(case, t)]
            if not usable:
                continue
            values["A"] = quote(rng.choice(usable), language)
        sentence = fill(template, case, language, rng, **values)
        return insert(base.text, sentence, language, rng), f"comparison: {sentence}"
    return None


def p_item_rating(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    low = [q for q in case.facts(ItemQuality) if q.mean_rating is not None and q.n_ratings
           and q.mean_rating < 0.7 * (q.rating_scale or 5.0)]
    if case.rated and not low:
        return None  # a rating fact exists and it is high: "highly rated" could be true
    if any(k in case.blob for k in ("rated", "rating", "top marks", "highly", "review")):
        return None
    people = {"en": {"movies": "critics and viewers", "instruments": "musicians",
                     "venues": "local reviewers"},
              "zh": {"movies": "观众", "instruments": "乐手"}}[language].get(
        case.group, "shoppers" if language == "en" else "买家")
    template = rng.choice(W.ITEM_RATING[language])
    sentence = fill(template, case, language, rng, people=people, People=_cap(people))
    note = "no rating of the item" if not low else f"mean rating {low[0].mean_rating}"
    return insert(base.text, sentence, language, rng), f"{note}: {sentence}"


def p_attribute(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    options = [(t, "attribute") for t in W.ATTRIBUTES.get(case.group, [])] + [
        (t, "plan") for t in W.PLANS.get(case.group, [])]
    index = 0 if language == "en" else 1
    blob = case.blob
    options = [(t, kind) for t, kind in options
               if t[index] and not any(k in blob for k in t[2])]
    if not options:
        return None
    entry, kind = rng.choice(options)
    sentence = fill(entry[0] if language == "en" else entry[1], case, language, rng)
    return insert(base.text, sentence, language, rng), f"{kind}: {sentence}"


def p_stated(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    if any(e.kind == "preference" for e in case.rec.evidence):
        return None
    if case.source == "xrec":
        sentence = fill(rng.choice(W.STATED_VENUE), case, language, rng)
        return insert(base.text, sentence, language, rng), f"stated: {sentence}"
    noun, nouns = _nouns(case, language)
    tags = [case.translations.get(t, t) if language == "zh" else t for t in case.details.tags
            if language == "zh" or t in W.ADJECTIVE_TAGS["en"]]
    if language == "zh":
        tags = [t for t in tags if t in W.ADJECTIVE_TAGS["zh"]]
    templates = [t for t in W.STATED[language]
                 if ("{value}" not in t or tags) and ("{brand}" not in t or case.details.brand)]
    template = rng.choice(templates)
    sentence = fill(template, case, language, rng, value=rng.choice(tags) if tags else "",
                    brand=case.details.brand or "", noun=noun, nouns=nouns)
    return insert(base.text, sentence, language, rng), f"stated: {sentence}"


def p_pii(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    sentence = fill(rng.choice(W.PII[language]), case, language, rng, item_id=case.rec.item_id)
    return insert(base.text, sentence, language, rng), f"contact data or id: {sentence}"


def p_title(base: Text, rng: random.Random) -> Perturbed:
    case, language = base.case, base.language
    if not case.other_titles:
        return None
    other = quote(rng.choice(case.other_titles), language)
    if case.source == "xrec":
        sentence = fill(rng.choice(W.TITLE_VENUE), case, language, rng, B=other)
        return insert(base.text, sentence, language, rng), f"invented name: {sentence}"
    own = quote(case.details.title, language)
    spans = [m for m in re.finditer(TITLE_RE, base.text) if m.group() != own]
    if not spans:
        return None
    span = rng.choice(spans)
    text = base.text[:span.start()] + other + base.text[span.end():]
    return text, f"{span.group()} -> {other} (not in the facts nor the history)"


NUMBER_RE = re.compile(rf"(?<![\d.]){NUM_RE}(?![\d.])|\bone(?= of your)")


def _fact_numbers(case: Case) -> list[float]:
    values: set[float] = set()
    for fact in case.rec.evidence:
        for name, value in fact.to_dict().items():
            if name in ("score_share", "similarity", "weight", "share"):
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                values.add(float(value))
        if isinstance(fact, Cohort):
            values.add(float(round(fact.share * 100)))
    return sorted(values)


def p_number(base: Text, rng: random.Random) -> Perturbed:
    case, language, text = base.case, base.language, base.text
    if case.source == "xrec":
        sentence = fill(rng.choice(W.INVENTED_NUMBERS), case, language, rng)
        return insert(text, sentence, language, rng), f"invented number: {sentence}"
    titles = [m.span() for m in re.finditer(TITLE_RE, text)]
    candidates = [m for m in NUMBER_RE.finditer(text)
                  if not any(s <= m.start() < e for s, e in titles)]
    rng.shuffle(candidates)
    known = _fact_numbers(case)
    for match in candidates:
        before, after = text[:match.start()], text[match.end():]
        if before.endswith(("/", "out of ", "满分")):
            continue  # the rating scale
        word = match.group()
        value = 1.0 if word == "one" else float(word)
        if after.startswith(" of your") or before.endswith("你的"):
            new_values = [v for v in known if v > value] + [value + d for d in (1, 2, 3)]
        elif before.endswith(("top ", "前")):
            if value <= 1:
                continue
            new_values = [value - 1]
        elif after.startswith(("/", " out of", " stars", "分", "星")) and value <= case.scale:
            # a rating stays in its band: "rated it highly (4/5)" must not become 2/5, which
            # would add a second fault
            high = value >= 0.8 * case.scale
            new_values = [float(v) for v in range(1, int(case.scale) + 1)
                          if v != value and (v >= 0.8 * case.scale) == high]
        elif after.startswith("%"):
            new_values = [v for v in known if v != value and v <= 100] + [
                min(100.0, value + d) for d in (3, 7, 11) if value + d <= 100]
        else:
            new_values = [v for v in known if v != value and v >= 1] + [value + d
                                                                         for d in (2, 5, 9)]
        new_values = [v for v in new_values if v != value and v > 0]
        if not new_values:
            continue
        new = number(rng.choice(new_values))
        if word == "one":
            new = {"2": "two", "3": "three", "4": "four"}.get(new, new)
        return text[:match.start()] + new + after, f"number {word} -> {new}"
    return None


def p_fluency(base: Text, rng: random.Random) -> Perturbed:
    case, language, text = base.case, base.language, base.text
    moves = ["drop_verb", "dangling", "cut", "repeat"]
    rng.shuffle(moves)
    for move in moves:
        result = _fluency(move, text, case, language, rng)
        if result is not None:
            return result, f"fluency: {move}"
    return None


def _fluency(move: str, text: str, case: Case, language: str, rng: random.Random) -> str | None:
    if move in ("drop_verb", "dangling"):
        if case.source == "xrec":
            if move == "dangling":
                return None
            new = re.sub(r"\b(?:is|are) likely to (?:enjoy|appreciate|prefer|love|like) ",
                         "", text, count=1)
            if new == text:
                new = re.sub(r"\b(?:suits|should appeal to|is a match for) ", "", text, count=1)
            return new if new != text else None
        found = phrases(text, case, language)
        if not found:
            return None
        phrase = rng.choice(found)
        if move == "drop_verb":
            return replace(text, phrase, phrase.titles)
        if language == "zh":
            return replace(text, phrase, rng.choice(["给", "把"]) + phrase.titles)
        return re.sub(r"\s+([.,;])", r"\1", replace(text, phrase, "")).replace("  ", " ")
    sentences = split_sentences(text, language)
    if move == "cut":
        index = len(sentences) - 1 if len(sentences) > 1 else 0
        sentence = sentences[index]
        if language == "en":
            tokens = re.findall(TITLE_RE + r"[,.;]?|\S+", sentence)
            cuts = [i for i, t in enumerate(tokens[:int(len(tokens) * 0.8)])
                    if i >= 3 and t.lower().strip(",") in W.CUT_AFTER_EN]
            if not cuts:
                return None
            cut = " ".join(tokens[:rng.choice(cuts) + 1]).rstrip(",")
        else:
            masked = _masked(sentence)
            cuts = [i + len(w) for w in W.CUT_AFTER_ZH for i in _find_all(masked, w)
                    if 8 <= i <= len(sentence) - 4]
            if not cuts:
                return None
            cut = sentence[:rng.choice(cuts)].rstrip("，")
        return join([*sentences[:index], cut], language)
    # repeat: a run of words (characters) said twice
    index = rng.randrange(len(sentences))
    sentence = sentences[index]
    if language == "en":
        tokens = re.findall(TITLE_RE + r"[,.;]?|\S+", sentence)
        if len(tokens) < 5:
            return None
        size = rng.choice([2, 3])
        start = rng.randrange(0, len(tokens) - size)
        run = tokens[start:start + size]
        repeated = [*tokens[:start + size], *(t.rstrip(",;") for t in run),
                    *tokens[start + size:]]
        sentences[index] = " ".join(repeated)
    else:
        masked = _masked(sentence)
        spans = [i for i in range(len(sentence) - 5)
                 if not any(c in masked[i:i + 4] for c in "#，。：“”（）")]
        if not spans:
            return None
        start = rng.choice(spans)
        chars = sentence[start:start + rng.choice([3, 4])]
        end = start + len(chars)
        sentences[index] = sentence[:end] + chars + sentence[end:]
    return join(sentences, language)


def _masked(sentence: str) -> str:
    """Titles blanked out (with #), so cuts and repeats never fall inside one."""
    return re.sub(TITLE_RE, lambda m: "#" * len(m.group()), sentence)


def _find_all(text: str, word: str) -> Iterable[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)


def p_other_profile(base: Text, rng: random.Random) -> Perturbed:
    case = base.case
    if case.source != "xrec":
        return None
    own = set(WORD_RE.findall(case.profile)) - OVERLAP_STOP
    others = list(OTHER_ROWS)
    rng.shuffle(others)
    for row in others[:60]:
        if row["title"] == case.details.title:
            continue
        if rng.random() < 0.5:
            audience = item_audience(row["item_summary"])
            if not audience:
                continue
            sentence = f"It also suits {audience}."
        else:
            clauses = user_clauses(row["user_summary"], rng)
            if not clauses:
                continue
            sentence = _cap(clauses[0].replace("you are likely to", "you are also likely to")
                            .replace("you would likely", "you would also likely")) + "."
        words = set(WORD_RE.findall(sentence.lower())) - OVERLAP_STOP
        if len(words) < 3 or len(words & own) > 0.25 * len(words):
            continue
        return insert(base.text, sentence, "en", rng), f"from another pair's profile: {sentence}"
    return None


def p_splice(base: Text, rng: random.Random) -> Perturbed:
    """The pair's own reasons spliced in one clause: the item's audience made to like what the
    person's profile names, or the person said to like what only the item's audience does."""
    case = base.case
    if case.source != "xrec" or case.xrec_row is None:
        return None
    row = case.xrec_row
    audience = item_audience(row["item_summary"])
    tastes = [m.group(2).rstrip(".") for sentence in SENTENCE_SPLIT_RE.split(row["user_summary"])
              for pattern, _ in USER_RULES[:1] if (m := pattern.match(sentence.strip()))]
    if not audience or " who " not in f" {audience} ":
        return None
    liked = audience.split(" who ", 1)[1]
    liked = re.sub(r"^(?:\w+ )?(?:enjoy|appreciate|love|like|seek|value|prefer)s? ", "", liked)
    if tastes and rng.random() < 0.5:
        sentence = f"Also, {audience} would enjoy {tastes[0]}."
        change = "the item's audience joined to the person's tastes"
    else:
        sentence = f"Also, you appreciate {liked}."
        change = "the person said to like what the item's audience likes"
    own_words = set(WORD_RE.findall(sentence.lower())) - OVERLAP_STOP
    if len(own_words) < 4:
        return None
    return insert(base.text, sentence, "en", rng), f"{change}: {sentence}"


OTHER_ROWS: list[dict[str, Any]] = []

FALSE_CLASSES: dict[str, Perturb] = {
    "event": p_event, "sentiment": p_sentiment, "comparison": p_comparison,
    "item_rating": p_item_rating, "attribute": p_attribute, "stated": p_stated,
    "other_profile": p_other_profile, "fluency": p_fluency, "title": p_title,
    "number": p_number, "pii": p_pii, "splice": p_splice,
}


# --- hand-written texts ------------------------------------------------------------------------
def handwritten(demo: DatasetSource, rng: random.Random) -> list[Text]:
    """The hand-written texts, each bound to a demo recommendation (person, rank, item)."""
    rows = [json.loads(line) for line in HANDWRITTEN.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    cases: dict[tuple[str, int], Case] = {}
    for person in sorted({row["bind"]["user_id"] for row in rows}):
        ranks = max(row["bind"]["rank"] for row in rows if row["bind"]["user_id"] == person)
        for case in demo.cases(person, ranks, rng, keep_all=True):
            cases[(person, case.rec.rank)] = case
    texts = []
    for number_, row in enumerate(rows, start=1):
        bind = row["bind"]
        case = cases.get((bind["user_id"], bind["rank"]))  # type: ignore[assignment]
        if case is None or case.rec.item_id != bind["item_id"]:
            raise SystemExit(f"{HANDWRITTEN.name}: text {number_} ({row['id']}): {bind} is not "
                             "today's demo recommendation: check the hand-written texts")
        if row.get("extra_evidence"):
            rec = Recommendation.from_dict(case.rec.to_dict())
            rec.evidence.extend(evidence_from_dict(e) for e in row["extra_evidence"])
            case = Case(**{**case.__dict__, "rec": rec})
        texts.append(Text(id=row["id"], source="demo", language=row["language"],
                          label=row["label"], cls=row["class"], text=row["text"], case=case,
                          change=row.get("note"), handwritten=True))
    return texts


# --- assembly ------------------------------------------------------------------------------
def _numbering() -> Callable[[str, str, str], str]:
    """Names texts ``source-language-class-NNN``, numbered per source, language and class."""
    counter: Counter[str] = Counter()

    def new_id(source: str, language: str, cls: str) -> str:
        key = f"{source}-{language}-{cls}"
        counter[key] += 1
        return f"{key}-{counter[key]:03d}"

    return new_id


@dataclass
class _Kept:
    """A text already in the set, written back as it was read."""

    record: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def language(self) -> str:
        return str(self.record["language"])

    @property
    def label(self) -> str:
        return str(self.record["label"])

    @property
    def cls(self) -> str:
        return str(self.record["class"])

    def to_json(self) -> dict[str, Any]:
        return self.record


def build(seed: int) -> list[Text]:
    rng = random.Random(seed)
    cases: dict[str, list[Case]] = {}
    datasets: dict[str, Any] = {}
    sources: dict[str, DatasetSource] = {}
    for source in ("demo", "movielens", "amazon"):
        sources[source] = DatasetSource(source)
        datasets[source] = sources[source].dataset
        cases[source] = sources[source].sample(random.Random(f"{seed}:{source}"))
        print(f"{source}: {len(cases[source])} recommendations", file=sys.stderr)
    cases["xrec"] = xrec_cases(random.Random(f"{seed}:xrec"))
    OTHER_ROWS[:] = [c.xrec_row for c in cases["xrec"] if c.xrec_row is not None]

    bases: list[Text] = []
    new_id = _numbering()

    for source, source_cases in cases.items():
        for case in source_cases:
            languages = ("en",) if source == "xrec" else ("en", "zh")
            for language in languages:
                if source == "xrec":
                    request = _request(case)
                    text = explain([request], language="en", backend="template")[0].text
                else:
                    text = explain([case.rec], datasets[source], language=language,
                                   backend="template")[0].text
                bases.append(Text("", source, language, "faithful", "template", text, case))
                if source == "xrec":
                    para = xrec_paraphrase(case, rng)
                    if para:
                        bases.append(Text("", source, language, "faithful",
                                          "free_text_paraphrase", para, case))
                else:
                    para = paraphrase(case, language, rng)
                    if para:
                        bases.append(Text("", source, language, "faithful", "paraphrase", para,
                                          case))
    # faithful texts: the quota of each subclass, first come in a seeded order
    rng.shuffle(bases)
    chosen: list[Text] = []
    seen: set[tuple[str, str]] = set()
    for (language, cls), quota in FAITHFUL_QUOTA.items():
        for source, n in quota.items():
            pool = [b for b in bases if (b.language, b.cls, b.source) == (language, cls, source)]
            for base in pool[:n]:
                base.id = new_id(source, language, cls)
                chosen.append(base)
                seen.add((base.text, base.case.rec.item_id))
    # false texts: one change to a faithful text; every base may serve every class once
    for cls, perturb in FALSE_CLASSES.items():
        for language in ("en", "zh"):
            names = [s for s in cases if not (s == "xrec" and language == "zh")]
            made = _perturb_all(cls, perturb, language, names, bases, rng, seen, new_id)
            chosen.extend(made)
    chosen.extend(handwritten(sources["demo"], random.Random(f"{seed}:handwritten")))
    _set_lengths(chosen, datasets)
    return chosen


def build_appended(seed: int, classes: list[str]) -> list[Text]:
    """The false texts of ``classes`` alone, made from XRec's pairs (classes added after the
    set was built: the rest of the set stays as it was, its hand-written texts bound to the
    demo recommendations of its day)."""
    rng = random.Random(f"{seed}:append:{','.join(classes)}")
    cases = xrec_cases(random.Random(f"{seed}:xrec"))
    OTHER_ROWS[:] = [c.xrec_row for c in cases if c.xrec_row is not None]
    bases: list[Text] = []
    for case in cases:
        text = explain([_request(case)], language="en", backend="template")[0].text
        bases.append(Text("", "xrec", "en", "faithful", "template", text, case))
        para = xrec_paraphrase(case, rng)
        if para:
            bases.append(Text("", "xrec", "en", "faithful", "free_text_paraphrase", para, case))
    new_id = _numbering()

    seen: set[tuple[str, str]] = set()
    made = [text for cls in classes
            for text in _perturb_all(cls, FALSE_CLASSES[cls], "en", ["xrec"], bases, rng, seen,
                                     new_id)]
    _set_lengths(made, {})
    return made


def _perturb_all(cls: str, perturb: Perturb, language: str, sources: list[str],
                 bases: list[Text], rng: random.Random, seen: set[tuple[str, str]],
                 new_id: Callable[[str, str, str], str]) -> list[Text]:
    share = {s: FALSE_PER_CLASS // len(sources) + (1 if i < FALSE_PER_CLASS % len(sources) else 0)
             for i, s in enumerate(sources)}
    made: list[Text] = []
    left: list[Text] = []
    for source in sources:
        pool = [b for b in bases if b.language == language and b.source == source]
        rng.shuffle(pool)
        count = 0
        for i, base in enumerate(pool):
            if count >= share[source]:
                left.extend(pool[i:])
                break
            text = _one(cls, perturb, base, rng, seen, new_id)
            if text:
                made.append(text)
                count += 1
    # a class that does not apply to one source is made up from the others
    rng.shuffle(left)
    for base in left:
        if len(made) >= FALSE_PER_CLASS:
            break
        text = _one(cls, perturb, base, rng, seen, new_id)
        if text:
            made.append(text)
    return made


def _one(cls: str, perturb: Perturb, base: Text, rng: random.Random,
         seen: set[tuple[str, str]], new_id: Callable[[str, str, str], str]) -> Text | None:
    result = perturb(base, rng)
    if result is None:
        return None
    text, change = result
    key = (text, base.case.rec.item_id)
    if text == base.text or key in seen:
        return None
    seen.add(key)
    if not base.id:  # a base outside the faithful quota still gets a name to point at
        digest = zlib.crc32("\x1f".join((base.text, base.case.rec.item_id)).encode())
        base.id = f"unlisted-{base.source}-{base.language}-{base.cls}-{digest:08x}"
    return Text(new_id(base.source, base.language, cls), base.source, base.language, "false",
                cls, text, base.case, base=base.id, base_text=base.text, change=change)


def _request(case: Case) -> Any:
    from whyrec.explanation.requests import ExplanationRequest

    return ExplanationRequest(case.rec, case.details, "en")


def _set_lengths(texts: list[Text], datasets: dict[str, Any]) -> None:
    """``detailed`` for a text longer than medium allows (length is not what this set tests)."""
    explainers = {s: Explainer("template", dataset=d) for s, d in datasets.items()}
    explainers["xrec"] = Explainer("template")
    for text in texts:
        explainer = explainers[text.source]
        verdict = explainer.verify(text.text, text.case.rec, language=text.language,
                                   style=Style(length="medium"),
                                   details=text.case.details if text.source == "xrec" else None)
        if any(s.kind == "length" and "longer" in s.reason for s in verdict.unsupported):
            text.length = "detailed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the verifier's labelled set.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=LABELLED)
    parser.add_argument("--append", default="", metavar="CLASS[,CLASS]",
                        help="add the false texts of these classes (XRec's pairs) to --out, "
                             "leaving its texts as they are")
    options = parser.parse_args(argv)
    if options.append:
        kept = options.out.read_text(encoding="utf-8").splitlines()
        classes = options.append.split(",")
        unknown = [c for c in classes if c not in FALSE_CLASSES]
        if unknown:
            raise SystemExit(f"--append: no false class {', '.join(unknown)} (the classes: "
                             f"{', '.join(FALSE_CLASSES)})")
        if any(json.loads(line)["class"] in classes for line in kept if line.strip()):
            raise SystemExit(f"{options.out.name} already holds {options.append}")
        texts = [*(_Kept(json.loads(line)) for line in kept if line.strip()),
                 *build_appended(options.seed, classes)]
    else:
        texts = build(options.seed)
    ids = Counter(t.id for t in texts)
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise SystemExit(f"duplicate ids: {duplicates[:5]}")
    with options.out.open("w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps(text.to_json(), ensure_ascii=False,
                                    separators=(",", ":")) + "\n")
    summary = Counter((t.language, t.label, t.cls) for t in texts)
    for key in sorted(summary):
        print(*key, summary[key], sep="\t", file=sys.stderr)
    print(f"{len(texts)} texts -> {options.out} ({options.out.stat().st_size / 1e6:.2f} MB)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
