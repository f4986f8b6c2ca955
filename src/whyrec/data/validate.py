"""Turn raw tables into the canonical frames of ``whyrec.data.dataset`` and say what is wrong.

Each ``normalize_*`` function maps source columns to canonical ones (explicit ``column_map`` first,
then the canonical name in any spelling, then a few common aliases), converts types, and returns
``(frame, problems)``. ``problems`` holds one line per thing that makes the data unusable (missing
required column, non-numeric values, weights <= 0, no rows); the caller raises
``ValidationError(problems)`` after collecting them from every file. Things that can be repaired
(duplicates, rows without ids, unknown items) are repaired and counted in a ``ValidationReport``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from whyrec.data.catalog_text import (
    bounded_descriptions,
    bounded_labels,
    bounded_tags,
    bounded_titles,
)
from whyrec.data.columns import ColumnMap, missing_required, resolve_columns
from whyrec.data.convert import (
    first_example,
    isin,
    missing_mask,
    to_epoch_seconds,
    to_float,
    to_ids,
    to_readable_text,
    to_tags,
    to_text,
)
from whyrec.data.dataset import (
    INTERACTION_COLUMNS,
    ITEM_COLUMNS,
    MAX_REVIEW_CHARS,
    OPTIONAL_INTERACTION_COLUMNS,
    USER_COLUMNS,
    ValidationReport,
)
from whyrec.text import plain_text

#: Weight of each event type; any other event weighs 1 and a "rating" event weighs its rating.
DEFAULT_EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0, "click": 2.0, "add_to_cart": 3.0, "purchase": 5.0,
}


def event_weight_table(
    event_weights: Mapping[str, float] | None,
) -> tuple[dict[str, float], list[str]]:
    """Defaults updated with ``event_weights`` (event names normalised); problems for bad values.

    Examples
    --------
    >>> event_weight_table({"Add to cart": 4})[0]["add_to_cart"]
    4.0
    """
    table = dict(DEFAULT_EVENT_WEIGHTS)
    problems: list[str] = []
    for name, value in (event_weights or {}).items():
        number = _positive_number(value)
        if number is None:
            problems.append(f"event_weights[{name!r}] must be a number > 0, got {value!r}")
        else:
            table[_event_key(str(name))] = number
    return table, problems


def normalize_interactions(
    frame: pd.DataFrame,
    column_map: ColumnMap | None = None,
    event_weights: Mapping[str, float] | None = None,
    source: str = "interactions",
    *,
    report: ValidationReport | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Canonical interactions frame and the problems found (empty when usable).

    Rows without a user or item id and exact duplicate rows are dropped and counted in
    ``report``. Weight: the ``weight`` column where given, else ``event_weights`` by event, where
    a ``rating`` event weighs its rating. The frame is only meaningful when problems is empty.
    A ``review`` column (free text a person wrote, optional) is added as text ("" when missing),
    cut to ``MAX_REVIEW_CHARS``; ``dataset_from_frames`` moves it out of the interactions.

    Examples
    --------
    >>> raw = pd.DataFrame({"userId": [1, 1], "movieId": [10, 20], "rating": [4.0, 2.5]})
    >>> frame, problems = normalize_interactions(raw, source="ratings.csv")
    >>> frame["weight"].tolist(), frame["event"].tolist(), problems
    ([4.0, 2.5], ['rating', 'rating'], [])
    """
    report = report if report is not None else ValidationReport()
    table, problems = event_weight_table(event_weights)
    columns, blocking = resolve_columns(
        list(frame.columns), INTERACTION_COLUMNS + OPTIONAL_INTERACTION_COLUMNS, column_map,
        source,
    )
    blocking += missing_required(frame, columns, ("user_id", "item_id"), source, column_map)
    blocking += _no_rows(frame, source)
    problems += blocking
    report.n_interactions_read = len(frame)
    if blocking:
        return _empty(INTERACTION_COLUMNS), problems

    users, items = to_ids(frame[columns["user_id"]]), to_ids(frame[columns["item_id"]])
    no_id = (users.isna() | items.isna()).to_numpy(dtype=bool)
    duplicate = _exact_duplicates(frame) & ~no_id
    report.dropped_rows += int(no_id.sum())
    report.duplicate_rows += int(duplicate.sum())
    _warn_count(report, no_id, lambda n: f"{source}: dropped {n} rows without a user id or item id")
    _warn_count(report, duplicate, lambda n: f"{source}: dropped {n} exact duplicate rows")
    keep = ~(no_id | duplicate)
    frame, users, items = frame[keep], users[keep], items[keep]

    n = len(frame)
    if not n:
        problems.append(f"{source}: no usable rows (every row lacks a user id or item id)")
        return _empty(INTERACTION_COLUMNS), problems
    rating = _numeric(frame, columns, "rating", source, problems)
    timestamp = _numeric(frame, columns, "timestamp", source, problems)
    rated = ~np.isnan(rating)
    event = np.where(rated, "rating", "interaction").astype(object)
    if "event" in columns:
        # few distinct events in many rows: clean the distinct names, then spread them back
        codes, names = pd.factorize(frame[columns["event"]].astype("str"))
        clean = np.array([_event_key(name) for name in names] + [""], dtype=object)
        named = clean[codes]  # code -1 (missing) picks the trailing ""
        event = np.where(named == "", event, named)
    event_codes, distinct = pd.factorize(event)
    weight = np.array([table.get(e, 1.0) for e in distinct], dtype=np.float64)[event_codes]
    _warn_unknown_events(report, source, event_codes, list(distinct), table, rated)
    by_rating = (event == "rating") & rated & ("rating" not in table)
    weight = np.where(by_rating, rating, weight)
    explicit = _numeric(frame, columns, "weight", source, problems)
    given = ~np.isnan(explicit)
    weight = np.where(given, explicit, weight)
    label = _label("weight", columns.get("weight"))
    _problem_count(problems, given & (weight <= 0), frame, columns.get("weight"),
                   lambda n, example: f"{source}: {label} has {n} values <= 0, e.g. {example} "
                   "(weights must be > 0)")
    _problem_count(problems, ~given & by_rating & (weight <= 0), frame, columns.get("rating"),
                   lambda n, example: f"{source}: {n} rating events have a rating <= 0, e.g. "
                   f"{example}, so their weight would not be > 0 (add a 'weight' column or set "
                   "event_weights={'rating': 1})")
    result = pd.DataFrame(
        {
            "user_id": users.to_numpy(), "item_id": items.to_numpy(), "event": event,
            "rating": rating, "weight": weight, "timestamp": timestamp,
        },
        index=pd.RangeIndex(n),
    )
    if "review" in columns:
        result["review"] = _review_text(frame[columns["review"]], source, report)
    return result.astype({"user_id": "str", "item_id": "str", "event": "str"}), problems


#: events every table knows without a weight of its own: a rated row, a row with no event
_BUILT_IN_EVENTS = ("rating", "interaction")


def _warn_unknown_events(report: ValidationReport, source: str, codes: np.ndarray,
                         distinct: list[str], table: Mapping[str, float],
                         rated: np.ndarray) -> None:
    """A warning naming the event names no weight is set for: each weighs 1 (a "review" with
    a rating still weighs 1, not its rating: only a "rating" event weighs by it)."""
    unknown = [k for k, name in enumerate(distinct)
               if name not in table and name not in _BUILT_IN_EVENTS]
    if not unknown:
        return
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    named = ", ".join(f"{distinct[k]!r} ×{int(counts[k])}" for k in unknown[:5])
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    with_rating = int(sum(int((rated & (codes == k)).sum()) for k in unknown))
    rating_note = (f"; {with_rating} of them carry a rating, which is kept but does not set "
                   "their weight (only an event called 'rating' weighs by its rating)"
                   if with_rating else "")
    report.warnings.append(
        f"{source}: event names with no weight: {named}{more}; each weighs 1 (known: "
        f"{', '.join(sorted(table))}; set others in dataset.json's event_weights){rating_note}")


def _review_text(series: pd.Series, source: str, report: ValidationReport) -> np.ndarray:
    """Review cells as stripped text ("" when missing), cut to ``MAX_REVIEW_CHARS``."""
    text = series.astype("str").str.strip().to_numpy(dtype=object)
    text[missing_mask(series)] = ""
    long = np.fromiter((len(t) > MAX_REVIEW_CHARS for t in text), dtype=bool, count=len(text))
    if long.any():
        text[long] = [t[:MAX_REVIEW_CHARS] for t in text[long]]
        _warn_count(report, long, lambda n: f"{source}: cut {n} reviews longer than "
                                             f"{MAX_REVIEW_CHARS} characters")
    return text


def normalize_items(
    frame: pd.DataFrame,
    column_map: ColumnMap | None = None,
    source: str = "items",
    *,
    report: ValidationReport | None = None,
    language: str = "",
) -> tuple[pd.DataFrame, list[str]]:
    """Canonical catalog frame (one row per item id, file order) and the problems found.

    ``language`` fills items without a language column or value. Duplicate ids keep their first
    row; missing titles fall back to the item id; both are noted in ``report.warnings``.

    Examples
    --------
    >>> raw = pd.DataFrame({"asin": ["B1"], "name": ["科幻小说"], "tags": ["书|科幻"]})
    >>> frame, problems = normalize_items(raw)
    >>> frame.loc[0, "title"], frame.loc[0, "tags"], problems
    ('科幻小说', ('书', '科幻'), [])
    """
    report = report if report is not None else ValidationReport()
    columns, problems = resolve_columns(list(frame.columns), ITEM_COLUMNS, column_map, source)
    problems += missing_required(frame, columns, ("item_id", "title"), source, column_map)
    problems += _no_rows(frame, source)
    if problems:
        return _empty(ITEM_COLUMNS), problems

    ids = to_ids(frame[columns["item_id"]])
    no_id = ids.isna().to_numpy(dtype=bool)
    exact = _exact_duplicates(frame) & ~no_id
    _warn_count(report, no_id, lambda n: f"{source}: dropped {n} rows without an item id")
    _warn_count(report, exact, lambda n: f"{source}: dropped {n} exact duplicate rows")
    frame, ids = frame[~(no_id | exact)], ids[~(no_id | exact)]
    if not len(frame):
        return _empty(ITEM_COLUMNS), [f"{source}: no usable rows (every row lacks an item id)"]
    repeated = ids.duplicated().to_numpy(dtype=bool)
    if repeated.any():
        report.warnings.append(
            f"{source}: {int(repeated.sum())} rows repeat an item id with different values; kept "
            f"the first row of each (e.g. {first_example(ids, repeated)})"
        )
        frame, ids = frame[~repeated], ids[~repeated]

    for name in ("title", "category", "brand", "description"):
        if name in columns:
            problems += _not_text(frame[columns[name]], ids, source, name)
    if problems:
        return _empty(ITEM_COLUMNS), problems

    def text(name: str, default: str = "", *, markup: bool = True) -> pd.Series:
        if name not in columns:
            return pd.Series(default, index=frame.index, dtype="str")
        # catalog text is shown to people and models: HTML entities and tags decoded here,
        # once, so templates, prompts and the verifier all see the same readable words
        convert = to_readable_text if markup else to_text
        return convert(frame[columns[name]], default)

    raw_title = text("title", markup=False)
    title = text("title")
    # changed by more than spacing and invisible characters
    decoded = (title != raw_title.map(plain_text)).to_numpy(dtype=bool)
    _warn_count(report, decoded, lambda n: f"{source}: {n} titles held HTML entities or markup; "
                                           "decoded (the raw value is kept as title_raw)")
    untitled = (title == "").to_numpy(dtype=bool)
    if untitled.any():
        title = title.mask(untitled, ids)
        _warn_count(report, untitled, lambda n: f"{source}: {n} items have no title; used the id")
    warn = report.warnings.append
    title = bounded_titles(title, ids, warn, source)
    price = _numeric(frame, columns, "price", source, problems, currency=True)
    tags = to_tags(frame[columns["tags"]]) if "tags" in columns else pd.Series(
        [()] * len(frame), index=frame.index, dtype=object)
    tags = bounded_tags(tags, ids, warn, source)
    lang = text("language").replace("", language) if language else text("language")
    result = pd.DataFrame(
        {
            "item_id": ids.to_numpy(), "title": title.to_numpy(),
            "category": bounded_labels(text("category"), ids, warn, source, "category")
            .to_numpy(),
            "tags": tags.to_numpy(),
            "brand": bounded_labels(text("brand"), ids, warn, source, "brand").to_numpy(),
            "price": price,
            "description": bounded_descriptions(text("description"), ids, warn, source)
            .to_numpy(),
            "language": lang.to_numpy(),
            "title_raw": raw_title.mask(untitled, ids).to_numpy(),
            "image_url": _image_urls(text("image_url", markup=False), ids, warn, source)
            .to_numpy(),
        },
        index=pd.RangeIndex(len(frame)),
    )
    str_columns = ("item_id", "title", "category", "brand", "description", "language",
                   "title_raw", "image_url")
    return result.astype(dict.fromkeys(str_columns, "str")), problems


#: a picture's address: http(s) only (no javascript:, data: or file: URLs reach the page)
_IMAGE_URL_RE = re.compile(r"https?://[^\s\"'<>`]{1,2000}", re.IGNORECASE)


def _image_urls(values: pd.Series, ids: pd.Series, warn: Callable[[str], None],
                source: str) -> pd.Series:
    """The ``image_url`` column: web addresses kept, anything else dropped with a warning."""
    bad = values.map(lambda v: bool(v) and _IMAGE_URL_RE.fullmatch(v) is None).to_numpy(
        dtype=bool)
    if bad.any():
        warn(f"{source}: {int(bad.sum())} image_url values are not http(s) addresses; dropped "
             f"(e.g. item {ids[bad].iloc[0]})")
    return values.mask(bad, "")


def _not_text(values: pd.Series, ids: pd.Series, source: str, name: str) -> list[str]:
    """A problem when cells of a text column hold lists or objects (JSON lines, Parquet)."""
    if values.dtype != object:
        return []
    bad = values.map(lambda v: isinstance(v, list | dict | tuple | np.ndarray)).to_numpy(
        dtype=bool)
    if not bad.any():
        return []
    count = int(bad.sum())
    rows = "1 row holds" if count == 1 else f"{count} rows hold"
    return [f"{source}: {name} must be text; {rows} a list or an object "
            f"(e.g. item {ids[bad].iloc[0]})"]


def normalize_users(
    frame: pd.DataFrame,
    column_map: ColumnMap | None = None,
    source: str = "users",
    *,
    report: ValidationReport | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Canonical people frame (``user_id``, ``language``) and the problems found.

    Examples
    --------
    >>> frame, problems = normalize_users(pd.DataFrame({"customer_id": [7], "lang": ["zh"]}))
    >>> frame.to_dict("records"), problems
    ([{'user_id': '7', 'language': 'zh'}], [])
    """
    report = report if report is not None else ValidationReport()
    columns, problems = resolve_columns(list(frame.columns), USER_COLUMNS, column_map, source)
    problems += missing_required(frame, columns, ("user_id",), source, column_map)
    if problems or not len(frame):
        return _empty(USER_COLUMNS), problems
    ids = to_ids(frame[columns["user_id"]])
    no_id = ids.isna().to_numpy(dtype=bool)
    _warn_count(report, no_id, lambda n: f"{source}: dropped {n} rows without a user id")
    repeated = ids.duplicated().to_numpy(dtype=bool) & ~no_id
    _warn_count(report, repeated, lambda n: f"{source}: {n} rows repeat a user id; kept the first")
    keep = ~(no_id | repeated)
    if "language" in columns:
        language = to_text(frame[columns["language"]])[keep].to_numpy()
    else:
        language = np.full(int(keep.sum()), "", dtype=object)
    result = pd.DataFrame({"user_id": ids[keep].to_numpy(), "language": language})
    return result.astype("str"), problems


def check_references(
    interactions: pd.DataFrame,
    items: pd.DataFrame,
    users: pd.DataFrame | None = None,
    *,
    report: ValidationReport | None = None,
    source: str = "interactions",
    catalog: str = "items",
) -> tuple[pd.DataFrame, list[str]]:
    """Drop interactions with items missing from the catalog; note people without history.

    Examples
    --------
    >>> inter = pd.DataFrame({"user_id": ["u"], "item_id": ["gone"]})
    >>> _, problems = check_references(inter, pd.DataFrame({"item_id": ["a"]}))
    >>> problems
    ["interactions: none of the 1 interactions refer to an item in items (e.g. 'gone')"]
    """
    report = report if report is not None else ValidationReport()
    problems: list[str] = []
    known = isin(interactions["item_id"], items["item_id"])
    if not known.all():
        unknown = interactions.loc[~known, "item_id"]
        examples = [str(item) for item in unknown.drop_duplicates().head(5)]
        quoted = ", ".join(repr(item) for item in examples)
        if not known.any():
            problems.append(f"{source}: none of the {len(known)} interactions refer to an item in "
                            f"{catalog} (e.g. {quoted})")
        report.unknown_item_rows += int((~known).sum())
        report.unknown_item_examples = examples
        report.warnings.append(f"{source}: dropped {int((~known).sum())} interactions whose item "
                               f"is not in {catalog} (e.g. {quoted})")
        interactions = interactions[known].reset_index(drop=True)
    if users is not None and len(users):
        idle = ~isin(users["user_id"], interactions["user_id"])
        report.users_without_history = [str(user) for user in users.loc[idle, "user_id"]]
    return interactions, problems


# --- helpers ----------------------------------------------------------------------------------
def _event_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _positive_number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if np.isfinite(number) and number > 0 else None


def _label(canonical: str, column: str | None) -> str:
    if column is None or column == canonical:
        return f"column {canonical!r}"
    return f"column {column!r} ({canonical})"


def _no_rows(frame: pd.DataFrame, source: str) -> list[str]:
    return [] if len(frame) else [f"{source}: no rows (the file has a header but no data)"]


def _numeric(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    canonical: str,
    source: str,
    problems: list[str],
    *,
    currency: bool = False,
) -> np.ndarray:
    """Float column (NaN if absent); non-numeric cells become one problem line."""
    if canonical not in columns:
        return np.full(len(frame), np.nan)
    series = frame[columns[canonical]]
    if canonical == "timestamp":
        values, bad = to_epoch_seconds(series)
        kind = "values that are neither epoch seconds nor ISO-8601 dates"
    else:
        values, bad = to_float(series, currency=currency)
        kind = "non-numeric values"
    if bad.any():
        problems.append(f"{source}: {_label(canonical, columns[canonical])} has "
                        f"{int(bad.sum())} {kind}, e.g. {first_example(series, bad)}")
    return values


def _problem_count(
    problems: list[str],
    mask: np.ndarray,
    frame: pd.DataFrame,
    column: str | None,
    message: Callable[[int, str], str],
) -> None:
    if mask.any():
        example = first_example(frame[column], mask) if column else "?"
        problems.append(message(int(mask.sum()), example))


def _warn_count(report: ValidationReport, mask: np.ndarray, message: Callable[[int], str]) -> None:
    if mask.any():
        report.warnings.append(message(int(mask.sum())))


def _exact_duplicates(frame: pd.DataFrame) -> np.ndarray:
    """Rows identical in every source column to an earlier row."""
    try:
        # an explicit subset takes a faster path than the default in pandas 3
        return frame.duplicated(subset=list(frame.columns)).to_numpy(dtype=bool)
    except TypeError:  # list cells (JSON lines, Parquet) are unhashable; compare their text
        return frame.astype("str").duplicated().to_numpy(dtype=bool)


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
