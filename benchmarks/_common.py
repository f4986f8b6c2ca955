"""Shared plumbing of the benchmark scripts: options, data loading, timing and target checks.

Every script prints exactly one JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "ml-latest-small"


@dataclass
class Target:
    """One acceptance target: a measured value against a threshold."""

    name: str
    value: float
    threshold: float
    comparison: str  # "<", "<=", ">=" or "abs-1<=" (|value - 1| <= threshold)

    @property
    def met(self) -> bool:
        if self.comparison == "<":
            return self.value < self.threshold
        if self.comparison == "<=":
            return self.value <= self.threshold
        if self.comparison == ">=":
            return self.value >= self.threshold
        if self.comparison == "abs-1<=":
            return abs(self.value - 1.0) <= self.threshold
        raise ValueError(f"unknown comparison {self.comparison!r}")

    @property
    def wanted(self) -> str:
        if self.comparison == "abs-1<=":
            return f"|x - 1| <= {self.threshold}"
        return f"x {self.comparison} {self.threshold}"

    def describe(self) -> str:
        return f"{self.name} = {self.value:.4g} (target {self.wanted})"

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 6), "target": self.wanted, "met": self.met}


def parser(description: str, default_repeats: int) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark shares."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--repeats", type=int, default=default_repeats,
                        help=f"measurement repeats, the median is reported (default "
                             f"{default_repeats})")
    result.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"MovieLens ml-latest-small folder (default {DEFAULT_DATA})")
    result.add_argument("--check", action="store_true",
                        help="exit with status 1 when a target is missed (acceptance test)")
    return result


def parse(arguments: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse options and validate what every benchmark needs."""
    options = arguments.parse_args(argv)
    if options.repeats < 1:
        arguments.error("--repeats must be at least 1")
    if not (options.data / "ratings.csv").is_file() or not (options.data / "movies.csv").is_file():
        sys.exit(f"error: MovieLens data not found at {options.data} (expected ratings.csv and "
                 "movies.csv); pass --data PATH to the ml-latest-small folder")
    return options


def log(message: str) -> None:
    """Progress to stderr, so stdout stays one JSON object."""
    print(message, file=sys.stderr, flush=True)


def load(path: Path) -> Any:
    """The dataset at ``path`` (a whyrec ``Dataset``)."""
    from whyrec.data.load import load_dataset

    started = time.perf_counter()
    dataset = load_dataset(path)
    log(f"loaded {path.name}: {dataset.n_users} people, {dataset.n_items} items, "
        f"{len(dataset.interactions)} interactions in {time.perf_counter() - started:.2f} s")
    return dataset


def config_dataset(name: str, data: Path) -> Any:
    """The dataset a ``name:language`` configuration names: the bundled demo, or ``data``."""
    if name == "demo":
        from whyrec.data.load import load_dataset

        return load_dataset("demo")
    return load(data)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call of ``function`` takes (after a garbage collection) and its result."""
    gc.collect()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Median, min and max of repeated timings, rounded for the report."""
    return {"median_s": round(median(seconds), 4), "min_s": round(min(seconds), 4),
            "max_s": round(max(seconds), 4), "runs": len(seconds)}


def finish(result: dict[str, Any], targets: Sequence[Target], check: bool,
           started: float, out: Path | None = None) -> int:
    """Attach targets and runtime, print the JSON object (and write it to ``out``) and return
    the exit status."""
    result["targets"] = {target.name: target.to_dict() for target in targets}
    missed = [target for target in targets if not target.met]
    result["all_targets_met"] = not missed
    result["runtime_s"] = round(time.perf_counter() - started, 2)
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    print(text)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    for target in missed:
        log(f"MISSED: {target.describe()}")
    return 1 if check and missed else 0
