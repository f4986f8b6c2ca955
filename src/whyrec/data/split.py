"""Train/test splits for offline evaluation: leave-last-n per person, or one global time cut."""

from __future__ import annotations

import numpy as np
import pandas as pd

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError

SPLITS = ("leave-last", "temporal", "random")


def _per_item(dataset: Dataset) -> pd.DataFrame:
    """One row per (person, item): the time they last touched it (or file order)."""
    frame = dataset.interactions[["user_id", "item_id", "timestamp"]].copy()
    frame["order"] = np.arange(len(frame))
    # file order breaks ties and stands in for missing timestamps
    frame["when"] = frame["timestamp"].fillna(-np.inf)
    frame = frame.sort_values(["user_id", "when", "order"], kind="stable")
    return frame.drop_duplicates(["user_id", "item_id"], keep="last")


def leave_last_n(
    dataset: Dataset, n: int = 1, min_train: int = 1
) -> tuple[Dataset, dict[str, set[str]]]:
    """Hold out each person's ``n`` most recently touched items.

    People with fewer than ``n + min_train`` distinct items stay entirely in training.
    Returns the training dataset and the held-out items per person.
    """
    if n < 1:
        raise ConfigError(f"leave-last n must be at least 1, got {n}")
    pairs = _per_item(dataset)
    size = pairs.groupby("user_id", sort=False)["item_id"].transform("size")
    position_from_end = pairs.groupby("user_id", sort=False).cumcount(ascending=False)
    held = pairs[(position_from_end < n) & (size >= n + min_train)]
    return _split(dataset, held)


def temporal_split(
    dataset: Dataset, test_fraction: float = 0.2
) -> tuple[Dataset, dict[str, set[str]]]:
    """Everything after one global time cut is test; only people also seen before the cut count."""
    if not 0.0 < test_fraction < 1.0:
        raise ConfigError(f"test fraction must be between 0 and 1, got {test_fraction}")
    stamps = dataset.interactions["timestamp"]
    if stamps.isna().all():
        raise ConfigError("a temporal split needs timestamps; this dataset has none "
                          "(use the leave-last split)")
    cut = float(stamps.quantile(1.0 - test_fraction))
    pairs = _per_item(dataset)
    first_seen = dataset.interactions.groupby(["user_id", "item_id"])["timestamp"].min()
    pairs = pairs.join(first_seen.rename("first"), on=["user_id", "item_id"])
    held = pairs[pairs["first"] > cut]
    trained_users = set(pairs.loc[pairs["first"] <= cut, "user_id"])
    held = held[held["user_id"].isin(trained_users)]
    return _split(dataset, held)


def random_holdout(
    dataset: Dataset, test_fraction: float = 0.2, seed: int = 42, min_train: int = 1
) -> tuple[Dataset, dict[str, set[str]]]:
    """Hold out a seeded random ``test_fraction`` of each person's distinct items.

    The classic fixed split of the literature; ignores time, so it is kinder to collaborative
    filtering than leave-last. People with fewer than ``min_train + 1`` items stay in training.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ConfigError(f"test fraction must be between 0 and 1, got {test_fraction}")
    pairs = _per_item(dataset).sort_values(["user_id", "item_id"], kind="stable")
    rng = np.random.default_rng(seed)
    pairs = pairs.assign(draw=rng.random(len(pairs)))
    size = pairs.groupby("user_id", sort=False)["item_id"].transform("size")
    rank = pairs.groupby("user_id", sort=False)["draw"].rank(method="first")
    n_test = np.floor(size * test_fraction).clip(lower=1)
    held = pairs[(rank <= n_test) & (size >= min_train + 1)]
    return _split(dataset, held)


def _split(dataset: Dataset, held: pd.DataFrame) -> tuple[Dataset, dict[str, set[str]]]:
    interactions = dataset.interactions
    key = interactions["user_id"] + "\x1f" + interactions["item_id"]
    held_keys = set(held["user_id"] + "\x1f" + held["item_id"])
    train = dataset.subset(interactions[~key.isin(held_keys)], name=f"{dataset.name}-train")
    test: dict[str, set[str]] = {}
    for user, item in zip(held["user_id"].tolist(), held["item_id"].tolist(), strict=True):
        test.setdefault(user, set()).add(item)
    return train, test


def split_dataset(
    dataset: Dataset, method: str = "leave-last", *, n: int = 1, test_fraction: float = 0.2
) -> tuple[Dataset, dict[str, set[str]]]:
    """Split by name: ``leave-last`` (n per person), ``temporal`` (global cut) or ``random``."""
    if method == "leave-last":
        return leave_last_n(dataset, n)
    if method == "temporal":
        return temporal_split(dataset, test_fraction)
    if method == "random":
        return random_holdout(dataset, test_fraction)
    raise ConfigError(f"unknown split {method!r}; choose from {', '.join(SPLITS)}")
