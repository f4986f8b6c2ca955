"""The evaluation suite (``whyrec report``) on the demo shop and on ml-latest-small, for the
``template`` and ``llamacpp`` backends, plus the speed of evaluating 1,000 explanations.

For each dataset: a leave-last split, item-kNN fitted on the training part (Recall@10, NDCG@10,
coverage on the held-out items), then top-``n`` recommendations of seeded test people explained
by each backend -- many with the template, few with the bundled SmolLM2 model (~6 s per
explanation on 2 cores) -- and every explanation metric of the report: faithfulness of the
delivered texts and raw drafts, fallback / pass rates and latency, counterfactual PN / PS, USR,
FMR, FCR, DIV, personalisation and readability per language. The two backends see the same
people first (the llamacpp sample is a prefix of the template sample's people).

``evaluate_1000_s`` times :func:`whyrec.eval.suite.evaluate_explanations` on 1,000 template
explanations of the demo (nothing generated inside the timing; target < 10 s).

Prints one JSON object (no review text and no person's name: MovieLens has neither, and sample
texts are left out); ``--out`` also writes it to a file.

    .venv/bin/python benchmarks/bench_report.py --out benchmarks/results/report.json  # ~8 min
    .venv/bin/python benchmarks/bench_report.py --llm-users 0                         # template
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DATA, Target, finish, load, log, timed


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the ml-latest-small folder")
    parser.add_argument("--users", type=int, default=100,
                        help="people per dataset explained by the template (default 100)")
    parser.add_argument("--llm-users", type=int, default=5,
                        help="people per dataset explained by llamacpp (default 5; 0 skips)")
    parser.add_argument("--n", type=int, default=3, help="recommendations per person")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser


def strip(config: dict[str, Any]) -> dict[str, Any]:
    """A configuration's figures without the sample texts."""
    return {k: v for k, v in config.items() if k != "samples"}


def run_one(dataset: Any, backend: str, users: int, options: argparse.Namespace,
            backends: dict[str, Any]) -> dict[str, Any]:
    from whyrec.eval.html_report import report_data
    from whyrec.eval.runner import ReportConfig, run_dataset

    log(f"{dataset.name}: {backend}, {users} people x {options.n}")
    run = run_dataset(dataset, [ReportConfig(backend=backend, algorithm="itemknn")],
                      users=users, n=options.n,
                      k=options.k, seed=options.seed, backends=backends)
    data = report_data(run, samples=0)
    return strip(data["configs"][0])


def evaluate_1000(dataset: Any) -> float:
    from whyrec.eval.literature import FeatureIndex
    from whyrec.eval.suite import EvalRecord, evaluate_explanations
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings
    from whyrec.verification.vocabulary import dataset_vocabulary

    model = create("itemknn").fit(dataset)
    pipeline = Pipeline(dataset, model, ExplainSettings(backend="template"))
    recs = [r for _, batch in pipeline.recommend_many(dataset.user_ids.tolist()[:100], 10)
            for r in batch][:1000]
    records = [EvalRecord(rec, e) for rec, e in zip(recs, pipeline.explain(recs), strict=True)]
    features = FeatureIndex(dataset_vocabulary(dataset), dataset.translations)
    seconds, _ = timed(lambda: evaluate_explanations(records, features, model=model, k=10))
    return seconds


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    from whyrec.data.load import load_dataset

    datasets = [load_dataset("demo")]
    if (options.data / "ratings.csv").is_file():
        datasets.append(load(options.data))
    else:
        log(f"ml-latest-small not found at {options.data}: demo only")
    backends: dict[str, Any] = {}
    result: dict[str, Any] = {"benchmark": "report", "recommender": "itemknn",
                              "split": "leave-last", "k": options.k, "per_person": options.n,
                              "datasets": {}}
    for dataset in datasets:
        runs = {"template": run_one(dataset, "template", options.users, options, backends)}
        if options.llm_users > 0:
            runs["llamacpp"] = run_one(dataset, "llamacpp", options.llm_users, options,
                                       backends)
        result["datasets"][dataset.name] = runs
    seconds = evaluate_1000(datasets[0])
    result["evaluate_1000_s"] = round(seconds, 3)
    targets = [Target("evaluate_1000_explanations_s", seconds, 10.0, "<")]
    for name, runs in result["datasets"].items():
        value = runs["template"]["faithfulness"]["delivered"]["unsupported_rate"]
        targets.append(Target(f"{name}_template_delivered_unsupported", value, 0.0, "<="))
    return finish(result, targets, options.check, started, options.out)


if __name__ == "__main__":
    sys.exit(main())
