"""The ``whyrec`` command: one group, one module per command.

User mistakes (bad data, unknown user, wrong option value) print one line and exit 1; only bugs
print a traceback.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from whyrec._version import __version__
from whyrec.cli.common import (
    CONFIG_KEY,
    pause_collector_for_start_up,
    print_warnings,
    setting_names,
    start_up_done,
)
from whyrec.config import load_config
from whyrec.errors import WhyrecError

#: every command: the module it lives in and its name there (imported when it is run)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("whyrec.cli.demo", "demo"),
    "info": ("whyrec.cli.info", "info"),
    "train": ("whyrec.cli.train", "train"),
    "recommend": ("whyrec.cli.recommend", "recommend"),
    "explain": ("whyrec.cli.explain", "explain"),
    "feedback": ("whyrec.cli.feedback", "feedback"),
    "chat": ("whyrec.cli.chat", "chat"),
    "eval": ("whyrec.cli.evaluate", "eval_command"),
    "batch": ("whyrec.cli.batch", "batch"),
    "report": ("whyrec.cli.report", "report"),
    "forget": ("whyrec.cli.forget", "forget"),
    "tune": ("whyrec.cli.tune", "tune"),
    "serve": ("whyrec.cli.serve", "serve"),
    "keys": ("whyrec.cli.serve", "keys"),
    "store": ("whyrec.cli.store", "store"),
    "config": ("whyrec.cli.config", "config_command"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run: ``whyrec serve`` imports neither
    the other commands nor what only they use. Listing them (``--help``, ``whyrec config``,
    ``.commands``) imports them all."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None,
                 **options: Any) -> None:
        self._lazy = dict(lazy or {})
        super().__init__(*args, **options)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        for name in list(self._lazy):
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._lazy:
            self._load(cmd_name)
        return self._commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self._lazy})

    def _load(self, name: str) -> None:
        module, attribute = self._lazy.pop(name)
        command = getattr(importlib.import_module(module), attribute)
        self._commands[name] = command


@click.group(cls=LazyGroup, lazy=COMMANDS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="whyrec")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, metavar="FILE",
              help="Settings file for every command (default: $WHYREC_CONFIG, else "
                   "./whyrec.toml when present). See 'whyrec config'.")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Recommend items and explain, in each person's language, why.

    Each setting comes from the option, else WHYREC_<NAME>, else whyrec.toml, else its
    default; 'whyrec config' shows which applies.
    """
    config = load_config(config_path)  # a broken file is one line, before anything runs
    ctx.meta[CONFIG_KEY] = config
    name = ctx.invoked_subcommand
    if name != "serve":  # serve's start-up ends when it listens
        start_up_done()
    # serve checks its own table as it loads; config checks every table
    if name is not None and name not in ("serve", "config"):
        command = cli.get_command(ctx, name)
        if command is not None:
            print_warnings(config.unknown(name, setting_names(command)))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``whyrec`` script."""
    with pause_collector_for_start_up():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    try:
        # a command's own status (``ctx.exit(3)``, e.g. ``explain --strict``) comes back here
        status = cli.main(args=argv, prog_name="whyrec", standalone_mode=False)
    except WhyrecError as exc:
        click.echo(f"whyrec: error: {exc}", err=True)
        return 1
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("whyrec: interrupted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        click.echo(f"whyrec: error: {exc.strerror}: {exc.filename}", err=True)
        return 1
    except BrokenPipeError:
        return 0
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    sys.exit(main())
