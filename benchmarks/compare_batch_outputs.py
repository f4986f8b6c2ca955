"""Are two codes' ``whyrec batch`` outputs the same? Prints one JSON object.

Runs ``whyrec batch`` of ``--baseline-src DIR``'s code (``PYTHONPATH=DIR/src``) and of this
checkout's into fresh folders with the same options (default: template backend, every
MovieLens person's top-10), then compares what the output promises:

* the rows: every shard read back, all columns but ``latency_ms`` (a timing, meant to differ),
  row for row in order;
* the manifest: job configuration, shard plan and files, each shard's counts (``compute_s`` and
  ``node`` aside) and that each listed SHA-256 and size is the file's;
* the job's recommender (``recommender/``): every array of every ``arrays.npz`` and every
  ``model.json``, so a resumed run and ``whyrec forget --batch-output`` see the same model.

``--old DIR --new DIR`` compares two outputs already written instead.

    .venv/bin/python benchmarks/compare_batch_outputs.py --baseline-src /tmp/base-batch
    .venv/bin/python benchmarks/compare_batch_outputs.py --baseline-src /tmp/base --workers 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
MOVIELENS = REPO.parent / "shared" / "data" / "ml-latest-small"
WHYREC = [sys.executable, "-m", "whyrec.cli.main"]
#: columns meant to differ between two runs of the same job
TIMING_COLUMNS = ("latency_ms",)
#: per-shard counts meant to differ
TIMING_STATS = ("compute_s", "node")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(src: Path, out: Path, args: list[str]) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    done = subprocess.run([*WHYREC, "batch", *args, "--out", str(out), "--json",
                           "--no-progress"], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"whyrec batch ({src}) failed: {done.stderr[-2000:]}")
    return round(time.perf_counter() - started, 2)


def compare_rows(old: Path, new: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    rows, columns, problems = 0, None, []
    for key in sorted(manifest["shards"], key=int):
        name = manifest["shards"][key]["file"]
        a, b = pq.read_table(old / name), pq.read_table(new / name)
        if a.schema != b.schema:
            problems.append(f"{name}: schema {a.schema.names} != {b.schema.names}")
            continue
        columns = [c for c in a.schema.names if c not in TIMING_COLUMNS]
        if a.num_rows != b.num_rows:
            problems.append(f"{name}: {a.num_rows} rows != {b.num_rows}")
            continue
        for column in columns:
            if a.column(column).to_pylist() != b.column(column).to_pylist():
                problems.append(f"{name}: column {column} differs")
        rows += a.num_rows
    return {"rows": rows, "columns_compared": columns, "problems": problems}


def compare_manifests(old: Path, new: Path) -> tuple[dict[str, Any], list[str]]:
    a = json.loads((old / "manifest.json").read_text())
    b = json.loads((new / "manifest.json").read_text())
    problems = []
    for field in ("format", "config", "n_shards", "n_users", "complete"):
        if a.get(field) != b.get(field):
            problems.append(f"manifest {field}: {a.get(field)!r} != {b.get(field)!r}")
    if sorted(a["shards"]) != sorted(b["shards"]):
        problems.append("manifest: other shards listed")
    for key, entry in b["shards"].items():
        other = a["shards"].get(key)
        if other is None:
            continue
        if entry["file"] != other["file"]:
            problems.append(f"shard {key}: file {entry['file']} != {other['file']}")
        strip = {k: v for k, v in entry["stats"].items() if k not in TIMING_STATS}
        if strip != {k: v for k, v in other["stats"].items() if k not in TIMING_STATS}:
            problems.append(f"shard {key}: counts differ")
        for folder, listed in ((old, other), (new, entry)):
            data = (folder / listed["file"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != listed.get("sha256"):
                problems.append(f"{folder.name}/{listed['file']}: checksum is not the file's")
            if len(data) != listed.get("bytes"):
                problems.append(f"{folder.name}/{listed['file']}: size is not the file's")
    return a, problems


def compare_models(old: Path, new: Path) -> list[str]:
    problems = []
    a_files = sorted(p.relative_to(old) for p in old.rglob("*") if p.is_file())
    b_files = sorted(p.relative_to(new) for p in new.rglob("*") if p.is_file())
    if a_files != b_files:
        return [f"recommender files {a_files} != {b_files}"]
    for rel in a_files:
        if rel.name == "arrays.npz":
            with np.load(old / rel) as x, np.load(new / rel) as y:
                if sorted(x.files) != sorted(y.files):
                    problems.append(f"{rel}: arrays {x.files} != {y.files}")
                    continue
                problems += [f"{rel}: array {k} differs" for k in x.files
                             if not np.array_equal(x[k], y[k])]
        elif (old / rel).read_bytes() != (new / rel).read_bytes():
            problems.append(f"{rel} differs")
    return problems


def compare(old: Path, new: Path) -> dict[str, Any]:
    manifest, problems = compare_manifests(old, new)
    rows = compare_rows(old, new, manifest)
    problems += rows.pop("problems")
    problems += compare_models(old / "recommender", new / "recommender")
    return {"identical": not problems, **rows, "shards": len(manifest["shards"]),
            "ignored": {"columns": list(TIMING_COLUMNS), "shard_counts": list(TIMING_STATS),
                        "manifest": ["created", "runs", "written"]},
            "problems": problems[:20], "n_problems": len(problems)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-src", type=Path, help="the other code's checkout")
    parser.add_argument("--old", type=Path, help="compare this output ...")
    parser.add_argument("--new", type=Path, help="... with this one (no runs)")
    parser.add_argument("--data", default=str(MOVIELENS))
    parser.add_argument("--recommender", type=Path, default=None,
                        help="a saved recommender (default: train hybrid on --data once)")
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--shard-size", type=int, default=32)
    parser.add_argument("--max-users", type=int, default=None)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    if args.old is not None and args.new is not None:
        print(json.dumps({"old": str(args.old), "new": str(args.new),
                          **compare(args.old, args.new)}, indent=2))
        return
    if args.baseline_src is None:
        raise SystemExit("pass --baseline-src DIR, or --old and --new")
    with tempfile.TemporaryDirectory(prefix="compare-batch-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        model = args.recommender
        if model is None:
            model = work / "model-hybrid"
            if not (model / "model.json").is_file():
                log("training hybrid")
                subprocess.run([*WHYREC, "train", "--data", args.data, "--algo", "hybrid",
                                "--out", str(model)], check=True, capture_output=True)
        common = ["--data", args.data, "--recommender", str(model), "--backend", "template",
                  "--n", str(args.n), "--shard-size", str(args.shard_size),
                  "--workers", str(args.workers)]
        if args.max_users:
            common += ["--max-users", str(args.max_users)]
        stamp = time.time_ns()
        old, new = work / f"old-{stamp}", work / f"new-{stamp}"
        log("baseline code")
        old_s = run(args.baseline_src.resolve() / "src", old, common)
        log("this code")
        new_s = run(REPO / "src", new, common)
        print(json.dumps({"baseline_src": str(args.baseline_src), "options": common[2:],
                          "wall_s": {"baseline": old_s, "this": new_s},
                          **compare(old, new)}, indent=2))


if __name__ == "__main__":
    main()
