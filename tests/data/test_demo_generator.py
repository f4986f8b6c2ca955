"""The bundled demo store: deterministic, equal to the shipped files, realistic, with signal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whyrec.data.demo_generator import (
    CATEGORY_ZH,
    DEMO_DIR,
    END_TS,
    INJECTION_ITEM_IDS,
    INJECTION_TEXTS,
    TAG_ZH,
    generate_demo,
    main,
)

Frames = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]
CJK = re.compile(r"[\u4e00-\u9fff]")
FILES = ("interactions.csv", "items.csv", "users.csv", "dataset.json")
EVENTS = ["view", "click", "add_to_cart", "purchase", "rating"]


@pytest.fixture(scope="module")
def demo() -> Frames:
    return generate_demo(7)


@pytest.fixture(scope="module")
def item_category(demo: Frames) -> pd.Series:
    interactions, items, _ = demo
    return interactions["item_id"].map(items.set_index("item_id")["category"])


# --- determinism and the shipped files --------------------------------------------------------
@pytest.mark.slow  # generates the demo shop again
def test_same_seed_gives_identical_frames(demo: Frames) -> None:
    for fresh, first in zip(generate_demo(7), demo, strict=True):
        pd.testing.assert_frame_equal(fresh, first)


@pytest.mark.slow  # generates another demo shop
def test_other_seed_gives_other_data(demo: Frames) -> None:
    interactions, items, users = generate_demo(8)
    assert not interactions.equals(demo[0])
    assert not items["title"].equals(demo[1]["title"])
    assert not users["language"].equals(demo[2]["language"])


def test_shipped_files_equal_a_fresh_generation(tmp_path: Path) -> None:
    """Regenerate with ``python scripts/generate_demo_data.py`` if this fails; never hand-edit."""
    assert main([str(tmp_path)]) == 0  # the ``python -m whyrec.data.demo_generator`` entry point
    for name in FILES:
        assert (DEMO_DIR / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_shipped_files_format() -> None:
    meta = json.loads((DEMO_DIR / "dataset.json").read_text(encoding="utf-8"))
    translations = meta.pop("translations")
    assert meta == {"name": "whyrec-demo", "domain": "ecommerce", "rating_scale": 5, "seed": 7,
                    "generator": "whyrec.data.demo_generator"}
    items = pd.read_csv(DEMO_DIR / "items.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    vocabulary = set(items["category"]) | {t for tags in items["tags"] for t in tags.split("|")}
    assert set(translations) == {"zh"} and vocabulary <= set(translations["zh"])
    raw = pd.read_csv(DEMO_DIR / "interactions.csv", dtype=str, keep_default_na=False)
    assert list(raw.columns) == ["user_id", "item_id", "event", "rating", "timestamp"]
    assert raw["timestamp"].str.fullmatch(r"\d{10}").all()
    is_rating = raw["event"] == "rating"
    assert raw.loc[is_rating, "rating"].isin(list("12345")).all()
    assert (raw.loc[~is_rating, "rating"] == "").all()
    items = pd.read_csv(DEMO_DIR / "items.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(items.columns) == ["item_id", "title", "category", "tags", "brand", "price",
                                   "description", "language"]
    assert items["price"].str.fullmatch(r"\d+\.\d\d").all()
    assert items["tags"].str.fullmatch(r"[a-z0-9-]+(\|[a-z0-9-]+)*").all()
    users = pd.read_csv(DEMO_DIR / "users.csv", dtype=str, keep_default_na=False)
    assert list(users.columns) == ["user_id", "language"]
    assert sum((DEMO_DIR / name).stat().st_size for name in FILES) < 1_500_000


# --- shape and content --------------------------------------------------------------------------
def test_sizes_and_ids(demo: Frames) -> None:
    interactions, items, users = demo
    assert 300 <= len(items) <= 400
    assert 900 <= len(users) <= 1100
    assert 10_000 <= len(interactions) <= 40_000
    assert items["item_id"].is_unique and users["user_id"].is_unique
    assert items["title"].is_unique
    assert users["user_id"].iloc[0] == "u0001"
    per_user = interactions.groupby("user_id").size()
    assert per_user.index.equals(pd.Index(sorted(users["user_id"]), name="user_id"))
    assert per_user.between(5, 60).all() and per_user.max() >= 50  # long-tailed
    assert per_user.median() < per_user.mean()


def test_every_interaction_points_into_catalog_and_people(demo: Frames) -> None:
    interactions, items, users = demo
    assert interactions["item_id"].isin(items["item_id"]).all()
    assert interactions["user_id"].isin(users["user_id"]).all()
    assert interactions["item_id"].nunique() >= 0.95 * len(items)  # the long tail is reachable


def test_catalog_features(demo: Frames) -> None:
    _, items, _ = demo
    per_category = items.groupby("category")
    assert 8 <= per_category.ngroups <= 12
    assert set(items["category"]) <= set(CATEGORY_ZH)
    assert per_category["brand"].nunique().between(3, 5).all()
    brand_categories = items.groupby("brand")["category"].nunique()
    assert (brand_categories == 2).sum() >= 2 and brand_categories.max() <= 2
    for tags in items["tags"]:
        assert isinstance(tags, tuple) and tags and set(tags) <= set(TAG_ZH)
    assert (items["price"] > 0).all()
    assert np.allclose(items["price"], items["price"].round(2))
    spread = per_category["price"].agg(lambda p: p.max() / p.min())
    assert (spread > 2).all()
    budget = items["tags"].map(lambda t: "budget" in t)
    premium = items["tags"].map(lambda t: "premium" in t)
    assert not (budget & premium).any()
    cheaper = items.assign(budget=budget, premium=premium).groupby("category").apply(
        lambda g: g.loc[g["budget"], "price"].max() < g.loc[g["premium"], "price"].min())
    assert cheaper.all()
    real_brands = {"nike", "adidas", "sony", "bose", "apple", "samsung", "starbucks", "lego",
                   "hasbro", "ikea", "lululemon", "patagonia", "the north face", "loreal"}
    assert not set(items["brand"].str.lower()) & real_brands


def test_bilingual_text(demo: Frames) -> None:
    _, items, users = demo
    zh = items["language"] == "zh"
    assert set(items["language"]) == {"en", "zh"}
    assert 0.3 <= zh.mean() <= 0.5
    assert items.loc[zh, "title"].str.contains(CJK).all()
    assert items.loc[zh, "description"].str.contains(CJK).all()
    assert not items.loc[~zh, "title"].str.contains(CJK).any()
    assert not items.loc[~zh, "description"].str.contains(CJK).any()
    assert items["category"].str.isascii().all()  # canonical keys, shared across languages
    assert set(users["language"]) == {"en", "zh"}
    assert 0.25 <= (users["language"] == "zh").mean() <= 0.45
    assert (DEMO_DIR / "items.csv").read_text(encoding="utf-8").count("越野跑鞋") > 0


def test_injection_items(demo: Frames) -> None:
    _, items, _ = demo
    texts = [text for pair in INJECTION_TEXTS for text in pair]
    carries = items["description"].map(lambda d: any(t in d for t in texts))
    assert sorted(items.loc[carries, "item_id"]) == sorted(INJECTION_ITEM_IDS)
    assert 2 <= len(INJECTION_ITEM_IDS) <= 3


# --- events -------------------------------------------------------------------------------------
def test_event_mix_and_time_window(demo: Frames) -> None:
    interactions, _, _ = demo
    counts = interactions["event"].value_counts()
    assert set(counts.index) == set(EVENTS)
    assert list(counts[EVENTS]) == sorted(counts[EVENTS], reverse=True)  # a funnel
    assert counts["view"] > 0.5 * len(interactions)
    ratings = interactions["rating"]
    assert ratings.notna().eq(interactions["event"] == "rating").all()
    assert ratings.dropna().isin([1.0, 2.0, 3.0, 4.0, 5.0]).all()
    assert ratings.dropna().nunique() == 5
    ts = interactions["timestamp"]
    assert ts.dtype == np.int64
    assert ts.max() <= END_TS and ts.min() >= END_TS - 181 * 86_400
    assert ts.max() - ts.min() > 150 * 86_400


def test_sessions_are_chronological_funnels(demo: Frames) -> None:
    interactions, _, _ = demo
    frame = interactions.reset_index()
    assert frame.groupby("user_id")["timestamp"].is_monotonic_increasing.all()
    first = frame.pivot_table(index=["user_id", "item_id"], columns="event", values="timestamp",
                              aggfunc="min")
    for later, earlier in [("click", "view"), ("add_to_cart", "click"),
                           ("purchase", "add_to_cart"), ("rating", "purchase")]:
        has = first[later].notna()
        assert (first.loc[has, earlier] <= first.loc[has, later]).all(), later
    rated = frame[frame["event"] == "rating"]
    assert not rated.duplicated(["user_id", "item_id"]).any()


# --- latent-taste signal ------------------------------------------------------------------------
def _category_concentration(users: pd.Series, categories: pd.Series) -> tuple[float, float]:
    """Mean top-2-category share and mean category entropy (nats) of users' interactions."""
    counts = pd.crosstab(users.to_numpy(), categories.to_numpy()).to_numpy(dtype=float)
    share = counts / counts.sum(axis=1, keepdims=True)
    top2 = np.sort(share, axis=1)[:, -2:].sum(axis=1)
    logs = np.log(share, out=np.zeros_like(share), where=share > 0)
    return float(top2.mean()), float(-(share * logs).sum(axis=1).mean())


def test_users_concentrate_on_few_categories(demo: Frames, item_category: pd.Series) -> None:
    users = demo[0]["user_id"]
    top2, entropy = _category_concentration(users, item_category)
    shuffled = pd.Series(np.random.default_rng(0).permutation(item_category.to_numpy()))
    base_top2, base_entropy = _category_concentration(users, shuffled)
    assert top2 >= 0.85 and base_top2 <= 0.55  # seed 7: 0.93 vs 0.44
    assert top2 - base_top2 >= 0.3
    assert entropy <= 0.5 * base_entropy  # seed 7: 0.59 vs 1.90 nats


def test_co_occurrence_neighbours_share_category(demo: Frames) -> None:
    interactions, items, _ = demo
    matrix = pd.crosstab(interactions["user_id"], interactions["item_id"]).clip(upper=1)
    x = matrix.to_numpy(dtype=float)
    counts = x.sum(axis=0)
    cosine = (x.T @ x) / np.sqrt(np.outer(counts, counts))
    np.fill_diagonal(cosine, -1.0)
    category = items.set_index("item_id").loc[matrix.columns, "category"].to_numpy()
    same = (category[cosine.argmax(axis=1)] == category).mean()
    chance = float((pd.Series(category).value_counts(normalize=True) ** 2).sum())
    assert same >= 0.8 and chance <= 0.15  # seed 7: 0.97 vs 0.10


def test_ratings_follow_taste(demo: Frames, item_category: pd.Series) -> None:
    interactions = demo[0]
    frame = interactions.assign(category=item_category)
    favourite = frame.groupby("user_id")["category"].agg(lambda c: c.value_counts().index[0])
    rated = frame[frame["event"] == "rating"]
    in_favourite = rated["category"].to_numpy() == rated["user_id"].map(favourite).to_numpy()
    gap = rated.loc[in_favourite, "rating"].mean() - rated.loc[~in_favourite, "rating"].mean()
    assert gap >= 0.3  # seed 7: 3.91 vs 3.12
