"""A dislike is not a reason (issue 16, item 3): never a history fact, no lift for similar items,
and still seen, so never recommended back."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whyrec.data.dataset import Dataset
from whyrec.models import create
from whyrec.models.als import ALSRecommender
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import Cohort, HistoryItem, Recommendation, SharedFeature

ALGORITHMS = ("als", "itemknn", "content", "hybrid", "popular")
COFFEE = [f"b{i}" for i in range(6)]


def shop(**options: object) -> Dataset:
    """Even people rate shoes a0..a5 5/5, odd people coffee b0..b5; "p" rated two shoes 5/5 and
    one coffee (b0) 1/5, after which coffee is worth nothing to them."""
    rows = []
    for u in range(20):
        group = "a" if u % 2 == 0 else "b"
        rows += [(f"u{u:02d}", f"{group}{i}", 5.0) for i in range(6) if i != (u // 2) % 6]
    rows += [("p", "a0", 5.0), ("p", "a1", 5.0), ("p", "b0", 1.0)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "rating"])
    frame["event"], frame["weight"] = "rating", frame["rating"]
    frame["timestamp"] = 1_700_000_000.0 + np.arange(len(frame))
    items = pd.DataFrame({
        "item_id": [f"a{i}" for i in range(6)] + COFFEE + ["x0"],
        "title": [f"Trail Shoe {i}" for i in range(6)] + [f"Espresso Beans {i}" for i in range(6)]
        + ["Lamp"],
        "category": ["shoes"] * 6 + ["coffee"] * 6 + ["home"],
        "tags": [("trail",)] * 6 + [("espresso",)] * 6 + [()],
        "brand": ["Northpace"] * 6 + ["Hearthly"] * 6 + [""],
    })
    for column in ("price", "description", "language", "title_raw"):
        items[column] = np.nan if column == "price" else ""
    items["title_raw"] = items["title"]
    return Dataset(frame, items, name="dislikes", rating_scale=5.0, **options)  # type: ignore[arg-type]


def before() -> Dataset:
    """The same data with no rating counted as a dislike: b0 is a like of weight 1."""
    return shop(dislike_threshold=-math.inf)


def fitted(algorithm: str, data: Dataset) -> Recommender:
    """``algorithm`` fitted on ``data``; ALS with two factors, the two tastes of the shop (more
    overfit 21 people)."""
    params: dict[str, object] = {}
    if algorithm == "als":
        params = {"factors": 2}
    elif algorithm == "hybrid":
        params = {"cf_params": {"factors": 2}}
    return create(algorithm, **params).fit(data)


def named_items(rec: Recommendation) -> set[str]:
    """Every item a fact of ``rec`` gives as a reason or counts among the person's items."""
    named: set[str] = set()
    for fact in rec.evidence:
        if isinstance(fact, HistoryItem):
            named.add(fact.item_id)
        elif isinstance(fact, Cohort):
            named.add(fact.anchor_item_id)
        elif isinstance(fact, SharedFeature):
            named.update(fact.history_item_ids)
    return named


def score_of(model: Recommender, item: str) -> float:
    return model.recommend_item("p", item).score


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_dislike_is_never_a_reason_nor_recommended_back(algorithm: str) -> None:
    data = shop()
    model = fitted(algorithm, data)
    pipeline = Pipeline(data, model, ExplainSettings(backend="template"), k_anonymity=2)
    recs = pipeline.recommend("p", n=12)
    assert recs and "b0" not in {rec.item_id for rec in recs}  # seen: not recommended back
    assert all("b0" not in named_items(rec) for rec in recs)
    for explanation in pipeline.explain(recs, language="en"):
        assert "Espresso Beans 0" not in explanation.text
    assert model.recommend_item("p", "b0").rank == 0  # "why not b0?": you already have it


@pytest.mark.parametrize("algorithm", ALGORITHMS[:4])
def test_before_a_dislike_was_a_reason(algorithm: str) -> None:
    # the same data, every rating a like: b0 is cited, so the test above can fail
    data = before()
    model = fitted(algorithm, data)
    recs = Pipeline(data, model, k_anonymity=2).recommend("p", n=12)
    assert any("b0" in named_items(rec) for rec in recs)


@pytest.mark.parametrize("algorithm", ["itemknn", "content"])
def test_zero_weight_adds_nothing_to_similar_items(algorithm: str) -> None:
    data = shop()
    model = create(algorithm).fit(data)
    liked_only = model.history_from_items(["a0", "a1"], [5.0, 5.0])
    for item in [*COFFEE[1:], "a2"]:
        rec = model.recommend_item("p", item)
        assert rec.score == model.recommend_item("p", item, history=liked_only).score
    # nothing speaks for coffee any more: none is recommended (a score of 0 is no reason)
    assert not {rec.item_id for rec in model.recommend("p", n=12)} & set(COFFEE)
    lifted = create(algorithm).fit(before())
    assert max(score_of(lifted, item) for item in COFFEE[1:]) > 0


def test_zero_confidence_in_als_matches_implicit_and_lowers_similar_items() -> None:
    from implicit.cpu.als import AlternatingLeastSquares

    for data in (shop(), shop(dislike_signal="negative")):
        model = ALSRecommender(factors=8).fit(data)
        row = model.history_row("p")
        assert sorted(row.data.tolist()) == ([-2.0, 5.0, 5.0]
                                             if data.dislike_signal == "negative"
                                             else [0.0, 5.0, 5.0])
        # our user vector is the one implicit solves for this history (its reading of 0 and < 0)
        reference = AlternatingLeastSquares(factors=8, regularization=0.05)
        reference.item_factors = model.item_factors.astype(np.float32)
        expected = np.asarray(reference.recalculate_user(0, row)).ravel()
        state = model._user_state(row)
        assert np.allclose(state[1], expected, atol=1e-4)
        # the dislike carries no share of any score
        shares = model._shares(row, state, np.arange(model.item_ids.size))
        assert not shares[row.indices.tolist().index(model.item_index["b0"])].any()
    zero, lifted = fitted("als", shop()), fitted("als", before())
    assert (max(score_of(zero, item) for item in COFFEE[1:])
            < max(score_of(lifted, item) for item in COFFEE[1:]))


def test_negative_signal_subtracts_and_is_never_named() -> None:
    data = shop(dislike_signal="negative")
    model = create("itemknn").fit(data)
    rec = model.recommend_item("p", "b1")
    assert rec.score < 0  # only the dislike speaks about coffee, and against it
    assert "b0" not in named_items(rec)
    # the additive contract holds: the dislike's share went to the unnamed remainder
    shares = [fact.score_share for fact in rec.evidence if isinstance(fact, HistoryItem)]
    assert sum(shares) == pytest.approx(rec.score)
    assert any(isinstance(f, HistoryItem) and not f.item_id and f.score_share < 0
               for f in rec.evidence)


def test_only_dislikes_is_a_cold_start() -> None:
    frame = shop().interactions
    frame = pd.concat([frame, pd.DataFrame({
        "user_id": ["q"], "item_id": ["a3"], "event": ["rating"], "rating": [1.0],
        "weight": [1.0], "timestamp": [1_800_000_000.0]})], ignore_index=True)
    data = Dataset(frame, shop().items, rating_scale=5.0)
    for algorithm in ("als", "itemknn", "hybrid"):
        recs = fitted(algorithm, data).recommend("q", n=5)
        assert len(recs) == 5 and all(rec.cold_start for rec in recs)
        assert "a3" not in {rec.item_id for rec in recs}


def test_the_builder_drops_dislikes_a_model_still_counts() -> None:
    # a model trained when a dislike was a like (a saved one, say), explained on today's data
    old = create("itemknn").fit(before())
    builder = EvidenceBuilder(shop(), k_anonymity=2)
    recs = builder.enrich(old.recommend("p", n=12))
    coffee = [rec for rec in recs if rec.item_id in COFFEE]
    assert coffee  # the old model still lifts coffee
    for rec in recs:
        assert "b0" not in named_items(rec)
        history = [f for f in rec.evidence if isinstance(f, HistoryItem)]
        assert sum(f.score_share for f in history) == pytest.approx(rec.score)


def test_seen_survives_save_and_load(tmp_path: Path) -> None:
    model = create("itemknn").fit(shop())
    loaded = Recommender.load(model.save(tmp_path / "model"))
    row = loaded.history_row("p")
    assert row.nnz == 3 and 0.0 in row.data.tolist()
    assert "b0" not in loaded.recommend_ids("p", 12)


def test_popularity_still_counts_everyone_who_had_the_item() -> None:
    # the popularity facts say "N people had it": a dislike is one of them
    data = shop()
    model = create("popular").fit(data)
    had = data.interactions.loc[data.interactions["item_id"] == "b0", "user_id"].nunique()
    assert model.popularity[model.item_index["b0"]] == had == 9  # p among them


@pytest.mark.realdata
def test_amazon_reviews_of_two_stars_or_less_are_never_a_reason(
        instruments_dir: Path, instruments_column_map: dict[str, dict[str, str]]) -> None:
    from whyrec.data.load import load_dataset

    data = load_dataset(instruments_dir, column_map=instruments_column_map)
    assert data.dislike_threshold == 2.0
    people = sorted({str(data.user_ids[r]) for r in data.dislikes.tocoo().row.tolist()})[:40]
    for algorithm in ("als", "itemknn"):
        pipeline = Pipeline(data, create(algorithm).fit(data),
                            ExplainSettings(backend="template"))
        recs = [rec for _, batch in pipeline.recommend_many(people, 5) for rec in batch]
        assert len(recs) == 5 * len(people)
        for rec, explanation in zip(recs, pipeline.explain(recs, language="en"), strict=True):
            disliked = data.disliked_items(rec.user_id)
            assert disliked and not named_items(rec) & disliked
            assert rec.item_id not in disliked
            assert not [i for i in explanation.cited_ids
                        if i.removeprefix("hist:") in disliked]
