"""How many verified training pairs each ``whyrec tune --source`` yields, and why the rest drop.

For each dataset it builds up to ``--pairs`` pairs per source (no training) and reports the
pairs kept, by language, the seconds it took, and every count ``build_pairs`` keeps: accepted,
``dropped:KIND`` (the verifier's first complaint), ``skipped:…`` (review sentences never put to
the verifier) and ``too_long``. Datasets:

* ``demo``: the bundled shop (no reviews);
* ``movielens``: ml-latest-small (ratings and tags, no reviews);
* ``instruments``: Amazon Musical Instruments 5-core, whose reviews feed ``references``.

``distill`` needs a teacher: ``--distill N`` asks the bundled model through its own llama.cpp
HTTP server (or ``--base-url``/``--model``) for N pairs on the demo data; each draft takes
seconds on a CPU, so it is off by default and says so. Only counts are written: never review
text (it is personal).

    nice -n 10 .venv/bin/python benchmarks/bench_tune_sources.py --pairs 100

Prints one JSON object and saves it to benchmarks/results/tune_sources.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DATA, REPO_ROOT, finish, log

RESULT = REPO_ROOT / "benchmarks" / "results" / "tune_sources.json"
INSTRUMENTS = REPO_ROOT.parent / "shared" / "data" / "amazon-musical-instruments"
INSTRUMENTS_COLUMN_MAP = {
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    datasets = {"demo": lambda: _load("demo"), "movielens": lambda: _load(options.data),
                "instruments": lambda: _instruments(options.instruments)}
    result: dict[str, Any] = {"benchmark": "training pairs per tune source (no training)",
                              "max_pairs": options.pairs, "seed": options.seed, "datasets": {}}
    for name in [n.strip() for n in options.datasets.split(",") if n.strip()]:
        try:
            dataset = datasets[name]()
        except (OSError, KeyError) as exc:
            result["datasets"][name] = {"unavailable": f"{type(exc).__name__}: {exc}"}
            continue
        entry: dict[str, Any] = {"people": dataset.n_users, "items": dataset.n_items,
                                 "reviews": dataset.n_reviews}
        for source in ("paraphrase", "references"):
            entry[source] = run(dataset, source, options)
        entry["distill"] = _distill(dataset, name, options)
        result["datasets"][name] = entry
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    code = finish(result, [], False, started)
    RESULT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return code


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pairs", type=int, default=100, help="pairs per dataset and source")
    parser.add_argument("--datasets", default="demo,movielens,instruments")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ml-latest-small folder")
    parser.add_argument("--instruments", type=Path, default=INSTRUMENTS,
                        help="Amazon Musical Instruments folder (reviews CSV + metadata CSV)")
    parser.add_argument("--distill", type=int, default=0,
                        help="distilled pairs on the demo data (0: skip; each takes seconds)")
    parser.add_argument("--base-url", default=None,
                        help="teacher server (default: the bundled model's llama.cpp server)")
    parser.add_argument("--model", default="SmolLM2-135M-Instruct")
    parser.add_argument("--seed", type=int, default=0)
    return parser


def run(dataset: Any, source: str, options: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    from whyrec.errors import ConfigError
    from whyrec.tuning.data import build_pairs

    stats: Counter[str] = Counter()
    began = time.perf_counter()
    try:
        pairs = list(build_pairs(dataset, source=source, languages=["en", "zh"],
                                 language_weights=[0.75, 0.25], seed=options.seed,
                                 max_pairs=extra.pop("max_pairs", options.pairs), stats=stats,
                                 **extra))
    except ConfigError as exc:
        return {"unavailable": str(exc)}
    seconds = round(time.perf_counter() - began, 1)
    log(f"{dataset.name} {source}: {len(pairs)} pairs in {seconds} s")
    return {"pairs": len(pairs), "by_language": dict(Counter(p.language for p in pairs)),
            "seconds": seconds, "counts": dict(sorted(stats.items()))}


def _distill(dataset: Any, name: str, options: argparse.Namespace) -> dict[str, Any]:
    if not options.distill:
        return {"skipped": "pass --distill N (a teacher drafts each pair: seconds per pair)"}
    if name != "demo":
        return {"skipped": "distill runs on the demo data only (CPU time)"}
    base_url = options.base_url
    if base_url is None:
        from whyrec.backends.llamacpp import LlamaCppBackend

        base_url = LlamaCppBackend().address + "/v1"
    return {"teacher": options.model if options.base_url else "bundled SmolLM2-135M-Instruct "
            "(+ shipped adapter) via its llama.cpp HTTP server",
            **run(dataset, "distill", options, base_url=base_url, llm_model=options.model,
                  max_pairs=options.distill)}


def _load(source: Any) -> Any:
    from whyrec.data.load import load_dataset

    return load_dataset(source)


def _instruments(folder: Path) -> Any:
    from whyrec.data import dataset_from_frames
    from whyrec.data.readers import read_table

    return dataset_from_frames(
        read_table(folder / "Musical_instruments_reviews.csv", text=True),
        read_table(folder / "Music_Instruments_meta_5.csv", text=True),
        column_map=INSTRUMENTS_COLUMN_MAP, name="amazon-musical-instruments",
        domain="ecommerce")


if __name__ == "__main__":
    sys.exit(main())
