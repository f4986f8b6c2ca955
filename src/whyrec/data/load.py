"""``load_dataset``: the bundled demo, a MovieLens folder, or a whyrec dataset folder.

A whyrec dataset folder holds ``interactions.*`` and ``items.*`` (CSV, Parquet or JSON lines,
optionally gzip-compressed), optionally ``users.*`` (user_id, language) and ``dataset.json``.
Interactions may carry a ``review`` column (also found as ``review_text``, ``reviewText`` or
``text``): what the person wrote about the item, used only by ``whyrec tune --source
references``, cut to 5,000 characters and handed out scrubbed of personal data::

    {"name": "shop", "domain": "ecommerce", "rating_scale": 5,
     "column_map": {"user_id": "customer"}, "event_weights": {"purchase": 8},
     "translations": {"zh": {"tea": "茶"}}, "dislike_threshold": 2}
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from whyrec.data.columns import split_column_map
from whyrec.data.dataset import DISLIKE_SIGNALS, DOMAINS, Dataset
from whyrec.data.frames import dataset_from_frames
from whyrec.data.movielens import is_movielens_dir, load_movielens
from whyrec.data.readers import read_table, table_suffix
from whyrec.errors import ConfigError, DataError

DEMO = "demo"


def load_dataset(
    source: str | Path,
    *,
    column_map: Mapping[str, Any] | None = None,
    domain: str | None = None,
    event_weights: Mapping[str, float] | None = None,
) -> Dataset:
    """Load and validate a dataset.

    Parameters
    ----------
    source
        ``"demo"`` (the bundled demo shop; pass ``"./demo"`` for a local folder of that name), a
        MovieLens folder (``ratings.csv`` + ``movies.csv``), or a whyrec dataset folder.
    column_map
        Canonical name -> your column name, for every file (``{"user_id": "customer"}``) or per
        file (``{"items": {"title": "Description"}}``). Merged over ``dataset.json``'s map.
        Ignored for MovieLens folders, whose layout is fixed.
    domain
        "ecommerce", "movies" or "news"; overrides ``dataset.json``.
    event_weights
        Weight per event type, merged over ``dataset.json`` and the defaults.

    Returns
    -------
    Dataset
        With ``report`` saying what was repaired (duplicates, unknown items, ...).

    Raises
    ------
    DataError
        The path does not exist or is not a dataset folder; ``ValidationError`` (a
        ``DataError``) lists every problem in the files at once.
    ConfigError
        ``domain`` or ``column_map`` is invalid.

    Examples
    --------
    >>> data = load_dataset("demo")  # doctest: +SKIP
    >>> data = load_dataset("shop/", column_map={"user_id": "customer"})  # doctest: +SKIP
    >>> data.summary()["n_users"]  # doctest: +SKIP
    1000
    """
    if domain is not None and domain not in DOMAINS:
        raise ConfigError(f"unknown domain {domain!r} (expected one of: {', '.join(DOMAINS)})")
    if column_map is not None and not isinstance(column_map, Mapping):
        raise ConfigError(f"column_map must be a dict, got {type(column_map).__name__}")
    if event_weights is not None and not isinstance(event_weights, Mapping):
        raise ConfigError(f"event_weights must be a dict, got {type(event_weights).__name__}")
    bad_map = split_column_map(column_map)[1]
    if bad_map:
        raise ConfigError(bad_map[0])
    path = demo_path() if isinstance(source, str) and source == DEMO else Path(source).expanduser()
    if not path.exists():
        raise DataError(f"dataset not found: {path} does not exist")
    if not path.is_dir():
        raise DataError(f"{path} is a file; pass a dataset folder (interactions + items files), "
                        "a MovieLens folder or 'demo'")
    files = {kind: _find_table(path, kind) for kind in ("interactions", "items", "users")}
    if files["interactions"] and files["items"]:
        return _load_whyrec_dir(path, files, column_map, domain, event_weights)
    if is_movielens_dir(path):
        return load_movielens(path, domain=domain or "movies")
    found = sorted(p.name for p in path.iterdir())
    shown = ", ".join(found[:10]) + (", ..." if len(found) > 10 else "") or "nothing"
    raise DataError(
        f"{path} is not a dataset folder: expected interactions.csv|.parquet|.jsonl and "
        f"items.csv|.parquet|.jsonl (whyrec layout) or ratings.csv and movies.csv (MovieLens); "
        f"found {shown}"
    )


def demo_path() -> Path:
    """Folder of the bundled demo dataset.

    Examples
    --------
    >>> demo_path().name
    'demo'
    """
    folder = resources.files("whyrec.data").joinpath(DEMO)
    if not isinstance(folder, Path):
        raise DataError("the bundled demo data is not on the file system (zipped install?)")
    if not folder.is_dir():
        raise DataError(f"the bundled demo data is missing ({folder}); reinstall whyrec")
    return folder


def _find_table(directory: Path, kind: str) -> Path | None:
    matches = [p for p in directory.iterdir()
               if p.is_file() and (suffix := table_suffix(p)) and p.name == kind + suffix]
    if len(matches) > 1:
        names = " and ".join(sorted(p.name for p in matches))
        raise DataError(f"{directory} has both {names}; keep one {kind} file")
    return matches[0] if matches else None


def _load_whyrec_dir(
    directory: Path,
    files: Mapping[str, Path | None],
    column_map: Mapping[str, Any] | None,
    domain: str | None,
    event_weights: Mapping[str, float] | None,
) -> Dataset:
    problems: list[str] = []
    meta = _read_meta(directory, problems)
    frames: dict[str, pd.DataFrame | None] = {}
    for kind, path in files.items():
        frames[kind] = None
        if path is not None:
            try:
                frames[kind] = read_table(path, text=True)
            except DataError as error:  # keep going: report every broken file at once
                problems.append(str(error))
    return dataset_from_frames(
        frames["interactions"],
        frames["items"],
        frames["users"],
        column_map=_merge_maps(meta.get("column_map"), column_map),
        event_weights={**meta.get("event_weights", {}), **(event_weights or {})},
        name=str(meta.get("name") or directory.resolve().name),
        domain=domain or str(meta.get("domain") or "ecommerce"),
        rating_scale=meta.get("rating_scale"),
        translations=meta.get("translations"),
        dislike_threshold=meta.get("dislike_threshold"),
        dislike_signal=str(meta.get("dislike_signal") or "zero"),
        sources={kind: path.name for kind, path in files.items() if path is not None},
        problems=problems,
    )


def _read_meta(directory: Path, problems: list[str]) -> dict[str, Any]:
    """Checked ``dataset.json`` contents ({} when absent); bad entries become problems."""
    path = directory / "dataset.json"
    if not path.is_file():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(f"{path} is not valid JSON: {error}")
        return {}
    except RecursionError:  # thousands of nested brackets: no real settings file looks so
        problems.append(f"{path} is nested too deeply to be whyrec's settings")
        return {}
    if not isinstance(meta, dict):
        problems.append(f"{path} must hold a JSON object, not {type(meta).__name__}")
        return {}
    checked: dict[str, Any] = {}
    rules: dict[str, tuple[Any, str]] = {
        "name": (lambda v: isinstance(v, str) and v, "a non-empty string"),
        "domain": (lambda v: v in DOMAINS, f"one of {', '.join(DOMAINS)}"),
        "rating_scale": (lambda v: _is_number(v) and v > 0, "a number > 0"),
        "column_map": (lambda v: isinstance(v, dict), "an object"),
        "event_weights": (lambda v: isinstance(v, dict), "an object"),
        "translations": (_is_translations, 'an object like {"zh": {"tea": "茶"}}'),
        "dislike_threshold": (_is_number, "a number"),
        "dislike_signal": (lambda v: v in DISLIKE_SIGNALS, f"one of {', '.join(DISLIKE_SIGNALS)}"),
    }
    for key, (ok, expected) in rules.items():
        if key not in meta:
            continue
        if ok(meta[key]):
            numeric = key in ("rating_scale", "dislike_threshold")
            checked[key] = float(meta[key]) if numeric else meta[key]
        else:
            problems.append(f"{path}: {key!r} must be {expected}, got {meta[key]!r}")
    scale = checked.get("rating_scale", 5.0)
    if checked.get("dislike_threshold", 0.0) >= scale:
        problems.append(f"{path}: 'dislike_threshold' must be below the rating scale ({scale:g}), "
                        f"got {checked.pop('dislike_threshold'):g}: every rating would be a "
                        "dislike")
    if "column_map" in checked:
        bad_keys = split_column_map(checked["column_map"])[1]
        problems += [f"{path}: {problem}" for problem in bad_keys]
        if bad_keys:
            del checked["column_map"]  # reported here; do not report it again later
    # other keys (seed, licence, ...) are the folder owner's business; one spelt almost like
    # a setting is a setting misspelt, and silently ignoring it would change the data's meaning
    for key in meta:
        if key not in rules and (near := difflib.get_close_matches(str(key), rules, n=1,
                                                                    cutoff=0.75)):
            problems.append(f"{path}: unknown key {key!r}; did you mean {near[0]!r}?")
    return checked


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _is_translations(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(words, dict) and all(isinstance(w, str) for pair in words.items() for w in pair)
        for words in value.values()
    )


def _merge_maps(
    base: Mapping[str, Any] | None, override: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Merge two column maps; per-file sections merge key by key."""
    merged: dict[str, Any] = dict(base or {})
    for key, value in (override or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged
