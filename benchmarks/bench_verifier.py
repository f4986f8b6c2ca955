"""The verifier's own benchmark: how many false statements it catches and how many faithful
texts it accepts, per class and per language, on the labelled set of
``benchmarks/verifier_set/labelled.jsonl`` (built by ``benchmarks/verifier_set/build.py``).

Each text is judged against the recommendation stored with it (evidence included; nothing is
retrained): texts about the demo shop, MovieLens and the Amazon instruments go through
``whyrec.api.verify(text, recommendation, dataset, language=…, length=…)`` with the dataset
loaded, as production verifies them; XRec's texts (caller evidence, ``FreeText`` facts) through
``Explainer("template").verify(…, details=…)`` with the stored item details. A source whose data
is missing here (or every source, with ``--no-datasets``) is verified with its stored details
alone, and the JSON says so.

Prints one JSON object: per language, the catch rate of every false class (caught / total), the
acceptance rate of every faithful subclass and overall, the same by source, a few misclassified
ids per class and which checks caught (or wrongly rejected) the texts. ``base_accepted`` is the
catch rate among the false texts whose faithful original (``base_text``) the verifier accepts:
a catch of a text whose original it already rejects (a number it cannot back, say) says nothing
about the false claim, so this is the figure that measures the check. Targets are issue 16's:
>= 99 % of false statements caught in every class, >= 95 % of faithful texts accepted, per
language.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_verifier.py \
        --out benchmarks/results/bench_verifier.json          # ~15 s
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "verifier_set"))

from sources import DATASET_SOURCES, LABELLED, REPO_ROOT, SHARED_DATA, available, load_source

from _common import Target, finish, log

#: issue 16's targets
CATCH_TARGET = 0.99
ACCEPT_TARGET = 0.95


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--set", type=Path, default=LABELLED, help="the labelled JSON lines")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA,
                        help="the folder holding ml-latest-small and amazon-musical-instruments")
    parser.add_argument("--no-datasets", action="store_true",
                        help="verify every text with its stored item details only")
    parser.add_argument("--examples", type=int, default=5,
                        help="misclassified ids listed per class (default 5)")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser


def read_set(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def verdicts(records: list[dict[str, Any]], options: argparse.Namespace, *,
             field: str = "text") -> tuple[list[Any], dict[str, str]]:
    """Today's verdict on every record's ``field`` (the text, or the faithful text a false one
    was made from; None where there is none), and how each source was verified."""
    from whyrec.api import verify
    from whyrec.explanation.explainer import Explainer
    from whyrec.types import Recommendation
    from whyrec.values import ItemDetails, Style

    datasets: dict[str, Any] = {}
    mode: dict[str, str] = {}
    for source in sorted({r["source"] for r in records}):
        if source in DATASET_SOURCES and not options.no_datasets and available(
                source, options.shared):
            started = time.perf_counter()
            datasets[source] = load_source(source, options.shared)
            log(f"loaded {source} in {time.perf_counter() - started:.1f} s")
            mode[source] = "dataset"
        else:
            mode[source] = "details"
            if source in DATASET_SOURCES:
                log(f"{source}: verifying with the stored item details only")
    bare = Explainer("template")
    out: list[Any] = []
    for record in records:
        if not record.get(field):
            out.append(None)
            continue
        rec = Recommendation.from_dict(record["recommendation"])
        dataset = datasets.get(record["source"])
        if dataset is not None:
            verdict = verify(record[field], rec, dataset, language=record["language"],
                             length=record["length"])
        else:
            details = ItemDetails(**{**record["details"],
                                     "tags": tuple(record["details"]["tags"])})
            verdict = bare.verify(record[field], rec, language=record["language"],
                                  style=Style(length=record["length"]), details=details)
        out.append(verdict)
    return out, mode


def _rate(good: int, total: int) -> float | None:
    return round(good / total, 4) if total else None


def summarise(records: list[dict[str, Any]], results: list[Any], bases: list[Any],
              examples: int) -> dict[str, Any]:
    base_passed = {r["id"]: b.passed for r, b in zip(records, bases, strict=True)
                   if b is not None}
    by_language: dict[str, Any] = {}
    for language in sorted({r["language"] for r in records}):
        rows = [(r, v) for r, v in zip(records, results, strict=True)
                if r["language"] == language]
        false_rows = [(r, v) for r, v in rows if r["label"] == "false"]
        faithful_rows = [(r, v) for r, v in rows if r["label"] == "faithful"]
        false: dict[str, Any] = {}
        for cls in sorted({r["class"] for r, _ in false_rows}):
            group = [(r, v) for r, v in false_rows if r["class"] == cls]
            caught = [(r, v) for r, v in group if not v.passed]
            kinds = Counter(s.kind for _, v in caught for s in v.unsupported)
            # a catch counts for the claim only where the faithful text it was made from passes
            clean = [(r, v) for r, v in group if base_passed.get(r["id"])]
            clean_caught = sum(not v.passed for _, v in clean)
            false[cls] = {
                "caught": len(caught), "total": len(group),
                "catch_rate": _rate(len(caught), len(group)),
                "base_accepted": {"caught": clean_caught, "total": len(clean),
                                  "catch_rate": _rate(clean_caught, len(clean))},
                "missed_ids": [r["id"] for r, v in group if v.passed][:examples],
                "caught_by": dict(kinds.most_common()),
            }
        faithful: dict[str, Any] = {}
        for cls in sorted({r["class"] for r, _ in faithful_rows}):
            group = [(r, v) for r, v in faithful_rows if r["class"] == cls]
            accepted = [r for r, v in group if v.passed]
            rejected = [(r, v) for r, v in group if not v.passed]
            kinds = Counter(s.kind for _, v in rejected for s in v.unsupported)
            faithful[cls] = {
                "accepted": len(accepted), "total": len(group),
                "acceptance_rate": _rate(len(accepted), len(group)),
                "rejected_ids": [r["id"] for r, _ in rejected][:examples],
                "rejected_by": dict(kinds.most_common()),
            }
        caught_all = sum(not v.passed for _, v in false_rows)
        accepted_all = sum(v.passed for _, v in faithful_rows)
        by_source: dict[str, Any] = defaultdict(dict)
        for source in sorted({r["source"] for r, _ in rows}):
            f = [v for r, v in false_rows if r["source"] == source]
            a = [v for r, v in faithful_rows if r["source"] == source]
            by_source[source] = {
                "false_caught": f"{sum(not v.passed for v in f)}/{len(f)}",
                "catch_rate": _rate(sum(not v.passed for v in f), len(f)),
                "faithful_accepted": f"{sum(v.passed for v in a)}/{len(a)}",
                "acceptance_rate": _rate(sum(v.passed for v in a), len(a)),
            }
        hand = [(r, v) for r, v in rows if r.get("handwritten")]
        hand_false = [v for r, v in hand if r["label"] == "false"]
        hand_faithful = [v for r, v in hand if r["label"] == "faithful"]
        by_language[language] = {
            "false": false,
            "faithful": faithful,
            "false_overall": {"caught": caught_all, "total": len(false_rows),
                              "catch_rate": _rate(caught_all, len(false_rows))},
            "faithful_overall": {"accepted": accepted_all, "total": len(faithful_rows),
                                 "acceptance_rate": _rate(accepted_all, len(faithful_rows))},
            "by_source": dict(by_source),
            "handwritten": {
                "false_caught": f"{sum(not v.passed for v in hand_false)}/{len(hand_false)}",
                "faithful_accepted": f"{sum(v.passed for v in hand_faithful)}/"
                                     f"{len(hand_faithful)}"},
        }
    return by_language


def targets(summary: dict[str, Any]) -> list[Target]:
    out = []
    for language, part in summary.items():
        for cls, row in part["false"].items():
            out.append(Target(f"{language}.catch.{cls}", row["catch_rate"] or 0.0,
                              CATCH_TARGET, ">="))
        out.append(Target(f"{language}.faithful_accepted",
                          part["faithful_overall"]["acceptance_rate"] or 0.0,
                          ACCEPT_TARGET, ">="))
    return out


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    options = arguments().parse_args(argv)
    started = time.perf_counter()
    if not options.set.is_file():
        sys.exit(f"error: {options.set} not found; build it with "
                 "benchmarks/verifier_set/build.py")
    records = read_set(options.set)
    log(f"{len(records)} labelled texts from {options.set.name}")
    verify_started = time.perf_counter()
    results, mode = verdicts(records, options)
    verify_s = time.perf_counter() - verify_started
    bases, _ = verdicts(records, options, field="base_text")
    summary = summarise(records, results, bases, options.examples)
    result: dict[str, Any] = {
        "set": {"path": _shown(options.set), "texts": len(records),
                "by_language": dict(Counter(r["language"] for r in records)),
                "by_label": dict(Counter(r["label"] for r in records))},
        "verified_with": mode,
        "verify_s": round(verify_s, 2),
        "per_language": summary,
    }
    return finish(result, targets(summary), options.check, started, options.out)


if __name__ == "__main__":
    raise SystemExit(main())
