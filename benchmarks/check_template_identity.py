"""Whether template explanations are the same as another checkout's: text, verdict, cited ids.

Explains every MovieLens person's top-10 with ALS and item-kNN, in English and in Chinese
(24,400 explanations), and writes one JSON line per explanation (``--dump PATH``) or compares
them with such a dump (``--against PATH``). A speed-up of the template path or the verifier
must leave every line as it was.

Run the baseline with the other code first, then this code against its dump::

    PYTHONPATH=/tmp/base/src .venv/bin/python benchmarks/check_template_identity.py \
        --dump /tmp/identity_base.jsonl
    PYTHONPATH=src .venv/bin/python benchmarks/check_template_identity.py \
        --against /tmp/identity_base.jsonl

Prints one JSON object: how many explanations, how many differ, and the first few that do.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from _common import finish, load, log, parse, parser
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings

N = 10
ALGORITHMS = ("als", "itemknn")
LANGUAGES = ("en", "zh")
#: differences shown in the report (the count is of all)
SHOWN = 5


def explained(dataset: Any) -> Iterator[dict[str, Any]]:
    """Every explanation of everyone's top-10, as a comparable record."""
    users = [str(u) for u in dataset.user_ids.tolist()]
    for algorithm in ALGORITHMS:
        model = create(algorithm).fit(dataset)
        pipeline = Pipeline(dataset, model, ExplainSettings(backend="template"))
        recs = [r for _, r in pipeline.recommend_many(users, N)]
        for language in LANGUAGES:
            for person in recs:
                for e in pipeline.explain(person, language=language):
                    yield {
                        "algorithm": algorithm, "language": language, "user": e.user_id,
                        "item": e.item_id, "text": e.text, "passed": e.verdict.passed,
                        "reasons": [[s.text, s.kind, s.reason, s.claim_start, s.claim_end]
                                    for s in e.verdict.unsupported],
                        "cited_ids": list(e.cited_ids),
                        "fallback_detail": e.fallback_detail,
                    }
            log(f"{algorithm} {language}: explained")


def key(record: dict[str, Any]) -> tuple[str, str, str, str]:
    return record["algorithm"], record["language"], record["user"], record["item"]


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    arguments = parser(__doc__.splitlines()[0], default_repeats=1)
    arguments.add_argument("--dump", type=Path, help="write the records to this JSON-lines file")
    arguments.add_argument("--against", type=Path, help="compare with this JSON-lines file")
    options = parse(arguments, argv)
    if (options.dump is None) == (options.against is None):
        arguments.error("give exactly one of --dump and --against")
    records = list(explained(load(options.data)))
    output: dict[str, Any] = {"benchmark": "template_identity", "n_explanations": len(records),
                              "n_passed": sum(r["passed"] for r in records)}
    if options.dump is not None:
        with options.dump.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        output["dump"] = str(options.dump)
        return finish(output, [], options.check, started)
    with options.against.open(encoding="utf-8") as lines:
        expected = {key(r): r for r in map(json.loads, lines)}
    different = [(r, expected.get(key(r))) for r in records if expected.get(key(r)) != r]
    output.update({
        "against": str(options.against), "n_expected": len(expected),
        "n_different": len(different) + abs(len(expected) - len(records)),
        "first_differences": [{"now": now, "expected": then} for now, then in different[:SHOWN]],
    })
    result = finish(output, [], options.check, started)
    return 1 if options.check and output["n_different"] else result


if __name__ == "__main__":
    sys.exit(main())
