"""XRec's explanation pairs (``../shared/data/xrec-dev``) as whyrec requests, for training and
for the benchmark: each pair's user and item profiles become ``free_text`` facts (marked
``about: user`` / ``about: item``), and its reference explanation (GPT-3.5's, XRec's target)
the request's ``reference``, in the "you" voice and naming the item, as a whyrec explanation
would be.

    .venv/bin/python scripts/xrec_requests.py --out build/xrec-train.jsonl            # training
    .venv/bin/python scripts/xrec_requests.py --held-out --out build/xrec-test.jsonl  # held out

A pair is held out (never trained on) by ``whyrec.tuning.pairs.is_held_out`` of its dataset,
user and item, so the benchmark's pairs and the training pairs never meet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks" / "verifier_set"))
sys.path.insert(0, str(REPO))

from sources import SHARED_DATA, XREC_FILES, xrec_facts, xrec_rows  # noqa: E402
from tests.support.strong_model import you_voice  # noqa: E402

from whyrec.tuning.pairs import is_held_out  # noqa: E402


def pair_key(name: str, row: dict[str, object]) -> str:
    return f"xrec:{name}:{row['uid']}:{row['iid']}"


def requests(name: str, held_out: bool, shared: Path) -> list[dict[str, object]]:
    out = []
    for row in xrec_rows(name, shared):
        if is_held_out(pair_key(name, row)) != held_out or not row.get("explanation"):
            continue
        out.append({
            "user_id": f"{name}-u{row['uid']}", "language": "en",
            "item": {"id": f"{name}-{row['iid']}", "title": row["title"]},
            "evidence": xrec_facts(row),
            "reference": you_voice(str(row["explanation"]), str(row["title"])),
            "xrec_prediction": row.get("xrec_prediction") or None,
        })
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--held-out", action="store_true",
                        help="the held-out pairs (the benchmark's), not the training ones")
    parser.add_argument("--datasets", default=",".join(XREC_FILES))
    parser.add_argument("--shared", type=Path, default=SHARED_DATA)
    options = parser.parse_args()
    options.out.parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    with options.out.open("w", encoding="utf-8") as handle:
        for name in options.datasets.split(","):
            rows = requests(name, options.held_out, options.shared)
            counts[name] = len(rows)
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"out": str(options.out), "held_out": options.held_out, "requests": counts}))


if __name__ == "__main__":
    main()
