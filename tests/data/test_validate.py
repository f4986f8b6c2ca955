from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from whyrec.data import dataset_from_frames
from whyrec.data.columns import resolve_columns, split_column_map
from whyrec.data.dataset import INTERACTION_COLUMNS, ITEM_COLUMNS, ValidationReport
from whyrec.data.validate import (
    check_references,
    normalize_interactions,
    normalize_items,
    normalize_users,
)
from whyrec.errors import ConfigError, ValidationError


def interactions(**columns: list[object]) -> pd.DataFrame:
    base: dict[str, list[object]] = {"user_id": ["u1", "u1", "u2"], "item_id": ["a", "b", "a"]}
    return pd.DataFrame({**base, **columns})


# --- column resolution ------------------------------------------------------------------------
def test_aliases_and_spellings_resolve() -> None:
    found, problems = resolve_columns(
        ["User ID", "movieId", "Stars", "ts"], INTERACTION_COLUMNS, None, "f.csv"
    )
    assert found == {"user_id": "User ID", "item_id": "movieId", "rating": "Stars",
                     "timestamp": "ts"}
    assert problems == []


def test_own_name_beats_alias_and_map_beats_both() -> None:
    found, _ = resolve_columns(["item", "item_id", "sku"], ["item_id"], None, "f")
    assert found == {"item_id": "item_id"}
    found, _ = resolve_columns(["item", "item_id", "sku"], ["item_id"], {"item_id": "sku"}, "f")
    assert found == {"item_id": "sku"}


def test_a_column_is_used_once() -> None:
    found, _ = resolve_columns(["Description"], ["title", "description"],
                               {"title": "Description"}, "f")
    assert found == {"title": "Description"}


def test_mapped_column_that_does_not_exist() -> None:
    _, problems = resolve_columns(["uid", "iid"], ["user_id"], {"user_id": "customer"}, "f.csv")
    assert problems == ["f.csv: column_map maps 'user_id' to 'customer', but there is no such "
                        "column (columns are: uid, iid)"]
    # a map meant for another file is fine when the column is there under its own name
    found, problems = resolve_columns(["user_id"], ["user_id"], {"user_id": "customer"}, "f")
    assert found == {"user_id": "user_id"} and problems == []


def test_split_column_map_flat_nested_and_unknown() -> None:
    maps, problems = split_column_map({"user_id": "u", "items": {"title": "name"}})
    assert maps == {"interactions": {"user_id": "u"}, "items": {"user_id": "u", "title": "name"},
                    "users": {"user_id": "u"}}
    _, problems = split_column_map({"usr_id": "u"})
    assert problems[0].startswith("column_map has unknown column 'usr_id'")


# --- interactions -----------------------------------------------------------------------------
def test_defaults_and_event_weights() -> None:
    raw = interactions(event=["View", "Add to cart", "wishlist"])
    frame, problems = normalize_interactions(raw)
    assert problems == []
    assert list(frame.columns) == list(INTERACTION_COLUMNS)
    assert frame["event"].tolist() == ["view", "add_to_cart", "wishlist"]
    assert frame["weight"].tolist() == [1.0, 3.0, 1.0]  # unknown events weigh 1
    assert frame["rating"].isna().all() and frame["timestamp"].isna().all()


def test_no_event_column_means_interaction_or_rating() -> None:
    frame, _ = normalize_interactions(interactions(rating=[4.5, None, "2"]))
    assert frame["event"].tolist() == ["rating", "interaction", "rating"]
    assert frame["weight"].tolist() == [4.5, 1.0, 2.0]
    frame, _ = normalize_interactions(interactions())
    assert set(frame["event"]) == {"interaction"} and set(frame["weight"]) == {1.0}


def test_custom_event_weights_and_explicit_weight_column() -> None:
    raw = interactions(event=["purchase", "view", "view"], weight=[None, 0.5, ""])
    frame, problems = normalize_interactions(raw, event_weights={"Purchase": 8, "view": 2})
    assert problems == []
    assert frame["weight"].tolist() == [8.0, 0.5, 2.0]


def test_bad_event_weights() -> None:
    _, problems = normalize_interactions(interactions(), event_weights={"view": -1, "buy": "x"})
    assert problems == ["event_weights['view'] must be a number > 0, got -1",
                        "event_weights['buy'] must be a number > 0, got 'x'"]


def test_ids_are_text() -> None:
    raw = pd.DataFrame({"userId": [1, 2, 3], "movieId": [10.0, None, 30.0]})
    frame, _ = normalize_interactions(raw)
    assert frame["user_id"].tolist() == ["1", "3"]
    assert frame["item_id"].tolist() == ["10", "30"]  # not "10.0"


@pytest.mark.parametrize(
    "values",
    [
        [86400, "86400", 86400.0],
        ["1970-01-02", "1970-01-02T00:00:00Z", "1970-01-02T08:00:00+08:00"],
        list(pd.to_datetime(["1970-01-02"] * 3)),
    ],
)
def test_timestamps_become_epoch_seconds(values: list[object]) -> None:
    frame, problems = normalize_interactions(interactions(timestamp=values))
    assert problems == []
    assert frame["timestamp"].tolist() == [86400.0] * 3


def test_bad_types_name_column_count_and_example() -> None:
    raw = interactions(stars=["5", "five", "n/a"], when=["yesterday", "2020-01-01", None])
    _, problems = normalize_interactions(raw, {"rating": "stars", "timestamp": "when"},
                                         source="log.csv")
    assert problems == [
        "log.csv: column 'stars' (rating) has 1 non-numeric values, e.g. 'five'",
        "log.csv: column 'when' (timestamp) has 1 values that are neither epoch seconds nor "
        "ISO-8601 dates, e.g. 'yesterday'",
    ]


def test_weights_must_be_positive() -> None:
    _, problems = normalize_interactions(interactions(weight=[1, 0, -2]), source="x.csv")
    assert problems == ["x.csv: column 'weight' has 2 values <= 0, e.g. 0 (weights must be > 0)"]
    _, problems = normalize_interactions(interactions(weight=["1", "heavy", None]), source="x")
    assert problems == ["x: column 'weight' has 1 non-numeric values, e.g. 'heavy'"]
    _, problems = normalize_interactions(interactions(rating=[0, 3, 4]), source="x.csv")
    assert problems[0].startswith("x.csv: 1 rating events have a rating <= 0, e.g. 0")
    _, problems = normalize_interactions(interactions(rating=[0, 3, 4]),
                                         event_weights={"rating": 1})
    assert problems == []


def test_missing_required_column_says_file_column_and_columns() -> None:
    raw = pd.DataFrame({"customer": ["a"], "thing": ["x"]})
    _, problems = normalize_interactions(raw, source="orders.csv")
    assert problems == [
        "orders.csv: missing required column 'item_id' (columns are: customer, thing); name it "
        "with column_map={'item_id': '<column>'}"
    ]


def test_rows_without_ids_and_exact_duplicates_are_dropped_and_counted() -> None:
    raw = pd.DataFrame({
        "user_id": ["u1", "u1", None, "u2", " ", "u2"],
        "item_id": ["a", "a", "b", "b", "c", "b"],
        "timestamp": [1, 1, 2, 3, 4, 5],
    })
    report = ValidationReport()
    frame, problems = normalize_interactions(raw, source="log.csv", report=report)
    assert problems == []
    assert len(frame) == 3
    assert (report.n_interactions_read, report.dropped_rows, report.duplicate_rows) == (6, 2, 1)
    assert report.warnings == ["log.csv: dropped 2 rows without a user id or item id",
                               "log.csv: dropped 1 exact duplicate rows"]


def test_empty_and_idless_tables() -> None:
    _, problems = normalize_interactions(interactions().iloc[:0], source="log.csv")
    assert problems == ["log.csv: no rows (the file has a header but no data)"]
    _, problems = normalize_interactions(pd.DataFrame({"user_id": [None], "item_id": ["a"]}))
    assert problems == ["interactions: no usable rows (every row lacks a user id or item id)"]


# --- items and users --------------------------------------------------------------------------
def test_items_tags_text_and_price() -> None:
    raw = pd.DataFrame({
        "product_id": [1, 2, 3, 4],
        "name": ["三体", "Tea", "Pot", "Mug"],
        "tags": ["科幻| 小说 ||", ["a", " b", "a"], np.array(["c"]), None],
        "price": ["$1,299.00", "3", None, "4.5"],
    })
    frame, problems = normalize_items(raw, language="en")
    assert problems == []
    assert list(frame.columns) == list(ITEM_COLUMNS)
    assert frame["item_id"].tolist() == ["1", "2", "3", "4"]
    assert frame["tags"].tolist() == [("科幻", "小说"), ("a", "b"), ("c",), ()]
    assert frame["price"].tolist()[:2] == [1299.0, 3.0] and np.isnan(frame.loc[2, "price"])
    assert frame.loc[0, "category"] == "" and frame.loc[0, "brand"] == ""
    assert set(frame["language"]) == {"en"}


def test_items_bad_price_duplicates_and_missing_titles() -> None:
    raw = pd.DataFrame({"item_id": ["a", "a", "b", "c", "c"],
                        "title": ["A", "A", None, "C", "C2"],
                        "price": ["1", "1", "2", "cheap", "3"]})
    report = ValidationReport()
    frame, problems = normalize_items(raw, source="items.csv", report=report)
    assert problems == ["items.csv: column 'price' has 1 non-numeric values, e.g. 'cheap'"]
    assert frame["item_id"].tolist() == ["a", "b", "c"]
    assert frame["title"].tolist() == ["A", "b", "C"]
    assert report.warnings == [
        "items.csv: dropped 1 exact duplicate rows",
        "items.csv: 1 rows repeat an item id with different values; kept the first row of each "
        "(e.g. 'c')",
        "items.csv: 1 items have no title; used the id",
    ]


def test_items_need_id_and_title() -> None:
    _, problems = normalize_items(pd.DataFrame({"item_id": ["a"]}), source="items.jsonl")
    assert problems[0].startswith("items.jsonl: missing required column 'title'")


def test_users() -> None:
    raw = pd.DataFrame({"customer_id": [7, 7, 8, None], "lang": ["zh", "en", None, "en"]})
    frame, problems = normalize_users(raw)
    assert problems == []
    assert frame.to_dict("records") == [{"user_id": "7", "language": "zh"},
                                        {"user_id": "8", "language": ""}]


# --- references and the assembled Dataset ------------------------------------------------------
def test_unknown_items_are_reported_not_fatal() -> None:
    inter = pd.DataFrame({"user_id": ["u"] * 8, "item_id": ["a", *"zyxwvuz"]})
    report = ValidationReport()
    kept, problems = check_references(inter, pd.DataFrame({"item_id": ["a"]}), report=report)
    assert problems == [] and kept["item_id"].tolist() == ["a"]
    assert report.unknown_item_rows == 7
    assert report.unknown_item_examples == ["z", "y", "x", "w", "v"]


def test_dataset_from_frames_works_end_to_end(shop: dict[str, pd.DataFrame]) -> None:
    data = dataset_from_frames(shop["interactions"], shop["items"], shop["users"],
                               name="shop", rating_scale=5)
    assert (data.n_users, data.n_items) == (3, 4)
    matrix = data.user_items.toarray()
    row = data.user_row("u1")
    assert matrix[row, data.item_row("i2")] == 5.0  # purchase
    assert matrix[data.user_row("u3"), data.item_row("i2")] == 4.0  # rating 4
    assert data.ratings.nnz == 1
    assert data.title(data.item_row("i1")) == "绿茶 Green Tea"
    assert data.items.loc[0, "tags"] == ("绿茶", "有机")
    assert data.user_language("u1") == "zh" and data.user_language("u3") == "en"
    assert data.report.users_without_history == ["u9"]
    assert data.summary()["events"]["purchase"] == 1
    strongest = data.strongest_events[row, data.item_row("i2")]
    assert data.event_names[strongest - 1] == "purchase"


def test_every_problem_is_collected_before_raising(shop: dict[str, pd.DataFrame]) -> None:
    inter = shop["interactions"].assign(rating="bad").drop(columns="item_id")
    items = shop["items"].drop(columns="title").assign(price="x")
    with pytest.raises(ValidationError) as caught:
        dataset_from_frames(inter, items, pd.DataFrame({"nobody": [1]}),
                            event_weights={"view": 0})
    problems = caught.value.problems
    assert len(problems) == 4
    assert str(caught.value).startswith("4 problems: event_weights['view'] must be")
    assert any("missing required column 'item_id'" in p for p in problems)
    assert any("items: missing required column 'title'" in p for p in problems)
    assert any("users: missing required column 'user_id'" in p for p in problems)


def test_all_unknown_items_is_a_problem(shop: dict[str, pd.DataFrame]) -> None:
    items = shop["items"].assign(item_id=["x1", "x2", "x3", "x4"])
    with pytest.raises(ValidationError, match="none of the 6 interactions refer to an item"):
        dataset_from_frames(shop["interactions"], items)


def test_rating_scale_inferred_only_from_a_known_top(shop: dict[str, pd.DataFrame]) -> None:
    inter = shop["interactions"]
    assert dataset_from_frames(inter, shop["items"]).rating_scale is None  # top rating is 4
    five = inter.assign(rating=[None, None, None, None, 5.0, 1.0])
    assert dataset_from_frames(five, shop["items"]).rating_scale == 5.0


def test_bad_domain_is_a_config_error(shop: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ConfigError, match="unknown domain 'shop'"):
        dataset_from_frames(shop["interactions"], shop["items"], domain="shop")


def test_unknown_event_names_are_a_warning_that_names_them() -> None:
    from whyrec.data.validate import ValidationReport, normalize_interactions

    report = ValidationReport()
    raw = pd.DataFrame({"user_id": ["u1", "u1", "u2", "u2"], "item_id": ["i1", "i2", "i1", "i2"],
                        "event": ["purchase", "review", "review", "like"],
                        "rating": [None, 4.0, 5.0, None]})
    frame, problems = normalize_interactions(raw, report=report)
    assert problems == []
    [warning] = report.warnings
    assert "'review' ×2, 'like' ×1; each weighs 1" in warning
    assert "2 of them carry a rating" in warning
    assert frame["weight"].tolist() == [5.0, 1.0, 1.0, 1.0]
    # named weights silence it
    quiet = ValidationReport()
    normalize_interactions(raw, event_weights={"review": 2, "like": 1}, report=quiet)
    assert quiet.warnings == []


def test_the_public_frames_api_takes_pandas_and_arrow() -> None:
    import pyarrow as pa

    import whyrec
    from whyrec.errors import ValidationError

    events = {"customer": ["a", "a", "b"], "sku": ["x", "y", "x"],
              "event": ["view", "purchase", "click"]}
    catalog = {"sku": ["x", "y"], "name": ["Lamp", "Desk"]}
    mapping = {"user_id": "customer", "item_id": "sku"}
    from_pandas = whyrec.from_frames(pd.DataFrame(events), pd.DataFrame(catalog),
                                     column_map=mapping)
    from_arrow = whyrec.from_frames(pa.table(events), pa.table(catalog), column_map=mapping)
    assert (from_pandas.n_users, from_pandas.n_items) == (from_arrow.n_users,
                                                          from_arrow.n_items) == (2, 2)
    assert from_arrow.items.set_index("item_id").loc["y", "title"] == "Desk"
    with pytest.raises(ValidationError):
        whyrec.from_frames(pa.table({"sku": ["x"]}), pa.table(catalog))
