"""A realistic run with personal data planted everywhere it can enter — catalog titles, tags and
descriptions, caller facts, feedback comments, chat questions — then every prompt, the audit
log, every stored row and every delivered text is scanned: none of the planted values (and no
user id in a prompt) may be found."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from sqlalchemy import String, Text, select

from whyrec.backends.audit import AuditLog
from whyrec.backends.base import Message
from whyrec.backends.fake import FakeBackend
from whyrec.chat import Conversation
from whyrec.data.load import demo_path, load_dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.feedback.events import FeedbackEvent, record_explanation, record_feedback
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.store import open_store
from whyrec.store.schema import metadata
from whyrec.types import FreeText, HistoryItem, Recommendation
from whyrec.values import ItemDetails

PLANTED = {
    "email": "jane.roe@example.org", "phone": "13912345678", "us_phone": "+1 (415) 555-0132",
    "card": "4111 1111 1111 1111", "iban": "DE89 3704 0044 0532 0130 00",
    "cn_id": "11010519491231002X", "url": "https://tracker.example.net/u",
    "address": "221 Baker Street", "name": "Roberta Flanagan", "cn_name": "王小明",
}
USERS = ["u0001", "u0002", "u0003", "u0004", "u0005", "u0006"]


def _planted_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    shutil.copytree(demo_path(), folder)
    items = pd.read_csv(folder / "items.csv", dtype=str, keep_default_na=False)
    every = list(PLANTED.values())
    for k in range(len(items)):  # every item carries some: whatever is recommended has it
        secret = every[k % len(every)]
        items.loc[k, "title"] = f"{items.loc[k, 'title']} call {PLANTED['phone']}" if (
            k % 3 == 0) else items.loc[k, "title"]
        items.loc[k, "description"] = f"{items.loc[k, 'description']} Contact {secret}."
        items.loc[k, "tags"] = f"{items.loc[k, 'tags']}|{PLANTED['email']}" if k % 4 == 0 \
            else items.loc[k, "tags"]
    items.to_csv(folder / "items.csv", index=False)
    return folder


def _answer(messages: list[Message]) -> str:
    return "We picked it because you liked it."  # fails the verifier: the template delivers


def test_no_planted_personal_data_in_prompts_logs_or_store(tmp_path: Path) -> None:
    dataset = load_dataset(_planted_folder(tmp_path))
    store = open_store(tmp_path / "run.sqlite")
    backend = FakeBackend(_answer)
    audit = AuditLog(tmp_path / "audit.jsonl")
    explainer = Explainer(backend, dataset=dataset, max_repairs=1,
                          cache=ExplanationCache(store), audit=audit)
    pipeline = Pipeline(dataset, create("itemknn").fit(dataset), explainer, store=store,
                        k_anonymity=3)
    delivered: list[str] = []
    for user in USERS:
        recs = pipeline.recommend(user, 3)
        explanations = pipeline.explain(recs)
        delivered += [e.text for e in explanations]
        record_feedback(store, FeedbackEvent(explanations[0].id, "comment", comment=(
            f"I'm {PLANTED['name']}, mail {PLANTED['email']} or call {PLANTED['us_phone']}; "
            f"my name is {PLANTED['name']}, card {PLANTED['card']}, shorter please")))
        chat = Conversation(pipeline, user, recs[0].item_id)
        for question in (f"why? my number is {PLANTED['phone']}",
                         f"why not {PLANTED['email']}", f"我叫{PLANTED['cn_name']}，为什么推荐这个",
                         f"what else like this, I live at {PLANTED['address']}, Apt 4"):
            delivered.append(chat.ask(question).text)
    # a caller's facts about a person, in their words
    caller = Recommendation(user_id="cust-7781", item_id="sku-1", title="Trail Lamp", score=1,
                            rank=1, algorithm="external", evidence=[
        HistoryItem(id="hist:1", item_id="h1", title="Tent", score_share=0.5),
        FreeText(id="free:1", text=f"cust-7781 ({PLANTED['email']}, IBAN {PLANTED['iban']}) "
                                   f"often buys camping gear, ID {PLANTED['cn_id']}")])
    explanation = explainer.explain(caller, details=ItemDetails(
        title="Trail Lamp", description=f"See {PLANTED['url']}"), language="en")
    record_explanation(store, explanation)
    delivered.append(explanation.text)

    prompts = "\n".join(m["content"] for call in backend.calls for m in call)
    assert backend.calls and audit.entries()
    for where, text in (("prompts", prompts), ("audit log", audit.path.read_text("utf-8")),
                        ("delivered", "\n".join(delivered)),
                        ("store", _store_text(store))):
        found = [k for k, v in PLANTED.items() if v.casefold() in text.casefold()]
        assert found == [], (where, found)
    for user in [*USERS, "cust-7781"]:  # the person is "you": never an id in a prompt
        assert user not in prompts


def _store_text(store: object) -> str:
    parts: list[str] = []
    with store.read() as connection:  # type: ignore[attr-defined]
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            for row in connection.execute(select(*columns)).all():
                parts += [str(v) for v in row if v is not None]
    text = "\n".join(parts)
    json.loads("[]")  # payloads are JSON: their text is scanned as stored
    return text
