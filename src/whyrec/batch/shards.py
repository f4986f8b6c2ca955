"""Shards: fixed groups of users, the rows written for them and what they counted.

A shard is the unit of work and of resumption: users are cut into shards in sorted order, so
the same job always has the same shards, and a shard's Parquet file is only ever complete.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from whyrec.types import Evidence, Explanation, Recommendation

#: one row per (user, recommendation); evidence and verdict are JSON text
SCHEMA = pa.schema([
    ("user_id", pa.string()),
    ("rank", pa.int32()),
    ("item_id", pa.string()),
    ("title", pa.string()),
    ("score", pa.float64()),
    ("algorithm", pa.string()),
    ("cold_start", pa.bool_()),
    ("evidence", pa.string()),
    ("text", pa.string()),
    ("language", pa.string()),
    ("cited_ids", pa.list_(pa.string())),
    ("verdict_passed", pa.bool_()),
    ("verdict", pa.string()),
    ("backend", pa.string()),
    ("model", pa.string()),
    ("fallback", pa.bool_()),
    ("fallback_reason", pa.string()),
    ("fallback_detail", pa.string()),
    ("attempts", pa.int32()),
    ("drafts", pa.int32()),
    ("drafts_passed", pa.int32()),
    ("latency_ms", pa.float64()),
])


@dataclass(frozen=True)
class ShardSpec:
    """Shard ``index`` and its users, in order."""

    index: int
    users: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return shard_file_name(self.index)


@dataclass
class ShardStats:
    """Counts of one shard (or, summed, of a run).

    ``llm_explanations`` are explanations a language model was asked for; ``llm_passed`` those
    delivered as the model wrote them (not the template fallback).
    """

    users: int = 0
    users_without_recommendations: int = 0
    explanations: int = 0
    fallbacks: int = 0
    llm_explanations: int = 0
    llm_passed: int = 0
    drafts: int = 0
    drafts_passed: int = 0
    verdict_failures: int = 0
    compute_s: float = 0.0
    node: str = ""

    def add(self, other: ShardStats) -> None:
        """Add ``other``'s counts to these (``node`` is not summed)."""
        for f in fields(self):
            if f.name != "node":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["compute_s"] = round(self.compute_s, 4)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardStats:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class ShardResult:
    """A finished shard: its Parquet file as bytes, and its counts.

    A local worker writes the file itself (``payload`` empty): then ``size`` and ``sha256``
    say what it wrote, and only they travel back to the driver.
    """

    index: int
    payload: bytes
    stats: ShardStats = field(default_factory=ShardStats)
    size: int = 0
    sha256: str = ""


def shard_file_name(index: int) -> str:
    """``part-00042.parquet``."""
    return f"part-{index:05d}.parquet"


def plan_shards(user_ids: Sequence[str], shard_size: int) -> list[ShardSpec]:
    """Cut ``user_ids`` (already in job order) into consecutive shards of ``shard_size``.

    Examples
    --------
    >>> [s.users for s in plan_shards(["a", "b", "c"], 2)]
    [('a', 'b'), ('c',)]
    """
    return [ShardSpec(k, tuple(user_ids[start : start + shard_size]))
            for k, start in enumerate(range(0, len(user_ids), shard_size))]


class ShardTable:
    """Collects one shard's rows column by column and counts as it goes."""

    def __init__(self, uses_model: bool) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
        self.stats = ShardStats()
        self.uses_model = uses_model

    def add_user(self, pairs: Iterable[tuple[Recommendation, Explanation]]) -> None:
        """Add one user's recommendations with their explanations."""
        self.stats.users += 1
        count = 0
        for rec, explanation in pairs:
            self._add_row(rec, explanation)
            count += 1
        if count == 0:
            self.stats.users_without_recommendations += 1

    def _add_row(self, rec: Recommendation, e: Explanation) -> None:
        passed_drafts = sum(1 for d in e.drafts if d.passed)
        verdict = e.verdict.to_dict() if e.verdict is not None else None
        row = {
            "user_id": rec.user_id, "rank": rec.rank, "item_id": rec.item_id,
            "title": rec.title, "score": rec.score, "algorithm": rec.algorithm,
            "cold_start": rec.cold_start,
            "evidence": _to_json([_fact(f) for f in rec.evidence]),
            "text": e.text, "language": e.language, "cited_ids": list(e.cited_ids),
            "verdict_passed": bool(verdict and verdict["passed"]),
            "verdict": _to_json(verdict),
            "backend": e.backend, "model": e.model, "fallback": e.fallback,
            "fallback_reason": e.fallback_reason and e.fallback_reason.value,
            "fallback_detail": e.fallback_detail, "attempts": e.attempts,
            "drafts": len(e.drafts), "drafts_passed": passed_drafts,
            "latency_ms": round(e.latency_ms, 3),
        }
        for name, value in row.items():
            self.columns[name].append(value)
        stats = self.stats
        stats.explanations += 1
        stats.fallbacks += int(e.fallback)
        stats.drafts += len(e.drafts)
        stats.drafts_passed += passed_drafts
        stats.verdict_failures += int(not row["verdict_passed"])
        if self.uses_model:
            stats.llm_explanations += 1
            stats.llm_passed += int(not e.fallback)

    def to_parquet(self) -> bytes:
        """The rows as one Parquet file (zstd), in memory."""
        return parquet_bytes(pa.Table.from_pydict(self.columns, schema=SCHEMA))


def parquet_bytes(table: pa.Table) -> bytes:
    """``table`` as one shard file (zstd), in memory: how every shard is written."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


#: ``json.dumps(value, ensure_ascii=False)``: the same text, without making an encoder per call
_to_json = json.JSONEncoder(ensure_ascii=False).encode
#: each evidence class's field names, in order (``dataclasses.fields`` walks them every call)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _fact(fact: Evidence) -> dict[str, Any]:
    """Every field of ``fact`` and its ``kind``: what shards have always held (not
    ``to_dict``, which leaves out a free-text fact's empty ``about``), without ``asdict``'s
    deep copy (facts hold only plain values)."""
    names = _FIELD_NAMES.get(type(fact))
    if names is None:
        names = _FIELD_NAMES[type(fact)] = tuple(f.name for f in fields(fact))
    data: dict[str, Any] = {name: getattr(fact, name) for name in names}
    data["kind"] = fact.kind
    return data
