"""``whyrec config``: the configuration that applies, and where each value comes from."""

from __future__ import annotations

from typing import Any

import click

from whyrec.cli.common import config_of, emit_json, json_option, print_warnings, setting_names
from whyrec.config import (
    SECTION_OF,
    SECTIONS,
    SETTINGS,
    Config,
    Source,
    bundled_model_installed,
)
from whyrec.errors import ConfigError

PRECEDENCE = ("option", "WHYREC_<NAME>", "the command's [table] in the file",
              "the file's top level", "built-in default")


@click.command("config")
@click.argument("command_name", metavar="[COMMAND]", required=False)
@json_option
@click.pass_context
def config_command(ctx: click.Context, command_name: str | None, as_json: bool) -> None:
    """Show the settings that apply (to COMMAND, e.g. explain or serve) and where each comes
    from: option > WHYREC_<NAME> > whyrec.toml's [COMMAND] table > its top level > default."""
    config = config_of(ctx)
    root = ctx.find_root().command
    assert isinstance(root, click.Group)
    if command_name is not None and root.get_command(ctx, command_name) is None:
        raise ConfigError(f"no command {command_name!r}; commands: "
                          f"{', '.join(sorted(root.commands))}")
    rows = _rows(config, root, ctx, command_name)
    problems = _problems(config, root, ctx)
    if as_json:
        emit_json({"file": None if config.path is None else str(config.path),
                   "command": command_name, "precedence": list(PRECEDENCE),
                   "settings": {name: {"value": value, "source": source.kind,
                                       "where": source.where}
                                for name, (value, source) in rows.items()},
                   "warnings": problems})
        return
    print_warnings(problems)
    click.echo(f"file: {config.path}" if config.path is not None else
               "file: none (./whyrec.toml is absent; --config FILE or WHYREC_CONFIG names one)")
    click.echo("precedence: " + " > ".join(PRECEDENCE))
    width = max(len(name) for name in rows)
    shown = {name: _shown(value) for name, (value, _) in rows.items()}
    value_width = min(max(len(text) for text in shown.values()), 40)
    for name, (_, source) in rows.items():
        note = _note(name, rows[name][0], source)
        click.echo(f"  {name:<{width}}  {shown[name]:<{value_width}}  {source.where}{note}")


def _rows(config: Config, root: click.Group, ctx: click.Context,
          command_name: str | None) -> dict[str, tuple[Any, Source]]:
    """Each setting the command reads (every shared one without a command): value, source."""
    if command_name == "serve":
        try:
            from whyrec.service.settings import setting_sources
        except ImportError as exc:
            raise ConfigError(f"the service's settings need the `serve` extra ({exc.name} is "
                              "missing): pip install 'whyrec[serve]'") from None
        import warnings

        with warnings.catch_warnings():  # reported below, with every table's
            warnings.simplefilter("ignore")
            settings, sources = setting_sources(
                config.path if config.path is not None else None)
        return {name: (getattr(settings, name), sources[name]) for name in sources}
    if command_name is None:
        names: list[str] = list(SETTINGS)
    else:
        command = root.get_command(ctx, command_name)
        assert command is not None
        reads = setting_names(command)
        names = [name for name in SETTINGS if name in reads]
    rows = {}
    for name in names:
        found = config.value(name, command_name)
        rows[name] = (found.value, found.source)
    return rows


def _problems(config: Config, root: click.Group, ctx: click.Context) -> list[str]:
    """Every name in the file that nobody reads: the top level and each command's table."""
    problems = config.unknown(None, ())
    for section in SECTIONS:
        if section not in config.table:
            continue
        if section == "serve":
            try:
                from whyrec.service.settings import ServiceSettings
            except ImportError:
                continue
            known: set[str] = set(ServiceSettings.model_fields)
        else:
            command = root.get_command(ctx, section)
            known = setting_names(command) if command is not None else set()
            known |= {name for other, target in SECTION_OF.items() if target == section
                      for name in setting_names(root.commands.get(other, root))}
        problems += config.unknown(section, known)
    return list(dict.fromkeys(problems))


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _note(name: str, value: Any, source: Source) -> str:
    if name == "backend" and value == "llamacpp" and not bundled_model_installed():
        return "  (not installed here: the template stands in)"
    return ""
