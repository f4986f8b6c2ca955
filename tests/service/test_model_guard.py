"""The model guard: a model that is too slow or gone still gets every request answered, flagged;
streamed explanations show only verified sentences."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from tests.service.conftest import first_recommendation, make_client

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
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

