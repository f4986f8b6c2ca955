"""The evidence *is* the model: shares equal implicit's own numbers, and sum to the score."""

from __future__ import annotations

import numpy as np
import pytest

from whyrec.data.dataset import Dataset
from whyrec.models import create
from whyrec.models.als import ALSRecommender
from whyrec.models.itemknn import ItemKNNRecommender


def test_als_shares_equal_implicit_explain(demo_dataset: Dataset) -> None:
    model = create("als", factors=16, iterations=5).fit(demo_dataset)
    assert isinstance(model, ALSRecommender)
    reference = model.implicit_model()
    reference.item_factors = model.item_factors.astype(np.float32)
    reference.user_factors = model.user_factors
    user_items = model.user_items
    for user in ("u0001", "u0002", "u0100"):
        row = model.user_index[user]
        for rec in model.recommend(user, n=3, max_shares=10_000):
            total, top, _ = reference.explain(row, user_items, model.item_index[rec.item_id],
                                              N=10_000)
            assert rec.score == pytest.approx(total, rel=1e-4)
            theirs = {model.item_ids[i]: share for i, share in top}
            ours = {e.item_id: e.contribution for e in rec.evidence}
            assert ours.keys() == theirs.keys()
            for item, share in theirs.items():
                assert ours[item] == pytest.approx(share, rel=1e-3, abs=1e-6)


def test_als_ranks_with_the_vector_its_evidence_uses(demo_dataset: Dataset) -> None:
    model = create("als", factors=16, iterations=5).fit(demo_dataset)
    recs = model.recommend("u0003", n=10)
    totals = [r.evidence_total() for r in recs]
    assert totals == sorted(totals, reverse=True)  # ranking order == evidence order
    np.testing.assert_allclose(totals, [r.score for r in recs], rtol=1e-10)


@pytest.mark.filterwarnings("ignore:Method expects CSR input")
def test_itemknn_scores_equal_implicit_recommend(demo_dataset: Dataset) -> None:
    from implicit.nearest_neighbours import CosineRecommender

    model = create("itemknn", k=20).fit(demo_dataset)
    assert isinstance(model, ItemKNNRecommender)
    reference = CosineRecommender(K=20)
    reference.fit(model.user_items, show_progress=False)
    for user in ("u0001", "u0050", "u0999"):
        row = model.user_index[user]
        ids, scores = reference.recommend(row, model.user_items[row], N=10)
        ours = model.recommend(user, n=10)
        assert [r.item_id for r in ours] == [model.item_ids[i] for i in ids]
        np.testing.assert_allclose([r.score for r in ours], scores, rtol=1e-5)


def test_itemknn_share_is_similarity_times_weight(demo_dataset: Dataset) -> None:
    model = create("itemknn").fit(demo_dataset)
    rec = model.recommend("u0001", n=1, max_shares=10_000)[0]
    target = model.item_index[rec.item_id]
    history = model.user_items[model.user_index["u0001"]]
    weights = dict(zip(history.indices.tolist(), history.data.tolist(), strict=True))
    for fact in rec.evidence:
        liked = model.item_index[fact.item_id]
        assert fact.contribution == pytest.approx(
            model.similarity[liked, target] * weights[liked], rel=1e-12)
    assert rec.evidence_total() == pytest.approx(rec.score, rel=1e-12)  # exact up to rounding


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["itemknn", "als"])
def test_evidence_totals_on_movielens(name: str, movielens: Dataset) -> None:
    model = create(name).fit(movielens)
    worst = 0.0
    for user in movielens.user_ids[::20]:
        for rec in model.recommend(str(user), n=10):
            worst = max(worst, abs(rec.evidence_total() - rec.score) / max(abs(rec.score), 1e-12))
    assert worst < 1e-9
