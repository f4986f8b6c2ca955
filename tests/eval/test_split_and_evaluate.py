"""Splits hold out the right items; evaluation finds the signal in the data."""

from __future__ import annotations

import pytest

from whyrec.data.dataset import Dataset
from whyrec.data.split import leave_last_n, random_holdout, split_dataset, temporal_split
from whyrec.errors import ConfigError
from whyrec.eval.offline import evaluate


def test_leave_last_holds_out_the_latest_items(board: Dataset) -> None:
    train, test = leave_last_n(board, n=2)
    frame = board.interactions
    for user, held in test.items():
        mine = frame[frame["user_id"] == user].sort_values("timestamp")
        assert held == set(mine["item_id"].tail(2))
        assert not held & set(train.interactions.loc[
            train.interactions["user_id"] == user, "item_id"])
    assert len(train.interactions) + sum(len(v) for v in test.values()) == len(frame)


def test_random_holdout_is_seeded_and_keeps_everyone_in_training(board: Dataset) -> None:
    first = random_holdout(board, 0.4, seed=3)[1]
    assert first == random_holdout(board, 0.4, seed=3)[1]
    assert first != random_holdout(board, 0.4, seed=4)[1]
    train, _ = random_holdout(board, 0.4, seed=3)
    assert set(train.user_ids) == set(board.user_ids)


def test_temporal_split_cuts_at_one_time(board: Dataset) -> None:
    train, test = temporal_split(board, 0.3)
    latest_train = train.interactions["timestamp"].max()
    frame = board.interactions.set_index(["user_id", "item_id"])
    for user, held in test.items():
        for item in held:
            assert frame.loc[(user, item), "timestamp"] > latest_train


def test_bad_split_options(board: Dataset) -> None:
    with pytest.raises(ConfigError, match="unknown split"):
        split_dataset(board, "sideways")
    with pytest.raises(ConfigError):
        leave_last_n(board, 0)
    with pytest.raises(ConfigError):
        temporal_split(board, 1.5)


@pytest.mark.slow  # evaluates four recommenders
def test_collaborative_models_beat_popularity_on_the_demo(demo_dataset: Dataset) -> None:
    popular = evaluate(demo_dataset, "popular", k=10)
    for name in ("als", "itemknn", "hybrid"):
        result = evaluate(demo_dataset, name, k=10)
        assert result["ndcg@10"] > 1.5 * popular["ndcg@10"], name
        assert result["coverage"] > popular["coverage"]
    assert {"ndcg@10", "recall@10", "coverage", "n_users"} <= set(popular)
