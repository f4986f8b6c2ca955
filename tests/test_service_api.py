"""The HTTP service in process (FastAPI's test client over the real app, store and recommender).

Auth, scopes, rate and size limits, JSON errors, logs without personal data, CORS, and the model
guard: a model that is too slow or gone still gets every request answered, flagged.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from sqlalchemy import select

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.service import build_app
from whyrec.service.keys import create_key, list_keys, revoke_key
from whyrec.service.settings import load_settings
from whyrec.store import open_store
from whyrec.store.schema import api_keys

PLANTED_EMAIL = "jane.planted@example.org"


@pytest.fixture(scope="module")
def demo_model(demo_dataset: Dataset) -> Recommender:
    return create("itemknn").fit(demo_dataset)


def make_client(tmp_path: Path, dataset: Dataset, recommender: Recommender, *,
                engine: Backend | None = None, **settings: Any) -> TestClient:
    """``engine``: a loaded model backend to use as it is (else ``settings`` name one)."""
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


# --- keys -------------------------------------------------------------------------------------
def test_keys_are_stored_hashed_and_revocable(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'k.sqlite'}")
    key, token = create_key(store, "shop", "write", rate_per_minute=120)
    secret = token.split("_", 2)[2]
    with store.read() as connection:
        rows = [dict(r) for r in connection.execute(select(api_keys)).mappings()]
    assert len(rows) == 1 and secret not in json.dumps(rows) and token not in json.dumps(rows)
    from whyrec.service.keys import KeyChecker

    checker = KeyChecker(store)
    found = checker.check(token)
    assert found is not None and found.scope == "write" and found.allows("read")
    assert not found.allows("admin")
    assert checker.check(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert checker.check("wr_nothing") is None and checker.check("") is None
    assert revoke_key(store, key.key_id) and not revoke_key(store, key.key_id)
    assert KeyChecker(store).check(token) is None  # a fresh checker asks the store
    assert [k.key_id for k in list_keys(store)] == [key.key_id]


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


# --- what the API does ----------------------------------------------------------------------------
def test_recommendations_with_and_without_explanations(open_client: TestClient) -> None:
    plain = open_client.get("/v1/users/u0001/recommendations?n=4").json()
    assert [r["rank"] for r in plain["recommendations"]] == [1, 2, 3, 4]
    assert all(r["explanation"] is None and r["evidence"] for r in plain["recommendations"])
    explained = open_client.get("/v1/users/u0002/recommendations?n=2&explain=true").json()
    texts = [r["explanation"]["text"] for r in explained["recommendations"]]
    assert all(texts) and explained["degraded"] is False
    assert all("drafts" not in r["explanation"] for r in explained["recommendations"])
    # u0002's language in the demo data is Chinese
    assert explained["recommendations"][0]["explanation"]["language"] == "zh"
    english = open_client.get("/v1/users/u0002/recommendations?n=1&explain=true&language=en")
    assert english.json()["recommendations"][0]["explanation"]["language"] == "en"


def test_feedback_changes_the_next_explanation(open_client: TestClient) -> None:
    rec = first_recommendation(open_client, "u0003")
    url = f"/v1/users/u0003/items/{rec['item_id']}/explanation"
    before = open_client.get(url).json()["explanation"]
    stored = open_client.post("/v1/feedback", json={
        "explanation_id": before["id"], "kind": "too_long", "event_id": "evt-1"})
    assert stored.status_code == 201 and stored.json()["preferences"]
    # a retry with the same idempotency key stores nothing new
    open_client.post("/v1/feedback", json={"explanation_id": before["id"], "kind": "too_long",
                                           "event_id": "evt-1"})
    after = open_client.get(url).json()["explanation"]
    assert len(after["text"]) < len(before["text"]) and after["preferences"]
    prefs = open_client.get("/v1/users/u0003/preferences").json()
    assert prefs["n_events"] == 1
    reset = open_client.delete("/v1/users/u0003/preferences").json()
    assert reset["preferences"] == []
    assert open_client.get(url).json()["explanation"]["text"] == before["text"]


def test_chat_why_not(open_client: TestClient) -> None:
    recs = open_client.get("/v1/users/u0001/recommendations?n=5").json()["recommendations"]
    ours, other = recs[0], recs[4]
    reply = open_client.post("/v1/chat", json={"user_id": "u0001", "item_id": ours["item_id"],
                                               "question": f"why not {other['title']}?"})
    assert reply.status_code == 200
    answer = reply.json()["answer"]
    assert answer["intent"] == "why_not" and other["title"] in answer["text"]
    assert "5" in answer["text"]  # its rank


def test_caller_evidence(open_client: TestClient) -> None:
    body = {"user_id": "c42", "language": "en",
            "item": {"id": "sku-1", "title": "Trail Socks", "category": "sports",
                     "tags": ["running"]},
            "evidence": [{"kind": "history_item", "item_id": "sku-9", "title": "Running Cap",
                          "event": "purchase", "score_share": 0.6},
                         "Popular with runners this month"]}
    reply = open_client.post("/v1/explanations", json=body)
    assert reply.status_code == 200, reply.text
    text = reply.json()["explanation"]["text"]
    assert "Trail Socks" in text and "Running Cap" in text
    bad = open_client.post("/v1/explanations", json={**body, "evidence": [{"kind": "magic"}]})
    assert bad.status_code == 422 and "unknown kind" in bad.json()["error"]["message"]


def test_openapi_lists_every_operation(open_client: TestClient) -> None:
    spec = open_client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/v1/users", "/v1/users/{user_id}/recommendations",
            "/v1/users/{user_id}/items/{item_id}/explanation", "/v1/explanations", "/v1/chat",
            "/v1/feedback", "/v1/users/{user_id}/preferences", "/healthz",
            "/metrics"} <= paths
    assert open_client.get("/docs").status_code == 200


# --- settings ---------------------------------------------------------------------------------
def test_settings_precedence_and_typos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "whyrec.toml"
    config.write_text('[serve]\nport = 9001\nbackend = "template"\nllm_timeout = 3\n')
    monkeypatch.setenv("WHYREC_PORT", "9002")
    settings = load_settings(config)
    assert (settings.port, settings.backend, settings.llm_timeout) == (9002, "template", 3.0)
    assert load_settings(config, port=9003).port == 9003
    monkeypatch.delenv("WHYREC_PORT")
    assert load_settings(config).port == 9001
    config.write_text("[serve]\nprot = 1\n")
    from whyrec.errors import ConfigError

    with pytest.raises(ConfigError, match=r"unknown setting.*prot"):
        load_settings(config)
    with pytest.raises(ConfigError, match="invalid setting port"):
        load_settings(None, port=70000)
    with pytest.raises(ConfigError, match="unknown backend"):
        load_settings(None, backend="gpt9")


def test_serve_refuses_no_auth_on_a_public_address(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "whyrec.cli.main", "serve", "--no-auth",
                          "--host", "0.0.0.0", "--backend", "template"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "loopback" in run.stderr


# --- the model guard ------------------------------------------------------------------------------
def test_slow_model_gets_the_template_flagged(tmp_path: Path, demo_dataset: Dataset,
                                              demo_model: Recommender,
                                              llamacpp_backend: Backend) -> None:
    with make_client(tmp_path, demo_dataset, demo_model, engine=llamacpp_backend, auth=False,
                     llm_timeout=0.001, llm_cooldown=60) as client:
        reply = client.get("/v1/users/u0001/recommendations?n=2&explain=true").json()
        assert reply["degraded"] is True
        for rec in reply["recommendations"]:
            assert rec["explanation"]["fallback"] is True
            assert rec["explanation"]["fallback_reason"].startswith("backend error")
            assert rec["explanation"]["text"]
        health = client.get("/healthz").json()
        assert health == {**health, "status": "degraded", "llm": "down"}


def test_streamed_explanation_shows_only_verified_sentences(
        tmp_path: Path, demo_dataset: Dataset, demo_model: Recommender,
        llamacpp_backend: Backend) -> None:
    with make_client(tmp_path, demo_dataset, demo_model, engine=llamacpp_backend,
                     auth=False, llm_timeout=60) as client:
        rec = first_recommendation(client, "u0005")
        with client.stream("GET", f"/v1/users/u0005/items/{rec['item_id']}/explanation",
                           params={"stream": "true"}) as reply:
            assert reply.headers["content-type"].startswith("text/event-stream")
            events = parse_sse("".join(reply.iter_text()))
    names = [name for name, _ in events]
    assert names[-1] == "explanation" and set(names[:-1]) <= {"text"}
    final = events[-1][1]
    shown = "".join(data["text"] for name, data in events if name == "text")
    explanation = final["explanation"]
    assert explanation["verdict"]["passed"] is True
    if shown and not final["replaced"]:
        assert explanation["text"].startswith(shown)
    else:  # the draft failed somewhere: the client was told to show the delivered text
        assert final["replaced"] == bool(shown)


def parse_sse(raw: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_killed_model_server_still_answers(tmp_path: Path, demo_dataset: Dataset,
                                           demo_model: Recommender) -> None:
    pytest.importorskip("openai")
    server = subprocess.Popen(
        [sys.executable, "-c", "import time; from whyrec.backends.llamacpp import "
         "LlamaCppBackend as B; b = B(); print(b.address, flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert server.stdout is not None
        address = server.stdout.readline().strip()
        assert address.startswith("http://127.0.0.1:")
        with make_client(tmp_path, demo_dataset, demo_model, auth=False, backend="openai",
                         base_url=f"{address}/v1", model="smol", llm_timeout=30) as client:
            recs = client.get("/v1/users/u0004/recommendations?n=3").json()["recommendations"]
            first = client.get(f"/v1/users/u0004/items/{recs[0]['item_id']}/explanation")
            assert first.status_code == 200 and first.json()["degraded"] is False
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            started = time.perf_counter()
            after = client.get(f"/v1/users/u0004/items/{recs[1]['item_id']}/explanation")
            assert after.status_code == 200 and after.json()["degraded"] is True
            assert after.json()["explanation"]["text"]
            assert time.perf_counter() - started < 10
            assert client.get("/healthz").json()["llm"] == "down"
    finally:
        server.kill()
        server.wait(timeout=10)


def test_guard_reports_down_until_a_call_succeeds() -> None:
    from whyrec.backends.base import BackendError
    from whyrec.backends.fake import FakeBackend
    from whyrec.service.guard import GuardedBackend

    replies: list[Any] = [BackendError("connection refused"), BackendError("still refused"),
                          "We picked it."]
    guard = GuardedBackend(FakeBackend(replies), timeout=5, cooldown=0.2)
    message = [{"role": "user", "content": "hi"}]
    with pytest.raises(BackendError):
        guard.complete(message)  # type: ignore[arg-type]
    assert not guard.healthy
    with pytest.raises(BackendError, match="unavailable"):  # breaker open: the model not asked
        guard.complete(message)  # type: ignore[arg-type]
    time.sleep(0.25)
    assert not guard.healthy  # the breaker closed, but nothing has worked yet
    with pytest.raises(BackendError, match="still refused"):
        guard.complete(message)  # type: ignore[arg-type]
    time.sleep(0.25)
    assert guard.complete(message).text == "We picked it."  # type: ignore[arg-type]
    assert guard.healthy


def test_serve_says_in_one_line_when_the_port_is_taken() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "whyrec.cli.main", "serve", "--no-auth",
                              "--backend", "template", "--port", str(port)],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
