"""Read one table file (CSV, TSV, Parquet, JSON lines; optionally gzip-compressed) into pandas.

Readers only parse. They do not rename or convert columns; ``whyrec.data.validate`` does that. Every
failure is a ``DataError`` whose one-line message names the file.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa

from whyrec.errors import NOT_UTF8, DataError
from whyrec.privacy.limits import MAX_TABLE_BYTES, check_file_size

#: File endings ``read_table`` understands, longest first so ``.csv.gz`` wins over ``.gz``.
SUFFIXES = (
    ".csv.gz", ".tsv.gz", ".jsonl.gz", ".json.gz",
    ".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".json",
)
_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "json", ".json": "json",
}
_READ_ERRORS = (
    ValueError, OSError, EOFError, UnicodeDecodeError, zlib.error, pa.ArrowException,
    pd.errors.ParserError, pd.errors.EmptyDataError,
)


def table_suffix(path: str | Path) -> str | None:
    """Return the table ending of ``path`` (``".csv"``, ``".jsonl.gz"``, ...) or None.

    Examples
    --------
    >>> table_suffix("shop/items.jsonl.gz")
    '.jsonl.gz'
    >>> table_suffix("notes.txt") is None
    True
    """
    name = Path(path).name.lower()
    return next((suffix for suffix in SUFFIXES if name.endswith(suffix)), None)


def read_table(path: str | Path, *, text: bool = False) -> pd.DataFrame:
    """Read a CSV, TSV, Parquet or JSON-lines file (``.gz`` allowed for text formats).

    Parameters
    ----------
    path
        The file. ``.json`` may hold JSON lines or one JSON array of records.
    text
        Read every CSV/TSV column as text, so ids such as ``"007"`` keep their leading zeros.
        Typed formats (Parquet, JSON) keep their own types either way. Only empty cells are
        missing values; the word ``"NA"`` stays a word.

    Returns
    -------
    pandas.DataFrame
        The rows as read, with column names stripped of surrounding spaces.

    Raises
    ------
    DataError
        The file is missing, empty, of an unknown type, or cannot be parsed.

    Examples
    --------
    >>> frame = read_table("ratings.csv", text=True)  # doctest: +SKIP
    >>> list(frame.columns)  # doctest: +SKIP
    ['userId', 'movieId', 'rating', 'timestamp']
    """
    path = Path(path)
    suffix = table_suffix(path)
    if not path.exists():
        raise DataError(f"file not found: {path}")
    if path.is_dir():
        raise DataError(f"{path} is a directory, expected a table file")
    if suffix is None:
        raise DataError(
            f"cannot read {path}: unknown file type {path.suffix or '(none)'!r} "
            "(expected .csv, .tsv, .parquet, .jsonl or .json, optionally .gz)"
        )
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes)")
    check_file_size(path, "max_table_bytes", MAX_TABLE_BYTES, "data file")
    kind = _FORMATS[suffix.removesuffix(".gz")]
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "json":
            frame = _read_json(path)
        else:
            frame = pd.read_csv(
                path,
                sep="\t" if kind == "tsv" else ",",
                engine="pyarrow",  # ~3x faster than the C engine and strict about ragged rows
                dtype=str if text else None,
                keep_default_na=False,
                na_values=[""],
            )
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty (no header line)") from None
    except _READ_ERRORS as error:
        raise DataError(_describe(path, kind, error)) from None
    if frame.shape[1] == 0:
        raise DataError(f"{path} is empty (no columns)")
    if kind in ("csv", "tsv") and _has_bytes(frame):
        raise DataError(f"cannot read {path}: it is not UTF-8 text (save it with UTF-8 encoding)")
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def _has_bytes(frame: pd.DataFrame) -> bool:
    """pyarrow turns a CSV column that is not valid UTF-8 into raw bytes instead of failing."""
    for column, dtype in frame.dtypes.items():
        if dtype != np.dtype(object):
            continue
        values = frame[column].dropna()
        if len(values) and isinstance(values.iloc[0], bytes):
            return True
    return False


def _read_json(path: Path) -> pd.DataFrame:
    """JSON lines, or one JSON array of records when the file starts with ``[``."""
    if _first_char(path) == "[":
        return pd.read_json(path, orient="records", dtype=False, encoding="utf-8")
    try:
        # dtype=False keeps JSON's own types: no guessing that "007" is a number or a date
        return pd.read_json(path, lines=True, dtype=False, encoding="utf-8")
    except ValueError as error:
        line = _first_bad_json_line(path)
        if line is not None:
            raise ValueError(f"line {line} is not a JSON object") from error
        raise


def _open_text(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _first_char(path: Path) -> str:
    with _open_text(path) as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip("\ufeff \t\r\n")
            if stripped:
                return str(stripped[0])
    return ""


def _first_bad_json_line(path: Path) -> int | None:
    """Only runs after a parse failure, so a per-line scan is fine here."""
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                if not isinstance(json.loads(line), dict):
                    return int(number)
            except (json.JSONDecodeError, RecursionError):  # nested past any real record
                return int(number)
    return None


def _describe(path: Path, kind: str, error: BaseException) -> str:
    detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if isinstance(error, UnicodeDecodeError) or "invalid UTF8" in detail or "utf-8" in detail:
        return f"cannot read {path}: {NOT_UTF8}"
    if len(detail) > 160:
        detail = detail[:157] + "..."
    label = {"csv": "CSV", "tsv": "TSV", "parquet": "Parquet", "json": "JSON lines"}[kind]
    return f"cannot read {path} as {label}: {detail}"
