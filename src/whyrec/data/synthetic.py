"""A synthetic shop of any size, for scale tests and benchmarks (vectorised; 5M rows in seconds).

People have two favourite categories; 70 % of their interactions fall there, the rest anywhere.
Item popularity follows a power law within each category; history lengths are log-normal. The
catalog has categories, tags and brands, so every kind of catalog evidence occurs. Written as a
whyrec dataset folder (Parquet) that ``load_dataset`` reads.

Examples
--------
>>> folder = write_synthetic("shop/", users=1000, items=200, interactions=20_000)  # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

ADJECTIVES = ("Alpine", "Bright", "Calm", "Daring", "Early", "Forest", "Golden", "Harbor",
              "Ivory", "Jolly", "Keen", "Lunar", "Misty", "Noble", "Oak", "Prairie", "Quiet",
              "River", "Solar", "Tidal", "Urban", "Velvet", "Wild", "Young", "Zephyr")
NOUNS = ("Kettle", "Lantern", "Backpack", "Notebook", "Sneaker", "Blender", "Jacket", "Mug",
         "Speaker", "Tent", "Scarf", "Candle", "Wallet", "Helmet", "Pillow", "Teapot", "Bottle",
         "Compass", "Easel", "Glove")
EVENTS = np.array(["view", "click", "add_to_cart", "purchase"])
EVENT_P = np.array([0.55, 0.2, 0.1, 0.15])
IN_TASTE = 0.7
YEAR = 365 * 86_400.0


def synthetic_frames(
    users: int = 100_000, items: int = 20_000, interactions: int = 5_000_000, *,
    categories: int = 40, tags: int = 200, brands: int = 300, seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interactions and catalog frames (whyrec column names), deterministic for ``seed``.

    ``interactions`` is a target: repeated (user, item) pairs are dropped, so a few percent
    fewer rows come back.
    """
    rng = np.random.default_rng(seed)
    item_category = rng.integers(0, categories, items)
    catalog = _catalog(rng, items, item_category, tags, brands)
    # history lengths: log-normal around the mean, at least 3
    lengths = rng.lognormal(0.0, 0.8, users)
    lengths = np.maximum(3, np.round(lengths / lengths.mean() * interactions / users))
    user_of = np.repeat(np.arange(users), lengths.astype(np.int64))
    total = len(user_of)
    favourites = rng.integers(0, categories, (users, 2))
    in_taste = rng.random(total) < IN_TASTE
    chosen = favourites[user_of, rng.integers(0, 2, total)]
    anywhere = rng.integers(0, categories, total)
    category_of = np.where(in_taste, chosen, anywhere)
    item_of = np.empty(total, dtype=np.int64)
    for category in range(categories):
        rows = np.flatnonzero(category_of == category)
        members = np.flatnonzero(item_category == category)
        if len(members) == 0:
            members = rng.integers(0, items, 1)
        weights = 1.0 / np.arange(1, len(members) + 1) ** 0.9  # power-law popularity
        item_of[rows] = rng.choice(members, size=len(rows), p=weights / weights.sum())
    pairs = np.unique(user_of * items + item_of, return_index=True)[1]
    user_of, item_of = user_of[pairs], item_of[pairs]
    width = len(str(users - 1))
    frame = pd.DataFrame({
        "user_id": np.char.add("u", np.char.zfill(user_of.astype(str), width)),
        "item_id": catalog["item_id"].to_numpy()[item_of],
        "event": EVENTS[rng.choice(len(EVENTS), size=len(pairs), p=EVENT_P)],
        "timestamp": np.round(1_700_000_000.0 + rng.random(len(pairs)) * YEAR),
    })
    return frame, catalog


def write_synthetic(
    folder: str | Path, users: int = 100_000, items: int = 20_000,
    interactions: int = 5_000_000, *, seed: int = 0,
) -> Path:
    """Write a whyrec dataset folder (``interactions.parquet``, ``items.parquet``,
    ``dataset.json``) and return its path."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    frame, catalog = synthetic_frames(users, items, interactions, seed=seed)
    frame.to_parquet(target / "interactions.parquet", index=False)
    catalog.to_parquet(target / "items.parquet", index=False)
    meta = {"name": f"synthetic-{users}", "domain": "ecommerce", "seed": seed}
    (target / "dataset.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
    return target


def _catalog(rng: np.random.Generator, items: int, item_category: np.ndarray, tags: int,
             brands: int) -> pd.DataFrame:
    width = len(str(items - 1))
    ids = np.char.add("i", np.char.zfill(np.arange(items).astype(str), width))
    adjective = np.asarray(ADJECTIVES)[rng.integers(0, len(ADJECTIVES), items)]
    noun = np.asarray(NOUNS)[rng.integers(0, len(NOUNS), items)]
    titles = [f"{a} {n} {k}" for k, (a, n) in enumerate(zip(adjective, noun, strict=True))]
    tag_ids = rng.integers(0, tags, (items, 2))
    return pd.DataFrame({
        "item_id": ids,
        "title": titles,
        "category": [f"category {c}" for c in item_category],
        "tags": [f"tag{a}|tag{b}" if a != b else f"tag{a}" for a, b in tag_ids],
        "brand": [f"Brand {b}" for b in rng.integers(0, brands, items)],
        "price": np.round(rng.uniform(5, 300, items), 2),
    })
