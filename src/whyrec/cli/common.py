"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.models.base import Recommender

F = TypeVar("F", bound=Callable[..., Any])


def data_option(func: F) -> F:
    return click.option(
        "--data", "data", default="demo", show_default=True, metavar="SOURCE",
        help="'demo', a MovieLens folder, or a whyrec dataset folder.",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(
        func)


def progress_option(func: F) -> F:
    return click.option(
        "--progress/--no-progress", default=None,
        help="Progress bar on stderr (default: when stderr is a terminal).",
    )(func)


def algo_option(func: F) -> F:
    return click.option(
        "--algo", default="hybrid", show_default=True,
        help="als, itemknn, content, popular or hybrid.",
    )(func)


def params_option(func: F) -> F:
    return click.option(
        "--param", "params", multiple=True, metavar="KEY=VALUE",
        help="Algorithm parameter (JSON value), repeatable: --param factors=32.",
    )(func)


def model_options(func: F) -> F:
    """--algo, --recommender and --param: train a recommender now, or load a saved one.

    (``--model`` names the language model, in the commands that explain.)
    """
    func = params_option(func)
    func = click.option(
        "--recommender", "model_dir", type=click.Path(path_type=Path), default=None,
        metavar="DIR", help="A recommender saved by 'whyrec train' (otherwise one is trained now).",
    )(func)
    return algo_option(func)


def want_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``("factors=32", "cf=als")`` -> ``{"factors": 32, "cf": "als"}``.

    Values are JSON when they parse as JSON, plain strings otherwise.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--param expects KEY=VALUE, got {pair!r}")
        try:
            params[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            params[key.strip()] = raw
    return params


def load_data(source: str) -> Dataset:
    from whyrec.data.load import load_dataset
    from whyrec.privacy.limits import contained

    return load_dataset(source if source == "demo" else contained(source, what="--data"))


def get_model(
    dataset: Dataset, algo: str, model_dir: Path | None, params: tuple[str, ...], progress: bool
) -> Recommender:
    """Load ``model_dir`` when given (it must match the data), else train ``algo`` now."""
    from whyrec.models.base import Recommender
    from whyrec.models.registry import create

    if model_dir is not None:
        model = Recommender.load(model_dir)
        unknown = set(model.item_ids.tolist()) ^ set(dataset.item_ids.tolist())
        if unknown:
            raise ConfigError(
                f"model {model_dir} was trained on another catalog "
                f"({len(unknown)} items differ); pass the same --data it was trained on")
        return model
    return create(algo, **parse_params(params)).fit(dataset, progress=progress)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def store_option(func: F) -> F:
    return click.option(
        "--db", "db_url", default=None, metavar="URL",
        help="Store for feedback, explanations and the cache: a database URL or SQLite file "
             "(default: $WHYREC_DB_URL, else $WHYREC_HOME/whyrec.sqlite).",
    )(func)


def open_db(url: str | None) -> Any:
    from whyrec.store import open_store

    return open_store(url)
