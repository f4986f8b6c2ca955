"""Numbered, append-only schema migrations, applied in order when a store opens.

Never edit a released migration: add the next number. Each runs in one transaction together with
its ``schema_migrations`` row (SQLite and PostgreSQL both have transactional DDL), under a lock
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so several processes opening a
new store at once apply each migration exactly once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)

# --- version 1: the tables as first released (frozen) ---------------------------------------
metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("applied_at", Float, nullable=False),
)

explanations = Table(
    "explanations", metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("language", String(16), nullable=False),
    Column("style", String(200), nullable=False),
    Column("backend", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

feedback_events = Table(
    "feedback_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    # the caller's idempotency key: a retried write never stores an event twice
    Column("event_id", String(64), nullable=False, unique=True),
    Column("explanation_id", String(32), ForeignKey("explanations.id"), nullable=False,
           index=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("aspect", String(64)),
    Column("comment", Text),
    Column("created_at", Float, nullable=False),
)

user_preferences = Table(
    "user_preferences", metadata,
    Column("user_id", String(200), primary_key=True),
    # feedback older than this is ignored (a reset keeps the events for the record)
    Column("reset_at", Float),
    Column("updated_at", Float, nullable=False),
)

explanation_cache = Table(
    "explanation_cache", metadata,
    Column("key", String(64), primary_key=True),
    Column("user_id", String(200), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

conversation_turns = Table(
    "conversation_turns", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("user_id", String(200), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # "person" | "whyrec"
    Column("intent", String(32)),
    Column("text", Text, nullable=False),
    Column("payload", Text),
    Column("created_at", Float, nullable=False),
)


# --- version 2: differential-privacy budgets and released statistics -----------------------
#: tables added after version 1 live in their own metadata, so version 1 stays what it was
metadata_v2 = MetaData()

privacy_budget = Table(
    "privacy_budget", metadata_v2,
    Column("dataset", String(200), primary_key=True),
    Column("budget", Float, nullable=False),  # epsilon the dataset may spend in all
    Column("spent", Float, nullable=False),  # epsilon spent so far
    Column("updated_at", Float, nullable=False),
)

privacy_releases = Table(
    "privacy_releases", metadata_v2,
    Column("dataset", String(200), primary_key=True),
    # what was released ("co:ANCHOR:ITEM", "n:ANCHOR"); reusing it costs nothing more
    Column("key", String(450), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)


# --- version 3: API keys of the HTTP service ------------------------------------------------
metadata_v3 = MetaData()

api_keys = Table(
    "api_keys", metadata_v3,
    Column("key_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    # SHA-256 of the secret: keys are long random tokens, so a fast hash is enough, and the
    # secret itself is never stored
    Column("secret_hash", String(64), nullable=False),
    Column("scope", String(16), nullable=False),  # read | write | admin
    Column("rate_per_minute", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)


class Migration(NamedTuple):
    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial(connection: Connection) -> None:
    metadata.create_all(connection, tables=[t for t in metadata.sorted_tables
                                            if t is not schema_migrations])


def _privacy_tables(connection: Connection) -> None:
    metadata_v2.create_all(connection)


def _api_keys(connection: Connection) -> None:
    metadata_v3.create_all(connection)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial tables", _initial),
    Migration(2, "privacy budget and released statistics", _privacy_tables),
    Migration(3, "API keys", _api_keys),
)
#: an arbitrary constant naming whyrec's advisory lock on PostgreSQL
PG_LOCK_KEY = 0x77687972


def applied_versions(connection: Connection) -> set[int]:
    return set(connection.execute(select(schema_migrations.c.version)).scalars())


def migrate(connection: Connection) -> list[int]:
    """Apply the missing migrations inside the caller's (locked) transaction; the versions run."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    schema_migrations.create(connection, checkfirst=True)
    done = applied_versions(connection)
    ran = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        migration.apply(connection)
        connection.execute(schema_migrations.insert().values(
            version=migration.version, name=migration.name, applied_at=time.time()))
        ran.append(migration.version)
    return ran
