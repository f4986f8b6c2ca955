"""The ``whyrec`` command: one group, one module per command.

User mistakes (bad data, unknown user, wrong option value) print one line and exit 1; only bugs
print a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from whyrec._version import __version__
from whyrec.cli.batch import batch
from whyrec.cli.chat import chat
from whyrec.cli.common import CONFIG_KEY, print_warnings, setting_names
from whyrec.cli.config import config_command
from whyrec.cli.demo import demo
from whyrec.cli.evaluate import eval_command
from whyrec.cli.explain import explain
from whyrec.cli.feedback import feedback
from whyrec.cli.forget import forget
from whyrec.cli.info import info
from whyrec.cli.recommend import recommend
from whyrec.cli.report import report
from whyrec.cli.serve import keys, serve
from whyrec.cli.store import store
from whyrec.cli.train import train
from whyrec.cli.tune import tune
from whyrec.config import load_config
from whyrec.errors import WhyrecError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    # serve checks its own table as it loads; config checks every table
    if name is not None and name not in ("serve", "config"):
        command = cli.get_command(ctx, name)
        if command is not None:
            print_warnings(config.unknown(name, setting_names(command)))


for command in (demo, info, train, recommend, explain, feedback, chat, eval_command, batch,
                report, forget, tune, serve, keys, store, config_command):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``whyrec`` script."""
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
