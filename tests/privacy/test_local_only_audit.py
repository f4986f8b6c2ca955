"""local_only refuses backends that send prompts off the machine; the audit log records which
evidence fields each model request carried (names and sizes, never content)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.openai_server import OpenAIServer

from whyrec.backends.audit import AuditLog
from whyrec.backends.fake import FakeBackend
from whyrec.backends.locality import is_local, is_loopback
from whyrec.backends.openai_compat import OpenAIBackend
from whyrec.cli.main import main
from whyrec.data.dataset import Dataset
from whyrec.errors import PrivacyError
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("api.localhost", True), ("10.0.0.5", False),
    ("api.openai.com", False), ("localhost.evil.com", False), ("", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_local_only_refuses_an_external_server_before_any_request() -> None:
    backend = OpenAIBackend(base_url="https://api.example.com/v1", model="m")
    assert not is_local(backend)
    with pytest.raises(PrivacyError, match=r"api\.example\.com, which is not this machine"):
        Explainer(backend, local_only=True)
    assert is_local(OpenAIBackend(base_url="http://127.0.0.1:9/v1", model="m"))
    Explainer(OpenAIBackend(base_url="http://localhost:9/v1", model="m"), local_only=True)
    Explainer("template", local_only=True)


def test_local_only_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHYREC_LOCAL_ONLY", "1")
    with pytest.raises(PrivacyError):
        Explainer(OpenAIBackend(base_url="https://api.example.com/v1", model="m"))
    assert Explainer(OpenAIBackend(base_url="https://api.example.com/v1", model="m"),
                     local_only=False).audit is not None  # external: audited by default


def test_cli_local_only_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "--user", "u0001", "--n", "1", "--backend", "openai",
                 "--base-url", "https://api.example.com/v1", "--model", "m", "--local-only",
                 "--no-cache"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1 and "local_only" in err


@pytest.fixture
def stub_server() -> Iterator[OpenAIServer]:
    """An OpenAI-compatible server on 127.0.0.1 that answers every request the same way."""
    with OpenAIServer(lambda request: "I cannot say.") as server:
        yield server


def test_audit_log_records_fields_and_sizes_not_content(
        stub_server: OpenAIServer, demo_dataset: Dataset, tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    backend = OpenAIBackend(base_url=stub_server.url, model="stub", retries=0, timeout=10)
    explainer = Explainer(backend, dataset=demo_dataset, max_repairs=1, audit=log)
    model = create("itemknn").fit(demo_dataset)
    pipeline = Pipeline(demo_dataset, model, explainer)
    recs = pipeline.recommend("u0001", 2)
    explanations = pipeline.explain(recs, language="en")
    entries = log.entries()
    assert len(entries) == sum(len(e.drafts) for e in explanations) == len(stub_server.requests)
    assert {e["purpose"] for e in entries} == {"explain", "repair"}
    first = entries[0]
    assert first["host"] == "127.0.0.1" and first["backend"] == "openai"
    assert first["item_fields"]["title"] == len(recs[0].title)
    kinds = {f["kind"] for f in first["facts"]}
    assert "history_item" in kinds
    raw = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    for rec in recs:  # no titles, no ids, no person: only field names and sizes
        assert rec.title not in raw and rec.item_id not in raw and "u0001" not in raw
        for fact in rec.evidence:
            for value in (getattr(fact, "title", ""), getattr(fact, "value", "")):
                if value and len(value) > 3:
                    assert value not in raw


def test_local_backends_are_not_audited_unless_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert Explainer(FakeBackend(["x"])).audit is None
    assert Explainer("template").audit is None
    monkeypatch.setenv("WHYREC_AUDIT", "all")
    assert Explainer(FakeBackend(["x"])).audit is not None
