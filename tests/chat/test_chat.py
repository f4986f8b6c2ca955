"""Follow-up questions answered from evidence: "why not X?" names a true difference (checked
against the model's own scores on ml-latest-small), and nothing is invented."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from whyrec.chat import Conversation, classify
from whyrec.data.dataset import Dataset
from whyrec.explanation.explainer import Explainer
from whyrec.feedback.rerank import features_of
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.store import Store
from whyrec.store.schema import conversation_turns


@pytest.mark.parametrize(("question", "intent", "target"), [
    ("Why?", "why", None),
    ("why this one", "why", None),
    ("为什么推荐这个？", "why", None),
    ("Why not “Heat”?", "why_not", "Heat"),
    ("why didn't you recommend the Matrix", "why_not", "Matrix"),
    ("为什么不推荐《英雄》？", "why_not", "英雄"),
    ("What else is like this?", "similar", None),
    ("还有类似的吗", "similar", None),
    ("Don't show me things like this", "not_like_this", None),
    ("不要再推荐这种", "not_like_this", None),
    ("What's the weather tomorrow?", "unknown", None),
    ("How much does it cost?", "details", "price"),
    ("这个多少钱？", "details", "price"),
    ("Who makes it?", "details", "brand"),
    ("是什么品牌的", "details", "brand"),
    ("What kind of item is this?", "details", "category"),
    ("它属于哪一类", "details", "category"),
])
def test_questions_are_understood(question: str, intent: str, target: str | None) -> None:
    asked = classify(question)
    assert (asked.name, asked.target) == (intent, target)


@pytest.fixture(scope="module")
def demo_model(demo_dataset: Dataset) -> Recommender:
    return create("itemknn").fit(demo_dataset)


def test_why_not_an_unknown_or_seen_item_is_honest(demo_dataset: Dataset,
                                                   demo_model: Recommender) -> None:
    pipeline = Pipeline(demo_dataset, demo_model, ExplainSettings(backend="template"))
    top = pipeline.recommend("u0001", 1)[0]
    chat = Conversation(pipeline, "u0001", top.item_id, language="en")
    assert "can't find" in chat.ask("why not Zyxwv Qqq?").text
    seen = demo_dataset.item_ids[demo_model.history_row("u0001").indices[0]]
    answer = chat.ask(f"why not {seen}?")
    assert answer.facts["already_seen"] and "already in your history" in answer.text
    assert chat.ask("will it rain?").text == "I can't tell from your data."
    assert Conversation(pipeline, "u0001", top.item_id, language="zh").ask(
        "明天天气怎么样").text == "从你的数据中我无法判断。"


def test_price_brand_and_category_come_from_the_catalog(demo_dataset: Dataset,
                                                        demo_model: Recommender) -> None:
    pipeline = Pipeline(demo_dataset, demo_model, ExplainSettings(backend="template"))
    top = pipeline.recommend("u0001", 1)[0]
    row = demo_dataset.items.iloc[demo_dataset.item_row(top.item_id)]
    chat = Conversation(pipeline, "u0001", top.item_id, language="en")
    price = chat.ask("how much does it cost?")
    assert price.facts == {"field": "price", "value": float(row["price"])}
    assert f"{float(row['price']):,.2f}" in price.text and top.title in price.text
    assert row["brand"] in chat.ask("who makes it?").text
    zh = Conversation(pipeline, "u0001", top.item_id, language="zh").ask("它属于哪一类？")
    assert zh.text.endswith("类。") and zh.facts["field"] == "category"
    # an item the catalog gives no price for says so instead of guessing
    unpriced = demo_dataset.items[demo_dataset.items["price"].isna()]
    if len(unpriced):
        item = str(unpriced["item_id"].iloc[0])
        answer = Conversation(pipeline, "u0001", item, language="en").ask("price?")
        assert answer.facts["value"] is None and "gives no price" in answer.text


def test_similar_items_share_features(demo_dataset: Dataset, demo_model: Recommender) -> None:
    pipeline = Pipeline(demo_dataset, demo_model, ExplainSettings(backend="template"))
    top = pipeline.recommend("u0001", 1)[0]
    answer = Conversation(pipeline, "u0001", top.item_id, language="en").ask("more like this?")
    mine = {value for _, value in features_of(demo_dataset, top.item_id)}
    assert answer.facts["items"]
    for item in answer.facts["items"]:
        assert set(item["shared"]) <= mine and item["title"] in answer.text


def test_not_like_this_is_respected_by_the_next_recommendations(
        demo_dataset: Dataset, demo_model: Recommender, store: Store) -> None:
    pipeline = Pipeline(demo_dataset, demo_model, ExplainSettings(backend="template"), store=store)
    before = pipeline.recommend("u0001", 10)
    chat = Conversation(pipeline, "u0001", before[0].item_id, language="en")
    answer = chat.ask("don't show me things like this")
    assert answer.intent == "not_like_this" and "fewer items like" in answer.text
    after = pipeline.recommend("u0001", 10)
    assert before[0].item_id not in {r.item_id for r in after}
    refused = features_of(demo_dataset, before[0].item_id)

    def overlap(recs: list) -> float:
        return sum(len(refused & features_of(demo_dataset, r.item_id)) for r in recs[:5])

    assert overlap(after) <= overlap(before[1:])
    with store.read() as connection:
        turns = connection.execute(select(conversation_turns.c.role)
                                   .order_by(conversation_turns.c.seq)).scalars().all()
    assert turns == ["person", "whyrec"]


@pytest.mark.realdata
def test_why_not_names_a_true_difference_on_movielens(movielens: Dataset) -> None:
    model = create("itemknn").fit(movielens)
    pipeline = Pipeline(movielens, model, ExplainSettings(backend="template"))
    checked = 0
    for user in movielens.user_ids[:15].tolist():
        ranked = model.recommend(user, 30)
        if len(ranked) < 30:
            continue
        ours, other = ranked[0], ranked[24]
        for language in ("en", "zh"):
            answer = Conversation(pipeline, user, ours.item_id, language=language).ask(
                f"why not {other.item_id}?")
            facts = answer.facts
            # the ranks and scores it states are the model's own
            assert (facts["rank"], facts["target_rank"]) == (1, 25)
            assert facts["score"] == pytest.approx(ours.score)
            assert facts["target_score"] == pytest.approx(other.score)
            assert facts["target_score"] < facts["score"]
            assert "25" in answer.text and other.title in answer.text
            # a feature it says X lacks: ours shares it with the history, X really lacks it
            x_features = {v for _, v in features_of(movielens, other.item_id)}
            for value in facts["missing_features"]:
                assert value not in x_features
            # the history item it credits counts more toward ours than toward X
            if "driver" in facts:
                column = model.item_index[facts["driver"]]
                row = model.history_row(user)
                position = list(row.indices).index(column)
                state = model._user_state(row)
                shares = model._shares(row, state, [model.item_index[ours.item_id],
                                                    model.item_index[other.item_id]])
                assert shares[position, 0] > shares[position, 1]
            assert answer.explanations[0].verdict.passed
        checked += 1
    assert checked >= 10


@pytest.mark.slow
def test_why_not_through_the_bundled_model_is_verified(demo_dataset: Dataset,
                                                       demo_model: Recommender,
                                                       llamacpp_backend: object) -> None:
    pipeline = Pipeline(demo_dataset, demo_model,
                        Explainer(llamacpp_backend, dataset=demo_dataset))  # type: ignore[arg-type]
    ranked = pipeline.recommend("u0001", 12)
    answer = Conversation(pipeline, "u0001", ranked[0].item_id, language="en").ask(
        f"why not {ranked[11].title}?")
    explanation = answer.explanations[0]
    assert explanation.backend == "llamacpp" and explanation.attempts >= 1
    assert explanation.verdict is not None and explanation.verdict.passed
    assert ranked[0].title in answer.text
