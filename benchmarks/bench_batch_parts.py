"""What two pieces of ``whyrec batch`` cost, in CPU seconds, this code vs ``--baseline-src``'s.

Whole-command timings on shared cores spread by more than these pieces are worth, so each is
also measured alone, in this process, by CPU time (``time.process_time``), alternated with the
baseline's way of doing it, medians over ``--repeats``:

* ``recommender``: how the job's recommender gets into the output folder: load and save it
  again (the baseline: ``np.savez_compressed``) vs copy its files and load the copy
  (``whyrec.batch.runner.copy_model``); for each ``--model`` folder;
* ``rows``: a shard's rows and Parquet bytes (``ShardTable.add_user`` + ``to_parquet``) for the
  template explanations of the first MovieLens people, with the baseline's ``shards.py`` and
  this one's (loaded side by side from their files).

Prints one JSON object; ``--save`` merges it into ``benchmarks/results/batch.json``
(``parts_before_after``).

    .venv/bin/python benchmarks/bench_batch_parts.py --baseline-src /tmp/base-batch \\
        --model /tmp/bench/model-hybrid-ml-latest-small --save
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MOVIELENS = REPO.parent / "shared" / "data" / "ml-latest-small"
RESULTS = REPO / "benchmarks" / "results" / "batch.json"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_recommender(model_dir: Path, repeats: int) -> dict[str, Any]:
    from whyrec.batch.runner import copy_model
    from whyrec.models.base import Recommender

    saved, copied = [], []
    for _ in range(repeats):
        work = Path(tempfile.mkdtemp(prefix="bench-parts-"))
        try:
            started = time.process_time()
            Recommender.load(model_dir).save(work / "saved", overwrite=True)
            saved.append(time.process_time() - started)
            started = time.process_time()
            copy_model(model_dir, work / "copied")
            copied.append(time.process_time() - started)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
    before, after = statistics.median(saved), statistics.median(copied)
    return {"model": model_dir.name, "bytes": size,
            "baseline_load_and_save_cpu_s": round(before, 3),
            "this_copy_and_load_cpu_s": round(after, 3),
            "cpu_s_saved": round(before - after, 3)}


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def bench_rows(baseline_src: Path, model_dir: Path, users: int, repeats: int) -> dict[str, Any]:
    from whyrec.data.load import load_dataset
    from whyrec.models.base import Recommender
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    codes = {"baseline": _module("baseline_shards",
                                 baseline_src / "src" / "whyrec" / "batch" / "shards.py"),
             "this": _module("this_shards", REPO / "src" / "whyrec" / "batch" / "shards.py")}
    dataset = load_dataset(str(MOVIELENS))
    pipeline = Pipeline(dataset, Recommender.load(model_dir), ExplainSettings(backend="template"))
    people = [str(u) for u in dataset.user_ids.tolist()][:users]
    pairs = [list(zip(recs, pipeline.explain(recs), strict=True))
             for _, recs in pipeline.recommend_many(people, 10)]
    rows = sum(len(p) for p in pairs)
    times: dict[str, list[float]] = {name: [] for name in codes}
    payloads: dict[str, bytes] = {}
    for _ in range(repeats):
        for name, code in codes.items():
            started = time.process_time()
            table = code.ShardTable(uses_model=False)
            for pair in pairs:
                table.add_user(pair)
            payloads[name] = table.to_parquet()
            times[name].append(time.process_time() - started)
    import pyarrow as pa
    import pyarrow.parquet as pq

    same = (pq.read_table(pa.BufferReader(payloads["baseline"]))
            .drop(["latency_ms"]).equals(
                pq.read_table(pa.BufferReader(payloads["this"])).drop(["latency_ms"])))
    per = {name: statistics.median(t) / rows * 1000 for name, t in times.items()}
    return {"rows": rows, "baseline_ms_per_1000_rows": round(per["baseline"] * 1000, 1),
            "this_ms_per_1000_rows": round(per["this"] * 1000, 1),
            "this_over_baseline": round(per["this"] / per["baseline"], 3),
            "same_rows": same}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-src", type=Path, required=True)
    parser.add_argument("--model", type=Path, action="append", required=True,
                        help="a saved recommender (repeatable); the first is MovieLens's")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--save", action="store_true")
    args = parser.parse_args()
    log("recommender")
    result: dict[str, Any] = {
        "baseline_src": str(args.baseline_src), "repeats": args.repeats,
        "recommender": [bench_recommender(m, args.repeats) for m in args.model]}
    log("rows")
    result["rows"] = bench_rows(args.baseline_src, args.model[0], args.users, args.repeats)
    result["note"] = "CPU seconds of this process (process_time), medians; baseline and this " \
                     "alternated"
    print(json.dumps(result, indent=2))
    if args.save:
        saved = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        saved["parts_before_after"] = result
        RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()
