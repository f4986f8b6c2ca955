"""Follow-up questions about one recommendation, answered from evidence only.

- "why this?": the explanation at full length, through the backend, verifier and fallback;
- "why not X?": X's score, rank and evidence against the recommended item's, as contrast facts
  worded through the same backend and verifier (the template words them when a draft fails);
- "what else like this?": items that share the most catalog features with it, each with them;
- "don't show me things like this": stored as ``not_like_this`` feedback; later
  recommendations down-weight items like it.

Anything else gets an honest "I can't tell from your data". Every turn is stored.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from whyrec.chat.intents import Intent, classify
from whyrec.chat.lookup import find_item
from whyrec.chat.wording import Wording
from whyrec.errors import ConfigError
from whyrec.feedback.events import FeedbackEvent, record_explanation, record_feedback
from whyrec.feedback.rerank import features_of
from whyrec.pipeline import Pipeline
from whyrec.privacy.clean import clean_text, quotable
from whyrec.privacy.limits import check_question
from whyrec.store.schema import conversation_turns
from whyrec.types import Explanation, FreeText, HistoryItem, Recommendation, SharedFeature
from whyrec.values import Style


@dataclass
class Answer:
    """One reply: its words, what it answered, and the facts and explanations behind it."""

    intent: str
    text: str
    language: str
    facts: dict[str, Any] = field(default_factory=dict)
    explanations: list[Explanation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"intent": self.intent, "text": self.text, "language": self.language,
                "facts": self.facts, "explanations": [e.to_dict() for e in self.explanations]}


class Conversation:
    """Questions one person asks about one recommended item.

    Examples
    --------
    >>> chat = Conversation(pipeline, "u0001", "i0042")             # doctest: +SKIP
    >>> chat.ask("why not Heat?").text                              # doctest: +SKIP
    """

    def __init__(self, pipeline: Pipeline, user_id: str, item_id: str, *,
                 language: str | None = None, conversation_id: str | None = None) -> None:
        if pipeline.dataset is None:
            raise ConfigError("a conversation needs a pipeline with the data it recommends from")
        self.pipeline = pipeline
        self.dataset = pipeline.dataset
        self.user_id = str(user_id)
        self.item_id = str(item_id)
        self.id = conversation_id or uuid.uuid4().hex
        prefs = pipeline.preferences(self.user_id)
        self.language = language or prefs.language or pipeline.language_of(self.user_id)
        self.recommendation = self._as_recommendation(self.item_id)
        self.words = Wording(self.language,
                             self.dataset.translations.get(self.language, {}))

    def ask(self, question: str) -> Answer:
        """Answer one question and store both turns.

        The question is size-checked and scrubbed of personal data first: it is stored, and
        its words may be looked up in the catalog, but it is never echoed back.
        """
        question = clean_text(check_question(question), purpose="record", source="person")
        intent = classify(question)
        handler = {"why": self._why, "why_not": self._why_not, "similar": self._similar,
                   "not_like_this": self._not_like_this,
                   "details": self._details}.get(intent.name, self._unknown)
        answer = handler(intent)
        # answers quote catalog titles and features: no contact data in them, ever
        answer.text = clean_text(answer.text, purpose="record")
        answer.facts = _scrubbed(answer.facts)
        self._store_turns(question, answer)
        return answer

    # --- intents ------------------------------------------------------------------------------
    def _why(self, intent: Intent) -> Answer:
        style = replace(self.pipeline.explainer.style, length="detailed")
        explanation = self.pipeline.explain([self.recommendation], language=self.language,
                                            style=style)[0]
        return Answer("why", explanation.text, self.language,
                      {"rank": self.recommendation.rank, "score": self.recommendation.score},
                      [explanation])

    def _why_not(self, intent: Intent) -> Answer:
        other_id = find_item(self.dataset, intent.target or "")
        if other_id is None:
            return Answer("why_not", self.words.not_in_catalog(intent.target or ""),
                          self.language, {"target": quotable(intent.target or "", source="person",
                                                     user_id=self.user_id),
                           "found": False})
        if other_id == self.item_id:
            return Answer("why_not", self.words.same_item(self.recommendation.title),
                          self.language, {"target": other_id})
        other = self._as_recommendation(other_id)
        ours = self.recommendation
        facts: dict[str, Any] = {"target": other_id, "target_title": other.title,
                                 "target_rank": other.rank, "target_score": other.score,
                                 "rank": ours.rank, "score": ours.score}
        if other.rank == 0:  # the person already has it: we never recommend it again
            facts["already_seen"] = True
            return Answer("why_not", self.words.already_have(other.title), self.language, facts)
        contrast = self._contrast(ours, other, facts)
        rec = replace(ours, evidence=[*contrast, *ours.evidence])
        style = Style(length="detailed", prefer=("free_text",),
                      tone=self.pipeline.explainer.style.tone)
        explanation = self.pipeline.explain([rec], language=self.language, style=style)[0]
        return Answer("why_not", explanation.text, self.language, facts, [explanation])

    def _similar(self, intent: Intent, n: int = 3) -> Answer:
        dataset = self.dataset
        seen = set(self.pipeline.recommender.history_row(self.user_id).indices.tolist())
        mine = features_of(dataset, self.item_id)
        scored = []
        for row, item_id in enumerate(dataset.item_ids.tolist()):
            if item_id == self.item_id or row in seen:
                continue
            shared = mine & features_of(dataset, item_id)
            if shared:
                scored.append((-len(shared), row, item_id, sorted(shared)))
        scored.sort()
        items = [{"item": item_id, "title": dataset.title(row),
                  "shared": [value for _, value in shared]}
                 for _, row, item_id, shared in scored[:n]]
        text = self.words.similar(self.recommendation.title, items)
        return Answer("similar", text, self.language, {"items": items})

    def _not_like_this(self, intent: Intent) -> Answer:
        store = self.pipeline.store
        if store is None:
            return self._unknown(intent)
        explanation = self.pipeline.explainer.explain(self.recommendation,
                                                      language=self.language)
        explanation_id = record_explanation(store, explanation)
        record_feedback(store, FeedbackEvent(explanation_id, "not_like_this"))
        features = sorted(value for _, value in features_of(self.dataset,
                                                             self.item_id))
        return Answer("not_like_this", self.words.noted(self.recommendation.title, features),
                      self.language, {"explanation_id": explanation_id, "features": features})

    def _details(self, intent: Intent) -> Answer:
        """The price, brand or category, as the catalog states it (or that it does not)."""
        field = intent.target or "price"
        row = self.dataset.items.iloc[self.dataset.item_row(self.item_id)]
        value: Any = row.get(field)
        known = value is not None and value == value and str(value).strip() != ""  # not NaN
        shown: Any = None
        if known:
            shown = float(value) if field == "price" else self.words.word(str(value))
        text = self.words.detail(self.recommendation.title, field, shown)
        return Answer("details", text, self.language, {"field": field, "value": shown})

    def _unknown(self, intent: Intent) -> Answer:
        return Answer("unknown", self.words.cannot_tell(), self.language)

    # --- helpers ------------------------------------------------------------------------------
    def _as_recommendation(self, item_id: str) -> Recommendation:
        return self.pipeline.recommend_item(self.user_id, item_id)

    def _contrast(self, ours: Recommendation, other: Recommendation,
                  facts: dict[str, Any]) -> list[FreeText]:
        """True differences, strongest first: rank, features, history that points to ours."""
        sentences = [self.words.ranks(ours.title, ours.rank, other.title, other.rank)]
        # X's whole catalog entry, not its evidence (which lists only its strongest features)
        theirs = {value.lower() for _, value in features_of(self.dataset, other.item_id)}
        lacking = [f for f in ours.evidence
                   if isinstance(f, SharedFeature) and f.value.lower() not in theirs]
        facts["missing_features"] = [f.value for f in lacking]
        if lacking:
            sentences.append(self.words.lacks(other.title, lacking[0]))
        shares = {f.item_id: f.score_share for f in other.evidence
                  if isinstance(f, HistoryItem) and f.item_id}
        drivers = [f for f in ours.evidence if isinstance(f, HistoryItem) and f.title
                   and f.score_share > shares.get(f.item_id, 0.0)]
        if drivers:
            facts["driver"] = drivers[0].item_id
            sentences.append(self.words.driver(drivers[0].title, other.title))
        return [FreeText(id=f"free:contrast:{k}", text=text, source="whyrec")
                for k, text in enumerate(sentences)]

    def _store_turns(self, question: str, answer: Answer) -> None:
        store = self.pipeline.store
        if store is None:
            return
        now = time.time()
        base = {"conversation_id": self.id, "user_id": self.user_id, "item_id": self.item_id,
                "intent": answer.intent}
        rows: list[dict[str, Any]] = [{**base, "role": "person", "text": question, "payload": None,
                 "created_at": now},
                {**base, "role": "whyrec", "text": answer.text, "created_at": now,
                 "payload": json.dumps({"facts": answer.facts}, ensure_ascii=False,
                                       default=str)}]
        store.run_write(lambda connection: connection.execute(conversation_turns.insert(), rows))


def _scrubbed(value: Any) -> Any:
    """``value`` with every string in it (nested in dicts and lists) scrubbed of contact data."""
    if isinstance(value, str):
        return clean_text(value, purpose="record")
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrubbed(v) for v in value]
    return value
