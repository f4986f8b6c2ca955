"""``whyrec batch`` throughput and memory; prints one JSON object (progress on stderr).

Parts (``--part``, repeatable; default all):

* ``movielens``: template backend, ml-latest-small, all users x top-10, explanations/s of one
  in-process ``Pipeline`` (the baseline), of the local engine (1 and 2 processes) and of the Ray
  engine (a 2-node local Ray cluster, 2 actors; ``--no-ray`` skips it).
* ``synthetic``: a generated 100,000-user, 20,000-item, ~5M-interaction shop; template backend,
  local engine: wall time and peak memory of the whole process tree.
* ``llm``: the bundled model (llamacpp backend) on a small sample: explanations per minute per
  core with 1 and with 2 workers.

Every run is a real ``whyrec batch`` subprocess into a fresh folder; medians over ``--repeats``.
Results are merged into ``benchmarks/results/batch.json``.

``--baseline-src DIR`` (a checkout of other code, e.g. ``git worktree add /tmp/base REV``):
``movielens`` also runs that code's ``whyrec batch`` (``PYTHONPATH=DIR/src``), interleaved
with this code's run by run (baseline, this, baseline, ...) so both see the same load on shared
cores, and gives each figure as this ÷ baseline (``before_after``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MOVIELENS = REPO.parent / "shared" / "data" / "ml-latest-small"
RESULTS = REPO / "benchmarks" / "results" / "batch.json"
WHYREC = [sys.executable, "-m", "whyrec.cli.main"]
PARTS = ("movielens", "synthetic", "llm")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (Linux ``/proc``)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def code_env(src: Path | None, env: dict[str, str] | None = None) -> dict[str, str] | None:
    """``env`` (default: this process's) importing whyrec from ``src`` (None: unchanged)."""
    if src is None:
        return env
    result = dict(os.environ if env is None else env)
    result["PYTHONPATH"] = os.pathsep.join(
        [str(src), *[p for p in result.get("PYTHONPATH", "").split(os.pathsep) if p]])
    return result


def run_batch(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """One ``whyrec batch --json`` run: its summary plus wall time and peak tree RSS."""
    started = time.perf_counter()
    cpu_before = _children_cpu()
    process = subprocess.Popen([*WHYREC, "batch", *args, "--json", "--no-progress"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"whyrec batch failed ({process.returncode}): {err[-2000:]}")
    summary = json.loads(out)
    summary["wall_s"] = round(time.perf_counter() - started, 2)
    # CPU seconds of the whole process tree (pool processes are waited for by their parent):
    # what the job costs, whatever else shares the cores
    summary["cpu_s"] = round(_children_cpu() - cpu_before, 2)
    summary["peak_rss_mb"] = round(peak[0] / 2**20, 1)
    return summary


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(data: str, folder: Path, algo: str) -> Path:
    target = folder / f"model-{algo}-{Path(data).name}"
    if (target / "model.json").is_file():
        return target
    subprocess.run([*WHYREC, "train", "--data", data, "--algo", algo, "--out", str(target)],
                   check=True, capture_output=True)
    return target


def fresh(work: Path, name: str) -> Path:
    """A new output folder (a batch into an existing one would resume it)."""
    return work / f"{name}-{time.time_ns()}"


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def in_process_rate(data: str, model_dir: Path, n: int = 10) -> dict[str, Any]:
    """The ceiling a batch is measured against: one ``Pipeline`` in this process recommending
    and explaining for every person (``Pipeline.recommend_many`` + ``Pipeline.explain``),
    loading excluded."""
    from whyrec.data.load import load_dataset
    from whyrec.models.base import Recommender
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    dataset = load_dataset(data)
    pipeline = Pipeline(dataset, Recommender.load(model_dir), ExplainSettings(backend="template"))
    users = [str(u) for u in dataset.user_ids.tolist()]
    for _, recs in pipeline.recommend_many(users[:8], n):  # lazy indexes, as a worker's first shard
        pipeline.explain(recs)
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _, recs in pipeline.recommend_many(users, n):
        count += len(pipeline.explain(recs))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"explanations": count, "seconds": round(seconds, 2),
            "explanations_per_s": round(count / seconds, 1),
            "explanations_per_cpu_s": round(count / cpu, 1)}


def local_figures(local: list[dict[str, Any]], base: float, base_cpu: float) -> dict[str, Any]:
    """Medians of local-engine runs, and their ratios to the in-process rates."""
    rate = median([r["explanations"] / r["wall_s"] for r in local])
    per_cpu = median([r["explanations"] / r["cpu_s"] for r in local])
    return {"explanations_per_s": rate, "over_in_process": round(rate / base, 3),
            "explanations_per_cpu_s": per_cpu,
            "per_cpu_over_in_process": round(per_cpu / base_cpu, 3),
            "cpu_s": median([r["cpu_s"] for r in local]),
            "wall_s": median([r["wall_s"] for r in local]),
            "peak_rss_mb": median([r["peak_rss_mb"] for r in local]),
            # every run, in order: how far the load of shared cores spread them
            "cpu_s_each": [r["cpu_s"] for r in local],
            "wall_s_each": [r["wall_s"] for r in local]}


def bench_movielens(work: Path, repeats: int, ray: bool = True,
                    baseline_src: Path | None = None) -> dict[str, Any]:
    data = str(MOVIELENS)
    model = train(data, work, "hybrid")
    common = ["--data", data, "--recommender", str(model), "--backend", "template",
              "--n", "10", "--shard-size", "32"]
    inproc = []
    for k in range(repeats):
        log(f"movielens in-process {k + 1}/{repeats}")
        inproc.append(in_process_rate(data, model))
    base = median([r["explanations_per_s"] for r in inproc])
    base_cpu = median([r["explanations_per_cpu_s"] for r in inproc])
    result: dict[str, Any] = {"in_process": {"explanations_per_s": base,
                                             "explanations_per_cpu_s": base_cpu,
                                             "seconds": median([r["seconds"] for r in inproc])}}
    codes: dict[str, Path | None] = {"this": None}
    if baseline_src is not None:
        codes = {"baseline": baseline_src.resolve() / "src", "this": REPO / "src"}
    before_after: dict[str, Any] = {}
    for workers in (1, 2):
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
        for k in range(repeats):
            for name, src in codes.items():  # interleaved: both see the same load
                log(f"movielens local {workers} worker(s) {name} {k + 1}/{repeats}")
                runs[name].append(run_batch([*common, "--out", str(fresh(work, "ml-local")),
                                             "--workers", str(workers)], env=code_env(src)))
        figures = {name: local_figures(local, base, base_cpu) for name, local in runs.items()}
        result[f"local_{workers}_workers"] = figures["this"]
        if baseline_src is not None:
            before_after[f"local_{workers}_workers"] = {
                "baseline": figures["baseline"], "this": figures["this"],
                "this_over_baseline": {
                    key: round(figures["this"][key] / figures["baseline"][key], 3)
                    for key in ("explanations_per_s", "explanations_per_cpu_s", "wall_s",
                                "cpu_s", "peak_rss_mb") if figures["baseline"][key]}}
        result.setdefault("users", runs["this"][0]["users"])
        result.setdefault("explanations", runs["this"][0]["explanations"])
    if before_after:
        result["before_after"] = {"baseline_src": str(baseline_src), **before_after,
                                  "note": "runs interleaved (baseline, this, ...); medians"}
    if ray:
        from whyrec.batch.localcluster import LocalRayCluster

        ray_runs = []
        with LocalRayCluster() as cluster:
            cluster.start_head(num_cpus=1)
            cluster.add_node(num_cpus=1)
            for k in range(repeats):
                log(f"movielens ray {k + 1}/{repeats}")
                ray_runs.append(run_batch([*common, "--out", str(fresh(work, "ml-ray")),
                                           "--engine", "ray", "--address", cluster.address,
                                           "--workers", "2"], env=cluster.env))
        ray_rate = median([r["explanations"] / r["wall_s"] for r in ray_runs])
        result["ray_2_nodes_2_actors"] = {
            "explanations_per_s": ray_rate, "over_in_process": round(ray_rate / base, 3),
            "wall_s": median([r["wall_s"] for r in ray_runs])}
        result["ray_over_local"] = round(
            ray_rate / result["local_2_workers"]["explanations_per_s"], 3)
    result["note"] = ("explanations/s over the whole command (start-up, model load, writing); "
                      "over_in_process: / one in-process Pipeline's rate in the same run; "
                      "per_cpu: per CPU second of the whole process tree (robust to other "
                      "work on shared cores)")
    return result


def bench_synthetic(work: Path, users: int, n: int, max_users: int | None = None,
                    baseline_src: Path | None = None) -> dict[str, Any]:
    from whyrec.data.load import load_dataset
    from whyrec.data.synthetic import write_synthetic

    log(f"synthetic: generating {users} users")
    started = time.perf_counter()
    folder = work / f"synthetic-{users}"
    if not (folder / "dataset.json").is_file():
        # ~13 % of drawn (user, item) pairs repeat and are dropped: draw more to land near 5M
        write_synthetic(folder, users=users, items=20_000, interactions=int(50 * users * 1.15))
    generate_s = time.perf_counter() - started
    shape = load_dataset(folder).summary()
    log("synthetic: training itemknn")
    started = time.perf_counter()
    model = train(str(folder), work, "itemknn")
    train_s = time.perf_counter() - started
    args = ["--data", str(folder), "--recommender", str(model), "--backend", "template",
            "--n", str(n), "--workers", "2", "--shard-size", "500"]
    if max_users is not None:
        args += ["--max-users", str(max_users)]
    codes: dict[str, Path | None] = {"this": None}
    if baseline_src is not None:
        codes = {"baseline": baseline_src.resolve() / "src", "this": REPO / "src"}
    runs: dict[str, dict[str, Any]] = {}
    for name, src in codes.items():
        log(f"synthetic: batch ({name})")
        runs[name] = run_batch([*args, "--out", str(fresh(work, "synthetic-out"))],
                               env=code_env(src))

    def figures(run: dict[str, Any]) -> dict[str, Any]:
        return {"batch_wall_s": run["wall_s"], "cpu_s": run["cpu_s"],
                "peak_rss_mb": run["peak_rss_mb"], "explanations": run["explanations"],
                "explanations_per_s": round(run["explanations"] / run["wall_s"], 1),
                "explanations_per_cpu_s": round(run["explanations"] / run["cpu_s"], 1)}

    result: dict[str, Any] = {
        "users": shape["n_users"], "items": shape["n_items"],
        "interactions": shape["n_interactions"], "n": n, "algorithm": "itemknn",
        "generate_s": round(generate_s, 1), "train_s": round(train_s, 1),
        **figures(runs["this"]), "workers": 2,
        "people_explained": runs["this"]["users"]}
    if max_users is not None:
        result["sample"] = f"the first {max_users} people (sorted ids) of the full data"
    if baseline_src is not None:
        result["before_after"] = {
            "baseline_src": str(baseline_src), "baseline": figures(runs["baseline"]),
            "this": figures(runs["this"]), "this_over_baseline": {
                key: round(figures(runs["this"])[key] / figures(runs["baseline"])[key], 3)
                for key in ("explanations_per_s", "explanations_per_cpu_s", "batch_wall_s",
                            "cpu_s", "peak_rss_mb")}}
    return result


def bench_llm(work: Path, users: int, repeats: int) -> dict[str, Any]:
    data = str(MOVIELENS)
    model = train(data, work, "hybrid")
    cores = os.cpu_count() or 1
    result: dict[str, Any] = {"users": users, "n": 2, "repairs": 0, "backend": "llamacpp",
                              "cores": cores}
    for workers in (1, 2):
        rates, steady = [], []
        for k in range(repeats):
            log(f"llm {workers} worker(s) {k + 1}/{repeats}")
            out = fresh(work, f"llm-{workers}")
            run = run_batch(["--data", data, "--recommender", str(model), "--backend",
                             "llamacpp", "--n", "2", "--repairs", "0", "--max-users",
                             str(users), "--shard-size", str(max(1, users // 4)), "--workers",
                             str(workers), "--out", str(out)])
            # llama.cpp threads = cores / workers: both settings use every core
            rates.append(run["explanations"] / run["wall_s"] * 60 / cores)
            # the same without start-up (data, recommender and model loading): shard time only
            manifest = json.loads((out / "manifest.json").read_text())
            busy = sum(e["stats"]["compute_s"] for e in manifest["shards"].values())
            steady.append(run["explanations"] / (busy / workers) * 60 / cores)
            result.setdefault(f"llm_pass_rate_{workers}", run["llm_pass_rate"])
        result[f"per_minute_per_core_{workers}_workers"] = median(rates)
        result[f"per_minute_per_core_{workers}_workers_excl_startup"] = median(steady)
    result["throughput_2_over_1"] = round(
        result["per_minute_per_core_2_workers"] / result["per_minute_per_core_1_workers"], 3)
    result["throughput_2_over_1_excl_startup"] = round(
        result["per_minute_per_core_2_workers_excl_startup"]
        / result["per_minute_per_core_1_workers_excl_startup"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", action="append", choices=PARTS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--synthetic-users", type=int, default=100_000)
    parser.add_argument("--synthetic-n", type=int, default=10)
    parser.add_argument("--synthetic-max-users", type=int, default=None,
                        help="synthetic: explain only the first N people (all data loaded)")
    parser.add_argument("--llm-users", type=int, default=6)
    parser.add_argument("--no-ray", action="store_true", help="movielens: skip the Ray engine")
    parser.add_argument("--baseline-src", type=Path, default=None, metavar="DIR",
                        help="movielens, synthetic: also run DIR/src's whyrec batch "
                             "(interleaved)")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep data, models and outputs here (default: a temporary folder)")
    args = parser.parse_args()
    if not (MOVIELENS / "ratings.csv").is_file():
        raise SystemExit(f"{MOVIELENS} is missing (see ../shared/data/README.md)")
    results: dict[str, Any] = {"cores": os.cpu_count(), "repeats": args.repeats}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        for part in args.part or PARTS:
            if part == "movielens":
                results[part] = bench_movielens(work, args.repeats, ray=not args.no_ray,
                                                baseline_src=args.baseline_src)
            elif part == "synthetic":
                # a sample run is kept beside the whole job's figures, not over them
                key = "synthetic_sample" if args.synthetic_max_users else part
                results[key] = bench_synthetic(work, args.synthetic_users, args.synthetic_n,
                                                args.synthetic_max_users, args.baseline_src)
            else:
                results[part] = bench_llm(work, args.llm_users, args.repeats)
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results, indent=2))
    if not args.no_save:
        saved = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
        saved.update({k: v for k, v in results.items() if k in (*PARTS, "synthetic_sample")})
        saved["last_run"] = {"cores": results["cores"], "runtime_s": results["runtime_s"]}
        RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()
