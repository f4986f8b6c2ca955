"""The local engine shares what it can: forked pool processes use the driver's loaded data and
recommender, and write their own shards."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.batch.conftest import read_output

from whyrec.batch import BatchConfig, EngineOptions, local, run_batch
from whyrec.batch.config import worker_spec
from whyrec.batch.output import OutputFolder
from whyrec.batch.shards import plan_shards
from whyrec.data.load import load_dataset
from whyrec.models.base import Recommender

pytestmark = pytest.mark.slow  # real pools over 200 people


def config(shop: Path, model: Path, out: Path, **changes: Any) -> BatchConfig:
    settings: dict[str, Any] = {"data": str(shop), "out": str(out), "recommender": str(model),
                                "backend": "template", "n": 5, "shard_size": 40,
                                "max_users": 200}
    return BatchConfig(**{**settings, **changes})


def _checksums_match(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and len(manifest["shards"]) == 5
    for entry in manifest["shards"].values():
        data = (out / entry["file"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux start method")
def test_forked_and_spawned_pools_write_what_one_process_writes(
    shop: Path, shop_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = worker_spec(config(shop, shop_model, tmp_path), EngineOptions(workers=2))
    assert local.start_method(spec) == "fork"
    run_batch(config(shop, shop_model, tmp_path / "one"), EngineOptions(workers=1))
    forked = run_batch(config(shop, shop_model, tmp_path / "fork"), EngineOptions(workers=2))
    monkeypatch.setattr(local, "start_method", lambda spec: "spawn")
    spawned = run_batch(config(shop, shop_model, tmp_path / "spawn"), EngineOptions(workers=2))
    assert forked["explanations"] == spawned["explanations"] > 0
    one = read_output(tmp_path / "one")
    for name in ("fork", "spawn"):
        # the workers wrote the files; the manifest's sizes and checksums are theirs
        _checksums_match(tmp_path / name)
        pd.testing.assert_frame_equal(read_output(tmp_path / name), one)


@pytest.mark.skipif(sys.platform != "linux", reason="fork is the Linux start method")
def test_forked_workers_load_nothing_themselves(
    shop: Path, shop_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = load_dataset(shop)
    model = Recommender.load(shop_model)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a forked worker loaded data or a model of its own")

    # inherited by the forked processes: a worker that loads anything fails its shard
    monkeypatch.setattr("whyrec.data.load.load_dataset", refuse)
    monkeypatch.setattr(Recommender, "load", refuse)
    spec = worker_spec(config(shop, shop_model, tmp_path), EngineOptions(workers=2))
    assert local.start_method(spec) == "fork"  # spawned workers would load unpatched copies
    users = [str(u) for u in dataset.user_ids.tolist()][:120]
    folder = OutputFolder(tmp_path / "out", {"test": 1}, n_shards=3, n_users=120)
    local.run_local(plan_shards(users, 40), dataset=dataset, model=model, data=str(shop),
                    model_dir=shop_model, spec=spec, workers=2, on_result=folder.save_result,
                    out=folder.path)
    assert len(folder.finished()) == 3
    assert sum(e["stats"]["users"] for e in folder.manifest["shards"].values()) == 120
