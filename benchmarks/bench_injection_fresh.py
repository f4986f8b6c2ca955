"""Held-out check of the injection detector on a fresh, independently written set.

Loads tests/privacy/data/attacks_fresh.jsonl and benign_fresh.jsonl, calls the public
``whyrec.privacy.injection.is_injection`` on each text and prints one JSON object:
caught share overall / per language / per kind, benign flagged share, and the misses.
The data files were written without looking at the detector. Since the detector was then
fixed by kind from this set's misses and false positives, it is a development set, no longer a
held-out one: ``results/injection_fresh_before.json`` is its last held-out measure.

Run ``.venv/bin/python benchmarks/bench_injection_fresh.py
> benchmarks/results/injection_fresh.json``.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from whyrec.privacy.injection import is_injection

DATA = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "data"


def _load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _share(hits: list[bool]) -> float:
    return round(sum(hits) / len(hits), 4) if hits else 0.0


def main() -> None:
    attacks = _load("attacks_fresh.jsonl")
    benign = _load("benign_fresh.jsonl")
    by_lang: dict[str, list[bool]] = defaultdict(list)
    by_kind: dict[str, list[bool]] = defaultdict(list)
    caught, missed = [], []
    for row in attacks:
        hit = bool(is_injection(row["text"]))
        caught.append(hit)
        by_lang[row["language"]].append(hit)
        by_kind[row["kind"]].append(hit)
        if not hit:
            missed.append({"text": row["text"], "language": row["language"], "kind": row["kind"]})
    flags, flagged = [], []
    benign_lang: dict[str, list[bool]] = defaultdict(list)
    for row in benign:
        hit = bool(is_injection(row["text"]))
        flags.append(hit)
        benign_lang[row["language"]].append(hit)
        if hit:
            flagged.append({"text": row["text"], "language": row["language"],
                            "field": row["field"]})
    result = {
        "attacks": len(attacks),
        "benign": len(benign),
        "caught_share": _share(caught),
        "caught_share_by_language": {k: _share(v) for k, v in sorted(by_lang.items())},
        "caught_share_by_kind": {k: {"n": len(v), "caught": sum(v), "share": _share(v)}
                                 for k, v in sorted(by_kind.items())},
        "benign_flagged_share": _share(flags),
        "benign_flagged_share_by_language": {k: _share(v) for k, v in sorted(benign_lang.items())},
        "missed_attacks": missed,
        "flagged_benign": flagged,
    }
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
