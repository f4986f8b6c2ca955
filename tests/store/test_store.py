"""The store: migrations, the cache table, crash safety — on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from whyrec.errors import StoreError
from whyrec.explanation.cache import ExplanationCache
from whyrec.store import Store, open_store
from whyrec.store.migrations import head, script
from whyrec.store.schema import metadata
from whyrec.types import Explanation

#: every Alembic revision, oldest first
REVISIONS = [r.revision for r in reversed(list(script().walk_revisions()))]


def test_migrations_leave_the_schema_the_queries_expect(store: Store) -> None:
    assert store.schema_version() == head()
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) >= set(metadata.tables)
    for name, table in metadata.tables.items():
        live = {c["name"] for c in inspector.get_columns(name)}
        assert live == {c.name for c in table.columns}, name


def test_reopening_applies_nothing(store_url: str) -> None:
    first = open_store(store_url)
    assert first.migrated == REVISIONS
    again = open_store(store_url)
    assert again.migrated == []
    with again.read() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")
                                  ).scalars().all() == [head()]
    first.close()
    again.close()


OPEN = ("import sys; from whyrec.store import open_store; "
        "print(len(open_store(sys.argv[1]).migrated))")


@pytest.mark.slow  # four real processes
def test_processes_opening_a_new_store_at_once_migrate_it_once(store_url: str) -> None:
    children = [subprocess.Popen([sys.executable, "-c", OPEN, store_url], stdout=subprocess.PIPE,
                                 text=True) for _ in range(4)]
    ran = sorted(int(child.communicate(timeout=120)[0]) for child in children)
    assert ran == [0, 0, 0, len(REVISIONS)]


def test_cache_round_trip_on_the_store(store: Store) -> None:
    cache = ExplanationCache(store)
    explanation = Explanation(user_id="u1", item_id="i1", text="Because “A”.", language="en",
                              cited_ids=["hist:a"], backend="template")
    assert cache.get("k") is None
    cache.put("k", explanation)
    cache.put("k", explanation)  # replacing is fine
    assert len(cache) == 1
    hit = cache.get("k")
    assert hit is not None and hit.text == explanation.text and hit.cited_ids == ["hist:a"]


def test_sqlite_store_uses_wal(tmp_path) -> None:
    store = open_store(tmp_path / "w.sqlite")
    with store.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_bad_urls_are_one_line_errors(tmp_path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("nonsense-url://x")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store("postgresql+psycopg://nobody:pw@127.0.0.1:1/none")
    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError):
        open_store(tmp_path / "dir.sqlite")


def test_a_plain_sqlite_file_from_elsewhere_is_migrated(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.commit()
    store = open_store(path)
    assert store.schema_version() == head()
