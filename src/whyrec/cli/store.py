"""``whyrec store upgrade``: bring a store's schema to the newest Alembic revision.

Opening a store does this anyway; the command lets a deployment do it once, before starting
its workers (or check where a store stands), without opening anything else.
"""

from __future__ import annotations

import click

from whyrec.cli.common import emit_json, json_option, store_option
from whyrec.loaders import open_db


@click.group()
def store() -> None:
    """The store's schema (Alembic migrations)."""


@store.command()
@store_option
@json_option
def upgrade(db_url: str | None, as_json: bool) -> None:
    """Apply the missing schema migrations ('alembic upgrade head', under the store's lock)."""
    opened = open_db(db_url)
    try:
        revision = opened.schema_version()
        if as_json:
            emit_json({"store": opened.safe_url, "revision": revision,
                       "applied": opened.migrated})
        elif opened.migrated:
            click.echo(f"{opened.safe_url}: applied {', '.join(opened.migrated)}; now at "
                       f"{revision}")
        else:
            click.echo(f"{opened.safe_url}: already at {revision} (head)")
    finally:
        opened.close()
