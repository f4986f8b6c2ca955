"""Helpers for the data-layer tests: write tiny tables in any format, find the shared real data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` in the format named by ``path``'s ending (UTF-8, no index)."""
    name = path.name
    if name.endswith((".parquet", ".pq")):
        frame.to_parquet(path, index=False)
    elif name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")):
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif name.endswith((".tsv", ".tsv.gz")):
        frame.to_csv(path, sep="\t", index=False)
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.fixture
def write() -> Callable[[pd.DataFrame, Path], Path]:
    return write_table


def shop_frames() -> dict[str, pd.DataFrame]:
    """A tiny shop: 3 people, 4 items (one never touched), Chinese titles and tags."""
    interactions = pd.DataFrame({
        "user_id": ["u1", "u1", "u2", "u2", "u3", "u3"],
        "item_id": ["i1", "i2", "i1", "i3", "i2", "i3"],
        "event": ["view", "purchase", "click", "add_to_cart", "rating", "view"],
        "rating": [None, None, None, None, 4.0, None],
        "timestamp": [1_600_000_000 + k for k in range(6)],
    })
    items = pd.DataFrame({
        "item_id": ["i1", "i2", "i3", "i4"],
        "title": ["绿茶 Green Tea", "Teapot 茶壶", "Mug", "Kettle"],
        "category": ["茶", "teaware", "teaware", "kitchen"],
        "tags": ["绿茶|有机", "gift|ceramic", "", "steel"],
        "price": [12.5, 30.0, None, 45.0],
        "language": ["zh", "en", "en", "en"],
    })
    users = pd.DataFrame({"user_id": ["u1", "u2", "u3", "u9"], "language": ["zh", "en", "", "en"]})
    return {"interactions": interactions, "items": items, "users": users}


@pytest.fixture
def shop() -> dict[str, pd.DataFrame]:
    return shop_frames()


@pytest.fixture
def shop_dir(tmp_path: Path) -> Callable[[str], Path]:
    """Factory: a whyrec dataset folder of the tiny shop in the given format."""

    def make(fmt: str = "csv") -> Path:
        folder = tmp_path / f"shop-{fmt}"
        folder.mkdir()
        for kind, frame in shop_frames().items():
            write_table(frame, folder / f"{kind}.{fmt}")
        return folder

    return make


@pytest.fixture
def shared_data() -> Callable[[str], Path]:
    """Factory: path of a shared real dataset; skips the test when it is absent."""

    def find(name: str) -> Path:
        path = SHARED_DATA / name
        if not path.is_dir():
            pytest.skip(f"{path} is not available")
        return path

    return find
