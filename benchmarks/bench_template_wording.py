"""How the template explainer reads: verified share, distinct openings, distinct-2, length.

Over the demo shop (every person's top 5), MovieLens ml-latest-small and Amazon Musical
Instruments (the first ``--users`` people's top 5 each), English and Chinese, medium length:

* ``verified``: share of texts that pass the pipeline's own verifier (must be 1.0);
* ``distinct_openings``: share of texts whose opening (first five words, titles and numbers
  masked) no other text of the set has (issue 17's measure); ``opening_ratio``: distinct
  openings / texts; ``openings_per_50``: the unique share within blocks of 50 texts (what a
  hand-check sample sees);
* ``distinct_2``: distinct word bigrams / all bigrams (titles and numbers masked);
* ``words_mean`` (English, whitespace words) / ``chars_mean`` (Chinese, characters);
  ``facts_mean``: facts cited per text.

Chinese "words" are jieba's. Short and detailed lengths and the friendly tone are checked for
the verified share only (demo and MovieLens, fewer people). Run it with ``PYTHONPATH`` at
another checkout's ``src`` to measure that code (the before / after of a wording change):

    PYTHONPATH=src .venv/bin/python benchmarks/bench_template_wording.py --users 200

Prints one JSON object (no catalog text: only counts and shares).
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DATA, REPO_ROOT, log

INSTRUMENTS = REPO_ROOT.parent / "shared" / "data" / "amazon-musical-instruments"
INSTRUMENTS_COLUMN_MAP = {
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}
NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
EN_WORD_RE = re.compile(r"[\w'’/%-]+")
#: a sample of texts to read (``--show``) goes to stderr, never into the JSON
OPENING_WORDS = 5


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    import whyrec

    result: dict[str, Any] = {
        "benchmark": "template wording", "code": str(Path(whyrec.__file__).parent.parent),
        "users": options.users, "algo": options.algo, "datasets": {}}
    for name in [n.strip() for n in options.datasets.split(",") if n.strip()]:
        dataset = _dataset(name, options)
        pipeline = _pipeline(dataset, options.algo)
        users = [str(u) for u in dataset.user_ids.tolist()]
        users = users if name == "demo" else users[: options.users]
        recs = [r for _, rs in pipeline.recommend_many(users, 5) for r in rs]
        log(f"{name}: {len(users)} people, {len(recs)} recommendations")
        per_language: dict[str, Any] = {}
        for language in ("en", "zh"):
            explanations = pipeline.explain(recs, language=language)
            per_language[language] = _measure(explanations, recs, language)
            for kind, extra in (("short", {"length": "short"}),
                                ("detailed", {"length": "detailed"}),
                                ("friendly", {"tone": "friendly"})):
                if name == "instruments":
                    continue
                from whyrec.values import Style

                some = recs[: options.style_recs]
                styled = pipeline.explain(some, language=language, style=Style(**extra))
                per_language[language][f"verified_{kind}"] = _share(
                    [bool(e.verdict and e.verdict.passed) for e in styled])
                failures = [e for e in styled if not (e.verdict and e.verdict.passed)]
                _report_failures(failures, f"{name}/{language}/{kind}")
            if options.show:
                for explanation in explanations[: options.show]:
                    log(f"[{name}/{language}] {explanation.text}")
        result["datasets"][name] = per_language
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    import json

    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200,
                        help="people per dataset (MovieLens, instruments; demo: all)")
    parser.add_argument("--datasets", default="demo,movielens,instruments")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--instruments", type=Path, default=INSTRUMENTS)
    parser.add_argument("--algo", default="hybrid")
    parser.add_argument("--style-recs", type=int, default=300,
                        help="recommendations checked at short / detailed / friendly")
    parser.add_argument("--show", type=int, default=0,
                        help="print this many texts per dataset and language to stderr")
    return parser


def _dataset(name: str, options: argparse.Namespace) -> Any:
    from whyrec.data.load import load_dataset

    if name == "demo":
        return load_dataset("demo")
    if name == "movielens":
        return load_dataset(options.data)
    if name == "instruments":
        from whyrec.data import dataset_from_frames
        from whyrec.data.readers import read_table

        folder = options.instruments
        return dataset_from_frames(
            read_table(folder / "Musical_instruments_reviews.csv", text=True),
            read_table(folder / "Music_Instruments_meta_5.csv", text=True),
            column_map=INSTRUMENTS_COLUMN_MAP, name="amazon-musical-instruments",
            domain="ecommerce")
    raise SystemExit(f"unknown dataset {name!r}")


def _pipeline(dataset: Any, algo: str) -> Any:
    from whyrec.models import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    return Pipeline(dataset, create(algo).fit(dataset), ExplainSettings(backend="template"))


def _measure(explanations: Sequence[Any], recs: Sequence[Any], language: str) -> dict[str, Any]:
    passed = [bool(e.verdict and e.verdict.passed) for e in explanations]
    _report_failures([e for e, ok in zip(explanations, passed, strict=True) if not ok],
                     language)
    masked = [_masked(e.text, r) for e, r in zip(explanations, recs, strict=True)]
    words = [_words(m, language) for m in masked]
    openings = [" ".join(w[:OPENING_WORDS]) for w in words]
    bigrams = [(a, b) for w in words for a, b in itertools.pairwise(w)]
    out: dict[str, Any] = {
        "texts": len(explanations),
        "verified": _share(passed),
        "distinct_openings": _unique_share(openings),
        "opening_ratio": round(len(set(openings)) / max(len(openings), 1), 4),
        "openings_per_50": round(sum(_unique_share(openings[i: i + 50])
                                     for i in range(0, len(openings), 50))
                                 / max(1, -(-len(openings) // 50)), 4),
        "distinct_2": round(len(set(bigrams)) / max(len(bigrams), 1), 4),
        "facts_mean": round(sum(len(e.cited_ids) for e in explanations)
                            / max(len(explanations), 1), 2),
    }
    if language == "zh":
        out["chars_mean"] = round(sum(len(re.sub(r"\s", "", e.text)) for e in explanations)
                                  / max(len(explanations), 1), 1)
    else:
        out["words_mean"] = round(sum(len(e.text.split()) for e in explanations)
                                  / max(len(explanations), 1), 1)
    out["top_openings"] = [count for _, count in Counter(openings).most_common(3)]
    return out


def _masked(text: str, rec: Any) -> str:
    """The text with every title the facts name (and the item's own) as T, numbers as N."""
    titles = {rec.title, *(ref.title for fact in rec.evidence for ref in fact.items())}
    for title in sorted((t for t in titles if t), key=len, reverse=True):
        for quoted in (f"\u201c{title}\u201d", f"《{title}》", title):
            text = text.replace(quoted, " T ")
    return NUMBER_RE.sub(" N ", text)


def _words(text: str, language: str) -> list[str]:
    if language == "zh":
        from whyrec.verification.content import zh_segments

        # Latin runs (titles left unmasked, untranslated categories) count as words too
        pieces = re.findall(r"[\u3400-\u9fff]+|[A-Za-z0-9'’/%-]+", text)
        words: list[str] = []
        for piece in pieces:
            words.extend(zh_segments(piece) if re.match(r"[\u3400-\u9fff]", piece)
                         else [piece.casefold()])
        return words
    return [w.casefold() for w in EN_WORD_RE.findall(text)]


def _unique_share(openings: Sequence[str]) -> float:
    counts = Counter(openings)
    return round(sum(1 for o in openings if counts[o] == 1) / max(len(openings), 1), 4)


def _share(flags: Sequence[bool]) -> float:
    return round(sum(flags) / max(len(flags), 1), 4)


def _report_failures(failures: Sequence[Any], where: str) -> None:
    for explanation in failures[:3]:
        reasons = [u.reason for u in (explanation.verdict.unsupported if explanation.verdict
                                      else [])][:2]
        log(f"NOT VERIFIED {where}: {reasons}")


if __name__ == "__main__":
    sys.exit(main())
