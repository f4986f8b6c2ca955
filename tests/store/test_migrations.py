"""Alembic migrations: a store made by the hand-written numbered migrations keeps every row and
is read by today's code; a new store at head is the model in ``store/schema.py``; the ``alembic``
command and ``whyrec store upgrade`` — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import main as alembic_main
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect, select, text
from tests.store.fixtures import legacy_migrations as legacy

from whyrec.cli.main import main as whyrec_main
from whyrec.errors import StoreError
from whyrec.explanation.cache import ExplanationCache
from whyrec.feedback import (
    FeedbackEvent,
    feedback_for,
    get_explanation,
    preferences_for,
    record_explanation,
    record_feedback,
    reset_preferences,
)
from whyrec.privacy.dp import BudgetAccountant
from whyrec.service.keys import KeyChecker, create_key, list_keys
from whyrec.store import open_store
from whyrec.store.migrations import HEAD, LEGACY_REVISIONS, head, include_name, script
from whyrec.store.schema import conversation_turns, metadata
from whyrec.types import Explanation

REVISIONS = [r.revision for r in reversed(list(script().walk_revisions()))]
#: the tables each legacy version added, and the legacy definitions by name
LEGACY_TABLES = {1: [t.name for t in legacy.metadata.sorted_tables],
                 2: [t.name for t in legacy.metadata_v2.sorted_tables],
                 3: [t.name for t in legacy.metadata_v3.sorted_tables]}
LEGACY = {t.name: t for m in (legacy.metadata, legacy.metadata_v2, legacy.metadata_v3)
          for t in m.sorted_tables}


def legacy_store(url: str, version: int) -> None:
    """A store as the hand-written migrations (git d49ea3e) left it at ``version``."""
    engine = create_engine(url)
    with engine.begin() as connection:
        legacy.schema_migrations.create(connection)
        for migration in legacy.MIGRATIONS[:version]:
            migration.apply(connection)
            connection.execute(legacy.schema_migrations.insert().values(
                version=migration.version, name=migration.name, applied_at=1.0))
    engine.dispose()


def todays_rows() -> tuple[dict[str, list[dict[str, Any]]], str, str]:
    """One or more real rows in every table, written by today's code; the rows, the explanation
    id and the API token."""
    with open_store("sqlite://") as store:
        explanation_id = record_explanation(store, Explanation(
            user_id="u1", item_id="i1", text="Because you rated “Heat”.", language="en",
            cited_ids=["hist:1"], backend="template"))
        record_feedback(store, [FeedbackEvent(explanation_id, "helpful", event_id="e1"),
                                FeedbackEvent(explanation_id, "too_long", event_id="e2")])
        reset_preferences(store, "u1", at=5.0)
        ExplanationCache(store).put("k1", Explanation(
            user_id="u1", item_id="i1", text="Because “A”.", language="en",
            cited_ids=["hist:a"], backend="template"))
        store.run_write(lambda c: c.execute(conversation_turns.insert(), [
            {"conversation_id": "c1", "user_id": "u1", "item_id": "i1", "role": "person",
             "intent": "why", "text": "why?", "payload": None, "created_at": 1.0},
            {"conversation_id": "c1", "user_id": "u1", "item_id": "i1", "role": "whyrec",
             "intent": "why", "text": "Because…", "payload": "{}", "created_at": 2.0}]))
        BudgetAccountant("shop", 1.0, store).pay(0.25, {"n:i1": 12, "co:i1:i2": 3})
        _, token = create_key(store, "ops", "admin")
        with store.read() as connection:
            rows = {table.name: [dict(r) for r in connection.execute(
                        select(table).order_by(*table.primary_key.columns)).mappings()]
                    for table in metadata.sorted_tables}
    assert all(rows.values()), "every table needs a row"
    return rows, explanation_id, token


def all_rows(url: str, tables: list[str]) -> dict[str, list[dict[str, Any]]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {}
        for name in tables:
            table = metadata.tables[name]
            found[name] = [dict(r) for r in connection.execute(
                select(table).order_by(*table.primary_key.columns)).mappings()]
    engine.dispose()
    return found


def differences(url: str) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(
            connection, opts={"include_name": include_name}), metadata)
    engine.dispose()
    return list(diff)


def test_the_revisions_carry_over_the_numbered_migrations() -> None:
    assert REVISIONS == ["0001", "0002", "0003"] and head() == "0003"
    assert list(LEGACY_REVISIONS) == [m.version for m in legacy.MIGRATIONS]


def test_head_names_alembics_head() -> None:
    """A store at ``HEAD`` is opened without Alembic: it must be the newest revision."""
    assert HEAD == head() == REVISIONS[-1]


def test_a_store_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    """Alembic's import is a fifth of a second of every start (``whyrec serve`` too)."""
    url = f"sqlite:///{tmp_path / 'at-head.sqlite'}"
    open_store(url).close()
    check = ("import sys; from whyrec.store import open_store; store = open_store(sys.argv[1]); "
             "print(store.migrated, 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", check, url], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.split() == ["[]", "False"]


def test_a_new_store_at_head_is_the_model_in_schema_py(store_url: str) -> None:
    store = open_store(store_url)
    assert store.migrated == REVISIONS and store.schema_version() == head()
    store.close()
    assert differences(store_url) == []
    assert not inspect(create_engine(store_url)).has_table("schema_migrations")


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_store_of_the_numbered_migrations_keeps_every_row(store_url: str,
                                                           version: int) -> None:
    legacy_store(store_url, version)
    rows, explanation_id, token = todays_rows()
    old_tables = [name for v in range(1, version + 1) for name in LEGACY_TABLES[v]
                  if name != "schema_migrations"]
    engine = create_engine(store_url)
    with engine.begin() as connection:
        for name in old_tables:
            connection.execute(insert(LEGACY[name]), rows[name])
    engine.dispose()

    store = open_store(store_url)
    assert store.migrated == REVISIONS[version:]  # stamped at its version, then the rest
    assert store.schema_version() == head()
    assert all_rows(store_url, old_tables) == {name: rows[name] for name in old_tables}
    # today's readers understand them
    assert get_explanation(store, explanation_id).text == "Because you rated “Heat”."
    assert sorted(e.event_id for e in feedback_for(store, "u1")) == ["e1", "e2"]
    preferences = preferences_for(store, "u1")  # events after the reset time count
    assert preferences.n_events == 2 and preferences.length_steps < 0
    hit = ExplanationCache(store).get("k1")
    assert hit is not None and hit.cited_ids == ["hist:a"]
    if version >= 2:
        accountant = BudgetAccountant("shop", 1.0, store)
        assert accountant.spent == 0.25 and accountant.released(["n:i1"]) == {"n:i1": 12}
    if version >= 3:
        key = KeyChecker(store).check(token)
        assert key is not None and key.name == "ops"
    else:  # the tables added by the revisions it lacked work
        create_key(store, "later")
        assert [k.name for k in list_keys(store)] == ["later"]
    store.close()
    # nothing is left for the model to differ on, and reopening applies nothing
    assert differences(store_url) == []
    with open_store(store_url) as again:
        assert again.migrated == []
    # the bookkeeping of the numbered migrations is kept: an older whyrec still opens the store
    engine = create_engine(store_url)
    with engine.begin() as connection:
        assert legacy.applied_versions(connection) == set(range(1, version + 1))
        assert legacy.migrate(connection) == list(range(version + 1, 4))
    engine.dispose()


def test_the_revisions_build_the_same_tables_as_the_numbered_migrations(tmp_path: Path) -> None:
    def ddl(path: Path) -> dict[str, str]:
        engine = create_engine(f"sqlite:///{path}")
        with engine.connect() as connection:
            found = {name: sql for name, sql in connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE name NOT IN "
                "('schema_migrations', 'alembic_version', 'sqlite_sequence') "
                "AND name NOT LIKE 'sqlite_autoindex%'"))}
        engine.dispose()
        return found

    legacy_store(f"sqlite:///{tmp_path / 'old.sqlite'}", 3)
    open_store(tmp_path / "new.sqlite").close()
    old, new = ddl(tmp_path / "old.sqlite"), ddl(tmp_path / "new.sqlite")
    assert len(old) == 8 + 4  # eight tables, four indexes
    assert new == old


def test_a_store_from_a_newer_whyrec_is_a_one_line_error(store_url: str) -> None:
    open_store(store_url).close()
    engine = create_engine(store_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StoreError, match="revision 9999, which this whyrec does not know"):
        open_store(store_url)


def test_unknown_numbered_versions_are_a_one_line_error(store_url: str) -> None:
    legacy_store(store_url, 3)
    engine = create_engine(store_url)
    with engine.begin() as connection:
        connection.execute(legacy.schema_migrations.insert().values(
            version=4, name="from the future", applied_at=1.0))
    engine.dispose()
    with pytest.raises(StoreError, match=r"versions \[1, 2, 3, 4\], which this whyrec"):
        open_store(store_url)


#: the two lines docs/cli.md tells people to put in an alembic.ini
ALEMBIC_INI = "[alembic]\nscript_location = whyrec.store:alembic\n"


def test_the_alembic_command_upgrades_a_store_of_the_numbered_migrations(
        store_url: str, tmp_path: Path) -> None:
    legacy_store(store_url, 1)
    ini = tmp_path / "alembic.ini"
    ini.write_text(ALEMBIC_INI)
    alembic = ["-c", str(ini), "-x", f"db={store_url}"]
    alembic_main([*alembic, "upgrade", "head"])
    assert differences(store_url) == []
    alembic_main([*alembic, "downgrade", "0002"])
    assert not inspect(create_engine(store_url)).has_table("api_keys")
    current = subprocess.run([sys.executable, "-m", "alembic", *alembic, "current"],
                             capture_output=True, text=True, check=True, timeout=120).stdout
    assert current.split() == ["0002"]
    with open_store(store_url) as store:
        assert store.migrated == ["0003"]


def test_whyrec_store_upgrade(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    legacy_store(store_url, 2)
    assert whyrec_main(["store", "upgrade", "--db", store_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] == ["0003"]
    assert whyrec_main(["store", "upgrade", "--db", store_url]) == 0
    assert "already at 0003" in capsys.readouterr().out


OPEN = ("import sys; from whyrec.store import open_store; "
        "print(len(open_store(sys.argv[1]).migrated))")


@pytest.mark.slow  # four real processes
def test_processes_opening_an_old_store_at_once_migrate_it_once(store_url: str) -> None:
    legacy_store(store_url, 1)
    children = [subprocess.Popen([sys.executable, "-c", OPEN, store_url], stdout=subprocess.PIPE,
                                 text=True) for _ in range(4)]
    ran = sorted(int(child.communicate(timeout=120)[0]) for child in children)
    assert ran == [0, 0, 0, 2]
    engine = create_engine(store_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")
                                  ).scalars().all() == ["0003"]
    engine.dispose()
