"""A stand-in for a strong model (issue 16, item 6): it answers each explanation request with
XRec's own output for the pair the request is about (``xrec_prediction``, Llama-2-7B + XRec's
adapter), put in the "you" voice and naming the item by its title.

The pair is found from the prompt: the recommended item's title (as the prompt shows it),
and among pairs sharing a title, the one whose profile sentences the prompt's facts quote most.

A repair request (the conversation plus the verifier's complaint) is answered with the last
draft less every sentence that holds a span the complaint quotes; when that drops nothing, or
leaves no sentence naming the item, the same text again (a model that does not fix anything).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from whyrec.explanation.prompt import LABELS
from whyrec.privacy.clean import clean_text

from .openai_server import OpenAIServer

ITEM_LINE_RE = re.compile(re.escape(LABELS["en"]["item"]) + r": \u201c(.*)\u201d$", re.MULTILINE)
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[\"\u201c(A-Z0-9])")
#: what a complaint quotes ('span', "span", “span”) or names ("number 20 is not …")
QUOTED_RE = re.compile(r"'([^']{3,})'|\"([^\"]{3,})\"|\u201c([^\u201d]{3,})\u201d"
                       r"|\bnumber (\S+) is not\b")
#: how XRec's outputs speak of the item when they do not name it
GENERIC_RE = re.compile(
    r"\b(?:the|this|that) (?:(?:coffee|pizza|taco|sushi|burger|ice cream|grocery|book|thrift) )?"
    r"(?:business|place|restaurant|venue|establishment|location|spot|store|shop|bar|cafe|café|"
    r"hotel|eatery|bakery|salon|brewery|diner|pub|company|museum|park|market|theater|zoo|mall|"
    r"gym)\b", re.IGNORECASE)
#: "You would enjoy Home Depot because …": a name (not the catalog's spelling) right after the
#: opening verb
NAMED_RE = re.compile(
    r"^(You (?:would |will )?(?:also )?(?:enjoy|love|like|appreciate)) "
    r"([A-Z0-9][^,.;]*?) (?=because\b|for\b|as\b|due to\b|since\b|thanks to\b)")
#: the third person singular verbs XRec puts after "the user", in the "you" form
YOU_VERBS = {"is": "are", "was": "were", "has": "have", "does": "do", "goes": "go",
             "appreciates": "appreciate", "enjoys": "enjoy", "likes": "like", "loves": "love",
             "prefers": "prefer", "values": "value", "finds": "find", "mentions": "mention",
             "praises": "praise", "seems": "seem", "wants": "want", "needs": "need",
             "tends": "tend", "gets": "get", "plans": "plan", "feels": "feel"}
#: what a business has ("for their tacos"): "their" is then the business's
BUSINESS_WORDS = (r"(?:delicious|great|amazing|excellent|friendly|tasty|famous|fresh|signature|"
                  r"wide|unique|affordable|food|menu|service|staff|selection|drinks|coffee|"
                  r"pizza|tacos|burgers|prices|atmosphere|products|dishes|variety|diverse|"
                  r"high-quality|quality|extensive|large|excellent)\b")
PRONOUNS = {"they": "you", "them": "you", "their": "your", "theirs": "yours",
            "themselves": "yourself", "themself": "yourself", "my": "your", "me": "you",
            "myself": "yourself"}


def you_voice(prediction: str, title: str) -> str:
    """XRec's third-person output ("The user would enjoy the business because …") as a model
    told to speak to the person would write it ("You would enjoy “T” because …").

    Rule-based, so not every pronoun lands right: "they" and "their" are taken to mean the
    person, except in "they offer …" and "for their tacos" (the business's).
    """
    text = prediction.strip().strip('"').strip()
    text = re.sub(r'"?\s+-\s+user(?: summary)?\.?$', "", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:the|this) user's\b", "your", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:the|this) user\b", "you", text, flags=re.IGNORECASE)
    text = re.sub(r"\bI\b(?![-'])(?! [A-Z])", "you", text)  # not "the “I Wanna” taco"
    text = re.sub(r"\bI'm\b", "you're", text)
    # "they offer" / "for their tacos": the business's, not the person's
    text = re.sub(r"\b([Tt]hey) (offer|serve|provide|sell|carry|feature|specialize)\b",
                  lambda m: f"{_case('it', m.group(1))} {m.group(2)}s", text)
    text = re.sub(r"\b(for|with|including|of) their (?=" + BUSINESS_WORDS + r")", r"\1 its ",
                  text)
    text = re.sub(r"\b(They|they|them|their|theirs|themselves|themself|my|me|myself)\b",
                  lambda m: _case(PRONOUNS[m.group(1).lower()], m.group(1)), text)
    text = re.sub(r"\b([Yy]ou) (also |always |often |really )?(\w+)\b",
                  lambda m: f"{m.group(1)} {m.group(2) or ''}"
                            f"{YOU_VERBS.get(m.group(3), m.group(3))}", text)
    text = re.sub(r"(^|[.!?]\s+)you", lambda m: m.group(1) + "You", text)
    quoted = f"\u201c{title}\u201d"
    if quoted.lower() in text.lower():
        return text
    # the item is named where the text first speaks of it: its title, a name of XRec's own
    # spelling after the opening verb, or "the business"
    spans = []
    at = text.lower().find(title.lower())
    if at >= 0:
        spans.append((at, at + len(title)))
    named = NAMED_RE.match(text)
    if named:
        spans.append(named.span(2))
    generic = GENERIC_RE.search(text)
    if generic:
        spans.append(generic.span())
    if not spans:
        return f"We recommend {quoted}. {text}"
    start, end = min(spans)
    return text[:start] + quoted + text[end:]


def _case(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_RE.split(text.strip()) if s]


def without_named(draft: str, complaint: str, title: str) -> str | None:
    """``draft`` less the sentences holding a span ``complaint`` quotes; None when that drops
    nothing or leaves nothing naming ``title``."""
    spans = [next(g for g in m.groups() if g).lower() for m in QUOTED_RE.finditer(complaint)]
    spans = [s for s in spans if s.strip() and s.lower() != title.lower()
             and f"\u201c{s}\u201d".lower() != f"\u201c{title}\u201d".lower()]
    parts = sentences(draft)
    kept = [p for p in parts if not any(s in p.lower() for s in spans)]
    if len(kept) == len(parts) or not any(title.lower() in p.lower() for p in kept):
        return None
    return " ".join(kept)


@dataclass
class Pair:
    """One XRec pair the stand-in can be asked about."""

    source: str  # google | yelp
    row: dict[str, Any]
    facts: list[str]

    @property
    def key(self) -> str:
        return f"{self.source}-{self.row['uid']}-{self.row['iid']}"

    @property
    def text(self) -> str:
        """What the model answers a first request with."""
        return you_voice(str(self.row["xrec_prediction"]), clean_text(
            str(self.row["title"]), purpose="prompt"))


@dataclass
class Call:
    """What the stand-in was asked and answered (for the benchmark's counts)."""

    pair: str | None
    purpose: str  # explain | repair
    trimmed: bool = False


@dataclass
class StrongModel:
    """The ``answer`` of an :class:`OpenAIServer`: XRec's text for the pair a request is about.

    ``trim_on_repair`` (default) answers a repair with the draft less the sentences the complaint
    names; ``False`` answers every repair with the first text again.
    """

    pairs: Sequence[Pair]
    trim_on_repair: bool = True
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_title: dict[str, list[Pair]] = defaultdict(list)
        for pair in self.pairs:
            self._by_title[clean_text(str(pair.row["title"]), purpose="prompt")].append(pair)
        self._lock = threading.Lock()

    def find(self, messages: Iterable[dict[str, Any]]) -> Pair | None:
        """The pair the (last) explanation request in ``messages`` is about."""
        requests = [str(m.get("content", "")) for m in messages if m.get("role") == "user"
                    and ITEM_LINE_RE.search(str(m.get("content", "")))]
        if not requests:
            return None
        prompt = requests[-1]
        match = ITEM_LINE_RE.search(prompt)
        assert match is not None
        candidates = self._by_title.get(match.group(1), [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        quoted = prompt.lower()
        return max(candidates, key=lambda p: sum(
            clean_text(f, purpose="prompt").lower()[:60] in quoted for f in p.facts))

    def __call__(self, body: dict[str, Any]) -> str:
        messages: list[dict[str, Any]] = list(body.get("messages", []))
        pair = self.find(messages)
        last = str(messages[-1].get("content", "")) if messages else ""
        repair = bool(messages) and messages[-1].get("role") == "user" and not (
            ITEM_LINE_RE.search(last))
        call = Call(pair=pair.key if pair else None, purpose="repair" if repair else "explain")
        with self._lock:
            self.calls.append(call)
        if pair is None:
            return "I do not know which item you mean."
        if not repair or not self.trim_on_repair:
            return pair.text
        drafts = [str(m.get("content", "")) for m in messages if m.get("role") == "assistant"]
        title = clean_text(str(pair.row["title"]), purpose="prompt")
        trimmed = without_named(drafts[-1], last, title) if drafts else None
        call.trimmed = trimmed is not None
        return trimmed if trimmed is not None else pair.text


def pairs_of(source: str, rows: Iterable[dict[str, Any]], facts: Any) -> list[Pair]:
    """Pairs with an ``xrec_prediction`` from one XRec file; ``facts(row)`` gives their facts."""
    return [Pair(source, row, list(facts(row))) for row in rows if row.get("xrec_prediction")]


def strong_model_server(pairs: Sequence[Pair], *, trim_on_repair: bool = True,
                        honour_limits: bool = True, model: str = "xrec-strong-stand-in",
                        ) -> tuple[OpenAIServer, StrongModel]:
    """A started server answering as :class:`StrongModel` (close the server when done)."""
    answer = StrongModel(pairs, trim_on_repair=trim_on_repair)
    return OpenAIServer(answer, model=model, honour_limits=honour_limits), answer
