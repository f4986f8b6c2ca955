"""How often the free-text reason rule (``whyrec.privacy.reasons``) refuses to quote a caller's
reason: XRec's profile sentences (every Google and Yelp pair of ``../shared/data/xrec-dev``,
each sentence a ``free_text`` fact as ``bench_xrec.py`` sends them, so refusing one drops it
from the template's text), the benign look-alike sets' caller texts and descriptions, and the
attack sets (every field, as if a caller had sent it as a reason), each attack set's two
halves apart (``tests.privacy.corpus.half``: the rule was designed reading only ``dev``).

No model: a few seconds. ``--show N`` prints up to N refused benign texts with every
capitalised word after the first masked (XRec's profiles may name people).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_free_text_reasons.py \
        --out benchmarks/results/free_text_reasons.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "verifier_set"))
sys.path.insert(0, str(HERE.parent))

from sources import SHARED_DATA, XREC_FILES, xrec_rows, xrec_sentences  # noqa: E402
from tests.privacy.corpus import half, load_jsonl  # noqa: E402

from whyrec.privacy.reasons import reason_fault  # noqa: E402

ATTACKS = ("attacks_unseen.jsonl", "attacks_fresh.jsonl", "attacks.jsonl")
BENIGN = ("benign_unseen.jsonl", "benign_fresh.jsonl", "benign_titles.jsonl")
#: the benign fields a caller's reason looks like (titles and tags are names, not sentences)
BENIGN_FIELDS = ("caller_text", "description")


def masked(text: str) -> str:
    """``text`` with every capitalised word but the first as "X" (no name is printed)."""
    head, _, rest = text.partition(" ")
    return head + " " + re.sub(r"\b[A-Z]\w*", "X", rest)


def refused(texts: list[str]) -> dict[str, Any]:
    faults = Counter(f for f in map(reason_fault, texts) if f)
    n = sum(faults.values())
    return {"texts": len(texts), "refused": n,
            "refused_share": round(n / len(texts), 4) if texts else None,
            "faults": dict(faults.most_common())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--shared", type=Path, default=SHARED_DATA)
    options = parser.parse_args(argv)
    started = time.perf_counter()
    result: dict[str, Any] = {"benchmark": "free_text_reasons", "xrec": {}, "benign": {},
                              "attacks": {}}
    shown: list[str] = []
    for name in XREC_FILES:
        rows = xrec_rows(name, options.shared)
        sentences = [s for row in rows for s in xrec_sentences(row)]
        figures = refused(sentences)
        figures["pairs"] = len(rows)
        # a pair whose every sentence is kept: the template may quote all of its profiles
        figures["pairs_with_a_refusal"] = sum(
            any(reason_fault(s) for s in xrec_sentences(row)) for row in rows)
        result["xrec"][name] = figures
        shown += [f"xrec/{name} [{reason_fault(s)}] {masked(s)}" for s in sentences
                  if reason_fault(s)]
    for name in BENIGN:
        records = load_jsonl(name)
        for field in BENIGN_FIELDS:
            for language in ("en", "zh"):
                texts = [r["text"] for r in records
                         if r["field"] == field and r["language"] == language]
                key = f"{name.removesuffix('.jsonl')}/{field}/{language}"
                result["benign"][key] = refused(texts)
                shown += [f"{key} [{reason_fault(t)}] {t}" for t in texts if reason_fault(t)]
    for name in ATTACKS:
        records = load_jsonl(name)
        figures = {}
        for part in ("dev", "held"):
            chosen = [r for r in records if half(r) == part]
            figures[part] = {
                "all_fields": refused([r["text"] for r in chosen]),
                "caller_text": refused([r["text"] for r in chosen if r["field"] == "caller_text"]),
                # the rule alone: the attacks the phrase detector does not catch
                "missed_by_detector": refused([r["text"] for r in chosen
                                               if reason_fault(r["text"]) != "instruction"
                                               and not _caught(r["text"])]),
            }
        result["attacks"][name.removesuffix(".jsonl")] = figures
    result["runtime_s"] = round(time.perf_counter() - started, 2)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    for line in shown[:options.show]:
        print(line, file=sys.stderr)
    if options.out:
        options.out.write_text(text + "\n", encoding="utf-8")
    return 0


def _caught(text: str) -> bool:
    from whyrec.privacy.injection import is_injection

    return is_injection(text)


if __name__ == "__main__":
    sys.exit(main())
