"""The verifier's labelled set (benchmarks/verifier_set): complete, well-formed, usable as is.

The verifier's rates on it are measured by benchmarks/bench_verifier.py, not asserted here
(they change as the verifier does).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from whyrec.types import Recommendation
from whyrec.values import ItemDetails

SET_DIR = Path(__file__).resolve().parents[2] / "benchmarks" / "verifier_set"
FALSE_CLASSES = {"event", "sentiment", "comparison", "item_rating", "attribute", "stated",
                 "other_profile", "fluency", "title", "number", "pii", "splice"}
FAITHFUL_CLASSES = {"template", "paraphrase", "free_text_paraphrase"}
#: classes that need free-text (XRec) evidence, which is English only
ENGLISH_ONLY = {"other_profile", "free_text_paraphrase", "splice"}
SOURCES = {"demo", "movielens", "amazon", "xrec"}
FIELDS = {"id", "source", "language", "label", "class", "text", "length", "recommendation",
          "details", "base", "base_text", "change", "handwritten"}


def read(name: str) -> list[dict[str, Any]]:
    with (SET_DIR / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return read("labelled.jsonl")


def test_size_languages_and_sources(records: list[dict[str, Any]]) -> None:
    assert len(records) >= 600
    languages = Counter(r["language"] for r in records)
    assert set(languages) == {"en", "zh"}
    assert languages["zh"] >= 200
    assert {r["source"] for r in records} == SOURCES
    assert len({r["id"] for r in records}) == len(records)
    assert (SET_DIR / "labelled.jsonl").stat().st_size < 3_500_000


def test_every_class_in_every_language_it_applies_to(records: list[dict[str, Any]]) -> None:
    counts = Counter((r["language"], r["label"], r["class"]) for r in records)
    for language in ("en", "zh"):
        for label, classes in (("false", FALSE_CLASSES), ("faithful", FAITHFUL_CLASSES)):
            for cls in classes:
                if language == "zh" and cls in ENGLISH_ONLY:
                    continue
                assert counts[(language, label, cls)] >= 20, (language, label, cls)
    assert set(counts) <= {(lang, label, cls) for lang in ("en", "zh")
                           for label, classes in (("false", FALSE_CLASSES),
                                                  ("faithful", FAITHFUL_CLASSES))
                           for cls in classes}


def test_records_are_well_formed(records: list[dict[str, Any]]) -> None:
    ids = {r["id"] for r in records}
    for record in records:
        assert set(record) == FIELDS, record["id"]
        assert record["label"] in ("faithful", "false")
        assert record["length"] in ("short", "medium", "detailed")
        assert record["text"].strip()
        if record["label"] == "false" and not record["handwritten"]:
            # made from a faithful text by one change, which is kept alongside
            assert record["base_text"] and record["base_text"] != record["text"]
            assert record["base"] in ids or record["base"].startswith("unlisted-")
            assert record["change"]


def test_recommendations_round_trip(records: list[dict[str, Any]]) -> None:
    for record in records:
        rec = Recommendation.from_dict(record["recommendation"])
        again = json.loads(json.dumps(rec.to_dict()))
        assert again == record["recommendation"], record["id"]
        details = ItemDetails(**{**record["details"], "tags": tuple(record["details"]["tags"])})
        assert details.title == rec.title
        if record["source"] == "xrec":
            assert rec.evidence and all(e.kind == "free_text" for e in rec.evidence)


def test_handwritten_texts_are_in_the_set(records: list[dict[str, Any]]) -> None:
    written = read("handwritten.jsonl")
    by_id = {r["id"]: r for r in records}
    assert all(Counter(r["language"] for r in written)[lang] >= 60 for lang in ("en", "zh"))
    for row in written:
        record = by_id[row["id"]]
        assert record["handwritten"] and record["source"] == "demo"
        assert (record["text"], record["label"], record["class"]) == (
            row["text"], row["label"], row["class"])
        assert record["recommendation"]["user_id"] == row["bind"]["user_id"]
        assert record["recommendation"]["item_id"] == row["bind"]["item_id"]
