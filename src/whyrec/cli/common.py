"""Options and helpers shared by the CLI commands.

Every option that names a shared setting is a :class:`SettingOption`: its default is the
configured value (:mod:`whyrec.config`: ``WHYREC_<NAME>`` > the command's table of
``whyrec.toml`` > its top level > the one built-in default), so each command reads the same
configuration with the same precedence, and ``--help`` shows the value that applies.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from whyrec.config import EXPLAIN_SETTINGS, Config, Value, load_config
from whyrec.config import default as builtin_default
from whyrec.values import LANGUAGES, LENGTH_ALIASES, LENGTHS, TONES

F = TypeVar("F", bound=Callable[..., Any])
CONFIG_KEY = "whyrec.config"
#: settings a command reads without an option of its own (the rest: its SettingOptions)
READS: dict[str, tuple[str, ...]] = {
    "demo": ("db_url", "k_anonymity", *EXPLAIN_SETTINGS),
    "explain": ("adapter", "k_anonymity"),
    "chat": ("adapter", "best_of", "k_anonymity"),
    "batch": ("adapter", "best_of"),
    "tune": ("data", "llm_model", "base_url"),
}


#: whether :func:`pause_collector_for_start_up` has the cyclic garbage collector off now
_START_UP = {"paused": False}


@contextmanager
def pause_collector_for_start_up() -> Iterator[None]:
    """The cyclic garbage collector off while a command starts (``whyrec``'s ``main``), until
    :func:`start_up_done`, at the latest when the command returns.

    A start-up imports modules and loads data: objects that live as long as the process, and
    hardly any garbage in cycles (under two thousand objects by the time ``whyrec serve``
    listens); the collector's full passes over them were a tenth of that start-up. Reference
    counting frees everything else as before."""
    if not gc.isenabled():  # a caller's own choice (an embedding program, a test): kept
        yield
        return
    gc.disable()
    _START_UP["paused"] = True
    try:
        yield
    finally:
        if _START_UP["paused"]:
            _START_UP["paused"] = False
            gc.enable()


def start_up_done(*, freeze: bool = False) -> None:
    """The start-up that :func:`pause_collector_for_start_up` covers is over: the collector
    runs again. With ``freeze`` (a long-running process: ``whyrec serve``), what the start-up
    made is first moved out of its passes for good (``gc.freeze``): modules, classes and the
    loaded data live as long as the process, and a full pass over them would otherwise fall
    on some early request. A no-op when the collector was not paused for a start-up."""
    if not _START_UP["paused"]:
        return
    _START_UP["paused"] = False
    if freeze:
        gc.freeze()
    gc.enable()


def config_of(ctx: click.Context) -> Config:
    """The configuration this run reads (loaded once, by ``whyrec --config`` or on demand)."""
    root = ctx.find_root()
    if CONFIG_KEY not in root.meta:
        root.meta[CONFIG_KEY] = load_config(root.params.get("config_path"))
    config: Config = root.meta[CONFIG_KEY]
    return config


def command_of(ctx: click.Context) -> str:
    """The top-level command running (``report`` for ``whyrec report sheet``): its table."""
    while ctx.parent is not None and ctx.parent.parent is not None:
        ctx = ctx.parent
    return (ctx.info_name if ctx.parent is not None else ctx.command.name) or ""


def configured(name: str) -> Value:
    """A shared setting's value for the running command: environment > file > default."""
    ctx = click.get_current_context()
    return config_of(ctx).value(name, command_of(ctx))


def given(ctx: click.Context) -> set[str]:
    """The settings given on this command line (not taken from the configuration)."""
    return {param.setting for param in ctx.command.params
            if isinstance(param, SettingOption) and param.name is not None
            and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE}


def setting_names(command: click.Command) -> set[str]:
    """Every shared setting ``command`` (and its sub-commands) reads."""
    names = set(READS.get(command.name or "", ()))
    names |= {p.setting for p in command.params if isinstance(p, SettingOption)}
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            names |= setting_names(sub)
    return names


class SettingOption(click.Option):
    """An option for the shared setting ``setting``: its default is the configured value.

    ``default`` (what introspection sees) is the built-in default, the same for every
    command; a value from the environment or the file reports the source ``ENVIRONMENT`` or
    ``DEFAULT_MAP``, as click's own would, so "was it asked for?" has one answer.
    """

    def __init__(self, *args: Any, setting: str, **kwargs: Any) -> None:
        kwargs.setdefault("default", builtin_default(setting))
        kwargs.setdefault("show_default", True)
        super().__init__(*args, **kwargs)
        self.setting = setting

    def _configured(self, ctx: click.Context) -> Value | None:
        return config_of(ctx).lookup(self.setting, command_of(ctx))

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        found = self._configured(ctx)
        if found is not None:
            return found.value
        return super().get_default(ctx, call=call)

    def consume_value(self, ctx: click.Context,
                      opts: Any) -> tuple[Any, ParameterSource]:
        value, source = super().consume_value(ctx, opts)
        if source is ParameterSource.DEFAULT and (found := self._configured(ctx)) is not None:
            source = (ParameterSource.ENVIRONMENT if found.source.kind == "env"
                      else ParameterSource.DEFAULT_MAP)
        return value, source


def setting_option(*names: str, setting: str, **kwargs: Any) -> Callable[[F], F]:
    return click.option(*names, cls=SettingOption, setting=setting, **kwargs)


class LengthChoice(click.Choice):
    """short, medium or detailed; ``long``, the older name of detailed, still works."""

    def __init__(self) -> None:
        super().__init__(LENGTHS)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        return super().convert(LENGTH_ALIASES.get(value, value), param, ctx)


def data_option(func: F) -> F:
    return setting_option(
        "--data", "data", setting="data", metavar="SOURCE",
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
    return setting_option(
        "--algo", setting="algorithm", help="als, itemknn, content, popular or hybrid.",
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
    func = setting_option(
        "--recommender", "model_dir", setting="recommender",
        type=click.Path(path_type=Path), metavar="DIR",
        help="A recommender saved by 'whyrec train' (otherwise one is trained now).",
    )(func)
    return algo_option(func)


def k_anonymity_option(func: F) -> F:
    return setting_option(
        "--k-anonymity", setting="k_anonymity", type=click.IntRange(min=1),
        help="Least number of people behind any statistic about others.",
    )(func)


def backend_option(func: F) -> F:
    return setting_option(
        "--backend", setting="backend",
        help="llamacpp (the bundled model; the template stands in where it is not "
             "installed), openai (any OpenAI-compatible server), template, or a plug-in.",
    )(func)


def llm_options(func: F) -> F:
    """--model, --base-url, --timeout, --repairs, --prefill: the language model's settings."""
    options = [
        setting_option("--model", "llm_model", setting="llm_model", metavar="MODEL",
                       help="llamacpp: a GGUF file (default: bundled SmolLM2-135M-Instruct); "
                            "openai: the server's model name."),
        setting_option("--base-url", setting="base_url",
                       help="openai: the server's API root (http://host:8000/v1). The key "
                            "comes from WHYREC_API_KEY."),
        setting_option("--timeout", "llm_timeout", setting="llm_timeout", type=float,
                       help="Seconds a model call may take before the template is used "
                            "(default: the backend's, 30)."),
        setting_option("--repairs", setting="repairs", type=click.IntRange(0, 5),
                       help="Regenerations with the verifier's complaint before the template."),
        setting_option("--prefill/--no-prefill", setting="prefill",
                       help="openai: the server continues a started answer (llama.cpp "
                            "server, vLLM)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def style_options(func: F) -> F:
    """--lang, --length, --tone, --prefer, --exclude: how an explanation reads."""
    options = [
        setting_option("--lang", "--language", "language", setting="language",
                       type=click.Choice(LANGUAGES), help="Language (default: the person's "
                                                          "own)."),
        setting_option("--length", setting="length", type=LengthChoice(),
                       help="How much is said (long: the older name of detailed)."),
        setting_option("--tone", setting="tone", type=click.Choice(TONES)),
        setting_option("--prefer", setting="prefer", multiple=True, metavar="KIND",
                       help="Evidence kind to lead with (repeatable): history_item, "
                            "shared_feature, cohort, item_quality, trend, preference."),
        setting_option("--exclude", setting="exclude", multiple=True, metavar="KIND",
                       help="Evidence kind never to mention (repeatable)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def want_progress(flag: bool | None) -> bool:
    return sys.stderr.isatty() if flag is None else flag


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def store_option(func: F) -> F:
    return setting_option(
        "--db", "db_url", setting="db_url", metavar="URL", show_default=False,
        help="Store for feedback, explanations and the cache: a database URL or SQLite file "
             "(default: $WHYREC_DB_URL, else $WHYREC_HOME/whyrec.sqlite).",
    )(func)


def print_warnings(problems: Iterator[str] | list[str]) -> None:
    for problem in problems:
        click.echo(f"whyrec: warning: {problem}", err=True)


def default_explainer(settings: Any, dataset: Any = None, **options: Any) -> tuple[Any, bool]:
    """``make_explainer``, except that on the default path (``--backend`` not given, the
    bundled model) a core install without the model explains with the template and says on
    one stderr line how to add the model. An asked-for backend that is missing stays an error.

    Returns the explainer and whether the template stands in for the model.
    """
    from whyrec.backends.base import BackendNotInstalled
    from whyrec.pipeline import make_explainer

    try:
        return make_explainer(settings, dataset, **options), False
    except BackendNotInstalled as exc:
        context = click.get_current_context(silent=True)
        asked = context is not None and context.get_parameter_source("backend") not in (
            None, click.core.ParameterSource.DEFAULT)
        if asked or settings.llm_model is not None:
            raise
        click.echo(f"whyrec: no language model is installed, so templates word the "
                   f"explanations; to add one: {exc.hint}", err=True)
        return make_explainer(settings.updated(backend="template"), dataset, **options), True


def explain_values(**values: Any) -> dict[str, Any]:
    """The explanation settings of this run, less the language-model ones its backend does not
    use that came from the configuration (given on the command line, they are still refused)."""
    from whyrec.config import applicable

    return applicable(values, given(click.get_current_context()))


def configured_values(*names: str) -> dict[str, Any]:
    """The configured values of settings the running command has no option for."""
    return {name: configured(name).value for name in names}
