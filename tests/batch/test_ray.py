"""``--engine ray`` on a real two-node Ray cluster on this machine: same output as the local
engine, and a node lost mid-run loses and duplicates nothing."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from tests.batch.conftest import WHYREC, read_output

pytest.importorskip("ray.data", reason="the ray extra is not installed (pip install 'ray[data]')")

from whyrec.batch.localcluster import LocalRayCluster

pytestmark = pytest.mark.slow

NODE_RESOURCE = "whyrec_test_node"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalRayCluster]:
    """Head (1 CPU) plus a worker node (2 CPUs and a custom resource); always stopped."""
    cluster = LocalRayCluster()
    try:
        cluster.start_head(num_cpus=1)
        cluster.add_node(num_cpus=2, resources={NODE_RESOURCE: 2})
        yield cluster
    finally:
        cluster.stop()


def batch_args(shop: Path, model: Path, out: Path, *extra: str) -> list[str]:
    return [*WHYREC, "batch", "--data", str(shop), "--recommender", str(model), "--backend",
            "template", "--n", "5", "--shard-size", "25", "--max-users", "600",
            "--no-progress", "--json", "--out", str(out), *extra]


@pytest.fixture(scope="module")
def local_output(shop: Path, shop_model: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("local") / "out"
    subprocess.run(batch_args(shop, shop_model, out, "--workers", "2"), check=True,
                   capture_output=True)
    return read_output(out)


def test_ray_output_equals_local(cluster: LocalRayCluster, shop: Path, shop_model: Path,
                                 local_output: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "ray"
    # the custom resource exists only on the worker node: every actor must run there
    result = subprocess.run(
        batch_args(shop, shop_model, out, "--engine", "ray", "--address", cluster.address,
                   "--workers", "2", "--ray-resource", f"{NODE_RESOURCE}=1"),
        env=cluster.env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["complete"] and summary["engine"] == "ray"
    pd.testing.assert_frame_equal(read_output(out), local_output)
    manifest = json.loads((out / "manifest.json").read_text())
    nodes = {entry["stats"]["node"] for entry in manifest["shards"].values()}
    assert len(nodes) == 1 and len(next(iter(nodes))) == 56  # one Ray node id: the worker's


def test_losing_a_node_mid_run_loses_nothing(cluster: LocalRayCluster, shop: Path,
                                             shop_model: Path, local_output: pd.DataFrame,
                                             tmp_path: Path) -> None:
    out = tmp_path / "ray"
    # 3 actors for 3 CPUs: at least two of them on the worker node that is about to go
    process = subprocess.Popen(
        batch_args(shop, shop_model, out, "--engine", "ray", "--address", cluster.address,
                   "--workers", "3"),
        env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not list(out.glob("part-*.parquet")):
            assert process.poll() is None, process.communicate()[1][-3000:]
            time.sleep(0.05)
        written_before = len(list(out.glob("part-*.parquet")))
        cluster.kill_node(cluster.nodes[1])
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr[-3000:]
    assert stdout.strip(), f"no summary on stdout; stderr: {stderr[-3000:]}"
    summary = json.loads(stdout)
    assert written_before < summary["shards"]["total"], "the node died after the run ended"
    assert summary["complete"] and summary["shards"]["written"] == summary["shards"]["total"]
    output = read_output(out)
    assert not output.duplicated(["user_id", "rank"]).any()
    pd.testing.assert_frame_equal(output, local_output)
