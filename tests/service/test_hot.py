"""The replies kept in memory (whyrec.service.hot): the same content as the store's cache gives,
and dropped when another process writes the person's feedback or resets it."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from tests.service.conftest import first_recommendation

from whyrec.feedback.events import FeedbackEvent, record_feedback
from whyrec.feedback.preferences import reset_preferences


def _without_latency(reply: dict[str, Any]) -> dict[str, Any]:
    return {**reply, "explanation": {k: v for k, v in reply["explanation"].items()
                                     if k != "latency_ms"}}


def test_a_kept_explanation_is_the_one_the_stores_cache_gives(open_client: TestClient) -> None:
    state = open_client.app.state.whyrec  # type: ignore[attr-defined]
    assert state.hot.fresh  # the app's watcher has looked at the store
    rec = first_recommendation(open_client, "u0004")
    url = f"/v1/users/u0004/items/{rec['item_id']}/explanation"
    first = open_client.get(url).json()
    kept = open_client.get(url).json()  # from memory
    assert first["explanation"]["cached"] is False and kept["explanation"]["cached"] is True
    state.hot.replies.clear()
    state.pipeline.explainer.cache.memory.clear()
    from_store = open_client.get(url).json()  # the store's explanation cache, as before
    assert from_store["explanation"]["cached"] is True
    assert _without_latency(kept) == _without_latency(from_store)
    assert _without_latency(first)["explanation"] == {
        **_without_latency(kept)["explanation"], "cached": False}


def test_another_processs_writes_reach_the_kept_replies(open_client: TestClient) -> None:
    state = open_client.app.state.whyrec  # type: ignore[attr-defined]
    rec = first_recommendation(open_client, "u0005")
    url = f"/v1/users/u0005/items/{rec['item_id']}/explanation"
    before = open_client.get(url).json()["explanation"]
    top = "/v1/users/u0005/recommendations?n=3"
    assert open_client.get(top).json()["preferences"] == []
    # another worker stores feedback: this one sees it at its next look at the store (the
    # watcher's, every second; here at once)
    record_feedback(state.store, FeedbackEvent(before["id"], "too_long"))
    state.hot.check_marker()
    after = open_client.get(url).json()["explanation"]
    assert len(after["text"]) < len(before["text"]) and after["preferences"]
    assert open_client.get(top).json()["preferences"] == after["preferences"]
    reset_preferences(state.store, "u0005")
    state.hot.check_marker()
    assert open_client.get(top).json()["preferences"] == []
    assert open_client.get(url).json()["explanation"]["text"] == before["text"]


def test_nothing_is_served_from_memory_without_the_watcher(open_client: TestClient) -> None:
    state = open_client.app.state.whyrec  # type: ignore[attr-defined]
    rec = first_recommendation(open_client, "u0006")
    url = f"/v1/users/u0006/items/{rec['item_id']}/explanation"
    before = open_client.get(url).json()["explanation"]
    state.hot._checked_at = -float("inf")  # as if the watcher had stopped looking
    record_feedback(state.store, FeedbackEvent(before["id"], "too_long"))
    after = open_client.get(url).json()["explanation"]
    assert len(after["text"]) < len(before["text"])
