"""Backends come from one registry; third-party ones plug in through entry points."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.backends.registry import available_backends, create_backend
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import Explainer
from whyrec.types import HistoryItem, Recommendation

PLUGIN = '''
from whyrec.backends.base import Backend, Completion


class EchoBackend(Backend):
    name = "echo"
    model_name = "echo-1"

    def complete(self, messages, *, max_tokens=120, temperature=0.3, seed=0, stop=()):
        return Completion(text="We picked \\u201cTrail Socks\\u201d because you bought "
                               "\\u201cRunning Cap\\u201d.", model=self.model_name, latency_ms=0.1)
'''


@pytest.fixture
def installed_plugin(tmp_path: Path) -> Iterator[None]:
    """A real (if tiny) installed distribution that declares a whyrec backend entry point."""
    (tmp_path / "whyrec_echo.py").write_text(PLUGIN, encoding="utf-8")
    dist = tmp_path / "whyrec_echo-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: whyrec-echo\nVersion: 0.1\n",
                                   encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[whyrec.backends]\necho = whyrec_echo:EchoBackend\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop("whyrec_echo", None)


def test_a_plugin_backend_is_found_by_name_and_explains(installed_plugin: None) -> None:
    assert "echo" in available_backends()
    backend = create_backend("echo")
    rec = Recommendation("u1", "i1", "Trail Socks", 1.0, 1, "external", evidence=[
        HistoryItem(id="h1", item_id="i9", title="Running Cap", score_share=1.0,
                    event="purchase")])
    explanation = Explainer(backend).explain(rec)
    assert (explanation.backend, explanation.model) == ("echo", "echo-1")
    assert not explanation.fallback and explanation.cited_ids == ["h1"]


def test_unknown_backends_and_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown backend 'nope'; available: llamacpp"):
        create_backend("nope")
    with pytest.raises(ConfigError, match="backend 'fake'"):
        create_backend("fake", temperature_of_the_sun=3)
    assert isinstance(create_backend("fake", replies=["x"], prefill=None), FakeBackend)


def test_a_built_in_backend_is_found_without_reading_entry_points(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every installed package's entry points is start-up time a built-in never needs
    (a plug-in cannot take a built-in name)."""
    from whyrec.backends import registry
    from whyrec.settings import ExplainSettings

    def no_scan(**_: object) -> list[object]:
        raise AssertionError("entry points read for a built-in backend")

    monkeypatch.setattr(registry, "entry_points", no_scan)
    assert create_backend("template").name == "template"
    assert ExplainSettings(backend="fake").backend == "fake"
    assert registry.is_backend("template")
