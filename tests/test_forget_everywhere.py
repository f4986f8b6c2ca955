"""``whyrec forget`` everywhere: batch outputs (shards rewritten, checksums kept true), saved
recommenders with no trace of the person, and no data file rewritten without ``--yes`` (or a
"y" at a terminal) and a backup — real files, real batch runs, a real SQLite store."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from whyrec.cli.main import main
from whyrec.data.load import demo_path, load_dataset
from whyrec.errors import PrivacyError, UnknownUserError
from whyrec.feedback.preferences import reset_preferences
from whyrec.forget import retrain
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.store import open_store
from whyrec.store.schema import user_preferences

#: 60 people of a copy of the demo data in 4 shards of 15, 3 recommendations each
BATCH = ["--backend", "template", "--algo", "itemknn", "--n", "3", "--shard-size", "15",
         "--max-users", "60", "--workers", "1", "--no-progress", "--json"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder, a batch output of it and a saved hybrid (ALS + content) trained on it."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copytree(demo_path(), root / "shop")
    assert main(["batch", "--data", str(root / "shop"), "--out", str(root / "nightly"),
                 *BATCH]) == 0
    create("hybrid").fit(load_dataset(root / "shop")).save(root / "model")
    return root


@pytest.fixture
def world(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of ``pristine`` with a store that holds a row about the person."""
    root = tmp_path / "world"
    shutil.copytree(pristine, root)
    # the job records its data folder's absolute path: the copy's job is about the copy's data
    manifest_file = root / "nightly" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest["config"]["data"] = str((root / "shop").resolve())
    manifest_file.write_text(json.dumps(manifest))
    store = open_store(_db(root))
    reset_preferences(store, person(root))
    store.close()
    return root


def person(root: Path) -> str:
    """The first person of shard 1: someone with rows in the batch output."""
    return str(pd.read_parquet(root / "nightly" / "part-00001.parquet")["user_id"].iloc[0])


def _db(root: Path) -> str:
    return f"sqlite:///{root / 'whyrec.sqlite'}"


def _stored(root: Path, user_id: str) -> int:
    store = open_store(_db(root))
    with store.read() as connection:
        count = connection.execute(select(func.count()).select_from(user_preferences).where(
            user_preferences.c.user_id == user_id)).scalar()
    store.close()
    return int(count or 0)


def _shards(root: Path) -> pd.DataFrame:
    files = sorted((root / "nightly").glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def _forget(root: Path, *extra: str) -> tuple[int, dict, str]:
    """``whyrec forget --json`` in a process of its own, stdin no terminal: exit code, the JSON
    report, stderr."""
    capture = subprocess.run(
        [sys.executable, "-m", "whyrec.cli.main", "forget", "--user", person(root), "--db",
         _db(root), "--json", *extra], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    report = json.loads(capture.stdout) if capture.returncode == 0 else {}
    return capture.returncode, report, capture.stderr


def _fingerprints(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` but the store (to show nothing was changed)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".sqlite"}


@pytest.mark.slow  # batch runs and a subprocess
def test_batch_output_loses_their_rows_and_its_checksums_stay_true(world: Path) -> None:
    gone = person(world)
    before = _shards(world)
    theirs = int((before["user_id"] == gone).sum())
    assert theirs > 0

    code, report, err = _forget(world, "--batch-output", str(world / "nightly"), "--yes")

    assert code == 0, err
    [out] = report["batch_outputs"]
    assert out["rows"] == theirs and out["shards"] == {"part-00001.parquet": theirs}
    assert out["damaged_removed"] == [] and out["recommender"].startswith("recommender/ deleted")
    after = _shards(world)
    assert gone not in set(after["user_id"])
    expected = before[before["user_id"] != gone].reset_index(drop=True)
    pd.testing.assert_frame_equal(after.sort_values(["user_id", "rank"], ignore_index=True),
                                  expected.sort_values(["user_id", "rank"], ignore_index=True))
    # the manifest: new checksums and counts, and no trace of who was forgotten
    text = (world / "nightly" / "manifest.json").read_text()
    manifest = json.loads(text)
    for entry in manifest["shards"].values():
        data = (world / "nightly" / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    assert manifest["shards"]["1"]["stats"]["users"] == 14
    assert manifest["shards"]["1"]["stats"]["explanations"] == 45 - theirs
    assert manifest["forgotten"][0]["rows"] == theirs and gone not in text
    assert not (world / "nightly" / "recommender").exists()
    assert _stored(world, gone) == 0
    # resuming the job: the checksum check passes, nothing is rebuilt, they stay out
    capture = subprocess.run(
        [sys.executable, "-m", "whyrec.cli.main", "batch", "--data", str(world / "shop"),
         "--out", str(world / "nightly"), *BATCH], capture_output=True, text=True, check=True)
    summary = json.loads(capture.stdout)
    assert summary["rebuilt"] == [] and summary["shards"]["written"] == 0, capture.stderr
    assert summary["complete"] and summary["explanations"] == len(expected)
    assert gone not in set(_shards(world)["user_id"])


@pytest.mark.slow  # retrains a hybrid model
def test_data_is_backed_up_and_the_retrained_model_has_no_trace(world: Path) -> None:
    gone = person(world)
    originals = {name: (world / "shop" / name).read_bytes()
                 for name in ("interactions.csv", "users.csv")}

    code, report, err = _forget(world, "--data", str(world / "shop"), "--recommender",
                                str(world / "model"), "--yes", "--backup")

    assert code == 0, err
    assert set(report["data_rows"]) == {"interactions.csv", "users.csv"}
    # one backup per rewritten file, byte for byte the file as it was
    backups = {Path(p).name.split(".bak-")[0]: Path(p) for p in report["backups"]}
    assert set(backups) == set(originals)
    for name, backup in backups.items():
        assert backup.parent == world / "shop" and backup.read_bytes() == originals[name]
    reloaded = load_dataset(world / "shop")  # the backups are not read as data
    assert gone not in set(reloaded.interactions["user_id"])
    assert gone not in set(reloaded.users["user_id"])
    # the model, its components and every array they saved: no id, no row of theirs
    for arrays_file in (world / "model").rglob("arrays.npz"):
        with np.load(arrays_file, allow_pickle=False) as arrays:
            for key in arrays.files:
                if arrays[key].dtype.kind in "US":
                    assert gone not in set(arrays[key].astype(str).tolist()), (arrays_file, key)
            if "user_ids" in arrays.files:
                assert len(arrays["user_ids"]) == reloaded.n_users
            if "user_factors" in arrays.files:
                assert arrays["user_factors"].shape[0] == reloaded.n_users
    for meta in (world / "model").rglob("model.json"):
        assert gone not in meta.read_text()
    retrained = Recommender.load(world / "model")
    assert gone not in retrained.user_index
    with pytest.raises(UnknownUserError):
        retrained.recommend(gone)
    # a second forget: new backups, the first ones (and their rows) left as they are
    first = {p: p.read_bytes() for p in backups.values()}
    other = str(reloaded.user_ids[0])
    assert main(["forget", "--user", other, "--db", _db(world), "--data", str(world / "shop"),
                 "--yes", "--backup"]) == 0
    assert all(p.read_bytes() == data for p, data in first.items())
    assert len(list((world / "shop").glob("*.bak-*"))) == 4


def test_no_copy_is_kept_unless_asked(world: Path) -> None:
    code, report, err = _forget(world, "--data", str(world / "shop"), "--yes")
    assert code == 0, err
    assert report["backups"] == [] and report["data_rows"]["interactions.csv"] > 0
    assert not list((world / "shop").glob("*.bak-*"))


def test_rewriting_files_without_yes_is_refused_in_one_line_and_changes_nothing(
        world: Path) -> None:
    gone = person(world)
    files = _fingerprints(world)
    for extra in (["--data", str(world / "shop")],
                  ["--batch-output", str(world / "nightly")],
                  ["--data", str(world / "shop"), "--recommender", str(world / "model")]):
        code, _, err = _forget(world, *extra)
        assert code == 1
        [line] = err.strip().splitlines()
        assert line.startswith("whyrec: error: forget rewrites ") and "pass --yes" in line
    assert _fingerprints(world) == files and _stored(world, gone) == 1
    # the store alone needs no confirmation
    code, report, err = _forget(world)
    assert code == 0, err
    assert report["store"]["user_preferences"] == 1 and _stored(world, gone) == 0
    assert _fingerprints(world) == files


def test_a_folder_that_is_no_batch_output_is_refused_before_anything_changes(
        world: Path) -> None:
    files = _fingerprints(world)
    code, _, err = _forget(world, "--data", str(world / "shop"), "--batch-output",
                           str(world / "shop"), "--yes")
    assert code == 1
    [line] = err.strip().splitlines()
    assert "holds no whyrec batch output (manifest.json missing)" in line
    assert _fingerprints(world) == files and _stored(world, person(world)) == 1


def _at_a_terminal(root: Path, answer: str) -> tuple[int, str]:
    """``whyrec forget --data`` with a real terminal on stdin, answering ``answer``."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "whyrec.cli.main", "forget", "--user", person(root), "--db",
         _db(root), "--data", str(root / "shop")],
        stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(terminal)
    os.write(controller, answer.encode())
    out, err = process.communicate(timeout=120)
    os.close(controller)
    return process.returncode, out + err


@pytest.mark.slow  # two real processes
def test_at_a_terminal_forget_asks_first(world: Path) -> None:
    gone = person(world)
    files = _fingerprints(world)
    code, output = _at_a_terminal(world, "n\n")
    assert code == 1 and "Forget " + gone in output and "not confirmed" in output
    assert _fingerprints(world) == files and _stored(world, gone) == 1
    code, output = _at_a_terminal(world, "y\n")
    assert code == 0, output
    assert gone not in set(load_dataset(world / "shop").interactions["user_id"])
    assert _stored(world, gone) == 0


@pytest.mark.slow  # a batch run
def test_a_damaged_shard_is_deleted_by_forget_and_rebuilt_on_resume(world: Path) -> None:
    nightly = world / "nightly"
    shutil.copyfile(nightly / "part-00002.parquet", nightly / "part-00003.parquet")
    code, report, err = _forget(world, "--batch-output", str(nightly), "--yes")
    assert code == 0, err
    [out] = report["batch_outputs"]
    assert out["damaged_removed"] == [{"shard": 3, "file": "part-00003.parquet",
                                       "why": "checksum mismatch (it is shard 2's file)"}]
    assert not (nightly / "part-00003.parquet").exists()
    manifest = json.loads((nightly / "manifest.json").read_text())
    assert "3" not in manifest["shards"] and not manifest["complete"]
    assert main(["batch", "--data", str(world / "shop"), "--out", str(nightly), *BATCH]) == 0
    manifest = json.loads((nightly / "manifest.json").read_text())
    assert manifest["complete"] and manifest["runs"][-1]["summary"]["shards"]["written"] == 1


def test_retrain_refuses_data_that_still_holds_them(pristine: Path) -> None:
    gone = person(pristine)
    saved = _fingerprints(pristine / "model")
    with pytest.raises(PrivacyError, match="still holds"):
        retrain(pristine / "model", load_dataset(pristine / "shop"), gone)
    assert _fingerprints(pristine / "model") == saved
