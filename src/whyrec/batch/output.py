"""The output folder: shard files written atomically and ``manifest.json``.

A shard counts as finished only when its file exists *and* the manifest lists it; both are
written to a temporary name first and renamed into place, so a crash at any moment leaves
either a finished shard or none. The manifest records the job's configuration: resuming with
another configuration is refused.

The manifest also records each shard's SHA-256. When a job is opened again, every listed shard
is checked against it (a manifest from before checksums: its size, and that Parquet can read it
with the rows it should have); a shard overwritten, truncated or replaced by another shard's
file is dropped from the manifest, rebuilt by the run and reported (``damaged``). A shard of
an old manifest that passes gets its checksum recorded, so later runs check it the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from whyrec.batch.shards import SCHEMA, ShardResult, ShardStats, shard_file_name
from whyrec.errors import ConfigError

MANIFEST = "manifest.json"
FORMAT = "whyrec-batch/1"
MODEL_DIR = "recommender"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class OutputFolder:
    """The shards and manifest of one batch job.

    Parameters
    ----------
    path : the output folder (created when missing).
    config : the job's fingerprint (``BatchConfig.fingerprint()`` plus data facts).
    n_shards, n_users : the job's shard plan.

    Raises
    ------
    ConfigError
        The folder holds another job (different configuration), or files that are not a
        whyrec batch output.
    """

    def __init__(self, path: Path, config: dict[str, Any], *, n_shards: int,
                 n_users: int) -> None:
        self.path = path
        self.config = config
        existing = self._read_manifest()
        if existing is None:
            self._refuse_foreign_files()
            self.manifest: dict[str, Any] = {
                "format": FORMAT, "config": config, "n_shards": n_shards, "n_users": n_users,
                "shards": {}, "complete": False, "created": timestamp(), "runs": [],
            }
        else:
            _check_same_job(path, existing["config"], config)
            self.manifest = existing
        path.mkdir(parents=True, exist_ok=True)
        self._remove_temporaries()
        #: ``{"shard": index, "file": name, "why": reason}`` of every listed shard that failed
        #: its check on opening: no longer finished, so the run writes it again
        self.damaged: list[dict[str, Any]] = []
        upgraded = 0
        if existing is not None:
            self.damaged, upgraded = self._drop_damaged()
        if existing is None or self.damaged or upgraded:
            self.flush()  # from now on the folder is recognisably this job's

    @property
    def model_dir(self) -> Path:
        """Where the job's recommender is saved (reused when the job resumes)."""
        return self.path / MODEL_DIR

    def finished(self) -> set[int]:
        """Shards listed in the manifest whose file is present."""
        return {int(k) for k, entry in self.manifest["shards"].items()
                if (self.path / entry["file"]).is_file()}

    def totals(self) -> ShardStats:
        """Counts summed over every finished shard."""
        total = ShardStats()
        for key in self.finished():
            total.add(ShardStats.from_dict(self.manifest["shards"][str(key)]["stats"]))
        return total

    def nodes(self) -> dict[str, int]:
        """How many finished shards each node wrote."""
        counts: dict[str, int] = {}
        for entry in self.manifest["shards"].values():
            node = entry["stats"].get("node", "")
            counts[node] = counts.get(node, 0) + 1
        return counts

    def save_result(self, result: ShardResult) -> None:
        """Write a shard's file (unless its worker did: :func:`write_shard`), then list it in
        the manifest (both atomically)."""
        name = shard_file_name(result.index)
        if not result.sha256:
            result = write_shard(self.path, result)
        self.manifest["shards"][str(result.index)] = {
            "file": name, "bytes": result.size, "sha256": result.sha256,
            "written": timestamp(), "stats": result.stats.to_dict(),
        }
        self.flush()

    def start_run(self, run: dict[str, Any]) -> None:
        """Record that a run (engine, workers, start time) began."""
        self.manifest["runs"].append({"started": timestamp(), **run})
        self.flush()

    def finish_run(self, summary: dict[str, Any]) -> None:
        """Record the run's summary and whether every shard is now finished."""
        self.manifest["complete"] = len(self.finished()) == self.manifest["n_shards"]
        self.manifest["runs"][-1].update({"finished": timestamp(), "summary": summary})
        self.flush()

    def flush(self) -> None:
        write_manifest(self.path, self.manifest)

    # --- checks -----------------------------------------------------------------------------
    def _drop_damaged(self) -> tuple[list[dict[str, Any]], int]:
        """Damaged shards (dropped from the manifest) and how many old shards gained a
        checksum."""
        damaged, upgraded = [], 0
        owners = checksum_owners(self.manifest)
        for key, entry in list(self.manifest["shards"].items()):
            file = self.path / entry["file"]
            if not file.is_file():
                continue  # missing: not finished, written again (as it always was)
            why = shard_problem(file, entry, owners)
            if why is not None:
                damaged.append({"shard": int(key), "file": entry["file"], "why": why})
                del self.manifest["shards"][key]
            elif "sha256" not in entry:  # an old shard that passed: checked by checksum now on
                entry["sha256"] = shard_checksum(file.read_bytes())
                upgraded += 1
        return damaged, upgraded

    def _read_manifest(self) -> dict[str, Any] | None:
        return read_manifest(self.path, hint="use a new --out folder")

    def _refuse_foreign_files(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise ConfigError(f"--out {self.path} is a file; pass a folder")
        if self.path.is_dir() and any(self.path.iterdir()):
            raise ConfigError(f"--out {self.path} is not empty and holds no whyrec batch "
                              f"({MANIFEST} missing); pass an empty or new folder")

    def _remove_temporaries(self) -> None:
        """Half-written files of an interrupted run (they never look finished)."""
        for stale in self.path.glob(".*.tmp"):
            stale.unlink(missing_ok=True)


def write_shard(folder: Path, result: ShardResult) -> ShardResult:
    """Write ``result``'s file into ``folder`` atomically; the result without its bytes, with
    their size and SHA-256. A worker that does this itself spares the driver the copy; the
    shard is still finished only once the driver lists it in the manifest."""
    write_atomic(folder / shard_file_name(result.index), result.payload)
    return ShardResult(result.index, b"", result.stats, size=len(result.payload),
                       sha256=shard_checksum(result.payload))


def read_manifest(path: Path, *, hint: str) -> dict[str, Any] | None:
    """``path``'s manifest, None when there is none; a damaged or foreign one raises (one line
    ending in ``hint``)."""
    target = path / MANIFEST
    if not target.is_file():
        return None
    try:
        manifest = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{target} is damaged ({exc}); {hint}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ConfigError(f"{target} is not a whyrec batch manifest; {hint}")
    return manifest


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    write_atomic(path / MANIFEST, text.encode())


def shard_checksum(data: bytes) -> str:
    """The SHA-256 the manifest records for a shard file's bytes."""
    return hashlib.sha256(data).hexdigest()


def checksum_owners(manifest: dict[str, Any]) -> dict[str, int]:
    """Recorded checksum -> its shard, to name the shard a misplaced file belongs to."""
    return {entry["sha256"]: int(key) for key, entry in manifest["shards"].items()
            if "sha256" in entry}


def shard_problem(file: Path, entry: dict[str, Any], owners: dict[str, int]) -> str | None:
    """Why a listed shard's file is not the one written for it, or None when it is.

    ``owners`` (from :func:`checksum_owners`) tells a copy of another shard's file from other
    damage: that file carries the other shard's checksum.
    """
    data = file.read_bytes()
    if "sha256" in entry:
        digest = shard_checksum(data)
        if digest == entry["sha256"]:
            return None
        owner = owners.get(digest)
        if owner is not None:
            return f"checksum mismatch (it is shard {owner}'s file)"
        size = entry.get("bytes", len(data))
        return ("checksum mismatch (overwritten or another shard's file)"
                if len(data) == size else
                f"checksum mismatch ({len(data)} bytes, {size} written: truncated, "
                "overwritten or another shard's file)")
    return _old_shard_problem(data, entry)


def _old_shard_problem(data: bytes, entry: dict[str, Any]) -> str | None:
    """A shard listed before checksums: its size, and that the whole file reads as a shard
    with the rows it counted (every page decoded, not only the footer)."""
    if len(data) != entry.get("bytes", len(data)):
        return f"{len(data)} bytes, {entry['bytes']} written"
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError) as exc:
        return f"not a readable Parquet file ({str(exc).splitlines()[0] if str(exc) else exc})"
    if table.schema.names != SCHEMA.names:
        return "not a batch shard (other columns)"
    expected = entry.get("stats", {}).get("explanations")
    if expected is not None and table.num_rows != expected:
        return f"{table.num_rows} rows, {expected} written"
    return None


def _check_same_job(path: Path, recorded: dict[str, Any], wanted: dict[str, Any]) -> None:
    changed = sorted(k for k in set(recorded) | set(wanted) if recorded.get(k) != wanted.get(k))
    if changed:
        detail = ", ".join(f"{k}: {recorded.get(k)!r} -> {wanted.get(k)!r}" for k in changed[:3])
        raise ConfigError(
            f"{path} holds a batch run with another configuration ({detail}); resume it with "
            "the same options, or pass a new --out folder")


def timestamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
