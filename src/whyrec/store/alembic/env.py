"""Alembic's environment for the whyrec store.

Two ways in: :func:`whyrec.store.migrations.upgrade` hands over the connection of a store that
is opening (already in its write transaction, holding the migration lock), and the ``alembic``
command names a URL (``-x db=URL``, else ``sqlalchemy.url`` of the ini file, else
``$WHYREC_DB_URL`` / the default SQLite file); then this opens it the same way, under the same
lock, with a store from the hand-written migrations stamped first.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from whyrec.store.engine import default_url, migration_connection
from whyrec.store.migrations import include_name
from whyrec.store.schema import metadata

config = context.config


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      include_name=include_name)
    # the caller's transaction is already open: Alembic runs inside it, so a failed revision
    # leaves nothing behind and the lock is held until all are recorded
    with context.begin_transaction():
        context.run_migrations()


def url() -> str:
    return (context.get_x_argument(as_dictionary=True).get("db")
            or config.get_main_option("sqlalchemy.url") or default_url())


given = config.attributes.get("connection")
if given is not None:
    run(given)
elif context.is_offline_mode():  # `alembic upgrade head --sql`: print the DDL
    context.configure(url=url(), target_metadata=metadata, include_name=include_name,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with migration_connection(url()) as connection:
        run(connection)
