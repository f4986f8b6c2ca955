"""Feedback changes the next explanation the way a person would expect — one test per kind,
before and after — and bad input stores nothing. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from whyrec.data.dataset import Dataset
from whyrec.errors import FeedbackError
from whyrec.feedback import (
    FeedbackEvent,
    feedback_for,
    preferences_for,
    record_feedback,
    reset_preferences,
)
from whyrec.feedback.preferences import ID_PREFIX_KIND
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.store import Store
from whyrec.store.schema import feedback_events
from whyrec.types import Explanation

USER = "u0001"


@pytest.fixture(scope="module")
def model(demo_dataset: Dataset) -> Recommender:
    return create("itemknn").fit(demo_dataset)


@pytest.fixture
def pipeline(demo_dataset: Dataset, model: Recommender, store: Store) -> Pipeline:
    return Pipeline(demo_dataset, model, ExplainSettings(backend="template"), store=store)


def explain_top(pipeline: Pipeline, n: int = 1, language: str | None = "en"
                ) -> list[Explanation]:
    return pipeline.explain(pipeline.recommend(USER, n), language=language)


def cited_kinds(explanation: Explanation) -> list[str]:
    return [ID_PREFIX_KIND[c.split(":", 1)[0]] for c in explanation.cited_ids]


def give(pipeline: Pipeline, explanation: Explanation, kind: str, aspect: str | None = None,
         comment: str | None = None) -> None:
    assert pipeline.store is not None
    record_feedback(pipeline.store, FeedbackEvent(explanation.id, kind, aspect, comment))


def words(text: str) -> int:
    return len(text.split())


def test_too_long_makes_the_next_one_shorter(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "too_long")
    after = explain_top(pipeline)[0]
    assert after.style.startswith("short/") and before.style.startswith("medium/")
    assert words(after.text) < words(before.text)
    assert "shorter, as you asked" in after.preferences


def test_too_short_adds_detail(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "too_short")
    after = explain_top(pipeline)[0]
    assert after.style.startswith("detailed/")
    assert len(after.cited_ids) > len(before.cited_ids)
    assert words(after.text) > words(before.text)


def test_too_technical_makes_it_friendlier(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "too_technical")
    after = explain_top(pipeline)[0]
    assert "/friendly/" in after.style and "/neutral/" in before.style
    assert after.text != before.text


def test_dont_mention_removes_that_kind_of_reason(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    assert "cohort" in cited_kinds(before)
    give(pipeline, before, "dont_mention", "other people")
    after = explain_top(pipeline, n=3)
    assert all("cohort" not in cited_kinds(e) for e in after)
    assert "leaves out what other people did" in after[0].preferences


def test_more_about_leads_with_that_reason(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    assert cited_kinds(before)[0] != "item_quality"
    give(pipeline, before, "more_about", "ratings")
    after = explain_top(pipeline)[0]
    assert cited_kinds(after)[0] == "item_quality"


def test_not_relevant_moves_those_reasons_last(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    first = cited_kinds(before)[0]
    give(pipeline, before, "not_relevant")
    after = explain_top(pipeline)[0]
    assert cited_kinds(after)[0] != first
    assert after.preferences and after.preferences[-1].startswith("less about")


def test_not_helpful_changes_the_reasons(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "not_helpful")
    after = explain_top(pipeline)[0]
    assert cited_kinds(after)[0] != cited_kinds(before)[0]


def test_helpful_keeps_what_worked(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "helpful")
    after = explain_top(pipeline)[0]
    assert after.text == before.text  # the same reasons, in the same order
    assert set(preferences_for(pipeline.store, USER).prefer) == set(cited_kinds(before))


def test_language_switches_the_next_explanation(pipeline: Pipeline) -> None:
    before = explain_top(pipeline, language=None)[0]
    assert before.language == "en"
    give(pipeline, before, "language", "zh")
    after = explain_top(pipeline, language=None)[0]
    assert after.language == "zh" and any("\u4e00" <= ch <= "\u9fff" for ch in after.text)


def test_not_like_this_hides_the_item_and_demotes_its_kind(pipeline: Pipeline) -> None:
    recs = pipeline.recommend(USER, 10)
    top = pipeline.explain(recs[:1], language="en")[0]
    give(pipeline, top, "not_like_this")
    again = pipeline.recommend(USER, 10)
    assert top.item_id not in [r.item_id for r in again]
    assert [r.rank for r in again] == list(range(1, 11))


def test_a_comment_counts_as_the_requests_it_makes(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "comment", comment="Shorter please, I don't care about other people")
    after = explain_top(pipeline)[0]
    assert after.style.startswith("short/") and "cohort" not in cited_kinds(after)


def test_reset_returns_to_the_default(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    give(pipeline, before, "too_long")
    assert explain_top(pipeline)[0].text != before.text
    assert pipeline.store is not None
    reset_preferences(pipeline.store, USER, at=time.time() + 1)
    assert explain_top(pipeline)[0].text == before.text
    assert len(feedback_for(pipeline.store, USER)) == 1  # kept for the record


def test_old_feedback_fades(pipeline: Pipeline) -> None:
    before = explain_top(pipeline)[0]
    assert pipeline.store is not None
    record_feedback(pipeline.store, FeedbackEvent(before.id, "too_long",
                                                  created_at=time.time() - 90 * 86400))
    assert preferences_for(pipeline.store, USER).length_steps == 0
    assert explain_top(pipeline)[0].text == before.text


@pytest.mark.parametrize(("event", "message"), [
    (dict(explanation_id="nope", kind="helpful"), "unknown explanation"),
    (dict(kind="great"), "unknown feedback kind"),
    (dict(kind="dont_mention"), "needs an aspect"),
    (dict(kind="dont_mention", aspect="the weather"), "unknown aspect"),
    (dict(kind="language", aspect="fr"), "language must be"),
    (dict(kind="comment", comment="x" * 2001), "limit is 2000"),
    (dict(kind="helpful", aspect="price"), "takes no aspect"),
])
def test_bad_feedback_is_refused_and_stores_nothing(pipeline: Pipeline, event: dict[str, str],
                                                    message: str) -> None:
    good = explain_top(pipeline)[0]
    assert pipeline.store is not None
    with pytest.raises(FeedbackError, match=message):
        # a good event in the same batch is not stored either
        record_feedback(pipeline.store, [FeedbackEvent(good.id, "helpful"),
                                         FeedbackEvent(**{"explanation_id": good.id, **event})])
    with pipeline.store.read() as connection:
        assert connection.execute(select(func.count()).select_from(feedback_events)).scalar() == 0


def test_sending_an_event_twice_stores_it_once(pipeline: Pipeline) -> None:
    explanation = explain_top(pipeline)[0]
    event = FeedbackEvent(explanation.id, "helpful")
    assert pipeline.store is not None
    assert len(record_feedback(pipeline.store, event)) == 1
    assert record_feedback(pipeline.store, event) == []
    assert len(feedback_for(pipeline.store, USER)) == 1
