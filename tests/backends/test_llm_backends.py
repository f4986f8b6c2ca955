"""The real model backends pass one contract: llama.cpp in-process, and the ``openai`` backend
against a real OpenAI-compatible server on 127.0.0.1 (the llama.cpp server that xllamacpp runs,
serving the bundled model)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import whyrec
from whyrec.backends.base import Backend
from whyrec.backends.llamacpp import LlamaCppBackend, bundled_model_path
from whyrec.backends.openai_compat import OpenAIBackend
from whyrec.backends.registry import available_backends, create_backend
from whyrec.cli.main import main
from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import HistoryItem, Recommendation

INJECTED = ("i0042", "i0173", "i0318")
POISON = ("best product", "ignore", "system", "5 stars", "最好的产品", "系统提示", "五星",
          "提示词", "http", "www.")


@pytest.fixture(scope="session")
def server_url(llamacpp_backend: LlamaCppBackend) -> str:
    return llamacpp_backend.address + "/v1"


@pytest.fixture(params=["llamacpp", "openai"])
def backend(request: pytest.FixtureRequest, llamacpp_backend: LlamaCppBackend,
            server_url: str) -> Backend:
    if request.param == "llamacpp":
        return llamacpp_backend
    return OpenAIBackend(base_url=server_url, model="SmolLM2-135M-Instruct", timeout=60,
                         prefill=True)


@pytest.fixture(scope="module")
def pipeline(demo_dataset: Dataset) -> Pipeline:
    return Pipeline(demo_dataset, create("itemknn").fit(demo_dataset),
                    ExplainSettings(backend="template"))


def test_registry_lists_the_builtin_backends() -> None:
    assert available_backends()[:4] == ["llamacpp", "openai", "template", "fake"]
    with pytest.raises(ConfigError, match="unknown backend 'gpt-9'"):
        create_backend("gpt-9")
    assert bundled_model_path().suffix == ".gguf"


@pytest.mark.slow
def test_completion_contract(backend: Backend) -> None:
    reply = backend.complete([{"role": "user", "content": "Say hello to a shopper."}],
                             max_tokens=16, temperature=0.0, seed=1)
    assert reply.text.strip() and reply.latency_ms > 0
    assert reply.model and reply.completion_tokens > 0


@pytest.mark.slow
def test_every_delivered_explanation_passes_the_verifier(
    backend: Backend, pipeline: Pipeline, demo_dataset: Dataset
) -> None:
    explainer = Explainer(backend, dataset=demo_dataset, max_repairs=1)
    seen = 0
    for user in ("u0001", "u0002"):  # an English and a Chinese customer
        for rec in pipeline.recommend(user, n=2):
            explanation = explainer.explain(rec)
            assert explanation.backend == backend.name
            assert explanation.verdict is not None and explanation.verdict.passed
            # judged again from scratch against all the evidence: still nothing unsupported
            assert whyrec.verify(explanation.text, rec, demo_dataset,
                                 language=explanation.language).passed
            assert 1 <= explanation.attempts <= 2
            written = [d for d in explanation.drafts if not d.extension]
            assert len(written) == explanation.attempts
            if explanation.fallback:
                assert "failed verification" in (explanation.fallback_reason or "")
            else:
                if not any(d.dropped for d in written):
                    # the delivered text is a draft as written (not cut by surgical repair):
                    # the first text or one grown from it by a further sentence
                    assert explanation.text in {d.text for d in explanation.drafts if d.passed}
                # "+adapter" follows the name when the shipped explanation adapter is loaded
                assert explanation.model.startswith("SmolLM2-135M-Instruct")
            seen += 1
    assert seen == 4


@pytest.mark.slow
def test_poisoned_catalog_text_never_reaches_an_explanation(
    backend: Backend, demo_dataset: Dataset
) -> None:
    explainer = Explainer(backend, dataset=demo_dataset, max_repairs=1)
    for item in INJECTED:
        title = demo_dataset.items.set_index("item_id").loc[item, "title"]
        rec = Recommendation("u0001", item, str(title), 1.0, 1, "content", evidence=[
            HistoryItem(id="hist:i0001", item_id="i0001", title=demo_dataset.title(0),
                        score_share=1.0, event="purchase")])
        for language in ("en", "zh"):
            text = explainer.explain(rec, language=language).text.lower()
            assert not [p for p in POISON if p in text], text


class SilentServer:
    """A real TCP server that accepts connections and never answers: a hung model server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.clients: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_or_slow_server_gives_the_template_with_the_reason(
    pipeline: Pipeline, demo_dataset: Dataset, silent_server: SilentServer
) -> None:
    rec = pipeline.recommend("u0001", n=1)[0]
    for url, reason in ((f"http://127.0.0.1:{free_port()}/v1", "APIConnectionError"),
                        (f"http://127.0.0.1:{silent_server.port}/v1", "APITimeoutError")):
        backend = OpenAIBackend(base_url=url, model="any", timeout=0.5, retries=0)
        started = time.perf_counter()
        explanation = Explainer(backend, dataset=demo_dataset).explain(rec, language="en")
        assert time.perf_counter() - started < 5
        assert explanation.fallback and explanation.text
        assert explanation.verdict is not None and explanation.verdict.passed
        assert reason in explanation.fallback_text, explanation.fallback_text


def test_backend_configuration_errors_are_clear(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="needs a server"):
        OpenAIBackend(model="x")
    with pytest.raises(ConfigError, match="model file not found"):
        LlamaCppBackend(model="/no/such/model.gguf")


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", ["llamacpp", "openai"])
def test_cli_json_contract(capsys: pytest.CaptureFixture[str], server_url: str,
                           backend_name: str) -> None:
    args = ["explain", "--user", "u0001", "--n", "2", "--backend", backend_name, "--lang", "en",
            "--repairs", "1", "--json", "--no-cache"]
    if backend_name == "openai":
        args += ["--base-url", server_url, "--model", "SmolLM2-135M-Instruct"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2
    for row in rows:
        assert {"item", "text", "backend", "fallback", "attempts", "verdict"} <= set(row)
        assert row["backend"] == backend_name and isinstance(row["fallback"], bool)
        assert row["verdict"]["passed"] is True and row["verdict"]["unsupported"] == []
        assert row["attempts"] >= 1


@pytest.mark.slow
def test_demo_runs_on_the_bundled_model(capsys: pytest.CaptureFixture[str],
                                        llamacpp_backend: LlamaCppBackend) -> None:
    """The README's first command: the demo with its default backend, the bundled model."""
    assert main(["demo", "--no-eval", "--n", "1", "--json", "--no-progress"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["backend"] == "llamacpp"
    for user in payload["users"]:
        explanation = user["items"][0]["explanation"]
        assert explanation["backend"] == "llamacpp"
        assert explanation["verdict"]["passed"] and explanation["language"] == user["language"]
        # the bundled model wrote it: a template fallback here is a failure, not a pass
        assert not explanation["fallback"], explanation["fallback_reason"]
        assert explanation["model"].startswith("SmolLM2-135M-Instruct")
