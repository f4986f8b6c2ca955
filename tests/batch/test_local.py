"""``whyrec batch --engine local``: shards, manifest, resume, refusals — real runs, real files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from tests.batch.conftest import WHYREC, read_output

from whyrec.batch import BatchConfig, EngineOptions, run_batch
from whyrec.batch.shards import SCHEMA
from whyrec.cli.main import main
from whyrec.data.load import load_dataset
from whyrec.data.synthetic import write_synthetic
from whyrec.errors import ConfigError, ModelError
from whyrec.models.registry import create
from whyrec.types import evidence_from_dict


def config(shop: Path, model: Path, out: Path, **changes: object) -> BatchConfig:
    settings: dict[str, object] = {"data": str(shop), "out": str(out), "recommender": str(model),
                                   "backend": "template", "n": 5, "shard_size": 40,
                                   "max_users": 200}
    settings.update(changes)
    return BatchConfig(**settings)  # type: ignore[arg-type]


@pytest.mark.slow  # explains 200 people
def test_shards_hold_every_user_with_checked_explanations(
    shop: Path, shop_model: Path, tmp_path: Path
) -> None:
    summary = run_batch(config(shop, shop_model, tmp_path / "out"), EngineOptions(workers=1))
    files = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert [f.name for f in files] == [f"part-{k:05d}.parquet" for k in range(5)]
    table = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    assert list(table.columns) == SCHEMA.names
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["complete"] and manifest["n_users"] == 200 and len(manifest["shards"]) == 5
    # every user of the first 200 (sorted ids), each with at most n ranked rows
    assert table["user_id"].nunique() == summary["users"] == 200
    assert table.groupby("user_id")["rank"].max().max() <= 5
    assert not table.duplicated(["user_id", "rank"]).any()
    assert summary["explanations"] == len(table) and summary["fallbacks"] == 0
    assert summary["llm_pass_rate"] is None  # the template backend asks no model
    for row in table.head(50).itertuples():
        facts = [evidence_from_dict(f) for f in json.loads(row.evidence)]
        assert set(row.cited_ids) <= {f.id for f in facts}
        assert row.verdict_passed and json.loads(row.verdict)["passed"]
        assert row.text and row.backend == "template"
    # the recommender used is saved with the output, so a resumed run uses the same one
    assert (tmp_path / "out" / "recommender" / "model.json").is_file()


def test_a_given_recommender_is_copied_file_for_file(
    shop: Path, shop_model: Path, tmp_path: Path
) -> None:
    source = tmp_path / "model"
    shutil.copytree(shop_model, source)
    meta = source / "model.json"  # written otherwise than a save writes it: the copy keeps it
    meta.write_text(json.dumps(json.loads(meta.read_text())))
    (source / ".model.saving-1").mkdir()  # another process's save in progress is left out
    run_batch(config(shop, source, tmp_path / "out", max_users=3, n=2),
              EngineOptions(workers=1))
    kept = tmp_path / "out" / "recommender"
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(kept) for p in kept.rglob("*")
                                     if p.is_file())
    for name in files:
        assert (kept / name).read_bytes() == (source / name).read_bytes(), name


def test_a_recommender_of_another_catalog_or_none_is_refused_and_not_kept(
    shop: Path, tmp_path: Path
) -> None:
    other = write_synthetic(tmp_path / "other", users=40, items=30, interactions=600, seed=1)
    model = create("popular").fit(load_dataset(str(other)))
    model.save(tmp_path / "other-model")
    with pytest.raises(ConfigError, match="another catalog"):
        run_batch(config(shop, tmp_path / "other-model", tmp_path / "out"))
    assert not (tmp_path / "out" / "recommender").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=str(tmp_path / "empty")):
        run_batch(config(shop, tmp_path / "empty", tmp_path / "out2"))


@pytest.mark.slow  # two batch runs of 200 people
def test_second_run_skips_finished_shards_and_rewrites_missing(
    shop: Path, shop_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_batch(config(shop, shop_model, out), EngineOptions(workers=1))
    before = read_output(out)
    kept = out / "part-00001.parquet"
    kept_mtime = kept.stat().st_mtime_ns
    (out / "part-00003.parquet").unlink()  # lost after the manifest listed it
    (out / ".part-00004.parquet.x.tmp").write_bytes(b"half a shard")  # a crashed write
    summary = run_batch(config(shop, shop_model, out), EngineOptions(workers=1))
    assert summary["shards"] == {"total": 5, "written": 1, "skipped": 4}
    assert kept.stat().st_mtime_ns == kept_mtime
    assert not list(out.glob(".*.tmp"))
    pd.testing.assert_frame_equal(read_output(out), before)


@pytest.mark.slow  # three batch runs of 200 people
def test_damaged_shards_are_rebuilt_and_reported(shop: Path, shop_model: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    run_batch(config(shop, shop_model, out), EngineOptions(workers=1))
    before = read_output(out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(len(entry["sha256"]) == 64 for entry in manifest["shards"].values())
    (out / "part-00000.parquet").write_bytes(os.urandom(2048))  # random bytes
    truncated = (out / "part-00002.parquet").read_bytes()
    (out / "part-00002.parquet").write_bytes(truncated[: len(truncated) // 2])
    (out / "part-00004.parquet").write_bytes((out / "part-00003.parquet").read_bytes())
    summary = run_batch(config(shop, shop_model, out), EngineOptions(workers=1))
    assert summary["complete"] and summary["shards"] == {"total": 5, "written": 3, "skipped": 2}
    why = {shard["shard"]: shard["why"] for shard in summary["rebuilt"]}
    assert set(why) == {0, 2, 4}, why
    assert all(reason.startswith("checksum mismatch") for reason in why.values()), why
    assert f"{len(truncated) // 2} bytes, {len(truncated)} written" in why[2]
    pd.testing.assert_frame_equal(read_output(out), before)
    # the next run finds nothing wrong; through the CLI each rebuilt shard is one stderr line
    assert run_batch(config(shop, shop_model, out), EngineOptions(workers=1))["rebuilt"] == []
    (out / "part-00001.parquet").write_bytes(b"PAR1 not really")
    code = main(["batch", "--data", str(shop), "--out", str(out), "--recommender",
                 str(shop_model), "--backend", "template", "--n", "5", "--shard-size", "40",
                 "--max-users", "200", "--workers", "1", "--json"])
    captured = capsys.readouterr()
    assert code == 0 and json.loads(captured.out)["rebuilt"][0]["shard"] == 1
    [line] = [line for line in captured.err.splitlines() if line.startswith("whyrec:")]
    assert line.startswith("whyrec: shard 1 (part-00001.parquet): checksum mismatch (")
    assert line.endswith("; rebuilt")


def test_a_manifest_from_before_checksums_is_checked_by_size_and_rows(
    shop: Path, shop_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_batch(config(shop, shop_model, out, max_users=80), EngineOptions(workers=1))
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["shards"].values():
        del entry["sha256"]  # as whyrec wrote them before
    (out / "manifest.json").write_text(json.dumps(manifest))
    good = (out / "part-00000.parquet").read_bytes()
    (out / "part-00001.parquet").write_bytes(good[:-10] + b"0123456789")  # same size, broken
    summary = run_batch(config(shop, shop_model, out, max_users=80), EngineOptions(workers=1))
    assert [shard["shard"] for shard in summary["rebuilt"]] == [1]
    assert summary["complete"] and summary["shards"]["skipped"] == 1


@pytest.mark.slow  # three real batch runs of 400 people
def test_killed_run_resumes_to_the_same_output(
    shop: Path, shop_model: Path, tmp_path: Path
) -> None:
    args = ["batch", "--data", str(shop), "--recommender", str(shop_model), "--backend",
            "template", "--n", "5", "--shard-size", "20", "--max-users", "400",
            "--workers", "2", "--no-progress", "--json"]
    out = tmp_path / "out"
    process = subprocess.Popen([*WHYREC, *args, "--out", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("part-*.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and its pool, mid-run
    process.communicate()
    done = len(list(out.glob("part-*.parquet")))
    assert 3 <= done < 20, "the kill came too late to test resuming"
    resumed = subprocess.run([*WHYREC, *args, "--out", str(out)], capture_output=True,
                             text=True, check=True)
    summary = json.loads(resumed.stdout)
    assert summary["complete"] and summary["shards"]["skipped"] >= 2
    fresh = tmp_path / "fresh"
    subprocess.run([*WHYREC, *args, "--out", str(fresh)], capture_output=True, check=True)
    pd.testing.assert_frame_equal(read_output(out), read_output(fresh))


@pytest.mark.slow  # needs the trained shop (a real process) and two runs
@pytest.mark.parametrize(("extra", "message"), [
    (["--n", "3"], "another configuration (n: 5 -> 3)"),
    (["--backend", "fake"], "another configuration (backend: 'template' -> 'fake')"),
])
def test_resuming_with_another_config_is_refused(
    shop: Path, shop_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:
    base = ["batch", "--data", str(shop), "--recommender", str(shop_model), "--out",
            str(tmp_path / "out"), "--backend", "template", "--n", "5", "--max-users", "20",
            "--workers", "1", "--no-progress"]
    assert main(base) == 0
    capsys.readouterr()
    assert main([*base, *extra]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_user_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    cases = [
        (["--data", str(tmp_path / "nope")], "does not exist"),
        (["--out", str(tmp_path / "busy")], "holds no whyrec batch"),
        (["--address", "127.0.0.1:1"], "--address only applies to --engine ray"),
        (["--no-cache", "--db", str(tmp_path / "x.sqlite")], "drop --db"),
    ]
    for extra, message in cases:
        args = ["batch", "--data", "demo", "--out", str(tmp_path / "o"), "--backend",
                "template", *extra]
        assert main(args) == 1, extra
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert (tmp_path / "busy" / "notes.txt").read_text() == "mine"


@pytest.mark.slow  # a real process
def test_ray_engine_without_ray_names_the_extra(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['ray'] = None; from whyrec.cli.main import main; "
            f"sys.exit(main(['batch', '--data', 'demo', '--out', {str(tmp_path / 'o')!r}, "
            "'--backend', 'template', '--max-users', '5', '--engine', 'ray']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "pip install 'whyrec[ray]'" in result.stderr
