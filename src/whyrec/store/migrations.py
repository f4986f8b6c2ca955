"""Schema migrations with Alembic, applied when a store opens.

The revisions live in ``store/alembic/versions/`` (shipped in the wheel); ``0001``..``0003`` carry
over the hand-written numbered migrations 1..3 with the same DDL. Opening a store runs the
missing revisions in the store's write transaction, under a lock (``BEGIN IMMEDIATE`` on SQLite,
an advisory lock on PostgreSQL), so several processes opening a new store at once apply each
exactly once (SQLite and PostgreSQL both have transactional DDL). A store made by the
hand-written migrations (a ``schema_migrations`` table, no ``alembic_version``) is stamped at
the revision of its newest version first; its ``schema_migrations`` table is left as it was, so
an older whyrec still opens it.

Alembic is imported only when a store is not at :data:`HEAD` yet (or a revision is asked
about): opening a store that is already there reads ``alembic_version`` with one query, and
spares every command and ``whyrec serve`` the import (a fifth of a second and more).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text

from whyrec.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

#: the Alembic script directory inside the package (``whyrec.store:alembic`` as a resource)
SCRIPT_LOCATION = Path(__file__).resolve().parent / "alembic"
#: the hand-written migrations' bookkeeping table, and the revision each of its versions became
LEGACY_TABLE = "schema_migrations"
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}
#: an arbitrary constant naming whyrec's advisory lock on PostgreSQL (the same as before Alembic,
#: so an older whyrec opening the store at the same moment waits too)
PG_LOCK_KEY = 0x77687972
#: the newest revision in ``alembic/versions`` (``tests/store`` checks it is Alembic's head)
HEAD = "0003"
#: where Alembic records a store's revision
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the package's revisions; with ``connection``, env.py runs on it."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def script() -> ScriptDirectory:
    """The revisions (read once a process: every store open below head asks for the head)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head() -> str:
    revision = script().get_current_head()
    assert revision is not None, "no Alembic revisions in the package"
    return revision


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """Autogenerate and compare ignore the legacy bookkeeping table (kept for older whyrecs)."""
    return not (type_ == "table" and name == LEGACY_TABLE)


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def at_head(connection: Connection) -> bool:
    """Whether the store is at :data:`HEAD` already, read without Alembic."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return False
    found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    return list(found) == [HEAD]


def prepare(connection: Connection) -> str | None:
    """Take the migration lock and stamp a store of the hand-written migrations; its revision.

    Runs inside the caller's write transaction (which on SQLite already holds the write lock).
    """
    from alembic.runtime.migration import MigrationContext

    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    context = MigrationContext.configure(connection)
    current = context.get_current_revision()
    if current is None and inspect(connection).has_table(LEGACY_TABLE):
        versions = set(connection.execute(text(f"SELECT version FROM {LEGACY_TABLE}")).scalars())
        if versions:
            newest = max(versions)
            if newest not in LEGACY_REVISIONS or versions != set(range(1, newest + 1)):
                raise StoreError(f"the store's {LEGACY_TABLE} holds versions {sorted(versions)}, "
                                 f"which this whyrec does not know (it knows 1..3)")
            context.stamp(script(), LEGACY_REVISIONS[newest])
            current = LEGACY_REVISIONS[newest]
    return current


def upgrade(connection: Connection) -> list[str]:
    """Bring the store to head inside the caller's write transaction; the revisions run."""
    if at_head(connection):  # a store at head is not locked: there is nothing to wait for
        return []
    from alembic import command
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    current = prepare(connection)
    target = head()
    if current == target:
        return []
    try:
        pending = [r.revision for r in script().iterate_revisions(target, current or "base")]
    except (CommandError, RevisionError):
        raise StoreError(f"the store is at schema revision {current}, which this whyrec does "
                         f"not know: it was opened by a newer whyrec") from None
    command.upgrade(alembic_config(connection), "head")
    return pending[::-1]
