"""Dislikes in the data layer: the threshold (default, scaled, dataset.json) and their weight."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whyrec.data import dataset_from_frames, load_dataset
from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError, ValidationError

ITEMS = pd.DataFrame({"item_id": ["a", "b", "c", "d"], "title": ["A", "B", "C", "D"]})


def rated(ratings: list[tuple[str, str, float]], **options: object) -> Dataset:
    frame = pd.DataFrame(ratings, columns=["user_id", "item_id", "rating"])
    frame["timestamp"] = np.arange(len(frame), dtype=float)
    return dataset_from_frames(frame, ITEMS, **options)  # type: ignore[arg-type]


def cell(data: Dataset, user: str, item: str) -> float:
    return float(data.user_items[data.user_row(user), data.item_row(item)])


@pytest.mark.parametrize(("scale", "threshold"), [(5.0, 2.0), (10.0, 4.0), (None, 2.0),
                                                  (100.0, 40.0)])
def test_default_threshold_is_40_percent_of_the_scale(scale: float | None,
                                                      threshold: float) -> None:
    data = rated([("u", "a", 1.0), ("u", "b", 3.0)], rating_scale=scale)
    assert data.dislike_threshold == threshold


def test_threshold_given_and_kept_by_subsets() -> None:
    data = rated([("u", "a", 3.0), ("u", "b", 4.0), ("v", "a", 5.0)], dislike_threshold=3,
                 dislike_signal="negative")
    assert data.disliked_items("u") == {"a"}
    part = data.subset(data.interactions[data.interactions["user_id"] == "u"])
    assert (part.dislike_threshold, part.dislike_signal) == (3.0, "negative")
    assert part.disliked_items("u") == {"a"}
    with pytest.raises(ConfigError, match="dislike_signal"):
        rated([("u", "a", 1.0)], dislike_signal="ignore")


def test_a_dislike_weighs_zero_and_stays_seen() -> None:
    data = rated([("u", "a", 1.0), ("u", "b", 2.0), ("u", "c", 2.5), ("v", "a", 5.0)])
    assert data.disliked_items("u") == {"a", "b"} and data.disliked_items("v") == set()
    assert [cell(data, "u", i) for i in "abc"] == [0.0, 0.0, 2.5]
    row = data.user_items[data.user_row("u")]
    # the zeros are stored entries: the items count as seen
    assert row.nnz == 3 and sorted(row.indices.tolist()) == [0, 1, 2]
    assert data.dislikes.nnz == 2 and data.disliked_items("nobody") == set()


def test_the_latest_rating_decides_and_other_events_do_not_rescue_it() -> None:
    frame = pd.DataFrame({
        "user_id": ["u", "u", "u", "u"], "item_id": ["a", "a", "b", "b"],
        "event": ["rating", "rating", "purchase", "rating"], "rating": [1.0, 5.0, None, 1.0],
        "timestamp": [1.0, 2.0, 3.0, 4.0]})
    data = dataset_from_frames(frame, ITEMS, rating_scale=5)
    assert data.disliked_items("u") == {"b"}  # rated a 1 then 5; bought b, then rated it 1
    assert cell(data, "u", "a") == 6.0 and cell(data, "u", "b") == 0.0


def test_negative_signal_grows_with_the_distance_below_the_threshold() -> None:
    data = rated([("u", "a", 2.0), ("u", "b", 1.0), ("u", "c", 0.5), ("u", "d", 4.0)],
                 dislike_signal="negative", rating_scale=5)
    assert [cell(data, "u", i) for i in "abcd"] == [-1.0, -2.0, -2.5, 4.0]
    ten = rated([("u", "a", 4.0), ("u", "b", 2.0)], dislike_signal="negative", rating_scale=10)
    assert [cell(ten, "u", i) for i in "ab"] == [-1.0, -2.0]  # in stars of a 5-star scale


def test_no_threshold_keeps_every_rating_a_weight() -> None:
    frame = pd.DataFrame({"user_id": ["u", "u"], "item_id": ["a", "b"], "event": "rating",
                          "rating": [1.0, 4.0], "weight": [1.0, 4.0]})
    data = Dataset(frame, ITEMS, rating_scale=5.0, dislike_threshold=-math.inf)
    assert data.dislikes.nnz == 0 and data.user_items.toarray().tolist() == [[1.0, 4.0, 0, 0]]


def write_folder(folder: Path, meta: dict[str, object]) -> Path:
    folder.mkdir()
    pd.DataFrame({"user_id": ["u", "u", "u"], "item_id": ["a", "b", "c"],
                  "rating": [3, 7, 9]}).to_csv(folder / "interactions.csv", index=False)
    ITEMS.to_csv(folder / "items.csv", index=False)
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_threshold_and_signal_from_dataset_json(tmp_path: Path) -> None:
    scaled = load_dataset(write_folder(tmp_path / "ten", {"rating_scale": 10}))
    assert scaled.dislike_threshold == 4.0 and scaled.disliked_items("u") == {"a"}
    data = load_dataset(write_folder(tmp_path / "set", {
        "rating_scale": 10, "dislike_threshold": 7, "dislike_signal": "negative"}))
    assert (data.dislike_threshold, data.dislike_signal) == (7.0, "negative")
    assert data.disliked_items("u") == {"a", "b"}
    assert cell(data, "u", "a") < 0 and cell(data, "u", "c") == 9.0


def test_bad_dislike_settings_are_reported(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "bad", {"dislike_threshold": "low",
                                             "dislike_signal": "ignore"})
    with pytest.raises(ValidationError) as caught:
        load_dataset(folder)
    problems = caught.value.problems
    assert any("'dislike_threshold' must be a number, got 'low'" in p for p in problems)
    assert any("'dislike_signal' must be one of zero, negative, got 'ignore'" in p
               for p in problems)
    folder = write_folder(tmp_path / "bool", {"dislike_threshold": True})
    with pytest.raises(ValidationError, match="dislike_threshold"):
        load_dataset(folder)


def test_a_threshold_at_or_above_the_scale_is_refused(tmp_path: Path) -> None:
    # every rating would be a dislike: nobody would have a reason left
    folder = write_folder(tmp_path / "high", {"rating_scale": 5, "dislike_threshold": 5})
    with pytest.raises(ValidationError, match=r"must be below the rating scale \(5\), got 5"):
        load_dataset(folder)
