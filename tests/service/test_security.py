"""The service's guards, in process: keys stored hashed, scopes, rate and size limits, JSON
errors without traces, logs without personal data, and CORS."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.service.conftest import bearer, first_recommendation, make_client

from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.service.keys import KeyChecker, create_key, list_keys, revoke_key
from whyrec.store import open_store
from whyrec.store.schema import api_keys

PLANTED_EMAIL = "jane.planted@example.org"


# --- keys -------------------------------------------------------------------------------------
def test_keys_are_stored_hashed_and_revocable(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    key, token = create_key(store, "shop", "write", rate_per_minute=120)
    secret = token.split("_", 2)[2]
    with store.read() as connection:
        rows = [dict(r) for r in connection.execute(select(api_keys)).mappings()]
    assert len(rows) == 1 and secret not in json.dumps(rows) and token not in json.dumps(rows)
    checker = KeyChecker(store)
    found = checker.check(token)
    assert found is not None and found.scope == "write" and found.allows("read")
    assert not found.allows("admin")
    assert checker.check(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert checker.check("wr_nothing") is None and checker.check("") is None
    assert revoke_key(store, key.key_id) and not revoke_key(store, key.key_id)
    assert KeyChecker(store).check(token) is None  # a fresh checker asks the store
    assert [k.key_id for k in list_keys(store)] == [key.key_id]


@pytest.mark.slow  # three real processes
def test_keys_cli_prints_the_token_once_and_lists_without_it(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    run = [sys.executable, "-m", "whyrec.cli.main"]
    made = subprocess.run([*run, "keys", "create", "web", "--scope", "admin", "--db", db,
                           "--json"], capture_output=True, text=True, check=True)
    token = json.loads(made.stdout)["token"]
    listed = subprocess.run([*run, "keys", "list", "--db", db, "--json"], capture_output=True,
                            text=True, check=True)
    entries = json.loads(listed.stdout)
    assert entries[0]["scope"] == "admin" and token not in listed.stdout
    bad = subprocess.run([*run, "keys", "revoke", "nope", "--db", db], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no active key" in bad.stderr


# --- auth, scopes, limits -----------------------------------------------------------------------
def test_keys_and_scopes(keyed: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = keyed
    missing = client.get("/v1/users")
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "unauthenticated"
    assert client.get("/v1/users", headers=bearer("wr_x_y")).status_code == 401
    assert client.get("/v1/users", headers=bearer(tokens["read"])).status_code == 200
    assert client.get("/v1/users", headers={"X-API-Key": tokens["read"]}).status_code == 200
    rec = first_recommendation(client, headers=bearer(tokens["read"]))
    explained = client.get(f"/v1/users/u0001/items/{rec['item_id']}/explanation",
                           headers=bearer(tokens["read"])).json()["explanation"]
    event = {"explanation_id": explained["id"], "kind": "helpful"}
    refused = client.post("/v1/feedback", json=event, headers=bearer(tokens["read"]))
    assert refused.status_code == 403 and "write" in refused.json()["error"]["message"]
    assert client.post("/v1/feedback", json=event,
                       headers=bearer(tokens["write"])).status_code == 201
    assert client.get("/metrics", headers=bearer(tokens["write"])).status_code == 403
    metrics = client.get("/metrics", headers=bearer(tokens["admin"]))
    assert metrics.status_code == 200 and "whyrec_http_requests_total" in metrics.text
    health = client.get("/healthz")  # health needs no key
    assert health.status_code == 200 and health.headers["x-content-type-options"] == "nosniff"
    assert health.headers["x-frame-options"] == "DENY"


def test_rate_limit_per_key(tmp_path: Path, demo_dataset: Dataset,
                            demo_model: Recommender) -> None:
    client = make_client(tmp_path, demo_dataset, demo_model)
    store = client.app.state.whyrec.store  # type: ignore[attr-defined]
    slow_token = create_key(store, "slow", "read", rate_per_minute=30)[1]
    fast_token = create_key(store, "fast", "read", rate_per_minute=6000)[1]
    with client:
        codes = [client.get("/v1/users", headers=bearer(slow_token)).status_code
                 for _ in range(6)]
        assert codes[:3] == [200, 200, 200] and codes[-1] == 429  # burst of 3, then limited
        limited = client.get("/v1/users", headers=bearer(slow_token))
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        # another key has its own bucket
        assert client.get("/v1/users", headers=bearer(fast_token)).status_code == 200


def test_body_size_limit_declared_and_chunked(open_client: TestClient) -> None:
    big = json.dumps({"explanation_id": "x", "kind": "comment", "comment": "a" * 70_000})
    declared = open_client.post("/v1/feedback", content=big,
                                headers={"Content-Type": "application/json"})
    assert declared.status_code == 413 and declared.json()["error"]["code"] == "too_large"

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start:start + 8192].encode()

    chunked = open_client.post("/v1/feedback", content=chunks(),
                               headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413


def test_errors_are_json_4xx_without_traces(open_client: TestClient) -> None:
    unknown = open_client.get("/v1/users/nobody/recommendations")
    assert unknown.status_code == 404 and "unknown user" in unknown.json()["error"]["message"]
    bad_n = open_client.get("/v1/users/u0001/recommendations?n=0")
    assert bad_n.status_code == 422 and bad_n.json()["error"]["details"][0]["where"] == "query.n"
    too_many = open_client.get("/v1/users/u0001/recommendations?n=99")
    assert too_many.status_code == 422
    extra = open_client.post("/v1/feedback", json={"explanation_id": "a", "kind": "helpful",
                                                   "sneaky": 1})
    assert extra.status_code == 422
    not_json = open_client.post("/v1/chat", content=b"{", headers={"Content-Type":
                                                                    "application/json"})
    assert not_json.status_code == 422
    unknown_explanation = open_client.post("/v1/feedback", json={"explanation_id": "nope",
                                                                 "kind": "helpful"})
    assert unknown_explanation.status_code == 422
    assert open_client.get("/v1/nothing").json()["error"]["code"] == "not_found"
    assert open_client.put("/v1/feedback").status_code == 405
    for reply in (unknown, bad_n, extra, not_json, unknown_explanation):
        assert "Traceback" not in reply.text and set(reply.json()) == {"error"}


def test_unexpected_error_is_a_bare_500_and_logs_no_personal_data(
        open_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    state = open_client.app.state.whyrec  # type: ignore[attr-defined]

    def broken(user_id: str, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"database said no for {user_id} {PLANTED_EMAIL}")

    state.pipeline.recommend = broken
    with caplog.at_level(logging.INFO, logger="whyrec.service"):
        reply = open_client.get("/v1/users/u0001/recommendations")
    assert reply.status_code == 500
    body = reply.text
    assert "u0001" not in body and PLANTED_EMAIL not in body and "Traceback" not in body
    assert "internal error (request " in reply.json()["error"]["message"]
    assert "u0001" not in caplog.text and PLANTED_EMAIL not in caplog.text
    assert "RuntimeError" in caplog.text


def test_access_log_names_routes_not_people(open_client: TestClient,
                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="whyrec.service"):
        rec = first_recommendation(open_client)
        open_client.post("/v1/chat", json={
            "user_id": "u0001", "item_id": rec["item_id"],
            "question": f"why? write to me at {PLANTED_EMAIL}"})
    assert "/v1/users/{user_id}/recommendations" in caplog.text
    assert "u0001" not in caplog.text and PLANTED_EMAIL not in caplog.text
    assert rec["item_id"] not in caplog.text


def test_cors_is_off_unless_origins_are_named(tmp_path: Path, demo_dataset: Dataset,
                                              demo_model: Recommender) -> None:
    preflight = {"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}
    with make_client(tmp_path, demo_dataset, demo_model, auth=False) as closed:
        reply = closed.options("/v1/users", headers=preflight)
        assert "access-control-allow-origin" not in reply.headers
        assert "access-control-allow-origin" not in closed.get(
            "/v1/users", headers={"Origin": "https://shop.example"}).headers
    with make_client(tmp_path, demo_dataset, demo_model, auth=False,
                     cors_origins=["https://shop.example"]) as opened:
        reply = opened.options("/v1/users", headers=preflight)
        assert reply.headers["access-control-allow-origin"] == "https://shop.example"

