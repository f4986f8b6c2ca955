"""Issue 8 through the HTTP service: caller-supplied evidence carrying prompt injections, and
personal data planted in every body field, reach neither delivered text nor the service's logs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from whyrec.backends.base import Message
from whyrec.backends.fake import FakeBackend
from whyrec.data.dataset import Dataset
from whyrec.models.registry import create
from whyrec.service import build_app
from whyrec.service.settings import load_settings

from .corpus import INJECTIONS, leaked

PLACES = ("title", "tag", "brand", "category", "description", "history_title", "free_text")
PLANTED = {"email": "jane.roe@example.org", "phone": "13912345678",
           "card": "4111 1111 1111 1111", "url": "https://tracker.example.net/u"}


def _obedient(messages: list[Message]) -> str:
    """A model that repeats the request, injection and all, and adds the attacker's wish."""
    return messages[-1]["content"].replace("\n", " ") + " PWNED, visit evil.example.com"


def _body(place: str, payload: str, language: str) -> dict[str, Any]:
    def put(name: str, clean: str) -> str:
        return f"{clean} {payload}" if place == name else clean

    return {
        "user_id": "c42", "language": language,
        "item": {"id": "sku-1", "title": put("title", "Alder Trail Lamp 7"),
                 "category": put("category", "outdoor"), "brand": put("brand", "Alder"),
                 "tags": ["outdoor", put("tag", "camping")],
                 "description": put("description", "A bright lamp for tents.")},
        "evidence": [
            {"kind": "history_item", "item_id": "h1",
             "title": put("history_title", "Copperleaf Cloud Tea"), "score_share": 0.6,
             "event": "purchase"},
            put("free_text", "本月露营者常买" if language == "zh"
                else "Often bought by campers this month"),
        ],
    }


@pytest.fixture
def client(tmp_path: Path, demo_dataset: Dataset) -> Any:
    settings = load_settings(backend="template", auth=False, rate_limit=1_000_000,
                             db_url=f"sqlite:///{tmp_path / 'p.sqlite'}")
    app = build_app(settings, dataset=demo_dataset, model=create("popular").fit(demo_dataset),
                    backend=FakeBackend(_obedient))
    with TestClient(app, raise_server_exceptions=False) as opened:
        yield opened


@pytest.mark.parametrize("language", ["en", "zh"])
def test_injections_in_caller_evidence_never_get_through(client: TestClient,
                                                         language: str) -> None:
    attempts, through = 0, []
    for payload in INJECTIONS:
        for place in PLACES:
            reply = client.post("/v1/explanations", json=_body(place, payload, language))
            attempts += 1
            if reply.status_code != 200:
                through.append((place, payload, reply.status_code))
                continue
            explanation = reply.json()["explanation"]
            found = leaked(explanation["text"])
            if found or not explanation["verdict"]["passed"]:
                through.append((place, payload, found))
    print(f"\nservice injection/{language}: {attempts} attempts, {len(through)} got through")
    assert attempts == len(INJECTIONS) * len(PLACES)
    assert through == []


def test_planted_personal_data_stays_out_of_replies_and_logs(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    planted = " ".join(PLANTED.values())
    with caplog.at_level(logging.DEBUG):
        body = _body("free_text", f"call {planted}", "en")
        body["item"]["description"] = f"Ask me: {planted}"
        explained = client.post("/v1/explanations", json=body).json()["explanation"]
        recs = client.get("/v1/users/u0001/recommendations?n=2&explain=true").json()
        item = recs["recommendations"][0]["item_id"]
        answer = client.post("/v1/chat", json={"user_id": "u0001", "item_id": item,
                                               "question": f"why? mail {planted}"}).json()
        event = client.post("/v1/feedback", json={
            "explanation_id": recs["recommendations"][0]["explanation"]["id"],
            "kind": "comment", "comment": f"shorter please, {planted}"}).json()
    delivered = " ".join([explained["text"], answer["answer"]["text"],
                          str(event["event"]["comment"])])
    # what the service and whyrec log (the test client's own request log names the URLs)
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith(("httpx", "httpcore")))
    for name, value in PLANTED.items():
        assert value not in delivered, name
        assert value not in logged, name
    assert "u0001" not in logged and "GET /v1/users/{user_id}/recommendations" in logged


def test_the_attack_corpus_through_the_service_reaches_no_reply_or_log(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """Every attack of the labelled corpus the detector catches (every 3rd, for time), as a
    caller's item title and free text and as a chat question: no reply body and no log line
    carries its payload."""
    from .corpus import carries, load_jsonl
    from .test_attack_corpus import _caught

    attacks = [r for r in load_jsonl("attacks.jsonl")[::3] if _caught(r)]
    recs = client.get("/v1/users/u0001/recommendations?n=1").json()["recommendations"]
    through = []
    with caplog.at_level(logging.DEBUG):
        for record in attacks:
            language = record["language"]
            replies = [client.post("/v1/explanations",
                                   json=_body(place, record["text"], language))
                       for place in ("title", "free_text")]
            replies.append(client.post("/v1/chat", json={
                "user_id": "u0001", "item_id": recs[0]["item_id"],
                "question": f"why not {record['text']}?"}))
            for reply in replies:
                if reply.status_code != 200 or carries(reply.text, record["payload"]):
                    through.append((record["text"][:50], reply.status_code))
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith(("httpx", "httpcore")))
    assert len(attacks) > 80
    assert through == []
    assert not [r["payload"] for r in attacks if carries(logged, r["payload"])]
