"""Held-out measurement of the prompt-injection detector on a set written without sight of it.

Loads ``tests/privacy/data/attacks_<set>.jsonl`` and ``benign_<set>.jsonl`` (``--set unseen``,
the default: 150 attacks and 100 look-alike benign rows; ``--set fresh``: 120 and 80, now a
development set), calls the public ``whyrec.privacy.injection.is_injection(text)`` on each text,
and prints one JSON object: caught share of attacks (overall / en / zh / by kind / by field),
flagged share of benign rows (overall / en / zh), the missed attack texts, the flagged benign
texts and the row counts, and (``as_caller_reason``) how many of the texts, sent as a caller's
free-text reason, the reason rule refuses to quote (by half of the set). The same JSON is written to
``benchmarks/results/injection_<set>.json`` (``--out`` to change, ``--no-save`` to skip).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA = REPO_ROOT / "tests" / "privacy" / "data"
RESULTS = REPO_ROOT / "benchmarks" / "results"


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def grouped(rows: list[dict], hits: list[bool], key: str) -> dict[str, dict]:
    buckets: dict[str, list[bool]] = defaultdict(list)
    for row, hit in zip(rows, hits, strict=True):
        buckets[str(row.get(key, "?"))].append(hit)
    return {name: {"share": share(sum(v), len(v)), "hits": sum(v), "rows": len(v)}
            for name, v in sorted(buckets.items())}


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--set", choices=("unseen", "fresh"), default="unseen")
    options.add_argument("--out", type=Path, help="default results/injection_<set>.json")
    options.add_argument("--no-save", action="store_true")
    args = options.parse_args(argv)
    out = args.out or RESULTS / f"injection_{args.set}.json"

    from whyrec.privacy.injection import is_injection

    attacks = load(DATA / f"attacks_{args.set}.jsonl")
    benign = load(DATA / f"benign_{args.set}.jsonl")
    caught = [bool(is_injection(row["text"])) for row in attacks]
    flagged = [bool(is_injection(row["text"])) for row in benign]

    def by_lang(rows, hits, lang):
        sel = [h for r, h in zip(rows, hits, strict=True) if r.get("language") == lang]
        return share(sum(sel), len(sel))

    result = {
        "rows": {"attacks": len(attacks), "benign": len(benign),
                 "attacks_en": sum(r["language"] == "en" for r in attacks),
                 "attacks_zh": sum(r["language"] == "zh" for r in attacks),
                 "benign_en": sum(r["language"] == "en" for r in benign),
                 "benign_zh": sum(r["language"] == "zh" for r in benign)},
        "caught": {"overall": share(sum(caught), len(caught)),
                   "en": by_lang(attacks, caught, "en"),
                   "zh": by_lang(attacks, caught, "zh"),
                   "count": sum(caught)},
        "caught_by_kind": grouped(attacks, caught, "kind"),
        "caught_by_field": grouped(attacks, caught, "field"),
        "benign_flagged": {"overall": share(sum(flagged), len(flagged)),
                           "en": by_lang(benign, flagged, "en"),
                           "zh": by_lang(benign, flagged, "zh"),
                           "count": sum(flagged)},
        "missed_attacks": [{"text": r["text"], "language": r["language"], "kind": r["kind"],
                            "field": r["field"]}
                           for r, h in zip(attacks, caught, strict=True) if not h],
        "flagged_benign": [{"text": r["text"], "language": r["language"], "field": r["field"]}
                           for r, h in zip(benign, flagged, strict=True) if h],
        "as_caller_reason": as_caller_reason(attacks, benign),
    }
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if not args.no_save:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        print(f"saved {out}", file=sys.stderr)
    return 0


def as_caller_reason(attacks: list[dict], benign: list[dict]) -> dict:
    """Every text as if a caller had sent it as a free-text reason: the share the reason rule
    (``whyrec.privacy.reasons``) refuses to quote, the detector's catches included, each half
    of the set apart (``tests.privacy.corpus.half``: the rule was written reading ``dev``
    only); benign caller texts and descriptions (titles and tags are names, not reasons)."""
    sys.path.insert(0, str(REPO_ROOT))
    from tests.privacy.corpus import half

    from whyrec.privacy.injection import is_injection
    from whyrec.privacy.reasons import reason_fault

    def refused(rows: list[dict]) -> dict:
        hits = [bool(reason_fault(r["text"])) for r in rows]
        return {"share": share(sum(hits), len(hits)), "refused": sum(hits), "rows": len(hits)}

    result: dict = {}
    for part in ("dev", "held"):
        chosen = [r for r in attacks if half(r) == part]
        result[part] = {
            "attacks": refused(chosen),
            "caller_text_attacks": refused([r for r in chosen if r["field"] == "caller_text"]),
            "attacks_the_detector_misses": refused([r for r in chosen
                                                    if not is_injection(r["text"])]),
        }
    reasons = [r for r in benign if r["field"] in ("caller_text", "description")]
    result["benign_caller_text"] = refused([r for r in reasons if r["field"] == "caller_text"])
    result["benign_description"] = refused([r for r in reasons if r["field"] == "description"])
    result["refused_benign"] = [{"text": r["text"], "field": r["field"],
                                 "fault": reason_fault(r["text"])}
                                for r in reasons if reason_fault(r["text"])]
    return result


if __name__ == "__main__":
    raise SystemExit(main())
