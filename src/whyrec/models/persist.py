"""Model files: ``arrays.npz`` (never pickled) + ``model.json``, written atomically.

A model directory is replaced only as a whole: files go to a staging directory that is swapped in
at the end, so a crash never leaves half a model, and a directory holding anything other than a
whyrec model is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from whyrec.errors import ModelError

FORMAT_VERSION = 1
META_FILE = "model.json"
ARRAYS_FILE = "arrays.npz"


def check_save_target(path: str | Path, *, overwrite: bool) -> Path:
    """Raise unless a model may be saved at ``path`` (callers check before long training)."""
    target = Path(path)
    if target.exists():
        if not target.is_dir():
            raise ModelError(f"{target} exists and is not a directory")
        if any(target.iterdir()) and not (target / META_FILE).is_file():
            raise ModelError(f"{target} is not empty and holds no whyrec model; "
                             "refusing to overwrite it")
        if not overwrite:
            raise ModelError(f"{target} already holds a model; pass --force to replace it")
    return target


def write_directory(target: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write`` into a staging directory, then swap it in for ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.saving-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write(staging)
        if target.exists():
            retired = target.parent / f".{target.name}.old-{os.getpid()}"
            target.rename(retired)
            staging.rename(target)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def write_files(directory: Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    np.savez_compressed(directory / ARRAYS_FILE, **arrays)  # type: ignore[arg-type]
    meta = {"format_version": FORMAT_VERSION, **meta}
    (directory / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def read_files(directory: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """``model.json`` and the arrays of a saved model, with one clear error for any damage."""
    meta_path = directory / META_FILE
    if not meta_path.is_file() or not (directory / ARRAYS_FILE).is_file():
        raise ModelError(f"{directory} is not a saved whyrec model (no {META_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_path}: not valid JSON ({exc.msg})") from None
    if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
        version = meta.get("format_version") if isinstance(meta, dict) else None
        raise ModelError(f"{meta_path}: unsupported model format {version!r}")
    try:
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{directory / ARRAYS_FILE} is damaged: {exc}") from None
    return meta, arrays


def mentions_user(directory: str | Path, user_id: str) -> bool:
    """Whether any saved model under ``directory`` (a hybrid's components too) lists
    ``user_id`` among the people it was trained on."""
    for arrays_file in sorted(Path(directory).rglob(ARRAYS_FILE)):
        try:
            with np.load(arrays_file, allow_pickle=False) as data:
                if "user_ids" in data.files and str(user_id) in set(
                        data["user_ids"].astype(str).tolist()):
                    return True
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            raise ModelError(f"{arrays_file} is damaged: {exc}") from None
    return False


def csr_arrays(prefix: str, matrix: sparse.csr_matrix) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_data": matrix.data, f"{prefix}_indices": matrix.indices,
        f"{prefix}_indptr": matrix.indptr, f"{prefix}_shape": np.asarray(matrix.shape),
    }


def csr_from_arrays(prefix: str, arrays: dict[str, np.ndarray]) -> sparse.csr_matrix:
    n_rows, n_cols = (int(x) for x in arrays[f"{prefix}_shape"])
    return sparse.csr_matrix(
        (arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"], arrays[f"{prefix}_indptr"]),
        shape=(n_rows, n_cols),
    )
