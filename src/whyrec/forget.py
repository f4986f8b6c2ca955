"""The right to be forgotten: remove one person from the store, the data and the model.

- **store**: their feedback events, preferences, cached and recorded explanations and
  conversation turns are deleted in one transaction; cached explanations of *other* people
  that state cohort statistics are dropped too (those numbers counted this person), and the
  differential-privacy releases of the dataset are dropped so they are computed afresh;
- **data**: their rows are removed from the dataset folder's interaction and user files (and
  MovieLens ``tags.csv``), each file rewritten in its own format and swapped in atomically;
  a copy of it is kept beside it (``interactions.csv.bak-20260102T030405``) only when the
  caller asks, since the copy still holds them (the caller deletes it once checked);
- **model**: a saved recommender is *retrained* without their interactions (same algorithm
  and parameters, from ``model.json``), so nothing they did shapes any score or statistic,
  and checked afterwards: no saved model under its folder lists them;
- **kept models**: every recommender that ``whyrec serve`` kept under
  ``$WHYREC_HOME/recommenders`` (so a restart does not refit, :mod:`whyrec.models.cache`) and
  that lists them is deleted, always: the next start fits afresh on the data as it is then.
  Retraining, not folding out: every model whyrec trains (ALS factors, item-kNN similarities,
  popularity) mixes everyone's interactions, and only a refit removes a person exactly.

Batch outputs are the batch package's (``whyrec.batch.forget``): operations do not import
each other, and the CLI calls both.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Connection, delete, or_, select

from whyrec.data.columns import resolve_columns, split_column_map
from whyrec.data.readers import read_table, table_suffix
from whyrec.errors import DataError, PrivacyError
from whyrec.models.cache import forget_user
from whyrec.models.persist import META_FILE, mentions_user
from whyrec.models.registry import create
from whyrec.store.engine import Store
from whyrec.store.schema import (
    conversation_turns,
    explanation_cache,
    explanations,
    feedback_events,
    privacy_releases,
    user_preferences,
)

#: files of a dataset folder that name people, with the canonical column holding their id
PEOPLE_FILES = ("interactions", "users")
MOVIELENS_PEOPLE_FILES = {"ratings.csv": "userId", "tags.csv": "userId"}


@dataclass
class ForgetReport:
    """What was removed for one person."""

    user_id: str
    store: dict[str, int] = field(default_factory=dict)
    data_rows: dict[str, int] = field(default_factory=dict)
    #: copies of the data files as they were before (they still hold the person)
    backups: list[str] = field(default_factory=list)
    model: str | None = None
    #: recommenders kept by start-ups (``$WHYREC_HOME/recommenders``) deleted: they listed them
    kept_models: int = 0
    #: one ``BatchForgetReport.to_dict()`` per batch output
    batch_outputs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "store": self.store, "data_rows": self.data_rows,
                "backups": self.backups, "model": self.model, "kept_models": self.kept_models,
                "batch_outputs": self.batch_outputs}


@dataclass
class FolderForget:
    """What left a dataset folder: rows per file, and the backups kept of those files."""

    rows: dict[str, int] = field(default_factory=dict)
    backups: list[Path] = field(default_factory=list)


def forget_in_store(store: Store, user_id: str) -> dict[str, int]:
    """Delete everything the store holds about ``user_id``; rows deleted per table.

    Examples
    --------
    >>> forget_in_store(open_store("sqlite://"), "u0001")["feedback_events"]  # doctest: +SKIP
    0
    """
    user_id = str(user_id)

    def work(connection: Connection) -> dict[str, int]:
        own = select(explanations.c.id).where(explanations.c.user_id == user_id)
        counts = {
            "feedback_events": connection.execute(delete(feedback_events).where(or_(
                feedback_events.c.user_id == user_id,
                feedback_events.c.explanation_id.in_(own)))).rowcount,
            "conversation_turns": connection.execute(delete(conversation_turns).where(
                conversation_turns.c.user_id == user_id)).rowcount,
            "explanation_cache": connection.execute(delete(explanation_cache).where(
                explanation_cache.c.user_id == user_id)).rowcount,
            "explanations": connection.execute(delete(explanations).where(
                explanations.c.user_id == user_id)).rowcount,
            "user_preferences": connection.execute(delete(user_preferences).where(
                user_preferences.c.user_id == user_id)).rowcount,
            # other people's cached texts that state cohort statistics counted this person
            "cached_cohort_statistics": connection.execute(delete(explanation_cache).where(
                explanation_cache.c.payload.like('%"cohort:%'))).rowcount,
            # noisy counts released under differential privacy: recomputed on the next use
            "privacy_releases": connection.execute(delete(privacy_releases)).rowcount,
        }
        return {name: int(n or 0) for name, n in counts.items()}

    return store.run_write(work)


def forget_in_kept_models(user_id: str) -> int:
    """Delete every recommender kept under ``$WHYREC_HOME/recommenders`` that lists
    ``user_id`` (:mod:`whyrec.models.cache`); how many were deleted."""
    return forget_user(str(user_id))


def forget_in_folder(folder: str | os.PathLike[str], user_id: str, *,
                     backup: bool = False) -> FolderForget:
    """Remove ``user_id``'s rows from a dataset folder's files; rows removed per file, and
    (with ``backup``) a copy of each file rewritten, kept beside it as it was.

    Only plain files inside ``folder`` are rewritten (a symbolic link out of it is refused).
    """
    root = Path(folder).expanduser().resolve()
    targets = people_files_to_rewrite(root)
    result = FolderForget()
    for path, column in targets:
        frame = read_table(path, text=True)
        keep = _not_theirs(frame, column, str(user_id))
        if keep is None:
            continue
        if backup:
            result.backups.append(backup_file(path))
        _write_like(frame[keep], path)
        result.rows[path.name] = int((~keep).sum())
    return result


def people_files_to_rewrite(root: Path) -> list[tuple[Path, str]]:
    """The files of dataset folder ``root`` forget may rewrite (file, id column); raises when
    there are none or one links out of the folder, before anything is changed."""
    if not root.is_dir():
        raise DataError(f"dataset folder not found: {root}")
    targets = _people_files(root)
    if not targets:
        raise DataError(f"{root} holds no interactions file to forget anyone in")
    for path, _ in targets:
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            raise PrivacyError(f"{path} links outside {root}; refusing to rewrite it")
    return targets


def backup_file(path: Path) -> Path:
    """Copy ``path`` to ``NAME.bak-<UTC time>`` beside it (never over an existing file).

    The name ends in no table suffix, so neither the loaders nor a later forget read it.
    """
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for attempt in range(1000):
        target = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{attempt}" if attempt else ""))
        try:
            with target.open("xb") as out, path.open("rb") as source:
                shutil.copyfileobj(source, out)
        except FileExistsError:
            continue
        shutil.copymode(path, target)
        return target
    raise DataError(f"cannot find a free backup name beside {path}")


def check_model_dir(model_dir: str | os.PathLike[str]) -> Path:
    """``model_dir`` when it holds a saved whyrec model (checked before anything changes)."""
    path = Path(model_dir)
    if not (path / META_FILE).is_file():
        raise DataError(f"{model_dir} holds no whyrec model (no {META_FILE})")
    return path


def retrain(model_dir: str | os.PathLike[str], dataset: Any, user_id: str) -> str:
    """Refit the model saved in ``model_dir`` on ``dataset`` (which must no longer hold
    ``user_id``) with its own algorithm and parameters, save it in place and check that no
    saved model under the folder lists them; returns what was done, in words."""
    path = check_model_dir(model_dir)
    if str(user_id) in dataset.user_index:
        raise PrivacyError(f"the data still holds {user_id}'s interactions; refusing to "
                           f"retrain {model_dir} on it")
    meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    model = create(meta["algorithm"], **meta["params"], min_history=meta["min_history"])
    model.fit(dataset)
    model.save(path, overwrite=True)
    if mentions_user(path, str(user_id)):  # e.g. a component saved apart from the refit
        raise PrivacyError(f"{model_dir} still lists {user_id} after retraining")
    return f"retrained {meta['algorithm']} on {dataset.n_users} people without them"


def _people_files(root: Path) -> list[tuple[Path, str]]:
    """(file, column holding people's ids) for every file of the folder that names people."""
    movielens = [(root / name, column) for name, column in MOVIELENS_PEOPLE_FILES.items()
                 if (root / name).is_file()]
    files = [p for p in root.iterdir() if p.is_file() and table_suffix(p)
             and p.name.removesuffix(table_suffix(p) or "") in PEOPLE_FILES]
    if not files:
        return movielens
    meta = _meta(root)
    maps = split_column_map(meta.get("column_map"))[0]
    found = []
    for path in files:
        kind = path.name.removesuffix(table_suffix(path) or "")
        columns = list(read_table(path, text=True).columns)
        resolved, _ = resolve_columns(columns, ["user_id"], maps.get(kind), path.name)
        if "user_id" in resolved:
            found.append((path, resolved["user_id"]))
    return found


def _meta(root: Path) -> dict[str, Any]:
    path = root / "dataset.json"
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _not_theirs(frame: pd.DataFrame, column: str, user_id: str) -> pd.Series | None:
    """The rows to keep, or None when the file holds none of ``user_id``'s."""
    if column not in frame.columns:
        return None
    keep = frame[column].astype(str).str.strip() != user_id
    return None if bool(keep.all()) else keep


def _write_like(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` in ``path``'s format to a staging file, then swap it in."""
    suffix = table_suffix(path) or ""
    staging = path.with_name(f".{path.name}.forget-{os.getpid()}")
    compression: Literal["gzip"] | None = "gzip" if suffix.endswith(".gz") else None
    kind = suffix.removesuffix(".gz")
    try:
        if kind in (".parquet", ".pq"):
            frame.to_parquet(staging, index=False)
        elif kind in (".jsonl", ".json"):
            frame.to_json(staging, orient="records", lines=True, force_ascii=False,
                          compression=compression)
        else:
            frame.to_csv(staging, index=False, sep="\t" if kind == ".tsv" else ",",
                         compression=compression)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
