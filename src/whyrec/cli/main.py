"""The ``whyrec`` command: one group, one module per command.

User mistakes (bad data, unknown user, wrong option value) print one line and exit 1; only bugs
print a traceback.
"""

from __future__ import annotations

import sys

import click

from whyrec._version import __version__
from whyrec.cli.batch import batch
from whyrec.cli.chat import chat
from whyrec.cli.demo import demo
from whyrec.cli.evaluate import eval_command
from whyrec.cli.explain import explain
from whyrec.cli.feedback import feedback
from whyrec.cli.forget import forget
from whyrec.cli.info import info
from whyrec.cli.recommend import recommend
from whyrec.cli.report import report
from whyrec.cli.serve import keys, serve
from whyrec.cli.train import train
from whyrec.cli.tune import tune
from whyrec.errors import WhyrecError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="whyrec")
def cli() -> None:
    """Recommend items and explain, in each person's language, why."""


for command in (demo, info, train, recommend, explain, feedback, chat, eval_command, batch,
                report, forget, tune, serve, keys):
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
