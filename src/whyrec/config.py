"""One configuration for every command and the service.

A setting's value comes from, highest first: the command-line option (or a caller's argument),
the ``WHYREC_<NAME>`` environment variable, the command's table of ``whyrec.toml``
(``[explain]``, ``[serve]``…), the file's top level, then the built-in default. The file is
``--config PATH`` / ``$WHYREC_CONFIG`` when given, else ``./whyrec.toml`` when present::

    # whyrec.toml: top-level settings apply to every command that has them
    data = "shop/"
    backend = "openai"
    base_url = "http://gpu-node:8000/v1"
    llm_model = "Qwen2.5-7B-Instruct"

    [report]                 # only `whyrec report`
    backend = "template"

    [serve]                  # `whyrec serve` (and the store of `whyrec keys`)
    port = 9000

The shared settings (:data:`SETTINGS`) have one built-in default for every command; an unknown
name is a warning naming it (with the closest known name), a file that is not TOML a one-line
:class:`~whyrec.errors.ConfigError` naming the file and the line. ``model`` and ``algo`` are
older names of ``llm_model`` and ``algorithm``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter
from pydantic import ValidationError as PydanticError

from whyrec.backends.registry import available_backends, is_backend
from whyrec.errors import ConfigError
from whyrec.settings import MODEL_BACKENDS, ExplainSettings
from whyrec.values import LANGUAGES, Style

CONFIG_FILE = "whyrec.toml"
CONFIG_VARIABLE = "WHYREC_CONFIG"
ENV_PREFIX = "WHYREC_"
#: older names of settings, still read everywhere
OLD_NAMES = {"model": "llm_model", "algo": "algorithm"}
#: the commands that may have a table in the file
SECTIONS = ("demo", "info", "train", "recommend", "explain", "feedback", "chat", "eval",
            "batch", "report", "forget", "tune", "serve", "store")
#: commands that read another command's table: the API keys live in the service's store
SECTION_OF = {"keys": "serve"}

#: the settings every command shares, with their one built-in default; the explanation
#: settings' defaults are :class:`~whyrec.settings.ExplainSettings`' own
EXPLAIN_SETTINGS = _EXPLAIN = (
    "backend", "llm_model", "base_url", "llm_timeout", "prefill", "adapter", "repairs",
    "best_of", "language", "length", "tone", "prefer", "exclude")
_OTHERS: dict[str, tuple[Any, Any]] = {  # name: (type, default)
    "data": (str, "demo"),
    "algorithm": (str, "hybrid"),
    "recommender": (str | None, None),
    "db_url": (str | None, None),
    "k_anonymity": (Annotated[int, Field(ge=1)], 10),
}
SETTINGS: tuple[str, ...] = ("data", "algorithm", "recommender", *_EXPLAIN, "db_url",
                             "k_anonymity")
#: what each shared setting is, for ``whyrec config`` and the docs
HELP = {
    "data": "'demo', a MovieLens folder or a whyrec dataset folder",
    "algorithm": "the recommender trained when no saved one is given",
    "recommender": "a recommender saved by 'whyrec train' (otherwise one is trained)",
    "backend": "who words explanations: llamacpp (the bundled model; where it is not "
               "installed the template stands in, saying so), openai, template or a plug-in",
    "llm_model": "llamacpp: a GGUF file; openai: the served model's name",
    "base_url": "openai: the server's API root",
    "llm_timeout": "seconds a model call may take (default: the backend's 30; serve: 10)",
    "prefill": "openai: the server continues a started answer",
    "adapter": "llamacpp: a LoRA adapter GGUF, or false for none (default: the shipped one)",
    "repairs": "regenerations with the verifier's complaint before the template",
    "best_of": "first drafts; the verified one stating the most facts is kept",
    "language": "en or zh (default: each person's own)",
    "length": "short, medium or detailed (long: the older name of detailed)",
    "tone": "neutral or friendly",
    "prefer": "evidence kinds to lead with",
    "exclude": "evidence kinds never to mention",
    "db_url": "the store: a database URL or SQLite file (default: $WHYREC_HOME/whyrec.sqlite)",
    "k_anonymity": "least number of people behind any statistic about others",
}


class ConfigWarning(UserWarning):
    """A name in the configuration file that no command reads (most likely a typo)."""


@dataclass(frozen=True)
class Source:
    """Where a value came from: ``kind`` and, for people, ``where`` (``option``,
    ``WHYREC_LENGTH``, ``whyrec.toml [explain]``, ``built-in``)."""

    kind: Literal["option", "env", "file", "default"]
    where: str

    def __str__(self) -> str:
        return self.where


@dataclass(frozen=True)
class Value:
    value: Any
    source: Source


def env_name(name: str) -> str:
    """The environment variable of a setting: ``WHYREC_`` and the name in capitals."""
    return ENV_PREFIX + name.upper()


def bundled_model_installed() -> bool:
    """Whether the llamacpp backend can run the bundled model here (engine and model file)."""
    import importlib.util

    from whyrec.backends.llamacpp import bundled_model_path

    if importlib.util.find_spec("xllamacpp") is None:
        return False
    try:
        bundled_model_path()
    except ConfigError:  # the model's own error (BackendNotInstalled is one)
        return False
    return True


def default(name: str) -> Any:
    """The built-in default of a shared setting, the same for every command."""
    if name in _OTHERS:
        return _OTHERS[name][1]
    return ExplainSettings.model_fields[name].get_default(call_default_factory=True)


def applicable(values: Mapping[str, Any], given: Collection[str]) -> dict[str, Any]:
    """``values`` without the language-model settings the backend does not use, unless they
    were ``given`` on the command line: a ``base_url`` kept in the file for the openai backend
    must not break ``--backend template`` (a typo on the command line is still refused)."""
    backend = values.get("backend", default("backend"))
    unused = set()
    if backend not in MODEL_BACKENDS:
        unused |= {"llm_model", "base_url"}
    if backend != "llamacpp":
        unused.add("adapter")
    if backend != "openai":
        unused.add("prefill")
    return {name: value for name, value in values.items()
            if name not in unused or name in given}


class Config:
    """A parsed configuration file (or none) and the environment, read for any command."""

    def __init__(self, path: Path | None, table: dict[str, Any],
                 environ: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.table = table
        self.environ = os.environ if environ is None else environ

    @property
    def label(self) -> str:
        """The file as messages name it."""
        return str(self.path) if self.path is not None else CONFIG_FILE

    def section(self, command: str | None) -> dict[str, Any]:
        """The table of ``command`` (``{}`` when the file has none)."""
        name = SECTION_OF.get(command or "", command)
        if name is None:
            return {}
        table = self.table.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{self.label}: [{name}] must be a table")
        return _new_names(table)

    def lookup(self, name: str, command: str | None = None) -> Value | None:
        """The value of ``name`` from the environment, the command's table or the top level;
        ``None`` when none of them sets it. Shared settings are checked here, so a mistake
        names where it was made."""
        raw = self.environ.get(env_name(name))
        if raw is not None and (raw.strip() or name not in SETTINGS):
            variable = Source("env", env_name(name))
            return Value(_check(name, _from_env(name, raw), variable), variable)
        section = SECTION_OF.get(command or "", command)
        for table, where in ((self.section(command), f"{self.label} [{section}]"),
                             (_new_names(self.table), self.label)):
            if name in table and not isinstance(table[name], dict):
                source = Source("file", where)
                return Value(_check(name, table[name], source), source)
        return None

    def value(self, name: str, command: str | None = None) -> Value:
        """The value of a shared setting for ``command``: environment > file > default."""
        return self.lookup(name, command) or Value(default(name), Source("default", "built-in"))

    def resolve(self, command: str, names: Iterable[str], options: Mapping[str, Any], *,
                defaults: bool = True) -> dict[str, Value]:
        """Every name in ``names`` that has a value: ``options`` (``None`` values ignored) >
        environment > file; with ``defaults`` shared settings fall back to their built-in
        default."""
        found: dict[str, Value] = {}
        for name in names:
            if options.get(name) is not None:
                found[name] = Value(options[name], Source("option", "option"))
            elif (value := self.lookup(name, command)) is not None:
                found[name] = value
            elif defaults and name in SETTINGS:
                found[name] = self.value(name, command)
        return found

    def unknown(self, command: str | None, known: Collection[str]) -> list[str]:
        """Warnings for names nobody reads: at the top level, and in ``command``'s table
        (``known``: the names that command reads)."""
        problems = []
        top = _new_names(self.table)
        for name, value in top.items():
            if isinstance(value, dict):
                if name not in SECTIONS:
                    problems.append(f"{self.label}: unknown table [{name}]"
                                    f"{_close(name, SECTIONS, '[', ']')}; tables are named "
                                    "after commands")
            elif name not in SETTINGS:
                problems.append(f"{self.label}: unknown setting {name!r}"
                                f"{_close(name, SETTINGS)}")
        if command is not None and command in SECTIONS:
            for name in self.section(command):
                if name not in known:
                    hint = (f"does not apply to whyrec {command}" if name in SETTINGS
                            else f"unknown setting{_close(name, known)}")
                    problems.append(f"{self.label}: [{command}] {name!r}: {hint}")
        return problems


def config_path(path: str | Path | None = None,
                environ: Mapping[str, str] | None = None) -> Path | None:
    """The file to read: ``path``, else ``$WHYREC_CONFIG``, else ``./whyrec.toml`` when it
    exists (``None``: no file)."""
    env = os.environ if environ is None else environ
    named = path if path is not None else env.get(CONFIG_VARIABLE) or None
    if named is not None:
        chosen = Path(named)
        if not chosen.is_file():
            what = "--config" if path is not None else CONFIG_VARIABLE
            raise ConfigError(f"config file not found: {chosen} (named by {what})")
        return chosen
    found = Path(CONFIG_FILE)
    return found if found.is_file() else None


def load_config(path: str | Path | None = None,
                environ: Mapping[str, str] | None = None) -> Config:
    """The configuration file (see :func:`config_path`) and the environment."""
    chosen = config_path(path, environ)
    if chosen is None:
        return Config(None, {}, environ)
    try:
        with chosen.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(chosen, str(exc))) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{chosen}: not valid TOML (not UTF-8 text)") from None
    return Config(chosen, table, environ)


def _toml_error(path: Path, message: str) -> str:
    """``whyrec.toml:3: not valid TOML: Expected '=' after a key … (column 5)``."""
    at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if at is not None:
        return (f"{path}:{at.group(1)}: not valid TOML: {message[:at.start()]} "
                f"(column {at.group(2)})")
    end = re.search(r"\s*\(at end of document\)$", message)
    if end is not None:
        return f"{path}: not valid TOML: {message[:end.start()]} at the end of the file"
    return f"{path}: not valid TOML: {message}"


def _new_names(values: Mapping[str, Any]) -> dict[str, Any]:
    return {OLD_NAMES.get(name, name): value for name, value in values.items()}


def _close(name: str, known: Iterable[str], before: str = "'", after: str = "'") -> str:
    match = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {before}{match[0]}{after}?)" if match else ""


def _from_env(name: str, raw: str) -> Any:
    """An environment variable's text as a value: lists by commas (or JSON), ``false`` for an
    adapter, JSON for the service's lists and tables; the rest is converted where it is
    checked."""
    text = raw.strip()
    if name in ("prefer", "exclude"):
        if text.startswith("["):
            return _json(name, text)
        return tuple(part.strip() for part in text.split(",") if part.strip())
    if name == "adapter" and text.lower() in ("false", "0", "no", "off", "none"):
        return False
    if name not in SETTINGS and text[:1] in ("[", "{"):
        return _json(name, text)
    return text


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{env_name(name)}: not valid JSON ({exc.msg})") from None


@cache
def _adapter(name: str) -> TypeAdapter[Any]:
    """The type of a shared setting with its bounds (``repairs`` ≥ 0, ``best_of`` 1–8…)."""
    if name in _OTHERS:
        return TypeAdapter(_OTHERS[name][0])
    field = ExplainSettings.model_fields[name]
    annotation: Any = field.annotation
    return TypeAdapter(Annotated[annotation, *field.metadata] if field.metadata else annotation)


def _check(name: str, value: Any, where: Source) -> Any:
    """A shared setting's value, converted and checked; names ``where`` when it is wrong."""
    if name not in SETTINGS:
        return value  # the service's own settings are checked by ServiceSettings
    try:
        value = _adapter(name).validate_python(value)
        if name == "backend" and not is_backend(value):
            raise ConfigError(f"unknown backend {value!r}; available: "
                              f"{', '.join(available_backends())}")
        if name == "language" and value is not None and value not in LANGUAGES:
            raise ConfigError(f"must be {' or '.join(LANGUAGES)}, got {value!r}")
        if name in ("length", "tone"):
            value = getattr(Style(**{name: value}), name)  # Style's checks and older names
        if name in ("prefer", "exclude"):
            Style(prefer=value)
    except PydanticError as exc:
        raise ConfigError(f"{where}: {name}: {exc.errors()[0]['msg']}") from None
    except ConfigError as exc:
        said = str(exc)
        raise ConfigError(f"{where}: {said if name in said else f'{name} {said}'}") from None
    return value
