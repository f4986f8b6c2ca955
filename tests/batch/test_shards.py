"""A shard's rows: each column is what the recommendation and its explanation hold."""

from __future__ import annotations

import json
from dataclasses import fields

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from whyrec.batch.shards import SCHEMA, ShardTable
from whyrec.evidence import EVIDENCE_TYPES
from whyrec.types import Draft, Explanation, Recommendation, UnsupportedSpan, Verdict


def _rec(title: str) -> Recommendation:
    facts = [cls.example() for cls in EVIDENCE_TYPES.values()]
    return Recommendation("u0042", "7", title, 0.5, 1, "hybrid", facts)


@pytest.mark.parametrize("title", ["Trail Lamp 7", "《北方的河流》 “Amélie”"])
def test_evidence_and_verdict_columns_are_their_json(title: str) -> None:
    rec = _rec(title)
    span = UnsupportedSpan("“Amélie”", "title", "names no known title")
    verdict = Verdict(passed=False, unsupported=[span])
    explanation = Explanation(
        user_id="u0042", item_id="7", text=f"Because of {title}.", cited_ids=[rec.evidence[0].id],
        verdict=verdict, backend="template", model="", language="en",
        drafts=[Draft(text="x", passed=True, unsupported=[], latency_ms=1.0)])
    table = ShardTable(uses_model=False)
    table.add_user([(rec, explanation)])
    rows = pq.read_table(pa.BufferReader(table.to_parquet())).to_pylist()
    assert len(rows) == 1 and list(rows[0]) == SCHEMA.names
    row = rows[0]
    # every field of every fact (a free-text fact's empty "about" too: shards always held it)
    facts = [{**{f.name: getattr(fact, f.name) for f in fields(fact)}, "kind": fact.kind}
             for fact in rec.evidence]
    assert row["evidence"] == json.dumps(facts, ensure_ascii=False)
    assert '"about": ""' in row["evidence"]
    assert row["verdict"] == json.dumps(verdict.to_dict(), ensure_ascii=False)
    assert not row["verdict_passed"] and row["drafts"] == row["drafts_passed"] == 1
    assert table.stats.verdict_failures == 1 and table.stats.explanations == 1
