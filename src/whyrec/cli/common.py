"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

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








def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def store_option(func: F) -> F:
    return click.option(
        "--db", "db_url", default=None, metavar="URL",
        help="Store for feedback, explanations and the cache: a database URL or SQLite file "
             "(default: $WHYREC_DB_URL, else $WHYREC_HOME/whyrec.sqlite).",
    )(func)

