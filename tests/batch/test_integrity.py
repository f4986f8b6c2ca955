"""Batch integrity on the bundled demo data: a shard overwritten with random bytes, truncated or
replaced by another shard's file is found on resume, rebuilt, reported in the summary and in
one stderr line; old manifests (no checksums) are checked by Parquet and gain checksums."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.batch.conftest import read_output

from whyrec.cli.main import main

#: 60 demo people in 4 shards of 15, 3 recommendations each
ARGS = ["--data", "demo", "--backend", "template", "--algo", "itemknn", "--n", "3",
        "--shard-size", "15", "--max-users", "60", "--workers", "1", "--no-progress", "--json"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished batch output of the demo data (copied by each test before damaging it)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    assert main(["batch", "--out", str(out), *ARGS]) == 0
    return out


def _copy(finished: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(finished, out)
    return out


def _resume(out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict, list[str]]:
    capsys.readouterr()
    assert main(["batch", "--out", str(out), *ARGS]) == 0
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("whyrec:")]
    return json.loads(captured.out), lines


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def _part(out: Path, index: int) -> Path:
    return out / f"part-{index:05d}.parquet"


@pytest.mark.slow  # two batch runs on the demo data
def test_random_bytes_truncation_and_another_shards_file_are_rebuilt_and_reported(
        finished: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _copy(finished, tmp_path)
    before = read_output(out)
    size = _part(out, 0).stat().st_size
    _part(out, 0).write_bytes(os.urandom(size))  # same size, other bytes
    whole = _part(out, 1).read_bytes()
    _part(out, 1).write_bytes(whole[: len(whole) // 3])
    shutil.copyfile(_part(out, 2), _part(out, 3))

    summary, lines = _resume(out, capsys)

    why = {entry["shard"]: entry["why"] for entry in summary["rebuilt"]}
    assert why == {
        0: "checksum mismatch (overwritten or another shard's file)",
        1: f"checksum mismatch ({len(whole) // 3} bytes, {len(whole)} written: truncated, "
           "overwritten or another shard's file)",
        3: "checksum mismatch (it is shard 2's file)",
    }
    assert lines == [f"whyrec: shard {k} ({_part(out, k).name}): {why[k]}; rebuilt"
                     for k in (0, 1, 3)]
    assert summary["complete"] and summary["shards"] == {"total": 4, "written": 3, "skipped": 1}
    # every file reads as the shard it is named for, and together they are the first output
    for k in range(4):
        users = set(pq.read_table(_part(out, k), columns=["user_id"])["user_id"].to_pylist())
        assert users == set(before["user_id"].unique()[15 * k : 15 * (k + 1)])
    pd.testing.assert_frame_equal(read_output(out), before)
    manifest = _manifest(out)
    assert manifest["complete"]
    for key, entry in manifest["shards"].items():
        assert entry["sha256"] == hashlib.sha256(_part(out, int(key)).read_bytes()).hexdigest()
    # nothing wrong now: the next run rebuilds and reports nothing
    again, lines = _resume(out, capsys)
    assert again["rebuilt"] == [] and lines == [] and again["shards"]["written"] == 0


@pytest.mark.slow  # two batch runs on the demo data
def test_an_old_manifest_is_checked_by_parquet_and_gains_checksums(
        finished: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _copy(finished, tmp_path)
    before = read_output(out)
    manifest = _manifest(out)
    for entry in manifest["shards"].values():
        del entry["sha256"]  # as whyrec wrote manifests before checksums
    (out / "manifest.json").write_text(json.dumps(manifest))
    size = _part(out, 2).stat().st_size
    _part(out, 2).write_bytes(os.urandom(size))  # the size it should have, not Parquet
    shutil.copyfile(_part(out, 0), _part(out, 3))
    assert _part(out, 3).stat().st_size != manifest["shards"]["3"]["bytes"]

    summary, lines = _resume(out, capsys)

    why = {entry["shard"]: entry["why"] for entry in summary["rebuilt"]}
    assert set(why) == {2, 3} and len(lines) == 2
    assert why[2].startswith("not a readable Parquet file (")
    assert why[3] == f"{_part(finished, 0).stat().st_size} bytes, " \
                     f"{manifest['shards']['3']['bytes']} written"
    pd.testing.assert_frame_equal(read_output(out), before)
    # the shards that passed are checked by checksum from now on
    assert all(len(entry["sha256"]) == 64 for entry in _manifest(out)["shards"].values())
    shutil.copyfile(_part(out, 0), _part(out, 1))
    summary, _ = _resume(out, capsys)
    assert summary["rebuilt"] == [{"shard": 1, "file": "part-00001.parquet",
                                   "why": "checksum mismatch (it is shard 0's file)"}]
