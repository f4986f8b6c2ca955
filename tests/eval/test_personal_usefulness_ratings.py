"""Personalisation, readability, usefulness from feedback events, and the rating sheet."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whyrec.errors import DataError, ValidationError
from whyrec.eval.personal import (
    distinctness,
    history_reference,
    jaccard_distance,
    readability,
    syllables,
    text_stats,
)
from whyrec.eval.ratings import score_sheet, sign_test, write_sheet
from whyrec.eval.usefulness import usefulness, wilson_interval
from whyrec.types import Explanation, HistoryItem, ItemQuality, Recommendation, SharedFeature


def test_distinctness_hand_computed() -> None:
    texts = [("i", "u1", "you like crime"), ("i", "u2", "you like drama"),
             ("i", "u3", "you like crime"), ("j", "u1", "alone")]
    # pairs of item i: 0.5, 0.0, 0.5 -> 1/3; item j has one person and is left out
    result = distinctness(texts)
    assert result["distinctness"] == pytest.approx(1 / 3)
    assert result["items_compared"] == 1


@given(st.text(max_size=30), st.text(max_size=30))
def test_jaccard_distance_bounds_and_symmetry(a: str, b: str) -> None:
    assert 0.0 <= jaccard_distance(a, b) <= 1.0
    assert jaccard_distance(a, b) == jaccard_distance(b, a)
    assert jaccard_distance(a, a) == 0.0


def test_history_reference_hand_computed() -> None:
    facts = [HistoryItem(id="hist:a", item_id="a", title="A", score_share=1.0),
             SharedFeature(id="feature:tag:x", feature="tag", value="x", history_count=2),
             ItemQuality(id="quality:b", item_id="b", n_people=9)]
    rec = Recommendation("u", "b", "B", 1.0, 1, "itemknn", facts)
    first = Explanation("u", "b", "t", "en", ["hist:a", "quality:b"], "template")
    second = Explanation("u", "b", "t", "en", ["quality:b"], "template")
    result = history_reference([(rec, first), (rec, second)])
    assert result["personal_fact_share"] == pytest.approx((1 / 2 + 0) / 2)
    assert result["cites_history_rate"] == 0.5


def test_readability_per_language() -> None:
    assert syllables("recommended") == 4 and syllables("like") == 1
    en = text_stats("You like it. It is good.", "en")
    assert en["length"] == 6 and en["sentences"] == 2
    # Flesch: 206.835 - 1.015 * 3 - 84.6 * (6 / 6)
    assert en["flesch"] == pytest.approx(206.835 - 3.045 - 84.6)
    zh = text_stats("推荐给你。因为你喜欢跑鞋。", "zh")
    assert zh["length"] == 11 and zh["sentences"] == 2  # 4 + 7 characters
    summary = readability([Explanation("u", "i", "推荐给你。", "zh", [], "t"),
                           Explanation("u", "i", "You like it.", "en", [], "t")])
    assert summary["zh"]["unit"] == "characters" and summary["en"]["unit"] == "words"


def _event(kind: str, explanation: str, backend: str | None, day: int = 1) -> dict[str, object]:
    return {"kind": kind, "explanation_id": explanation, "user": f"u-{explanation}",
            "item": "i", "backend": backend, "created_at": datetime(2025, 1, day)}


def test_usefulness_hand_computed() -> None:
    events = [_event("helpful", "e1", "llamacpp"), _event("helpful", "e2", "llamacpp", 2),
              _event("not_helpful", "e3", "template"), _event("too_long", "e3", "template"),
              _event("too_long", "e3", "template"), _event("comment", "e4", None)]
    result = usefulness(events)
    overall = result["overall"]
    assert overall["helpful_rate"] == pytest.approx(2 / 3)
    assert overall["per_kind"]["too_long"] == 2
    assert overall["rate_per_explanation"]["too_long"] == 1 / 4
    assert result["by_backend"]["llamacpp"]["helpful_rate"] == 1.0
    assert result["by_backend"]["unknown"]["votes"] == 0
    assert result["by_backend"]["unknown"]["helpful_rate"] is None
    assert [d["day"] for d in result["daily"]] == ["2025-01-01", "2025-01-02"]


def test_usefulness_rejects_unknown_kinds_and_missing_fields() -> None:
    with pytest.raises(ValidationError, match="unknown kind 'love'"):
        usefulness([_event("love", "e1", None)])
    with pytest.raises(ValidationError, match="missing created_at"):
        usefulness([{"kind": "helpful", "explanation_id": "e", "user": "u", "item": "i"}])


@given(st.integers(0, 50), st.integers(0, 50))
def test_wilson_interval_holds_the_rate(successes: int, extra: int) -> None:
    n = successes + extra
    low, high = wilson_interval(successes, n)
    if n:
        assert 0.0 <= low <= successes / n + 1e-12 and successes / n <= high + 1e-12 <= 1.0 + 1e-12


def _rows(n: int) -> list[tuple[Recommendation, Explanation, Explanation]]:
    rows = []
    for k in range(n):
        rec = Recommendation("u", f"i{k}", f"=HYPERLINK(\"x\") {k}", 1.0, 1, "itemknn")
        rows.append((rec, Explanation("u", f"i{k}", f"A text {k}", "en", [], "template"),
                     Explanation("u", f"i{k}", f"B text {k}", "en", [], "llamacpp")))
    return rows


def test_sheet_is_blind_shuffled_and_scores_back(tmp_path: Path) -> None:
    sheet, key = tmp_path / "sheet.csv", tmp_path / "sheet.key.json"
    assert write_sheet(_rows(12), ("A", "B"), sheet, key, seed=3) == 12
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["item"].startswith("'=") for r in rows)  # no formula runs
    first_is_a = [r["text_1"].startswith("A") for r in rows]
    assert 0 < sum(first_is_a) < 12  # order shuffled per row
    assert "A" not in next(iter(rows))["preferred"]
    # the rater prefers B's text on every row but the first two (a tie and an unrated row)
    for k, row in enumerate(rows):
        row["preferred"] = "" if k == 0 else "tie" if k == 1 else (
            "2" if first_is_a[k] else "1")
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = score_sheet(sheet, key)
    assert result["wins"] == {"A": 0, "B": 10}
    assert result["ties"] == 1 and result["unrated"] == 1
    assert result["winner"] == "B"
    assert result["margin"] == pytest.approx(-10 / 11)
    assert result["sign_test_p"] == pytest.approx(2 / 2 ** 10)


def test_same_seed_same_sheet(tmp_path: Path) -> None:
    write_sheet(_rows(6), ("A", "B"), tmp_path / "1.csv", tmp_path / "1.json", seed=7)
    write_sheet(_rows(6), ("A", "B"), tmp_path / "2.csv", tmp_path / "2.json", seed=7)
    assert (tmp_path / "1.csv").read_text() == (tmp_path / "2.csv").read_text()


def test_bad_ratings_are_listed(tmp_path: Path) -> None:
    sheet, key = tmp_path / "s.csv", tmp_path / "k.json"
    write_sheet(_rows(2), ("A", "B"), sheet, key)
    sheet.write_text(sheet.read_text().replace(",,\n", ",maybe,\n", 1))
    with pytest.raises(ValidationError, match="preferred must be 1, 2, tie"):
        score_sheet(sheet, key)
    with pytest.raises(DataError, match="rating key not found"):
        score_sheet(sheet, tmp_path / "none.json")


def test_sign_test_hand_computed() -> None:
    assert sign_test(9, 1) == pytest.approx(2 * 11 / 1024)
    assert sign_test(5, 5) == 1.0
