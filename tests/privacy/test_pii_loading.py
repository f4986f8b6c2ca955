"""Presidio (and the spaCy it imports: a second and more) is loaded only for a text that could
hold something one of its recognisers finds (this module's own patterns run without it); the
service loads it once it is first idle, not before it listens nor beside its first requests.
What is found is unchanged (the rest of tests/privacy)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from whyrec.data.dataset import Dataset
from whyrec.models.registry import create
from whyrec.privacy import pii
from whyrec.privacy.pii import PiiScrubber


@pytest.mark.parametrize("text, names", [
    ("Trail Shoe. Rated 4.5/5 by 12 people.", False),  # catalog text: a dot is no link
    ("Because you bought “Espresso Beans 1kg”, 14 of 56 people also did", False),
    ("I love trail running and dark roast coffee", True),
    ("因为你买了咖啡豆，也许你会喜欢这个", True),
])
def test_text_with_nothing_to_find_needs_no_recognisers(text: str, names: bool) -> None:
    scrubber = PiiScrubber()
    assert scrubber.scrub(text, names=names) == text
    assert not scrubber.loaded


@pytest.mark.parametrize("text, names, scrubbed", [
    ("fan club WWW.Trail-Fans.org today", False, "fan club (link) today"),
    ("HTTPS://shop.example/x?y=1 has it", False, "(link) has it"),
    ("order at lamps.com", True, "order at (link)"),
    ("ship to 12 Baker Street now", True, "(address) now"),
    ("my name is Ann Lee", True, "(name)"),
    ("我叫王小明，住北京市朝阳区建国路88号", True, "(name)，(address)"),
])
def test_this_modules_own_patterns_need_no_presidio(text: str, names: bool,
                                                     scrubbed: str) -> None:
    scrubber = PiiScrubber()
    assert scrubber.scrub(text, names=names) == scrubbed
    assert not scrubber.loaded


@pytest.mark.parametrize("text, scrubbed", [
    ("call 13812345678", "call (phone)"),
    ("mail bob@corp.internal", "mail (email)"),
    ("card 4111 1111 1111 1111", "card (card number)"),
])
def test_an_at_sign_or_a_run_of_digits_loads_presidio(text: str, scrubbed: str) -> None:
    scrubber = PiiScrubber()
    assert scrubber.scrub(text) == scrubbed
    assert scrubber.loaded


def test_the_service_loads_them_once_it_is_idle_not_while_it_builds(
        tmp_path: Path, demo_dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.service.conftest import make_client

    fresh = PiiScrubber()
    monkeypatch.setattr(pii, "_default", fresh)
    client = make_client(tmp_path, demo_dataset, create("popular").fit(demo_dataset),
                         auth=False)
    assert not fresh.loaded  # built, ready to listen, Presidio not imported for it
    with client:
        assert client.get("/healthz").status_code == 200
        # no request in flight: the loader starts within a moment (at the latest 5 s)
        deadline = time.monotonic() + 120
        while not fresh.loaded and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fresh.loaded


def test_the_first_answers_do_not_share_the_cores_with_the_load(
        tmp_path: Path, demo_dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.service.conftest import make_client

    from whyrec.service import app as service_app

    fresh = PiiScrubber()
    monkeypatch.setattr(pii, "_default", fresh)
    monkeypatch.setattr(service_app, "PII_LOAD_IDLE_S", 3.0)
    monkeypatch.setattr(service_app, "PII_LOAD_LATEST_S", 120.0)
    client = make_client(tmp_path, demo_dataset, create("popular").fit(demo_dataset),
                         auth=False)
    time.sleep(3.5)  # built longer ago than the idle time: idle counts from listening
    with client:
        time.sleep(0.5)
        for _ in range(3):  # requests in a row: the service is not idle for 3 s
            assert client.get("/healthz").status_code == 200
            assert not any(t.name == "whyrec-pii-load" for t in threading.enumerate())
        assert not fresh.loaded
