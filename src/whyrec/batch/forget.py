"""Forgetting a person in a batch output: their rows leave every shard, the manifest keeps up.

Each shard holding their rows is rewritten without them (atomically, written as every shard is)
and its manifest entry gets the new size, SHA-256 and counts, so the check a resumed run makes
still passes. A shard that fails that check is deleted instead: it may hold anyone's rows, and a
resumed run rebuilds it. The job's saved recommender (``recommender/``) is deleted when it knows
them: it is kept only so a resumed run uses the same model, and a resumed run trains it again
from the job's data and options (or loads the ``--recommender`` the job was given).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from whyrec.batch.output import (
    MANIFEST,
    MODEL_DIR,
    checksum_owners,
    read_manifest,
    shard_checksum,
    shard_problem,
    timestamp,
    write_atomic,
    write_manifest,
)
from whyrec.batch.shards import ShardStats, parquet_bytes
from whyrec.errors import ConfigError, PrivacyError
from whyrec.models.persist import META_FILE, mentions_user


@dataclass
class BatchForgetReport:
    """What left one batch output: rows per shard file, shards deleted as damaged, the model."""

    out: str
    rows: dict[str, int] = field(default_factory=dict)
    damaged_removed: list[dict[str, Any]] = field(default_factory=list)
    recommender: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"out": self.out, "rows": sum(self.rows.values()), "shards": self.rows,
                "damaged_removed": self.damaged_removed, "recommender": self.recommender}


def open_batch_output(path: Path) -> dict[str, Any]:
    """The manifest of the whyrec batch output at ``path``; anything else is a one-line error
    (callers check every folder before changing any)."""
    if not path.is_dir():
        raise ConfigError(f"--batch-output {path} is not a folder")
    manifest = read_manifest(path, hint="pass a folder written by whyrec batch")
    if manifest is None:
        raise ConfigError(f"--batch-output {path} holds no whyrec batch output "
                          f"({MANIFEST} missing)")
    return manifest


def forget_in_batch_output(path: Path, user_id: str) -> BatchForgetReport:
    """Remove ``user_id``'s rows from every shard of the batch output at ``path``.

    Examples
    --------
    >>> forget_in_batch_output(Path("nightly"), "u0001").rows   # doctest: +SKIP
    {'part-00000.parquet': 10}
    """
    user_id = str(user_id)
    manifest = open_batch_output(path)
    owners = checksum_owners(manifest)
    report = BatchForgetReport(out=str(path))
    for key, entry in sorted(manifest["shards"].items(), key=lambda pair: int(pair[0])):
        file = path / entry["file"]
        if not file.is_file():
            continue  # not finished: nothing of anyone in it
        why = shard_problem(file, entry, owners)
        if why is not None:
            _drop_shard(path, manifest, key, file)
            report.damaged_removed.append({"shard": int(key), "file": entry["file"],
                                           "why": why})
            continue
        removed = _rewrite_without(file, entry, user_id)
        if removed:
            report.rows[entry["file"]] = removed
            write_manifest(path, manifest)  # each rewritten shard listed with its checksum
    report.recommender = _forget_recommender(path / MODEL_DIR, user_id)
    if report.rows or report.damaged_removed or report.recommender:
        # counts only: the manifest must not name the person it forgot
        manifest.setdefault("forgotten", []).append({
            "at": timestamp(), "rows": sum(report.rows.values()), "shards": len(report.rows),
            "damaged_removed": len(report.damaged_removed)})
        write_manifest(path, manifest)
    return report


def _drop_shard(path: Path, manifest: dict[str, Any], key: str, file: Path) -> None:
    """Delete a damaged shard: it is no longer finished, and a resumed run rebuilds it."""
    file.unlink()
    del manifest["shards"][key]
    manifest["complete"] = False
    write_manifest(path, manifest)


def _rewrite_without(file: Path, entry: dict[str, Any], user_id: str) -> int:
    """Rewrite ``file`` without ``user_id``'s rows and update its manifest ``entry`` in place;
    rows removed."""
    table = pq.read_table(file)
    theirs = pc.equal(table["user_id"], user_id)
    gone = table.filter(theirs)
    if gone.num_rows == 0:
        return 0
    payload = parquet_bytes(table.filter(pc.invert(theirs)))
    write_atomic(file, payload)
    entry.update({"bytes": len(payload), "sha256": shard_checksum(payload),
                  "edited": timestamp(),
                  "stats": _stats_without(ShardStats.from_dict(entry["stats"]), gone)})
    return gone.num_rows


def _stats_without(stats: ShardStats, gone: pa.Table) -> dict[str, Any]:
    """A shard's counts less one person's rows ``gone`` (so the job's totals stay true)."""
    rows = gone.num_rows
    fallbacks = _count_true(gone["fallback"])
    stats.users -= 1
    stats.explanations -= rows
    stats.fallbacks -= fallbacks
    if stats.llm_explanations:  # a model was asked for every explanation of this job
        stats.llm_explanations -= rows
        stats.llm_passed -= rows - fallbacks
    stats.drafts -= _total(gone["drafts"])
    stats.drafts_passed -= _total(gone["drafts_passed"])
    stats.verdict_failures -= rows - _count_true(gone["verdict_passed"])
    return stats.to_dict()


def _count_true(column: pa.ChunkedArray) -> int:
    return int(pc.sum(pc.cast(column, pa.int64())).as_py() or 0)


def _total(column: pa.ChunkedArray) -> int:
    return int(pc.sum(column).as_py() or 0)


def _forget_recommender(model_dir: Path, user_id: str) -> str | None:
    """Delete the job's saved recommender when it knows ``user_id``; what was done, or None."""
    if model_dir.is_symlink():
        raise PrivacyError(f"{model_dir} is a link; refusing to delete what it points to")
    if not (model_dir / META_FILE).is_file() or not mentions_user(model_dir, user_id):
        return None
    shutil.rmtree(model_dir)
    return f"{MODEL_DIR}/ deleted (it was trained with them; a resumed run trains it again)"
