from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from whyrec.data.readers import read_table, table_suffix
from whyrec.errors import DataError

Writer = Callable[[pd.DataFrame, Path], Path]
FRAME = pd.DataFrame({
    "item_id": ["007", "8"],
    "title": ["三体", "NA"],
    "tags": ["科幻|小说", "a|b"],
    "price": [9.5, 12.0],
})


@pytest.mark.parametrize(
    "name", ["t.csv", "t.csv.gz", "t.tsv", "t.parquet", "t.jsonl", "t.jsonl.gz", "t.json"]
)
def test_every_format_round_trips_unicode(tmp_path: Path, write: Writer, name: str) -> None:
    frame = read_table(write(FRAME, tmp_path / name), text=True)
    assert list(frame.columns) == ["item_id", "title", "tags", "price"]
    assert frame["item_id"].tolist() == ["007", "8"]
    assert frame["title"].tolist() == ["三体", "NA"]  # "NA" is a word, not a missing value
    assert frame["tags"].iloc[0] == "科幻|小说"


def test_typed_read_keeps_numbers(tmp_path: Path, write: Writer) -> None:
    frame = read_table(write(FRAME, tmp_path / "t.csv"))
    assert frame["price"].dtype.kind == "f"


def test_json_array_and_column_names_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[{" user_id ": 1, "tags": ["x", "y"]}]', encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["user_id", "tags"]
    assert list(frame.loc[0, "tags"]) == ["x", "y"]


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("user_id,title\n1,茶\n", encoding="utf-8-sig")
    assert list(read_table(path, text=True).columns) == ["user_id", "title"]


def test_header_only_csv_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("user_id,item_id\n", encoding="utf-8")
    frame = read_table(path, text=True)
    assert frame.shape == (0, 2)


@pytest.mark.parametrize("name", ["e.csv", "e.parquet", "e.jsonl"])
def test_empty_file_names_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(DataError, match=rf"{name} is empty"):
        read_table(path)


def test_blank_json_lines_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"blank\.jsonl is empty"):
        read_table(path)


def test_missing_file_directory_and_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"file not found: .*nope\.csv"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a directory"):
        read_table(tmp_path)
    (tmp_path / "data.xlsx").write_bytes(b"PK")
    with pytest.raises(DataError, match=r"unknown file type '\.xlsx'"):
        read_table(tmp_path / "data.xlsx")


def test_ragged_csv_is_an_error_not_a_shifted_table(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("user_id,item_id\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"cannot read .*ragged.csv as CSV: .*Expected 2 columns"):
        read_table(path)


def test_broken_json_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1}\n{"a": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl as JSON lines: line 2 is not a JSON object"):
        read_table(path)
    # nested past Python's recursion limit: once a RecursionError traceback
    path.write_text('{"a": 1}\n' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl as JSON lines: line 2 is not a JSON object"):
        read_table(path)


def test_broken_parquet_and_gzip(tmp_path: Path) -> None:
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"cannot read .*bad.parquet as Parquet"):
        read_table(tmp_path / "bad.parquet")
    (tmp_path / "bad.csv.gz").write_bytes(b"plain text, not gzip")
    with pytest.raises(DataError, match=r"cannot read .*bad.csv.gz"):
        read_table(tmp_path / "bad.csv.gz")


def test_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("title\ncafé\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin\.csv: it is not UTF-8 text"):
        read_table(path)


def test_gzip_jsonl_with_chinese(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write('{"item_id": "a", "title": "红茶"}\n')
    assert read_table(path)["title"].tolist() == ["红茶"]


def test_table_suffix() -> None:
    assert table_suffix("x/Items.CSV.GZ") == ".csv.gz"
    assert table_suffix("items.pq") == ".pq"
    assert table_suffix("readme.md") is None
