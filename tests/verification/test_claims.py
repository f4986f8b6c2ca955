"""The claim checks, held to the labelled set: every kind of false statement the verifier claims
to catch, and the faithful texts it must let through.

The demo and XRec parts of ``benchmarks/verifier_set`` need no shared data (the demo shop ships
with whyrec, XRec texts carry their facts): about 700 texts, verified as production does.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from whyrec.api import verify
from whyrec.data.dataset import Dataset
from whyrec.explanation.explainer import Explainer
from whyrec.types import Recommendation
from whyrec.values import ItemDetails, Style
from whyrec.verification.trim import without_failing_claims

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "verifier_set" / "labelled.jsonl"
#: what the verifier must reach on this part of the set (bench_verifier.py measures it all)
CATCH = 0.99
ACCEPT = 0.95


def _records() -> list[dict[str, Any]]:
    with LABELLED.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [r for r in rows if r["source"] in ("demo", "xrec")]


@pytest.fixture(scope="module")
def judged(demo_dataset: Dataset) -> list[tuple[dict[str, Any], bool]]:
    bare = Explainer("template")
    out = []
    for record in _records():
        rec = Recommendation.from_dict(record["recommendation"])
        if record["source"] == "demo":
            verdict = verify(record["text"], rec, demo_dataset, language=record["language"],
                             length=record["length"])
        else:
            details = ItemDetails(**{**record["details"],
                                     "tags": tuple(record["details"]["tags"])})
            verdict = bare.verify(record["text"], rec, language=record["language"],
                                  style=Style(length=record["length"]), details=details)
        out.append((record, verdict.passed))
    return out


def test_every_kind_of_false_statement_is_caught(
        judged: list[tuple[dict[str, Any], bool]]) -> None:
    caught: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for record, passed in judged:
        if record["label"] == "false":
            caught[(record["language"], record["class"])].append(not passed)
    assert len(caught) >= 18  # every class, in every language it applies to
    for (language, cls), hits in caught.items():
        # a class holds 12 to 40 texts here: one miss at the most
        assert len(hits) - sum(hits) <= 1, (language, cls, f"{sum(hits)}/{len(hits)}")
    for language in ("en", "zh"):
        hits = [h for (lang, _), group in caught.items() if lang == language for h in group]
        assert sum(hits) / len(hits) >= CATCH, (language, f"{sum(hits)}/{len(hits)}")


def test_faithful_texts_pass(judged: list[tuple[dict[str, Any], bool]]) -> None:
    for language in ("en", "zh"):
        results = [passed for record, passed in judged
                   if record["label"] == "faithful" and record["language"] == language]
        assert len(results) >= 60
        assert sum(results) / len(results) >= ACCEPT, (language, f"{sum(results)}/{len(results)}")


def test_issue_examples(demo_dataset: Dataset) -> None:
    """The statements issue 16 quotes, about its demo recommendation, judged one by one."""
    written = [r for r in _records() if r.get("handwritten")
               and r["recommendation"]["item_id"] == _kestrel(demo_dataset)]
    assert len(written) >= 10
    for record in written:
        rec = Recommendation.from_dict(record["recommendation"])
        verdict = verify(record["text"], rec, demo_dataset, language=record["language"],
                         length=record["length"])
        assert verdict.passed == (record["label"] == "faithful"), (record["text"], verdict)


def test_a_draft_loses_only_its_false_sentence(demo_dataset: Dataset) -> None:
    record = next(r for r in _records() if r["source"] == "demo" and r["label"] == "faithful"
                  and r["class"] == "template" and r["language"] == "en")
    rec = Recommendation.from_dict(record["recommendation"])
    false = " It is the best one you can buy."
    draft = record["text"] + false
    verdict = verify(draft, rec, demo_dataset, language="en", length="detailed")
    assert not verdict.passed
    assert {s.kind for s in verdict.unsupported} == {"comparison"}
    trimmed = without_failing_claims(draft, verdict)
    assert trimmed is not None and trimmed.text == record["text"]
    assert len(trimmed.dropped) == 1 and "best" in trimmed.dropped[0]
    assert verify(trimmed.text, rec, demo_dataset, language="en", length="detailed").passed


def _kestrel(dataset: Dataset) -> str:
    items = dataset.items
    match = items[items["title"] == "Stridewell Kestrel 3 Trail Running Shoe"]
    return str(match["item_id"].iloc[0])


def test_a_rewording_cites_the_reason_it_rewords() -> None:
    from whyrec.verification.support import Support

    reason = "The user is likely to enjoy casual dining with hearty burgers and craft beer."
    support = Support("Sonoratown", [reason], fact_terms={"free:1": [reason]})
    assert support.cited_ids("You would enjoy “Sonoratown”: hearty burgers, craft beers.") == [
        "free:1"]
    assert support.cited_ids("You would enjoy “Sonoratown” for its ocean views.") == []


@pytest.mark.parametrize("length", ["short", "medium", "detailed"])
def test_the_template_fallback_passes_its_own_check_with_long_free_text(length: str) -> None:
    """XRec's profile sentences run to 60 words: the template cuts a lone one at a clause
    rather than deliver a text over its length (which would fail its own check)."""
    explainer = Explainer("template")
    seen: set[str] = set()
    for record in _records():
        rec = Recommendation.from_dict(record["recommendation"])
        if record["source"] != "xrec" or rec.item_id in seen:
            continue
        seen.add(rec.item_id)
        explanation = explainer.explain(rec, language="en", style=Style(length=length))
        assert explanation.verdict is not None
        assert explanation.verdict.passed, (explanation.text, explanation.verdict.unsupported)
    assert len(seen) >= 40
