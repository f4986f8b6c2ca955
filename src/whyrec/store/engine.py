"""Opening a store: URL resolution, SQLite settings (WAL, busy timeout, write locks), Alembic
migrations and write transactions that retry when another writer holds the lock.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import StaticPool

from whyrec.errors import StoreError
from whyrec.store.migrations import current_revision, prepare, upgrade

T = TypeVar("T")
#: how long a writer waits for another's lock before the store gives up (seconds)
LOCK_TIMEOUT_S = 60.0
#: errors worth another try: the lock was busy or the server chose this transaction as a victim
TRANSIENT = ("database is locked", "database is busy", "could not serialize",
             "deadlock detected")


def whyrec_home() -> Path:
    """``$WHYREC_HOME``, by default ``~/.cache/whyrec``."""
    return Path(os.environ.get("WHYREC_HOME") or Path.home() / ".cache" / "whyrec")


def default_url() -> str:
    """``$WHYREC_DB_URL``, else the SQLite file ``$WHYREC_HOME/whyrec.sqlite``."""
    return os.environ.get("WHYREC_DB_URL") or f"sqlite:///{whyrec_home() / 'whyrec.sqlite'}"


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """Open (and migrate) the store at ``url``: a SQLAlchemy URL or a path to a SQLite file.

    Examples
    --------
    >>> store = open_store("sqlite://")       # in memory, for this process only
    >>> store.schema_version()                # the Alembic revision
    '0003'
    """
    return Store(url)


class Store:
    """A migrated database with short write transactions; safe to share between threads.

    Parameters
    ----------
    url : ``sqlite:///path``, ``sqlite://`` (in memory), ``postgresql+psycopg://…``, a plain
        file path, or ``None`` for :func:`default_url`.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = _normalise(url)
        self.engine = _create_engine(self.url)
        self.dialect = self.engine.dialect.name
        try:
            with self.write() as connection:
                #: the Alembic revisions this open applied (none when another process did)
                self.migrated: list[str] = upgrade(connection)
        except OperationalError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the store at {self.safe_url}: "
                             f"{_first_line(exc.orig)}") from None
        except StoreError:  # a schema this whyrec does not know
            self.engine.dispose()
            raise

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    # --- transactions -----------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot; never blocks writers in WAL mode)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: everything in it is stored, or (on any error or a crash)
        nothing is. On SQLite it takes the write lock up front, so it never fails half way."""
        with self.engine.connect() as connection:
            connection = connection.execution_options(whyrec_write=True)
            with connection.begin():
                yield connection

    def run_write(self, work: Callable[[Connection], T], *, attempts: int = 8) -> T:
        """``work`` in a write transaction, retried (with jitter) while the lock is busy."""
        for attempt in range(attempts):
            try:
                with self.write() as connection:
                    return work(connection)
            except OperationalError as exc:
                if attempt == attempts - 1 or not _transient(exc):
                    raise StoreError(f"store write failed: {_first_line(exc.orig)}") from None
                time.sleep(random.uniform(0.01, 0.05) * (2 ** attempt))
        raise AssertionError("unreachable")

    def schema_version(self) -> str | None:
        """The store's Alembic revision (``"0003"``…)."""
        with self.read() as connection:
            return current_revision(connection)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.safe_url!r})"


@contextmanager
def migration_connection(url: str | os.PathLike[str] | None) -> Iterator[Connection]:
    """A write transaction on the store at ``url`` holding the migration lock, a store of the
    hand-written migrations stamped: what the ``alembic`` command runs in (``alembic/env.py``)."""
    engine = _create_engine(_normalise(url))
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(whyrec_write=True)
            with connection.begin():
                prepare(connection)
                yield connection
    except OperationalError as exc:
        raise StoreError(f"cannot open the store at {make_url(_normalise(url)).render_as_string()}"
                         f": {_first_line(exc.orig)}") from None
    finally:
        engine.dispose()


def _normalise(url: str | os.PathLike[str] | None) -> str:
    if url is None:
        url = default_url()
    url = os.fspath(url)
    if "://" not in url:  # a plain path names a SQLite file
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


#: pooled connections per store: SQLite connections are cheap, PostgreSQL's count against the
#: server's limit (100 by default)
SQLITE_POOL_SIZE = 40
PG_POOL_SIZE = 10


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database URL: {url!r}") from None
    options: dict[str, Any] = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    memory = sqlite and parsed.database in (None, "", ":memory:")
    if sqlite:
        options["connect_args"] = {"check_same_thread": False, "timeout": LOCK_TIMEOUT_S}
        if memory:  # one shared connection, or every thread would see its own empty database
            options["poolclass"] = StaticPool
        elif parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # a service serves from dozens of threads: connections beyond the pool would be
            # opened (and configured) and closed again for every request
            options.update(pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_SIZE)
    else:
        options.update(pool_pre_ping=True, pool_size=PG_POOL_SIZE, max_overflow=PG_POOL_SIZE)
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        extra = "postgres" if parsed.get_backend_name() == "postgresql" else None
        hint = f" (pip install 'whyrec[{extra}]')" if extra else ""
        raise StoreError(f"no database driver for {parsed.drivername}{hint}: {exc}") from None
    if sqlite:
        _configure_sqlite(engine, memory=memory)
    return engine


def _configure_sqlite(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # we issue BEGIN ourselves (below): the driver's implicit transactions are not atomic
        # around DDL and take the write lock too late
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: crash-safe, fewer fsyncs
        cursor.execute(f"PRAGMA busy_timeout={int(LOCK_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("whyrec_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _transient(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return any(marker in message for marker in TRANSIENT)


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
