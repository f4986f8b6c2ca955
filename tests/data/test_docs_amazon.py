"""docs/data.md's worked Amazon reviews conversion, run exactly as written there.

The section's three Python blocks (the converter, its use on the 2023 layout, its use on the
2018 layout) are taken from the page verbatim and run in a folder holding files in that layout:
small made-up samples in ``fixtures/`` with every field of the real records, and, where
../shared/data has it, the first 2,000 reviews of the real 2018 Gift Cards 5-core file.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import shutil
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from whyrec.data.dataset import Dataset
from whyrec.models.registry import create

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADING = "## A worked conversion: Amazon reviews"


def doc_blocks() -> list[str]:
    """The Python blocks of the section, in page order: converter, 2023 use, 2018 use."""
    page = DOCS.read_text(encoding="utf-8")
    assert HEADING in page, f"docs/data.md lost its section {HEADING!r}"
    section = page.split(HEADING, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 3, f"expected 3 python blocks in the section, found {len(blocks)}"
    assert "def amazon_to_whyrec" in blocks[0]
    assert '"Musical_Instruments.jsonl"' in blocks[1] and '"Gift_Cards_5.json.gz"' in blocks[2]
    return blocks


def run_doc(blocks: list[str], folder: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the blocks in ``folder`` as a reader would, one after another in one namespace."""
    monkeypatch.chdir(folder)
    namespace: dict[str, Any] = {"__name__": "docs_data_amazon"}
    for block in blocks:
        exec(compile(block, str(DOCS), "exec"), namespace)
    return namespace


def gzip_copy(source: Path, target: Path, lines: int | None = None) -> None:
    opener: Callable[..., Any] = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8") as read, gzip.open(target, "wt",
                                                                   encoding="utf-8") as write:
        write.writelines(islice(read, lines))


def pair_values(data: Dataset, column: str) -> dict[tuple[str, str], float]:
    frame = data.interactions
    return {(u, i): float(v) for u, i, v in zip(frame["user_id"], frame["item_id"], frame[column],
                                                 strict=True)}


def item(data: Dataset, item_id: str) -> dict[str, Any]:
    return data.items.set_index("item_id").loc[item_id].to_dict()


def test_amazon_2023_layout_converts_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(FIXTURES / "amazon2023_Musical_Instruments.jsonl",
                tmp_path / "Musical_Instruments.jsonl")
    shutil.copy(FIXTURES / "amazon2023_meta_Musical_Instruments.jsonl",
                tmp_path / "meta_Musical_Instruments.jsonl")
    blocks = doc_blocks()
    data: Dataset = run_doc([blocks[0], blocks[1]], tmp_path, monkeypatch)["data"]
    assert "'n_users': 3" in capsys.readouterr().out  # the block's own print ran
    assert {p.name for p in (tmp_path / "instruments").iterdir()} == {
        "interactions.parquet", "items.parquet", "dataset.json"}

    assert (data.name, data.domain, data.rating_scale, data.dislike_threshold) == (
        "instruments", "ecommerce", 5.0, 2.0)
    one, two, three = "AEXAMPLEUSERONE", "AEXAMPLEUSERTWO", "AEXAMPLEUSERTHREE"
    strings, stand, tuner, cable = "B0EXSTR001", "B0EXSTD001", "0739048287", "B0EXCBL001"
    # the product (parent_asin), not the variant; the later of one person's two reviews of the
    # strings; the review of a product missing from the metadata dropped and counted
    assert pair_values(data, "rating") == {
        (one, strings): 3.0, (one, stand): 4.0, (one, tuner): 2.0,
        (two, strings): 5.0, (two, cable): 1.0, (three, stand): 5.0, (three, tuner): 4.0}
    assert data.report.unknown_item_rows == 1
    assert set(data.interactions["event"]) == {"rating"}
    assert pair_values(data, "weight") == pair_values(data, "rating")  # a rating weighs itself
    assert pair_values(data, "timestamp")[(one, strings)] == 1_610_000_000.0  # ms -> seconds
    assert pair_values(data, "timestamp")[(two, cable)] == 1_592_345_678.0
    # two stars or fewer: a dislike, weighing nothing in the recommenders
    assert data.disliked_items(one) == {tuner} and data.disliked_items(two) == {cable}
    weights = data.user_items
    assert weights[data.user_row(one), data.item_row(tuner)] == 0.0
    assert weights[data.user_row(one), data.item_row(stand)] == 4.0
    assert data.review(one, strings) == "The second set sounded duller than the first."
    assert data.review(three, stand) is None  # an empty review text is no review

    assert item(data, strings) == {
        "title": "Examplo Nickel Electric Guitar Strings, Regular Light 10-46",
        "title_raw": "Examplo Nickel Electric Guitar Strings, Regular Light 10-46",
        "category": "Electric Guitar Strings",
        "tags": ("Instrument Accessories", "Guitar & Bass Accessories", "Strings"),
        "brand": "Examplo", "price": 6.99,
        "description": "Classic bright tone for electric guitar. Nickel-plated steel "
                       "Regular light gauge 10-46",
        "language": "en", "image_url": "https://m.media-amazon.com/images/I/strings1.jpg"}
    standing = item(data, stand)
    assert standing["title"] == "Standmore Bass Guitar Stand & Holder"  # entity decoded
    assert math.isnan(standing["price"])  # the word "None"
    assert standing["category"] == "Stands"
    tuning = item(data, tuner)  # an all-digit id keeps its leading zero
    assert (tuning["category"], tuning["tags"], tuning["brand"], tuning["image_url"]) == (
        "Musical Instruments", (), "Tunelab", "")  # no categories: main_category
    assert math.isnan(tuning["price"])  # null
    assert (item(data, cable)["price"], item(data, cable)["brand"]) == (12.49, "")


def test_amazon_2018_layout_converts_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gzip_copy(FIXTURES / "amazon2018_Gift_Cards_5.json", tmp_path / "Gift_Cards_5.json.gz")
    gzip_copy(FIXTURES / "amazon2018_meta_Gift_Cards.json", tmp_path / "meta_Gift_Cards.json.gz")
    blocks = doc_blocks()
    data: Dataset = run_doc([blocks[0], blocks[2]], tmp_path, monkeypatch)["data"]

    one, two = "A0EXAMPLEONE", "A0EXAMPLETWO"
    assert pair_values(data, "rating") == {
        (one, "B00EXGC001"): 5.0, (one, "B00EXGC002"): 2.0,
        (two, "B00EXGC001"): 4.0, (two, "B00EXGC003"): 5.0}
    assert pair_values(data, "timestamp")[(one, "B00EXGC002")] == 1_497_052_800.0  # seconds
    assert set(data.interactions["event"]) == {"rating"}
    assert data.disliked_items(one) == {"B00EXGC002"}
    assert data.review(two, "B00EXGC003") == "Perfect for birthdays."
    card = item(data, "B00EXGC001")
    assert (card["category"], card["tags"], card["brand"], card["price"], card["image_url"]) == (
        "Gift Cards", (), "Example.com", 50.0,
        "https://images-na.ssl-images-amazon.com/images/I/exgc1.jpg")
    ecard = item(data, "B00EXGC002")
    assert (ecard["category"], ecard["tags"], ecard["description"]) == (
        "Email Gift Cards", ("Gift Cards",), "Delivered by email")
    assert math.isnan(ecard["price"]) and math.isnan(item(data, "B00EXGC003")["price"])
    written = " ".join(pd.read_parquet(tmp_path / "gift_cards" / "interactions.parquet")
                       .astype(str).to_numpy().ravel())
    assert "Examplename" not in written and "Samplesurname" not in written


@pytest.mark.realdata
def test_real_amazon_2018_reviews_convert_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Callable[[str], Path]
) -> None:
    # real people's names and review text: only counts may appear in a failure message
    source = shared_data("amazon-gift-cards")
    gzip_copy(source / "Gift_Cards_5.json.gz", tmp_path / "Gift_Cards_5.json.gz", lines=2000)
    shutil.copy(source / "meta_Gift_Cards.json.gz", tmp_path / "meta_Gift_Cards.json.gz")
    data: Dataset = run_doc([doc_blocks()[0], doc_blocks()[2]], tmp_path, monkeypatch)["data"]

    with gzip.open(tmp_path / "Gift_Cards_5.json.gz", "rt", encoding="utf-8") as lines:
        raw = [json.loads(line) for line in lines]
    with gzip.open(tmp_path / "meta_Gift_Cards.json.gz", "rt", encoding="utf-8") as lines:
        products = {json.loads(line)["asin"] for line in lines}
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for review in sorted(raw, key=lambda r: r["unixReviewTime"]):
        if review["asin"] in products:
            latest[(review["reviewerID"], review["asin"])] = review
    assert len(raw) == 2000 and data.n_items == len(products)
    ratings, stamps = pair_values(data, "rating"), pair_values(data, "timestamp")
    assert set(ratings) == set(latest)
    wrong = sum(ratings[pair] != review["overall"]
                or stamps[pair] != float(review["unixReviewTime"])
                for pair, review in latest.items())
    assert wrong == 0
    assert set(data.interactions["event"]) == {"rating"} and data.rating_scale == 5.0
    assert data.items["price"].notna().sum() > 100 and (data.items["image_url"] != "").sum() > 100
    assert (data.items["category"] != "").sum() > 100
    names = {review["reviewerName"] for review in raw if review.get("reviewerName")}
    kept = (set(data.interactions["user_id"]) | set(data.items["title"])
            | {data.review(u, i) or "" for u, i in latest})
    leaked = len(names & kept)
    assert leaked == 0
    user = data.interactions["user_id"].iloc[0]
    assert create("itemknn").fit(data).recommend_ids(user, 5)
