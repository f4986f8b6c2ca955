"""Speed of training, recommending with full evidence and explaining, on ml-latest-small.

(a) ALS fit with default parameters, against ``implicit``'s ``AlternatingLeastSquares`` with the
    same parameters fitted directly on the same matrix.
(b) Top-10 with full evidence for every person via ``Pipeline.recommend_many`` (ALS, item-kNN),
    against ``implicit``'s batch ``recommend`` of the same model kind for all people at once.
(c) Template explanations per second: ``Pipeline.explain`` of every recommendation from (b), in
    English and in Chinese.

Run ``.venv/bin/python benchmarks/bench_speed.py [--repeats 5] [--data PATH] [--check]
[--profile] [--only explain] [--baseline-src DIR] [--out PATH]``. ``--profile`` prints a
cProfile (top 15 by cumulative time) of every stage that misses its target to stderr.
``--only explain`` runs stage (c) alone (the recommenders are fitted and everyone's top-10
timed once more, without the comparisons with ``implicit``). Stage (c) also gives the time of
explaining every recommendation over the time of recommending them all with evidence (target
at most 3x), and ``first_run_s``: the first pass over everyone, before any memo of catalog
strings is warm.

``--baseline-src DIR`` (with ``--only explain``; DIR a checkout of other code, e.g. ``git
worktree add /tmp/base 1dd50b6``) measures stage (c) of both codes in interleaved subprocesses
(``PYTHONPATH=DIR/src`` and this checkout's ``src``; baseline, this, baseline, this…, one timed
run each, ``--repeats`` pairs), so that the load of shared cores falls on both alike, and gives
each median as a ratio to the baseline's.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from _common import REPO_ROOT, Target, finish, load, log, parse, parser, summary, timed
from whyrec.models.als import ALSRecommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import Recommendation

N = 10
LANGUAGES = ("en", "zh")
FIT_TARGET_S = 3.0
RECOMMEND_TARGET_S = 2.0
EXPLAIN_TARGET_PER_S = 5000.0
#: explaining everyone's top-10 may take at most this many times recommending them
EXPLAIN_OVER_RECOMMEND_TARGET = 3.0
DESCRIPTION = "Speed of training, recommending with evidence and explaining, on ml-latest-small."

Recommendations = list[list[Recommendation]]


def implicit_fit(model: Any, user_items: Any) -> Any:
    """Fit an ``implicit`` model the way its documentation recommends (single-threaded BLAS)."""
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        # implicit's own nearest-neighbour weighting hands itself COO matrices and warns
        warnings.filterwarnings("ignore", message="Method expects CSR input")
        model.fit(user_items, show_progress=False)
    return model


def bench_fit(dataset: Any, repeats: int) -> tuple[dict[str, Any], Callable[[], Any]]:
    """(a) whyrec ALS fit vs implicit ALS fit, interleaved so noise hits both alike."""
    prototype = ALSRecommender()
    user_items = dataset.user_items.astype(np.float32).tocsr()

    def ours_fit() -> Any:
        return create("als").fit(dataset)

    def direct_fit() -> Any:
        return implicit_fit(prototype.implicit_model(), user_items)

    ours_fit(), direct_fit()  # warm-up: imports, thread pools, cached dataset matrices
    ours, direct = [], []
    for repeat in range(repeats):
        ours.append(timed(ours_fit)[0])
        direct.append(timed(direct_fit)[0])
        log(f"fit {repeat + 1}/{repeats}: whyrec {ours[-1]:.2f} s, implicit {direct[-1]:.2f} s")
    result = {
        "params": prototype.params, "whyrec": summary(ours), "implicit_direct": summary(direct),
        "ratio_whyrec_over_implicit": round(float(np.median(ours) / np.median(direct)), 3),
    }
    return result, ours_fit


def recommend_all(pipeline: Pipeline, users: Sequence[str]) -> Recommendations:
    """Everyone at once: the batch path (chunked scoring and evidence)."""
    return [recs for _, recs in pipeline.recommend_many(users, N)]


def recommend_each(pipeline: Pipeline, users: Sequence[str]) -> Recommendations:
    """One call per person: what an online service does."""
    return [pipeline.recommend(user, N) for user in users]


def bench_recommend(
    dataset: Any, algorithm: str, repeats: int
) -> tuple[dict[str, Any], Recommendations, Pipeline, Callable[[], Any]]:
    """(b) Pipeline.recommend_many for everyone vs implicit's batch recommend."""
    model = create(algorithm).fit(dataset)
    init_s, pipeline = timed(lambda: Pipeline(dataset, model, ExplainSettings(backend="template")))
    users = [str(u) for u in dataset.user_ids.tolist()]
    first_s, recs = timed(lambda: recommend_all(pipeline, users))  # fills lazy dataset caches
    pipeline_s, each_s, model_s = [], [], []
    for _ in range(repeats):
        seconds, recs = timed(lambda: recommend_all(pipeline, users))
        pipeline_s.append(seconds)
        each_s.append(timed(lambda: recommend_each(pipeline, users))[0])
        model_s.append(timed(lambda: list(model.recommend_many(users, N)))[0])
    log(f"{algorithm}: Pipeline.recommend_many for {len(users)} people, median "
        f"{np.median(pipeline_s):.2f} s (one call per person {np.median(each_s):.2f} s, "
        f"model alone {np.median(model_s):.2f} s)")

    if isinstance(model, ALSRecommender):
        direct: Any = model.implicit_model()
    else:
        from implicit.nearest_neighbours import CosineRecommender

        direct = CosineRecommender(K=int(model.params["k"]))
    implicit_fit(direct, model.user_items)
    rows = np.arange(len(users), dtype=np.int32)

    def batch() -> Any:
        return direct.recommend(rows, model.user_items, N=N, filter_already_liked_items=True)

    batch()
    batch_s = [timed(batch)[0] for _ in range(repeats)]
    result = {
        "n_users": len(users), "n_recommendations": sum(len(r) for r in recs),
        "pipeline_init_s": round(init_s, 4), "first_run_s": round(first_s, 4),
        "pipeline_recommend_many": summary(pipeline_s),
        "pipeline_recommend_per_person": summary(each_s),
        "model_recommend_many_only": summary(model_s),
        "implicit_batch_recommend": {"model": type(direct).__name__, **summary(batch_s)},
        "ratio_pipeline_over_implicit_batch": round(
            float(np.median(pipeline_s) / np.median(batch_s)), 1),
    }
    return result, recs, pipeline, lambda: recommend_all(pipeline, users)


def prepare_explain(dataset: Any, algorithm: str, repeats: int
                    ) -> tuple[dict[str, Any], Recommendations, Pipeline]:
    """What stage (c) needs of (b) alone: the pipeline, everyone's top-10, and how long
    recommending them takes (``--only explain``)."""
    model = create(algorithm).fit(dataset)
    pipeline = Pipeline(dataset, model, ExplainSettings(backend="template"))
    users = [str(u) for u in dataset.user_ids.tolist()]
    recs = recommend_all(pipeline, users)  # fills lazy dataset caches
    seconds = []
    for _ in range(repeats):
        elapsed, recs = timed(lambda: recommend_all(pipeline, users))
        seconds.append(elapsed)
    result = {"n_users": len(users), "n_recommendations": sum(len(r) for r in recs),
              "pipeline_recommend_many": summary(seconds)}
    return result, recs, pipeline


def explain_all(pipeline: Pipeline, recs: Recommendations, language: str) -> int:
    return sum(len(pipeline.explain(person, language=language)) for person in recs)


def bench_explain(
    work: Sequence[tuple[Pipeline, Recommendations]], repeats: int
) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """(c) Template explanations per second, per language, over all recommendations of (b)."""
    result: dict[str, Any] = {}
    runs: dict[str, Callable[[], Any]] = {}
    for language in LANGUAGES:
        def run(language: str = language) -> int:
            return sum(explain_all(pipeline, recs, language) for pipeline, recs in work)

        first_s, count = timed(run)  # warm-up: the memos of catalog strings fill
        seconds, cpu = [], []
        for _ in range(repeats):
            # CPU seconds too: on shared cores the wall clock also counts other people's work
            cpu_started = time.process_time()
            seconds.append(timed(run)[0])
            cpu.append(time.process_time() - cpu_started)
        stats = summary(seconds)
        cpu_median = float(np.median(cpu))
        result[language] = {"n_explanations": count, "first_run_s": round(first_s, 4), **stats,
                            "per_s": round(count / stats["median_s"], 1),
                            "cpu_median_s": round(cpu_median, 4),
                            "per_cpu_s": round(count / cpu_median, 1)}
        runs[language] = run
        log(f"explain {language}: {result[language]['per_s']:.0f} explanations/s "
            f"({result[language]['per_cpu_s']:.0f} per CPU second)")
    return result, runs


def profile(name: str, function: Callable[[], Any]) -> None:
    """Print cProfile's top 15 functions by cumulative time of one call to stderr."""
    profiler = cProfile.Profile()
    profiler.runcall(function)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
    log(f"--- profile of {name} (top 15 by cumulative time) ---\n{out.getvalue()}")


def interleaved(baseline: Path, repeats: int, data: Path) -> dict[str, Any]:
    """Stage (c) of the baseline's code and of this checkout's, in turn, each run in a
    subprocess of its own with one timed run; the medians of each and their ratios."""
    codes = {"baseline": baseline.resolve() / "src", "this": REPO_ROOT / "src"}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in codes}
    for repeat in range(repeats):
        for name, src in codes.items():
            env = {**os.environ, "PYTHONPATH": str(src)}
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--only", "explain",
                 "--repeats", "1", "--data", str(data)],
                env=env, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(done.stdout))
            explain = runs[name][-1]["explain_templates"]
            log(f"{name} {repeat + 1}/{repeats}: " + ", ".join(
                f"{lang} {explain[lang]['per_s']:.0f}/s" for lang in LANGUAGES))
    result: dict[str, Any] = {"baseline_src": str(baseline)}
    for name, outputs in runs.items():
        result[name] = {lang: _medians([o["explain_templates"][lang] for o in outputs])
                        for lang in LANGUAGES}
    result["ratios_this_over_baseline"] = {
        lang: {figure: round(result["this"][lang][figure] / result["baseline"][lang][figure], 3)
               for figure in ("per_s", "per_cpu_s", "median_s", "first_run_s",
                              "over_recommend")}
        for lang in LANGUAGES}
    return result


def _medians(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each figure of stage (c) over several subprocess runs: its median (and every run's)."""
    figures = ("per_s", "per_cpu_s", "median_s", "first_run_s", "over_recommend")
    return {"n_explanations": runs[0]["n_explanations"], "runs": len(runs),
            **{figure: float(np.median([r[figure] for r in runs])) for figure in figures},
            "per_s_each_run": [r["per_s"] for r in runs]}


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    arguments = parser(DESCRIPTION, default_repeats=5)
    arguments.add_argument("--profile", action="store_true",
                           help="print a cProfile of each stage that misses its target")
    arguments.add_argument("--only", choices=("all", "explain"), default="all",
                           help="run every stage (default) or stage (c) alone")
    arguments.add_argument("--out", type=Path, default=None,
                           help="also write the JSON object to this file")
    arguments.add_argument("--baseline-src", type=Path, default=None, metavar="DIR",
                           help="with --only explain: also measure the code in DIR/src, "
                                "interleaved, and give ratios to it")
    options = parse(arguments, argv)
    if options.baseline_src is not None:
        if options.only != "explain":
            arguments.error("--baseline-src needs --only explain")
        return compared(options, started)
    dataset = load(options.data)
    only_explain = options.only == "explain"
    fit: dict[str, Any] | None = None
    runs: dict[str, Callable[[], Any]] = {}
    if not only_explain:
        fit, runs["ALS fit"] = bench_fit(dataset, options.repeats)
    recommend: dict[str, Any] = {}
    work: list[tuple[Pipeline, Recommendations]] = []
    for algorithm in ("als", "itemknn"):
        if only_explain:
            result, recs, pipeline = prepare_explain(dataset, algorithm, options.repeats)
        else:
            result, recs, pipeline, run = bench_recommend(dataset, algorithm, options.repeats)
            runs[f"{algorithm} Pipeline.recommend_many"] = run
        recommend[algorithm] = result
        work.append((pipeline, recs))
    explain, explain_runs = bench_explain(work, options.repeats)
    runs.update({f"explain {lang}": run for lang, run in explain_runs.items()})
    # the same recommendations, explained and recommended: how many times as long the first
    recommend_s = sum(r["pipeline_recommend_many"]["median_s"] for r in recommend.values())
    for lang in LANGUAGES:
        explain[lang]["over_recommend"] = round(explain[lang]["median_s"] / recommend_s, 2)

    targets = [
        *([Target("ALS fit", fit["whyrec"]["median_s"], FIT_TARGET_S, "<")] if fit else []),
        *(Target(f"{alg} Pipeline.recommend_many",
                 recommend[alg]["pipeline_recommend_many"]["median_s"], RECOMMEND_TARGET_S, "<")
          for alg in recommend if not only_explain),
        *(Target(f"explain {lang}", explain[lang]["per_s"], EXPLAIN_TARGET_PER_S, ">=")
          for lang in LANGUAGES),
        *(Target(f"explain {lang} over recommend", explain[lang]["over_recommend"],
                 EXPLAIN_OVER_RECOMMEND_TARGET, "<=") for lang in LANGUAGES),
    ]
    if options.profile:
        for target in targets:
            if not target.met and target.name in runs:
                profile(target.name, runs[target.name])
    output = {
        "benchmark": "speed", "dataset": dataset.name, "n_users": dataset.n_users,
        "n_items": dataset.n_items, "n_interactions": len(dataset.interactions),
        "repeats": options.repeats, "stages": options.only,
        **({"fit_als": fit} if fit else {}), "recommend_with_evidence": recommend,
        "explain_templates": explain,
    }
    return finish(output, targets, options.check, started, options.out)


def compared(options: Any, started: float) -> int:
    """``--baseline-src``: stage (c) of both codes, interleaved, and the targets of this one."""
    result = interleaved(options.baseline_src, options.repeats, options.data)
    this = result["this"]
    targets = [
        *(Target(f"explain {lang}", this[lang]["per_s"], EXPLAIN_TARGET_PER_S, ">=")
          for lang in LANGUAGES),
        *(Target(f"explain {lang} over recommend", this[lang]["over_recommend"],
                 EXPLAIN_OVER_RECOMMEND_TARGET, "<=") for lang in LANGUAGES),
    ]
    output = {"benchmark": "speed", "stages": "explain", "repeats": options.repeats,
              "interleaved_subprocesses": True, "explain_templates": this, **result}
    return finish(output, targets, options.check, started, options.out)


if __name__ == "__main__":
    sys.exit(main())
