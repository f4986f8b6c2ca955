from __future__ import annotations

import doctest
import importlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from whyrec.data import demo_path, load_dataset
from whyrec.errors import ConfigError, DataError, ValidationError

Writer = Callable[[pd.DataFrame, Path], Path]
ShopDir = Callable[[str], Path]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "csv.gz", "jsonl.gz"])
def test_whyrec_folder_in_every_format(shop_dir: ShopDir, fmt: str) -> None:
    data = load_dataset(shop_dir(fmt))
    assert (data.domain, data.n_users, data.n_items, len(data.interactions)) == (
        "ecommerce", 3, 4, 6)
    items = data.items.set_index("item_id")
    assert items.loc["i1", "title"] == "绿茶 Green Tea"  # Chinese survives every format
    assert items.loc["i1", "tags"] == ("绿茶", "有机")
    assert items.loc["i1", "category"] == "茶"
    assert items.loc["i3", "tags"] == ()
    assert np.isnan(items.loc["i3", "price"])
    assert data.interactions["timestamp"].iloc[0] == 1_600_000_000.0
    assert data.report.users_without_history == ["u9"]
    assert data.user_language("u1") == "zh"
    weights = data.user_items.toarray()
    assert weights[data.user_row("u1"), data.item_row("i2")] == 5.0


def test_lists_in_jsonl_and_parquet(tmp_path: Path, write: Writer, shop: dict[str, pd.DataFrame]
                                    ) -> None:
    items = shop["items"].assign(tags=[["绿茶", "有机"], ["gift"], [], ["steel"]])
    for fmt in ("jsonl", "parquet"):
        folder = tmp_path / fmt
        folder.mkdir()
        write(shop["interactions"], folder / f"interactions.{fmt}")
        write(items, folder / f"items.{fmt}")
        data = load_dataset(folder)
        assert data.items["tags"].tolist() == [("绿茶", "有机"), ("gift",), (), ("steel",)]


def test_column_map_and_dataset_json(tmp_path: Path, write: Writer,
                                     shop: dict[str, pd.DataFrame]) -> None:
    folder = tmp_path / "renamed"
    folder.mkdir()
    write(shop["interactions"].rename(columns={"user_id": "buyer", "event": "what"}),
          folder / "interactions.csv")
    write(shop["items"].rename(columns={"item_id": "Product ID", "title": "label"}),
          folder / "items.csv")
    meta = {"name": "tea shop", "domain": "ecommerce", "rating_scale": 5,
            "column_map": {"user_id": "buyer", "items": {"title": "label"}},
            "event_weights": {"purchase": 10}, "seed": 7,
            "translations": {"zh": {"teaware": "茶具"}}}
    (folder / "dataset.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"interactions\.csv: column_map maps 'event' to "
                                              r"'whatever', but there is no such column"):
        load_dataset(folder, column_map={"event": "whatever"})

    data = load_dataset(folder, column_map={"interactions": {"event": "what"}},
                        event_weights={"view": 0.5})
    assert (data.name, data.rating_scale) == ("tea shop", 5.0)
    assert data.translations == {"zh": {"teaware": "茶具"}}
    assert data.items["title"].tolist()[0] == "绿茶 Green Tea"
    weight = dict(zip(data.interactions["event"], data.interactions["weight"], strict=True))
    assert weight["purchase"] == 10.0 and weight["view"] == 0.5 and weight["click"] == 2.0


def test_all_file_problems_at_once(tmp_path: Path, write: Writer,
                                   shop: dict[str, pd.DataFrame]) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    write(shop["interactions"].drop(columns="user_id"), folder / "interactions.parquet")
    (folder / "items.jsonl").write_text("", encoding="utf-8")
    write(shop["users"], folder / "users.csv")
    (folder / "dataset.json").write_text('{"domain": "shops"}', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_dataset(folder)
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].endswith("dataset.json: 'domain' must be one of ecommerce, movies, news, "
                                "got 'shops'")
    assert problems[1].endswith("items.jsonl is empty (0 bytes)")
    assert problems[2].startswith("interactions.parquet: missing required column 'user_id'")


def test_unknown_items_and_duplicates_are_reported(tmp_path: Path, write: Writer,
                                                  shop: dict[str, pd.DataFrame]) -> None:
    folder = tmp_path / "messy"
    folder.mkdir()
    extra = pd.DataFrame({"user_id": ["u1", "u2"], "item_id": ["gone", "i1"],
                          "event": ["view", "click"], "rating": [None, None],
                          "timestamp": [1_600_000_001, 1_600_000_002]})
    write(pd.concat([shop["interactions"], extra]), folder / "interactions.csv")
    write(shop["items"], folder / "items.csv")
    report = load_dataset(folder).report.to_dict()
    assert report["unknown_item_rows"] == 1 and report["unknown_item_examples"] == ["gone"]
    assert report["duplicate_rows"] == 1  # the second u2/i1 click repeats an existing row
    assert report["n_interactions_read"] == 8


def test_path_errors(tmp_path: Path, shop_dir: ShopDir) -> None:
    with pytest.raises(DataError, match=r"dataset not found: .*missing does not exist"):
        load_dataset(tmp_path / "missing")
    folder = shop_dir("csv")
    with pytest.raises(DataError, match=r"items\.csv is a file; pass a dataset folder"):
        load_dataset(folder / "items.csv")
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    with pytest.raises(DataError, match=r"expected interactions.csv\|.parquet\|.jsonl and "
                                        r"items.csv.*ratings.csv and movies.csv.*found .*notes"):
        load_dataset(tmp_path)
    shutil.copy(folder / "items.csv", folder / "items.jsonl")
    with pytest.raises(DataError, match=r"has both items\.csv and items\.jsonl; keep one"):
        load_dataset(folder)


def test_bad_column_map_in_dataset_json(shop_dir: ShopDir) -> None:
    folder = shop_dir("csv")
    (folder / "dataset.json").write_text('{"column_map": {"userid": "x"}}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"dataset\.json: column_map has unknown column "
                                              r"'userid'"):
        load_dataset(folder)
    (folder / "dataset.json").write_text('{"translations": {"zh": ["茶"]}}', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"'translations' must be an object like"):
        load_dataset(folder)
    (folder / "dataset.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"dataset\.json is not valid JSON"):
        load_dataset(folder)
    # a RecursionError once came out as a traceback
    (folder / "dataset.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000,
                                         encoding="utf-8")
    with pytest.raises(ValidationError, match=r"dataset\.json is nested too deeply"):
        load_dataset(folder)


def test_option_errors(shop_dir: ShopDir) -> None:
    folder = shop_dir("csv")
    with pytest.raises(ConfigError, match="unknown domain 'shop'"):
        load_dataset(folder, domain="shop")
    with pytest.raises(ConfigError, match="column_map has unknown column 'usr'"):
        load_dataset(folder, column_map={"usr": "user"})


def test_bundled_demo() -> None:
    folder = demo_path()
    if not (folder / "interactions.csv").is_file():
        pytest.skip("the demo data has not been generated yet")
    data = load_dataset("demo")
    assert data.n_users > 0 and data.n_items > 0
    assert data.report.unknown_item_rows == 0
    assert data.user_items.nnz > 0
    assert data.translations.get("zh")  # catalog words for Chinese explanations


@pytest.mark.realdata
def test_amazon_reviews_through_a_column_map(
    instruments_dir: Path, instruments_column_map: dict[str, dict[str, str]]
) -> None:
    # The reviews file holds real names and review text: never print it.
    folder = instruments_dir
    data = load_dataset(folder, column_map=instruments_column_map)
    assert (data.n_users, data.n_items, len(data.interactions)) == (1429, 900, 10261)
    assert data.rating_scale == 5.0 and set(data.interactions["event"]) == {"rating"}
    assert data.items["price"].notna().all() and (data.items["description"] == "").all()
    names = set(pd.read_csv(folder / "interactions.csv", usecols=["reviewerName"],
                            dtype=str)["reviewerName"].dropna())
    kept = set(data.interactions["user_id"]) | set(data.items["title"])
    leaked = len(names & kept)
    assert leaked == 0  # only the count appears in a failure message, never a name


@pytest.mark.parametrize(
    "module",
    ["readers", "columns", "convert", "validate", "frames", "movielens", "load", "dataset"],
)
def test_docstring_examples_run(module: str) -> None:
    found = doctest.testmod(importlib.import_module(f"whyrec.data.{module}"))
    assert found.failed == 0
