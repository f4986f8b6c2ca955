"""Column converters used by validation: ids, text, numbers, timestamps and tag lists.

Each numeric converter returns the values plus a mask of cells that were present but could not be
converted, so validation can report "3 non-numeric values, e.g. 'five'" instead of failing on the
first one. Fast paths go through pyarrow; the slower pandas paths only run when the fast one fails.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from whyrec.text import plain_text

#: Spellings of "no value" that numeric columns treat as missing (text columns keep them).
NA_TOKENS = ("", "na", "n/a", "nan", "null", "none", "<na>", "-")
_ARROW_CAST_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def to_ids(series: pd.Series) -> pd.Series:
    """Ids as stripped text; missing or blank ids become NaN.

    Integral floats (an int column that held a blank, read as float) lose their ``.0``.

    Examples
    --------
    >>> to_ids(pd.Series([1.0, None, 3.0])).tolist()
    ['1', nan, '3']
    """
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[np.isfinite(values)]
        if np.array_equal(finite, np.round(finite)):
            series = series.astype("Int64")
    text = series.astype("str").str.strip()
    return text.mask(text == "")


def to_text(series: pd.Series, default: str = "") -> pd.Series:
    """Stripped text with ``default`` for missing cells."""
    return series.astype("str").str.strip().fillna(default)


#: an HTML tag as catalogs carry them ("<b>", "</p>", "<br/>", "<a href=...>"): a "<" that starts
#: a tag name, so "size < 10" or "<3" stay text
MARKUP_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
#: elements whose content is code, never words: dropped whole
CODE_ELEMENT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.S)
#: a character reference still left after one decoding pass ("&amp;quot;" decodes to "&quot;")
ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")


def readable(text: str) -> str:
    """Catalog text as a person reads it: HTML character references decoded (also when encoded
    twice, as scraped catalogs often are), markup stripped, and :func:`~whyrec.text.plain_text`
    (NFKC, invisible and control characters removed, whitespace collapsed).

    Examples
    --------
    >>> readable("&quot;XLR Female To 1/4&amp;quot;&quot; Male <b>Adapter</b>")
    '"XLR Female To 1/4"" Male Adapter'
    >>> readable("Lamp <script>alert(1)</script>")
    'Lamp'
    >>> readable("size < 10 & <3")
    'size < 10 & <3'
    """
    if "&" not in text and "<" not in text:
        return plain_text(text)
    for _ in range(3):  # decoding is idempotent once no reference is left
        if not ENTITY_RE.search(text):
            break
        text = html.unescape(text)
    text = CODE_ELEMENT_RE.sub(" ", text)
    return plain_text(MARKUP_RE.sub(" ", text))


def to_readable_text(series: pd.Series, default: str = "") -> pd.Series:
    """``to_text`` decoded and stripped of markup (see :func:`readable`)."""
    return to_text(series, default).map(readable)


def missing_mask(series: pd.Series) -> np.ndarray:
    """True where a cell is NaN/None or one of ``NA_TOKENS`` (case-insensitive)."""
    missing = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return missing
    words = series.astype("str").str.strip().str.lower()
    return missing | words.isin(NA_TOKENS).to_numpy(dtype=bool)


def to_float(series: pd.Series, *, currency: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Float values (NaN where missing) and a mask of present-but-not-a-number cells.

    ``currency`` also accepts a leading currency sign and thousands commas ("$1,299.00").

    Examples
    --------
    >>> values, bad = to_float(pd.Series(["4.5", "", "five"]))
    >>> values[0], bool(bad[2])
    (np.float64(4.5), True)
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        fast = _arrow_float(series)
        values = fast if fast is not None else _pandas_float(series, currency)
    values = np.array(values, dtype=np.float64)  # a writable copy: pandas may hand out views
    bad = np.isinf(values)
    nan_rows = np.flatnonzero(np.isnan(values))
    if len(nan_rows):
        # only NaN cells can be "present but unparseable"; check just those against NA spellings
        bad[nan_rows] = ~missing_mask(series.iloc[nan_rows])
    return values, bad


def to_epoch_seconds(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since 1970 (UTC) from epoch numbers, ISO-8601 strings or datetimes.

    Naive datetimes are taken as UTC. Returns the values and a mask of unparseable cells.

    Examples
    --------
    >>> values, bad = to_epoch_seconds(pd.Series(["1600000000", "1970-01-02"]))
    >>> values.tolist()
    [1600000000.0, 86400.0]
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return _datetime_seconds(series), np.zeros(len(series), dtype=bool)
    values, bad = to_float(series)
    if bad.any():
        rows = np.flatnonzero(bad)
        text = series.iloc[rows].astype("str").str.strip()
        parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
        seconds = _datetime_seconds(parsed)
        values[rows] = seconds
        bad[rows] = np.isnan(seconds)
    return values, bad


def to_tags(series: pd.Series) -> pd.Series:
    """Tuples of stripped, non-empty, de-duplicated tags.

    Accepts ``"a|b|c"`` strings, JSON array strings and list/array cells (JSON lines, Parquet).

    Examples
    --------
    >>> to_tags(pd.Series(["heist| crime||", ["科幻", " "], None])).tolist()
    [('heist', 'crime'), ('科幻',), ()]
    """
    # per-cell work is unavoidable for list cells; catalogs are small next to interactions
    return pd.Series([_tag_tuple(value) for value in series], index=series.index, dtype=object)


def isin(series: pd.Series, values: pd.Series) -> np.ndarray:
    """Boolean mask: which cells of ``series`` occur in ``values`` (both text).

    pyarrow's hash lookup; ~30x faster than ``Series.isin`` on pandas' arrow-backed strings.

    Examples
    --------
    >>> isin(pd.Series(["a", "b"]), pd.Series(["b"])).tolist()
    [False, True]
    """
    mask = pc.is_in(_arrow_text(series), value_set=_arrow_text(values))
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool) & series.notna().to_numpy()


def _arrow_text(series: pd.Series) -> pa.Array:
    array = pa.array(series.astype("str"), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def first_example(series: pd.Series, mask: np.ndarray) -> str:
    """repr of the first cell where ``mask`` is true, shortened for one-line messages."""
    value = series.iloc[int(np.flatnonzero(mask)[0])]
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= 40 else text[:37] + "..."


def _arrow_float(series: pd.Series) -> np.ndarray | None:
    try:
        array = pa.array(series, from_pandas=True)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            return None
        result = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    except _ARROW_CAST_ERRORS:
        return None
    return np.asarray(result, dtype=np.float64)


def _pandas_float(series: pd.Series, currency: bool) -> np.ndarray:
    text = series.astype("str").str.strip()
    if currency:
        text = text.str.replace(r"^[$€£¥]\s*|,", "", regex=True)
    text = text.mask(text.str.lower().isin(NA_TOKENS))
    numbers = pd.to_numeric(text, errors="coerce")
    return np.asarray(numbers.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _datetime_seconds(series: pd.Series) -> np.ndarray:
    if series.dt.tz is None:
        series = series.dt.tz_localize("UTC")
    delta = series - pd.Timestamp(0, tz="UTC")
    return np.asarray((delta / pd.Timedelta(seconds=1)).to_numpy(dtype=np.float64,
                                                                  na_value=np.nan))


def _tag_tuple(value: Any) -> tuple[str, ...]:
    parts: list[Any]
    if isinstance(value, str):
        text = value.strip()
        parts = text.split("|")
        if text.startswith("[") and text.endswith("]"):
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError:
                loaded = None
            if isinstance(loaded, list):
                parts = loaded
    elif isinstance(value, list | tuple | np.ndarray):
        parts = list(value)
    else:
        return ()
    tags: dict[str, None] = {}  # a dict keeps first-seen order while removing repeats
    for part in parts:
        if part is None or (isinstance(part, float) and math.isnan(part)):
            continue
        tag = readable(str(part).strip())
        if tag:
            tags.setdefault(tag)
    return tuple(tags)
