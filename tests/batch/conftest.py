"""Batch fixtures: a small synthetic shop written to disk and a recommender trained on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from whyrec.data.synthetic import write_synthetic

WHYREC = [sys.executable, "-m", "whyrec.cli.main"]


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 people, 300 items, ~36k interactions (Parquet dataset folder)."""
    return write_synthetic(tmp_path_factory.mktemp("shop"), users=1200, items=300,
                           interactions=36_000, seed=3)


@pytest.fixture(scope="session")
def shop_model(shop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("models") / "itemknn"
    subprocess.run([*WHYREC, "train", "--data", str(shop), "--algo", "itemknn", "--out",
                    str(target)], check=True, capture_output=True)
    return target


def read_output(folder: Path) -> pd.DataFrame:
    """Every shard's rows, sorted by (user, rank), without the timing column."""
    frames = [pd.read_parquet(p) for p in sorted(folder.glob("part-*.parquet"))]
    table = pd.concat(frames, ignore_index=True)
    return table.drop(columns=["latency_ms"]).sort_values(["user_id", "rank"]).reset_index(
        drop=True)
