"""Prompt-injection detection on the labelled corpus and on real catalogs.

- the attack corpus (``tests/privacy/data/attacks.jsonl``): the share caught in its ``dev`` half
  (phrases were added only from its misses) and in its ``held`` half (never looked at), by
  language and kind; caught = the payload is gone from what explanations would quote and the
  text was flagged, or it was hidden in invisible characters and removed with them;
- its benign twin (``benign_titles.jsonl``) and every title, tag and category of the demo shop,
  MovieLens and the Amazon catalogs in ``--data``'s parent folder: the share left untouched;
- the cost: microseconds per string, first sight (no cache), median of ``--repeats``, wall
  clock and CPU time, beside a plain ``str.casefold`` of the same strings in the same process
  (a floor).

Run ``.venv/bin/python benchmarks/bench_injection.py [--out benchmarks/results/injection.json]``.
"""

from __future__ import annotations

import json
import time
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from _common import REPO_ROOT, Target, finish, log, median, parser
from whyrec.privacy import injection
from whyrec.privacy.clean import clean_text
from whyrec.text import INVISIBLE_RE

CORPUS = REPO_ROOT / "tests" / "privacy" / "data"
HELD_TARGET = 0.9


def _records(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _half(record: dict[str, str]) -> str:
    return "dev" if zlib.crc32(record["text"].encode()) % 2 == 0 else "held"


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(chr(ord(c) - 0xE0000) if 0xE0020 <= ord(c) <= 0xE007E else c for c in text)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return INVISIBLE_RE.sub("", text).casefold()


def _caught(record: dict[str, str]) -> bool:
    kept = clean_text(record["text"], purpose="wording")
    return _folded(record["payload"]) not in _folded(kept) and (
        injection.is_injection(record["text"]) or kept != record["text"])


def _catalog_strings(data: Path) -> dict[str, list[str]]:
    """Titles, tags and categories of the real catalogs found (HTML decoded as at load)."""
    from whyrec.data.convert import readable
    from whyrec.data.load import load_dataset

    found: dict[str, list[str]] = {}
    demo = load_dataset("demo").items
    # the demo shop plants three attacks in descriptions on purpose: titles and tags only
    found["demo"] = demo["title"].tolist() + [t for tags in demo["tags"] for t in tags]
    if (data / "movies.csv").is_file():
        movies = pd.read_csv(data / "movies.csv")
        found["movielens"] = movies["title"].astype(str).tolist()
        if (data / "tags.csv").is_file():
            tags = pd.read_csv(data / "tags.csv")["tag"].astype(str)
            found["movielens"] += tags.unique().tolist()
    instruments = data.parent / "amazon-musical-instruments" / "Music_Instruments_meta_5.csv"
    if instruments.is_file():
        meta = pd.read_csv(instruments)
        found["amazon_instruments"] = [readable(str(v)) for column in ("Description", "Category")
                                       for v in meta[column].dropna()]
    return found


def _cost(strings: Sequence[str], repeats: int) -> dict[str, float]:
    first_sight = injection._first_sign  # not memoised: every call is a first sight
    clean = [injection.prepared(s) for s in strings]
    ours, ours_cpu, floor = [], [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        for text in clean:
            first_sight(text)
        ours.append(time.perf_counter() - started)
        ours_cpu.append(time.process_time() - started_cpu)
        started = time.perf_counter()
        for text in clean:
            text.casefold()
        floor.append(time.perf_counter() - started)
    per = median(ours) / len(clean) * 1e6
    # CPU time too: on shared cores the wall clock also counts the other jobs' turns
    return {"strings": len(clean), "us_per_string": round(per, 2),
            "cpu_us_per_string": round(median(ours_cpu) / len(clean) * 1e6, 2),
            "ratio_over_casefold": round(median(ours) / max(median(floor), 1e-9), 1)}


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0], default_repeats=3)
    arguments.add_argument("--out", type=Path, help="also write the JSON here")
    options = arguments.parse_args(argv)
    started = time.perf_counter()
    attacks, benign = _records("attacks.jsonl"), _records("benign_titles.jsonl")
    by_half: dict[str, Counter[bool]] = defaultdict(Counter)
    by_kind: dict[str, Counter[bool]] = defaultdict(Counter)
    missed: list[dict[str, str]] = []
    for record in attacks:
        caught = _caught(record)
        by_half[_half(record)][caught] += 1
        by_half[f"{_half(record)}_{record['language']}"][caught] += 1
        by_kind[record["kind"]][caught] += 1
        if not caught and _half(record) == "held":
            missed.append({"kind": record["kind"], "language": record["language"],
                           "field": record["field"]})

    def rate(counts: Counter[bool]) -> float:
        return round(counts[True] / max(1, counts[True] + counts[False]), 3)

    flagged = sum(injection.is_injection(r["text"]) for r in benign)
    catalogs = _catalog_strings(options.data)
    untouched = {name: round(1 - sum(injection.is_injection(s) for s in strings)
                             / max(1, len(strings)), 4) for name, strings in catalogs.items()}
    log(f"attacks: {len(attacks)}, held caught {rate(by_half['held']):.1%}")
    result: dict[str, Any] = {
        "benchmark": "injection", "attacks": len(attacks),
        "caught": {half: rate(counts) for half, counts in sorted(by_half.items())},
        "caught_by_kind": {kind: rate(counts) for kind, counts in sorted(by_kind.items())},
        "held_misses": missed,
        "benign_twin": {"strings": len(benign), "flagged": int(flagged)},
        "real_catalogs_untouched": untouched,
        "real_catalog_strings": {name: len(strings) for name, strings in catalogs.items()},
        "cost_real_catalogs": _cost([s for strings in catalogs.values() for s in strings],
                                    options.repeats),
        "cost_attacks": _cost([r["text"] for r in attacks], options.repeats),
    }
    targets = [Target("held-out attacks caught", rate(by_half["held"]), HELD_TARGET, ">="),
               Target("benign twin flagged", float(flagged), 0.0, "<=")]
    return finish(result, targets, options.check, started, options.out)


if __name__ == "__main__":
    raise SystemExit(main())
