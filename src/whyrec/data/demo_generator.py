"""Deterministic generator of the bundled demo dataset: a small bilingual (en/zh) e-commerce store.

The shipped files in ``whyrec/data/demo/`` are exactly ``write_demo(DEMO_DIR, seed=7)``; regenerate
them with ``python scripts/generate_demo_data.py`` (or ``python -m whyrec.data.demo_generator DIR``)
and never edit them by hand.

How the data is made
--------------------
Items (360, ten categories) get a brand, tags from their category's vocabulary, a price drawn
log-uniformly from the category's range (cheapest quarter tagged ``budget``, dearest quarter
``premium``), a title and a one-sentence description in English (60%) or Chinese (40%). Category and
tag values are English canonical keys for every item. The items in :data:`INJECTION_ITEM_IDS` carry
a prompt-injection sentence in their description: untrusted catalog text for security tests.

Each of 1,000 users has latent tastes: one to three preferred categories, a few preferred tags, zero
to two preferred brands, a price sensitivity and a language. Items are chosen with probability
proportional to ``exp(taste match + popularity + language match)`` where popularity is Zipf-like,
so users with similar tastes share items. Histories (5-60 events, long-tailed) are sessions of
view -> click -> add_to_cart -> purchase funnels whose step probabilities, like the 1-5 ratings left
on some purchases, grow with the taste match. Timestamps span the 180 days ending 2026-10-31.

All randomness comes from one ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from whyrec.data.demo_vocab import (
    BOOK_ADJECTIVES,
    BOOK_NOUNS,
    CATEGORIES,
    CATEGORY_ZH,
    EXCLUSIVE_TAGS,
    INJECTION_TEXTS,
    RELATED_CATEGORIES,
    TAG_EN_ADJ,
    TAG_ZH,
    CategorySpec,
    Noun,
)

__all__ = [
    "CATEGORY_ZH", "DEFAULT_SEED", "DEMO_DIR", "INJECTION_ITEM_IDS", "INJECTION_TEXTS", "TAG_ZH",
    "generate_demo", "main", "write_demo",
]

DEFAULT_SEED = 7
DEMO_DIR = Path(__file__).resolve().with_name("demo")
END_TS = int(datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC).timestamp())
SPAN_S = 180 * 86_400
START_TS = END_TS - SPAN_S
N_USERS = 1000
ZH_ITEM_SHARE = 0.40
ZH_USER_SHARE = 0.35
EVENTS = ("view", "click", "add_to_cart", "purchase", "rating")

#: Items whose description embeds a prompt-injection sentence (same ids for every seed).
INJECTION_ITEM_IDS: tuple[str, ...] = ("i0042", "i0173", "i0318")

_SESSION_GAP_S = 3 * 3600  # sessions start at least this far apart; one lasts < 1.5 h
_TASTE_CATEGORY = (2.7, 2.2, 1.8)  # utility of a user's 1st, 2nd, 3rd preferred category
_TASTE_TAG, _TASTE_BRAND, _POPULARITY, _SAME_LANGUAGE = 0.8, 1.2, 0.7, 0.5
_ZIPF = 0.9
_RELATED_BOOST = 4.0  # extra pick weight of a category related to one already preferred


@dataclass
class _Catalog:
    """Generated items plus the numeric features the user simulation needs."""

    items: pd.DataFrame
    category: np.ndarray  # int category index per item
    brand: np.ndarray  # int index into ``brands``
    tag_matrix: np.ndarray  # items x tags, 0/1
    price_z: np.ndarray  # standardised log price within the category
    zh: np.ndarray  # bool
    log_pop: np.ndarray  # Zipf log-popularity, 0 for the most popular item
    brands: list[str]
    tags: list[str]


def _title_case(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


def _describe_en(spec: CategorySpec, noun: Noun, adjs: list[str], brand: str, phrase: str) -> str:
    words = [TAG_EN_ADJ.get(tag, tag) for tag in adjs]
    head = " ".join([", ".join(words), noun.en]) if words else noun.en
    if noun.countable:
        vowel = head[0] in "aeiou" and not head.startswith("usb")
        head = ("an " if vowel else "a ") + head
    head = head[0].upper() + head[1:]
    return f"{head} from {brand} {phrase}."


def _describe_zh(spec: CategorySpec, noun: Noun, adjs: list[str], brand: str, phrase: str) -> str:
    made = "出版的" if spec.key == "books" else "出品的"
    return f"{brand}{made}{'、'.join(TAG_ZH[tag] for tag in adjs)}{noun.zh}，{phrase}。"


def _category_items(rng: np.random.Generator, spec: CategorySpec) -> list[dict[str, object]]:
    """Invent the items of one category (titles unique within it)."""
    n = spec.n_items
    lo, hi = spec.price
    prices = np.maximum(np.round(np.exp(rng.uniform(np.log(lo), np.log(hi), n))), 2.0) - 0.01
    q25, q75 = np.quantile(prices, [0.25, 0.75])
    brand_p = rng.dirichlet(np.full(len(spec.brands), 3.0))
    zh_flags = rng.permutation(n) < round(ZH_ITEM_SHARE * n)
    used: list[tuple[str, ...]] = []
    rows: list[dict[str, object]] = []
    for j in range(n):
        noun = spec.nouns[int(rng.integers(len(spec.nouns)))]
        options = noun.tags or spec.tags
        size = min(int(rng.integers(1, 3)), len(options))
        extra: list[str] = []
        for pick in rng.choice(len(options), size=size, replace=False):
            tag = options[int(pick)]
            clash = any(tag in group and set(group) & set(extra) for group in EXCLUSIVE_TAGS)
            if tag != noun.tag and not clash:
                extra.append(tag)
        price = float(prices[j])
        tier = "budget" if price <= q25 else "premium" if price >= q75 else ""
        tags = tuple(([noun.tag] if noun.tag else []) + extra + ([tier] if tier else []))
        adjs = extra + ([tier] if tier and spec.key != "books" else [])
        brand = spec.brands[int(rng.choice(len(spec.brands), p=brand_p))]
        phrase_en, phrase_zh = spec.phrases[int(rng.integers(len(spec.phrases)))]
        zh = bool(zh_flags[j])
        while True:  # draw a name not used yet in this category
            if spec.key == "books":
                adj_en, adj_zh = BOOK_ADJECTIVES[int(rng.integers(len(BOOK_ADJECTIVES)))]
                head_en, head_zh = BOOK_NOUNS[int(rng.integers(len(BOOK_NOUNS)))]
                key: tuple[str, ...] = (adj_en, head_en)
                title = f"《{adj_zh}{head_zh}》" if zh else f"The {adj_en} {head_en}"
            else:
                model = f"{spec.models[int(rng.integers(len(spec.models)))]} "
                model += f"{int(rng.integers(1, 6))}{' Pro' if tier == 'premium' else ''}"
                key = (brand, model, noun.en)
                lead = TAG_ZH[adjs[0]] if adjs else ""
                title = (f"{lead}{noun.zh} {brand} {model}" if zh
                         else f"{brand} {model} {_title_case(noun.en)}")
            if key not in used:
                used.append(key)
                break
        describe = _describe_zh if zh else _describe_en
        rows.append({
            "title": title,
            "category": spec.key,
            "tags": tags,
            "brand": brand,
            "price": price,
            "description": describe(spec, noun, adjs, brand, phrase_zh if zh else phrase_en),
            "language": "zh" if zh else "en",
        })
    return rows


def _make_catalog(rng: np.random.Generator) -> _Catalog:
    rows: list[dict[str, object]] = []
    for spec in CATEGORIES:
        rows.extend(_category_items(rng, spec))
    order = rng.permutation(len(rows))
    items = pd.DataFrame([rows[int(k)] for k in order])
    items.insert(0, "item_id", [f"i{k + 1:04d}" for k in range(len(items))])
    for number, item_id in enumerate(INJECTION_ITEM_IDS):
        row = int(item_id[1:]) - 1
        en, zh = INJECTION_TEXTS[number % len(INJECTION_TEXTS)]
        text = str(items.at[row, "description"])
        items.at[row, "description"] = f"{text}{zh}" if items.at[row, "language"] == "zh" \
            else f"{text} {en}"

    category_keys = [spec.key for spec in CATEGORIES]
    brands = list(dict.fromkeys(b for spec in CATEGORIES for b in spec.brands))
    tags = list(TAG_ZH)
    category = items["category"].map(category_keys.index).to_numpy(dtype=np.int64)
    tag_matrix = np.zeros((len(items), len(tags)))
    for row, item_tags in enumerate(items["tags"]):
        tag_matrix[row, [tags.index(t) for t in item_tags]] = 1.0
    log_price = np.log(items["price"].to_numpy(dtype=float))
    price_z = np.zeros(len(items))
    for c in range(len(CATEGORIES)):
        mask = category == c
        price_z[mask] = (log_price[mask] - log_price[mask].mean()) / log_price[mask].std()
    return _Catalog(
        items=items[["item_id", "title", "category", "tags", "brand", "price", "description",
                     "language"]],
        category=category,
        brand=items["brand"].map(brands.index).to_numpy(dtype=np.int64),
        tag_matrix=tag_matrix,
        price_z=price_z,
        zh=(items["language"] == "zh").to_numpy(),
        log_pop=-_ZIPF * np.log1p(rng.permutation(len(items)).astype(float)),
        brands=brands,
        tags=tags,
    )


def _related_matrix() -> np.ndarray:
    keys = [spec.key for spec in CATEGORIES]
    related = np.zeros((len(keys), len(keys)), dtype=bool)
    for a, b in RELATED_CATEGORIES:
        related[keys.index(a), keys.index(b)] = related[keys.index(b), keys.index(a)] = True
    return related


def _user_taste(rng: np.random.Generator, cat: _Catalog, related: np.ndarray) -> np.ndarray:
    """Draw one user's latent tastes and return the taste-match utility of every item."""
    weights = np.array([spec.weight for spec in CATEGORIES])
    n_cat = int(rng.choice([1, 2, 3], p=[0.35, 0.45, 0.20]))
    cats: list[int] = []
    for _ in range(n_cat):
        boosted = weights * (1.0 + _RELATED_BOOST * related[cats].any(axis=0)) if cats \
            else weights.copy()
        boosted[cats] = 0.0
        cats.append(int(rng.choice(len(CATEGORIES), p=boosted / boosted.sum())))
    category_util = np.zeros(len(CATEGORIES))
    category_util[cats] = _TASTE_CATEGORY[:n_cat]
    in_cats = np.isin(cat.category, cats)
    tag_pool = np.flatnonzero(cat.tag_matrix[in_cats].any(axis=0))
    tag_pool = tag_pool[[cat.tags[t] not in ("budget", "premium") for t in tag_pool]]
    liked_tags = rng.choice(tag_pool, size=min(int(rng.integers(2, 5)), len(tag_pool)),
                            replace=False)
    brand_pool = np.unique(cat.brand[in_cats])
    n_brand = int(rng.choice([0, 1, 2], p=[0.25, 0.55, 0.20]))
    liked_brands = rng.choice(brand_pool, size=min(n_brand, len(brand_pool)), replace=False)
    price_sensitivity = rng.normal(0.2, 0.7)
    return np.asarray(
        category_util[cat.category]
        + _TASTE_TAG * cat.tag_matrix[:, liked_tags].sum(axis=1)
        + _TASTE_BRAND * np.isin(cat.brand, liked_brands)
        - price_sensitivity * cat.price_z
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def _user_events(
    rng: np.random.Generator, cat: _Catalog, taste: np.ndarray, zh_user: bool
) -> list[tuple[int, int, int, int, float]]:
    """Simulate one user's history as (timestamp, sequence, item row, event code, rating)."""
    n_items = len(cat.items)
    utility = taste + _POPULARITY * cat.log_pop + _SAME_LANGUAGE * (cat.zh == zh_user)
    probs = np.exp(utility - utility.max())
    probs /= probs.sum()
    z = (taste - taste.mean()) / taste.std()
    p_click, p_cart = _sigmoid(-1.6 + 0.6 * z), _sigmoid(-1.8 + 0.5 * z)
    p_buy = _sigmoid(-0.3 + 0.4 * z)
    length = int(np.clip(5 + np.round(rng.lognormal(np.log(11.0), 0.8)), 5, 60))

    # a session is a list of (offset s, extra delay s, item, event code, rating)
    sessions: list[list[tuple[int, int, int, int, float]]] = []
    seen: list[int] = []
    rated: list[int] = []
    n_events = 0
    while n_events < length:
        if seen and rng.random() < 0.2:  # come back to something seen before
            anchor = seen[int(rng.integers(len(seen)))]
        else:
            anchor = int(rng.choice(n_items, p=probs))
        n_more = int(rng.choice([0, 1, 2, 3], p=[0.35, 0.30, 0.20, 0.15]))
        browse = probs * np.where(cat.category == cat.category[anchor], 6.0, 1.0)
        browse[anchor] = 0.0
        more = rng.choice(n_items, size=n_more, replace=False, p=browse / browse.sum())
        session: list[tuple[int, int, int, int, float]] = []
        t = 0
        for item in [anchor, *(int(m) for m in more)]:
            t += int(rng.integers(15, 240))
            session.append((t, 0, item, 0, np.nan))
            seen.append(item)
            if rng.random() >= p_click[item]:
                continue
            t += int(rng.integers(5, 90))
            session.append((t, 0, item, 1, np.nan))
            if rng.random() >= p_cart[item]:
                continue
            t += int(rng.integers(10, 300))
            session.append((t, 0, item, 2, np.nan))
            if rng.random() >= p_buy[item]:
                continue
            t += int(rng.integers(30, 600))
            session.append((t, 0, item, 3, np.nan))
            if item not in rated and rng.random() < 0.5:
                rated.append(item)
                stars = np.clip(np.round(3.9 + 0.9 * (z[item] - 2.8) + rng.normal(0.0, 0.9)), 1, 5)
                delay = int(rng.integers(86_400, 10 * 86_400))  # rated days after buying
                session.append((t, delay, item, 4, float(stars)))
        sessions.append(session)
        n_events += len(session)

    first = START_TS + int(rng.uniform(0.0, 0.8) * SPAN_S)
    room = END_TS - _SESSION_GAP_S - first - len(sessions) * _SESSION_GAP_S
    starts = first + np.sort(rng.integers(0, room, len(sessions))) \
        + np.arange(len(sessions)) * _SESSION_GAP_S
    out: list[tuple[int, int, int, int, float]] = []
    for start, session in zip(starts.tolist(), sessions, strict=True):
        for offset, delay, item, event, rating in session:
            if len(out) < length:
                ts = start + offset
                ts += min(delay, (END_TS - ts) // 2)  # a late rating still lands before the end
                out.append((ts, len(out), item, event, rating))
    return sorted(out)


def generate_demo(seed: int = DEFAULT_SEED) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Generate the demo store.

    Parameters
    ----------
    seed : int
        Seed of the single ``numpy.random.default_rng`` behind every draw.

    Returns
    -------
    interactions : pandas.DataFrame
        ``user_id``, ``item_id``, ``event`` (view, click, add_to_cart, purchase, rating),
        ``rating`` (float 1-5, NaN except on rating events), ``timestamp`` (int epoch seconds);
        sorted by user, then time.
    items : pandas.DataFrame
        ``item_id``, ``title``, ``category``, ``tags`` (tuple of str), ``brand``, ``price``,
        ``description``, ``language`` ("en" or "zh").
    users : pandas.DataFrame
        ``user_id`` and ``language`` ("en" or "zh").
    """
    rng = np.random.default_rng(seed)
    cat = _make_catalog(rng)
    item_ids = cat.items["item_id"].to_numpy()
    related = _related_matrix()
    user_ids = [f"u{u + 1:04d}" for u in range(N_USERS)]
    languages: list[str] = []
    columns: dict[str, list[object]] = {k: [] for k in
                                        ("user_id", "item_id", "event", "rating", "timestamp")}
    for user_id in user_ids:
        zh_user = bool(rng.random() < ZH_USER_SHARE)
        languages.append("zh" if zh_user else "en")
        taste = _user_taste(rng, cat, related)
        for ts, _, item, event, rating in _user_events(rng, cat, taste, zh_user):
            columns["user_id"].append(user_id)
            columns["item_id"].append(item_ids[item])
            columns["event"].append(EVENTS[event])
            columns["rating"].append(rating)
            columns["timestamp"].append(ts)
    interactions = pd.DataFrame(columns).astype({"rating": float, "timestamp": np.int64})
    users = pd.DataFrame({"user_id": user_ids, "language": languages})
    return interactions, cat.items, users


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_demo(out_dir: Path, seed: int = DEFAULT_SEED) -> None:
    """Write a whyrec dataset directory with the generated demo store.

    Parameters
    ----------
    out_dir : pathlib.Path
        Directory to (create and) fill with ``interactions.csv``, ``items.csv``, ``users.csv``
        and ``dataset.json``, all UTF-8; tags are joined with "|", empty cells mean "absent".
    seed : int
        Generator seed, recorded in ``dataset.json``.
    """
    interactions, items, users = generate_demo(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(interactions.assign(rating=interactions["rating"].astype("Int64")),
               out_dir / "interactions.csv")
    _write_csv(items.assign(tags=items["tags"].map("|".join),
                            price=items["price"].map("{:.2f}".format)), out_dir / "items.csv")
    _write_csv(users, out_dir / "users.csv")
    meta = {"name": "whyrec-demo", "domain": "ecommerce", "rating_scale": 5, "seed": seed,
            "generator": "whyrec.data.demo_generator",
            # catalog keys are English; explanations in Chinese word them with this table
            "translations": {"zh": {**CATEGORY_ZH, **TAG_ZH}}}
    (out_dir / "dataset.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m whyrec.data.demo_generator OUT_DIR [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m whyrec.data.demo_generator",
        description="Write the whyrec demo dataset (a bilingual e-commerce store) to OUT_DIR.",
    )
    parser.add_argument("out_dir", type=Path, help="directory to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    args = parser.parse_args(argv)
    write_demo(args.out_dir, seed=args.seed)
    print(f"wrote demo dataset (seed {args.seed}) to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
