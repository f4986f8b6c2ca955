"""Service fixtures: the real app in process (FastAPI's test client over the real app, store and
recommender), with keys off or on.

fastapi is imported where a client is made, not here: this folder also holds the browser test,
which runs ``whyrec serve`` in a subprocess and must still be collected without the extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.models.registry import create

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def demo_model(demo_dataset: Dataset) -> Recommender:
    return create("itemknn").fit(demo_dataset)


def make_client(tmp_path: Path, dataset: Dataset, recommender: Recommender, *,
                engine: Backend | None = None, **settings: Any) -> TestClient:
    """``engine``: a loaded model backend to use as it is (else ``settings`` name one)."""
    from fastapi.testclient import TestClient

    from whyrec.service import build_app
    from whyrec.service.settings import load_settings

    options = {"backend": "template", "db_url": f"sqlite:///{tmp_path / 'svc.sqlite'}",
               **settings}
    app = build_app(load_settings(**options), dataset=dataset, model=recommender,
                    backend=engine)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def open_client(tmp_path: Path, demo_dataset: Dataset, demo_model: Recommender
                ) -> Iterator[TestClient]:
    with make_client(tmp_path, demo_dataset, demo_model, auth=False) as client:
        yield client


@pytest.fixture
def keyed(tmp_path: Path, demo_dataset: Dataset, demo_model: Recommender
          ) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A service with keys on, and one token per scope."""
    from whyrec.service.keys import create_key

    client = make_client(tmp_path, demo_dataset, demo_model)
    store = client.app.state.whyrec.store  # type: ignore[attr-defined]
    tokens = {scope: create_key(store, scope, scope, rate_per_minute=6000)[1]
              for scope in ("read", "write", "admin")}
    with client:
        yield client, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def first_recommendation(client: TestClient, user: str = "u0001",
                         headers: dict[str, str] | None = None) -> dict[str, Any]:
    reply = client.get(f"/v1/users/{user}/recommendations?n=3", headers=headers or {})
    assert reply.status_code == 200, reply.text
    rec: dict[str, Any] = reply.json()["recommendations"][0]
    return rec
