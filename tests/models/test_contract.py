"""One contract every recommender passes (after implicit's RecommenderBaseTestMixin)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from whyrec.data.dataset import Dataset
from whyrec.errors import ModelError, UnknownItemError, UnknownUserError
from whyrec.models import Recommender, algorithms, create

ALGORITHMS = sorted(algorithms())
#: models that learn from co-occurrence or features, so must find the missing item of a group
PERSONALISED = ["als", "itemknn", "content", "hybrid"]


def fitted(name: str, dataset: Dataset) -> Recommender:
    params = {"factors": 4, "iterations": 10} if name == "als" else {}
    if name == "hybrid":  # fixed weights: the mechanics, not the tuning, are under test here
        params = {"cf_params": {"factors": 4, "iterations": 10}, "auto_weights": False}
    return create(name, **params).fit(dataset)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_recommend_returns_n_ranked_unseen_items(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    recs = model.recommend("u00", n=4)
    # only items with a positive score come back: similarity models find just the one shoe;
    # popularity (alone or in the hybrid) gives every item someone has a positive score
    assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
    assert len(recs) == {"itemknn": 1, "content": 1, "popular": 4, "hybrid": 4}.get(
        name, len(recs)) and recs
    assert all(r.score > 0 for r in recs)  # no reason, no recommendation
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    seen = {"a1", "a2", "a3", "a4", "a5"}  # u00 has every shoe but a0
    assert not seen & {r.item_id for r in recs}
    assert all(r.algorithm == name and r.user_id == "u00" for r in recs)
    assert all(r.title for r in recs)


@pytest.mark.parametrize("name", PERSONALISED)
def test_missing_item_of_the_taste_group_comes_first(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    for user, missing in [("u00", "a0"), ("u01", "b0"), ("u02", "a1"), ("u05", "b2")]:
        assert model.recommend(user, n=1)[0].item_id == missing, user


@pytest.mark.parametrize("name", ALGORITHMS)
def test_save_load_round_trip(name: str, board: Dataset, tmp_path: Path) -> None:
    model = fitted(name, board)
    model.save(tmp_path / "model")
    assert not list(tmp_path.rglob("*.pkl"))
    loaded = Recommender.load(tmp_path / "model")
    assert type(loaded) is type(model)
    assert loaded.params == model.params
    for user in ("u00", "u03", "u10"):
        before, after = model.recommend(user, n=5), loaded.recommend(user, n=5)
        assert [r.item_id for r in before] == [r.item_id for r in after]
        np.testing.assert_allclose([r.score for r in before], [r.score for r in after])
        assert [e.id for r in before for e in r.evidence] == [
            e.id for r in after for e in r.evidence]


@pytest.mark.parametrize("name", ALGORITHMS)
def test_unknown_user_is_a_clear_error(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    with pytest.raises(UnknownUserError, match="unknown user 'nobody'"):
        model.recommend("nobody")


@pytest.mark.parametrize("name", ALGORITHMS)
def test_evidence_sums_to_the_score(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    for user in board.user_ids:
        for rec in model.recommend(str(user), n=5):
            assert rec.evidence, rec
            assert rec.evidence_total() == pytest.approx(rec.score, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_new_person_from_history_items(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    history = model.history_from_items(["b1", "b2", "b3"])
    recs = model.recommend("visitor", n=3, history=history)
    assert not {"b1", "b2", "b3"} & {r.item_id for r in recs}
    if name in PERSONALISED:
        assert recs[0].item_id in {"b0", "b4", "b5"}
    with pytest.raises(UnknownItemError):
        model.history_from_items(["nope"])


@pytest.mark.parametrize("name", ["als", "itemknn"])
def test_a_person_with_too_little_history_gets_popular_items(name: str, board: Dataset) -> None:
    model = create(name, min_history=3).fit(board)
    recs = model.recommend("visitor", n=3, history=model.history_from_items(["a0"]))
    assert all(r.cold_start for r in recs)
    assert [r.item_id for r in recs] == model.recommend_ids(
        "visitor", 3, history=model.history_from_items(["a0"]))
    assert recs[0].evidence[0].kind == "item_quality"


def test_hybrid_cold_start_uses_content_not_collaborative(board: Dataset) -> None:
    model = create("hybrid", cf_min_history=3, auto_weights=False).fit(board)
    recs = model.recommend("visitor", n=2, history=model.history_from_items(["b0"]))
    assert all(r.cold_start for r in recs)
    assert {r.item_id for r in recs} <= {f"b{i}" for i in range(1, 6)}  # same category


@pytest.mark.parametrize("name", ALGORITHMS)
def test_recommend_ids_agrees_with_recommend(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    assert model.recommend_ids("u04", 5) == [r.item_id for r in model.recommend("u04", 5)]


def test_n_larger_than_the_catalog_returns_every_unseen_item_with_a_reason(
    board: Dataset,
) -> None:
    model = create("popular").fit(board)
    recs = model.recommend("u00", n=100)
    assert len(recs) == board.n_items - 5 - 2  # x0 and x1: nobody has them, no reason to show
    assert {r.item_id for r in recs} == {f"a{i}" for i in range(1)} | {f"b{i}" for i in range(6)}


def test_exclude_removes_items(board: Dataset) -> None:
    model = create("itemknn").fit(board)
    assert "a0" not in [r.item_id for r in model.recommend("u00", n=3, exclude=["a0"])]


def test_bad_parameters_and_unfitted_models_are_clear_errors(
    board: Dataset, tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match="unknown parameter"):
        create("als", factor=3)
    with pytest.raises(ModelError, match="not fitted"):
        create("als").recommend("u00")
    with pytest.raises(ModelError, match="n must be at least 1"):
        create("popular").fit(board).recommend("u00", n=0)
    with pytest.raises(ModelError, match="not a saved whyrec model"):
        Recommender.load(tmp_path)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_recommend_many_equals_recommend(name: str, board: Dataset) -> None:
    model = fitted(name, board)
    users = [str(u) for u in board.user_ids]
    batched = dict(model.recommend_many(users, n=4, chunk_size=7))
    assert list(batched) == users
    for user in users:
        one = model.recommend(user, n=4)
        assert [r.item_id for r in batched[user]] == [r.item_id for r in one]
        np.testing.assert_allclose([r.score for r in batched[user]], [r.score for r in one],
                                   rtol=1e-9)
        assert [e.id for r in batched[user] for e in r.evidence] == [
            e.id for r in one for e in r.evidence]
    with pytest.raises(UnknownUserError):
        list(model.recommend_many(["u00", "ghost"]))


def test_hybrid_chooses_its_weights_on_held_out_data(demo_dataset: Dataset, tmp_path: Path) -> None:
    model = create("hybrid").fit(demo_dataset)
    tuning = model.tuning
    assert tuning["n_people"] >= 100
    best = max(g["ndcg@10"] for g in tuning["grid"])
    assert tuning["chosen"]["ndcg@10"] == best
    assert model.params["content_weight"] == tuning["chosen"]["content_weight"]
    assert model.params["content_weight"] > 0  # the demo shop's tags carry real signal
    model.save(tmp_path / "hybrid")
    assert Recommender.load(tmp_path / "hybrid").params == model.params


def test_saving_never_clobbers_other_files_or_leaves_half_a_model(
    board: Dataset, tmp_path: Path
) -> None:
    model = create("itemknn").fit(board)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me")
    with pytest.raises(ModelError, match="refusing to overwrite"):
        model.save(other)
    assert (other / "todo.txt").read_text() == "keep me"
    target = model.save(tmp_path / "knn")
    with pytest.raises(ModelError, match="already holds a model"):
        create("popular").fit(board).save(target, overwrite=False)
    create("popular").fit(board).save(target)  # replacing a model is allowed by default
    assert Recommender.load(target).algorithm == "popular"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knn", "notes"]  # no staging left


def test_damaged_model_files_are_clear_errors(board: Dataset, tmp_path: Path) -> None:
    target = create("popular").fit(board).save(tmp_path / "m")
    (target / "arrays.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="damaged"):
        Recommender.load(target)
    (target / "model.json").write_text("{")
    with pytest.raises(ModelError, match="not valid JSON"):
        Recommender.load(target)
    (target / "model.json").write_text('{"format_version": 99}')
    with pytest.raises(ModelError, match="unsupported model format 99"):
        Recommender.load(target)
