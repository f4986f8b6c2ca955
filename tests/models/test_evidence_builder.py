"""Facts added beside the score: shared features, cohorts (k-anonymous), quality, trends."""

from __future__ import annotations

import json

import pytest

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.models import create
from whyrec.models.evidence import EvidenceBuilder
from whyrec.pipeline import Pipeline
from whyrec.types import (
    Cohort,
    HistoryItem,
    ItemQuality,
    Recommendation,
    SharedFeature,
    Trend,
    evidence_from_dict,
)


def recs_for(dataset: Dataset, user: str, k: int = 10, algo: str = "itemknn") -> list:
    model = create(algo).fit(dataset)
    return Pipeline(dataset, model, k_anonymity=k).recommend(user, n=5)


def test_shared_features_count_the_persons_items(board: Dataset) -> None:
    model = create("itemknn").fit(board)
    builder = EvidenceBuilder(board, k_anonymity=1, max_features=10)
    rec = builder.enrich(model.recommend("u00", n=1))[0]
    features = {(f.feature, f.value): f for f in rec.evidence if isinstance(f, SharedFeature)}
    # u00 has five shoes: all "shoes", all tagged trail + waterproof, all Northpace
    assert features[("category", "shoes")].history_count == 5
    assert features[("brand", "Northpace")].history_count == 5
    assert len(features[("tag", "trail")].history_item_ids) == 3  # examples are capped
    assert set(features[("tag", "trail")].history_item_ids) <= {"a1", "a2", "a3", "a4", "a5"}
    # with the default cap of three, the most specific facts win ties: brand, then tags
    capped = EvidenceBuilder(board, k_anonymity=1).enrich(model.recommend("u00", n=1))[0]
    kinds = [f.feature for f in capped.evidence if isinstance(f, SharedFeature)]
    assert kinds == ["brand", "tag", "tag"]


def test_cohort_facts_respect_k_anonymity(board: Dataset) -> None:
    # 10 even users; each shoe is held by 8 or 9 of them
    low = [f for f in recs_for(board, "u00", k=5)[0].evidence if isinstance(f, Cohort)]
    assert low and all(f.co_count >= 5 and f.anchor_count >= 5 for f in low)
    assert all(f.share == pytest.approx(f.co_count / f.anchor_count, abs=1e-4) for f in low)
    high = [f for f in recs_for(board, "u00", k=10)[0].evidence if isinstance(f, Cohort)]
    assert high == []  # fewer than 10 people back any co-occurrence


def test_cohort_counts_are_exact(board: Dataset) -> None:
    rec = recs_for(board, "u00", k=2)[0]
    users_with = board.interactions.groupby("item_id")["user_id"].apply(set)
    for fact in rec.evidence:
        if isinstance(fact, Cohort):
            both = users_with[fact.anchor_item_id] & users_with[rec.item_id]
            assert fact.co_count == len(both)
            assert fact.anchor_count == len(users_with[fact.anchor_item_id])


def test_noise_changes_counts_but_never_below_k(demo_dataset: Dataset) -> None:
    model = create("itemknn").fit(demo_dataset)
    exact = EvidenceBuilder(demo_dataset, k_anonymity=5)
    noisy = EvidenceBuilder(demo_dataset, k_anonymity=5, noise_scale=3.0, seed=1)
    counts_exact, counts_noisy = [], []
    for user in ("u0001", "u0002", "u0003", "u0004", "u0005"):
        for builder, out in ((exact, counts_exact), (noisy, counts_noisy)):
            for rec in builder.enrich(model.recommend(user, 5)):
                out.extend(f.co_count for f in rec.evidence if isinstance(f, Cohort))
    assert counts_noisy and min(counts_noisy) >= 5
    assert counts_noisy != counts_exact


def test_history_facts_get_event_and_rating(demo_dataset: Dataset) -> None:
    recs = recs_for(demo_dataset, "u0002", algo="als")
    history = [f for r in recs for f in r.evidence if isinstance(f, HistoryItem) and f.item_id]
    assert history and all(f.event in {"view", "click", "add_to_cart", "purchase", "rating"}
                           for f in history)


def test_quality_and_trend_on_movielens_style_ratings(demo_dataset: Dataset) -> None:
    recs = recs_for(demo_dataset, "u0010", k=10, algo="popular")
    quality = [f for r in recs for f in r.evidence if isinstance(f, ItemQuality)]
    assert quality and all(q.n_people >= 10 for q in quality)
    rated = [q for q in quality if q.mean_rating is not None]
    assert all(1.0 <= q.mean_rating <= 5.0 and q.n_ratings >= 10 for q in rated)
    trends = [f for r in recs for f in r.evidence if isinstance(f, Trend)]
    assert all(1 <= t.rank_in_category <= 3 and t.recent_count >= 10 for t in trends)


def test_evidence_round_trips_through_json(demo_dataset: Dataset) -> None:
    for rec in recs_for(demo_dataset, "u0001", k=5, algo="hybrid"):
        data = json.loads(json.dumps(rec.to_dict(), ensure_ascii=False))
        again = Recommendation.from_dict(data)
        assert again == rec
        assert [evidence_from_dict(e.to_dict()) for e in rec.evidence] == rec.evidence
        assert len({e.id for e in rec.evidence}) == len(rec.evidence)  # ids are unique


def test_fact_ids_are_stable_across_runs(demo_dataset: Dataset) -> None:
    first = [e.id for r in recs_for(demo_dataset, "u0007", algo="hybrid") for e in r.evidence]
    second = [e.id for r in recs_for(demo_dataset, "u0007", algo="hybrid") for e in r.evidence]
    assert first == second


def test_k_must_be_positive(board: Dataset) -> None:
    with pytest.raises(ConfigError, match="k_anonymity"):
        EvidenceBuilder(board, k_anonymity=0)


@pytest.mark.parametrize("algo", ["als", "hybrid"])
def test_batched_pipeline_gives_the_same_facts(demo_dataset: Dataset, algo: str) -> None:
    pipeline = Pipeline(demo_dataset, create(algo).fit(demo_dataset), k_anonymity=5)
    users = [f"u{k:04d}" for k in range(1, 60)]
    batched = dict(pipeline.recommend_many(users, n=5, chunk_size=16))
    for user in users[::7]:
        one = pipeline.recommend(user, n=5)
        assert_close([r.to_dict() for r in batched[user]], [r.to_dict() for r in one])


def assert_close(left: object, right: object) -> None:
    """Equal, with floats compared to 1e-9 (a matrix product may round differently)."""
    if isinstance(left, float) and isinstance(right, float):
        assert left == pytest.approx(right, rel=1e-9, abs=1e-12)
    elif isinstance(left, dict) and isinstance(right, dict):
        assert left.keys() == right.keys()
        for key in left:
            assert_close(left[key], right[key])
    elif isinstance(left, list | tuple) and isinstance(right, list | tuple):
        assert len(left) == len(right)
        for a, b in zip(left, right, strict=True):
            assert_close(a, b)
    else:
        assert left == right
