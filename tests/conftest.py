"""Shared fixtures: a tiny checkerboard shop with exact expected answers, the demo data, and a
fresh store per test on SQLite and on a real PostgreSQL server.

PostgreSQL comes from ``WHYREC_TEST_PG_URL`` (``.ci/run`` starts one with
``scripts/start-postgres.sh``); each test gets its own new database. Without the variable the
PostgreSQL cases skip, unless ``WHYREC_REQUIRE_PG=1`` (CI), where they fail.
"""

from __future__ import annotations

import ast
import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.store import Store, open_store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: screenshots the browser tests take for people to look at: git-ignored (``/out/``), so a run
#: leaves the working tree clean
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
MOVIELENS = SHARED_DATA / "ml-latest-small"


def checkerboard(n_users: int = 20, seed: int = 0) -> Dataset:
    """Two taste groups: even users like items a0..a5 (shoes), odd users b0..b5 (coffee).

    Each user misses one item of their group (user k misses item k % 6), so every model with
    signal must rank that missing item first. Two "x" items nobody touches test coverage.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        group = "a" if u % 2 == 0 else "b"
        for i in range(6):
            if i == (u // 2) % 6:
                continue
            rows.append({
                "user_id": f"u{u:02d}", "item_id": f"{group}{i}", "event": "purchase",
                "rating": np.nan, "weight": float(rng.integers(1, 4)),
                "timestamp": 1_700_000_000.0 + u * 1000 + i,
            })
    interactions = pd.DataFrame(rows)
    items = pd.DataFrame({
        "item_id": [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)] + ["x0", "x1"],
        "title": [f"Trail Shoe {i}" for i in range(6)] + [f"咖啡豆 {i}" for i in range(6)]
        + ["Lamp", "Desk"],
        "category": ["shoes"] * 6 + ["coffee"] * 6 + ["home", "home"],
        "tags": [("trail", "waterproof")] * 6 + [("espresso",)] * 6 + [(), ()],
        "brand": ["Northpace"] * 6 + ["Hearthly"] * 6 + ["", ""],
        "price": [90.0] * 6 + [12.5] * 6 + [30.0, 200.0],
        "description": [""] * 14,
        "language": ["en"] * 6 + ["zh"] * 6 + ["en", "en"],
    })
    users = pd.DataFrame({
        "user_id": [f"u{u:02d}" for u in range(n_users)],
        "language": ["en" if u % 4 < 2 else "zh" for u in range(n_users)],
    })
    return Dataset(interactions, items, users, name="checkerboard", domain="ecommerce")


#: fixtures that load the bundled language model or read ../shared/data, and the marker each needs
MARKER_OF_FIXTURE = {"llamacpp_backend": "slow", "movielens": "realdata",
                     "movielens_dir": "realdata", "instruments_dir": "realdata",
                     "shared_data": "realdata"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Refuse a test that uses such a fixture without its marker: it would slow the fast lane
    (``-m "not slow"``) or hide from ``-m "not realdata"``."""
    missing = [f"{item.nodeid} uses {fixture}: mark it @pytest.mark.{marker}"
               for item in items for fixture, marker in MARKER_OF_FIXTURE.items()
               if fixture in getattr(item, "fixturenames", ())
               and item.get_closest_marker(marker) is None]
    if missing:
        raise pytest.UsageError("tests without the marker they need:\n" + "\n".join(missing))


def wholly_slow(path: Path) -> bool:
    """Whether the module's ``pytestmark`` holds ``pytest.mark.slow``, read without importing it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "pytestmark"
                for target in node.targets):
            marks = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [
                node.value]
            return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks)
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The fast lane (``-m "not slow"`` exactly) does not import a file whose every test is slow:
    importing schemathesis and Ray and building the fuzz cases take seconds of collection."""
    if (config.getoption("markexpr") == "not slow" and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_") and wholly_slow(collection_path)):
        return True
    return None


@pytest.fixture(autouse=True, scope="session")
def private_whyrec_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Caches and stores go to a temporary folder, never to the tester's home."""
    home = tmp_path_factory.mktemp("whyrec-home")
    previous = os.environ.get("WHYREC_HOME")
    os.environ["WHYREC_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("WHYREC_HOME", None)
    else:
        os.environ["WHYREC_HOME"] = previous


@pytest.fixture(scope="session")
def llamacpp_backend() -> Backend:
    """The bundled model through llama.cpp, loaded once for the whole session."""
    from whyrec.backends.llamacpp import LlamaCppBackend

    return LlamaCppBackend()


@pytest.fixture
def board() -> Dataset:
    return checkerboard()


@pytest.fixture(scope="session")
def demo_dataset() -> Dataset:
    from whyrec.data.load import load_dataset

    return load_dataset("demo")


#: the Amazon instruments files named in whyrec's canonical columns
INSTRUMENTS_COLUMN_MAP = {
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}


@pytest.fixture(scope="session")
def instruments_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whyrec dataset folder holding copies of the real Amazon instruments files.

    The reviews hold real people's names and review text: copy them, never print them.
    """
    source = SHARED_DATA / "amazon-musical-instruments"
    if not source.is_dir():
        pytest.skip("../shared/data/amazon-musical-instruments is not here")
    folder = tmp_path_factory.mktemp("instruments")
    shutil.copy(source / "Musical_instruments_reviews.csv", folder / "interactions.csv")
    shutil.copy(source / "Music_Instruments_meta_5.csv", folder / "items.csv")
    return folder


@pytest.fixture(scope="session")
def instruments_column_map() -> dict[str, dict[str, str]]:
    return INSTRUMENTS_COLUMN_MAP


@pytest.fixture(scope="session")
def movielens_dir() -> Path:
    if not (MOVIELENS / "ratings.csv").is_file():
        pytest.skip("../shared/data/ml-latest-small is not here")
    return MOVIELENS


@pytest.fixture(scope="session")
def movielens() -> Dataset:
    if not (MOVIELENS / "ratings.csv").is_file():
        pytest.skip("../shared/data/ml-latest-small is not here")
    from whyrec.data.load import load_dataset

    return load_dataset(MOVIELENS)


# --- stores: SQLite and PostgreSQL ---------------------------------------------------------
BACKENDS = ("sqlite", "postgresql")


def pg_admin_url() -> str | None:
    url = os.environ.get("WHYREC_TEST_PG_URL")
    if not url:
        if os.environ.get("WHYREC_REQUIRE_PG") == "1":
            pytest.fail("WHYREC_REQUIRE_PG=1 but WHYREC_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL: set WHYREC_TEST_PG_URL (bash scripts/start-postgres.sh)")
    return url


def new_database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'whyrec.sqlite'}"
        return
    admin = pg_admin_url()
    assert admin is not None
    name = f"whyrec_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        drop_database(engine, name)
        engine.dispose()


def drop_database(engine: Engine, name: str) -> None:
    """Drop a test database; an autovacuum worker (a superuser process the test role may not
    terminate) can hold it for a moment, so retry before leaving it for the cluster to reap."""
    for attempt in range(20):
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            time.sleep(0.25 * (attempt + 1))
    warnings.warn(f"test database {name} could not be dropped", stacklevel=1)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from new_database_url(request.param, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()
