"""--adapter / --no-adapter of the llamacpp backend, and the ``whyrec tune`` command's errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from whyrec.backends import llamacpp
from whyrec.cli.main import main
from whyrec.errors import ConfigError


def test_adapter_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "shipped.gguf"
    monkeypatch.setattr(llamacpp, "DEFAULT_ADAPTER", shipped)
    assert llamacpp._adapter_path(None, bundled=True) is None  # nothing shipped
    with pytest.raises(ConfigError, match="no adapter is shipped"):
        llamacpp._adapter_path(True, bundled=True)
    shipped.write_bytes(b"GGUF")
    assert llamacpp._adapter_path(None, bundled=True) == shipped
    assert llamacpp._adapter_path(None, bundled=False) is None  # another base model
    assert llamacpp._adapter_path(False, bundled=True) is None  # --no-adapter
    assert llamacpp._adapter_path(str(shipped), bundled=False) == shipped
    with pytest.raises(ConfigError, match="adapter file not found"):
        llamacpp._adapter_path(tmp_path / "missing.gguf", bundled=True)


def test_explain_refuses_both_adapter_flags(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    adapter = tmp_path / "a.gguf"
    adapter.write_bytes(b"GGUF")
    code = main(["explain", "--data", "demo", "--user", "u0001", "--backend", "template",
                 "--adapter", str(adapter), "--no-cache", "--db", str(tmp_path / "s.sqlite")])
    assert code == 1
    assert "do not apply to the template backend" in capsys.readouterr().err
    code = main(["explain", "--data", "demo", "--user", "u0001", "--adapter", str(adapter),
                 "--no-adapter", "--db", str(tmp_path / "s.sqlite")])
    assert code == 1
    assert "not both" in capsys.readouterr().err


@pytest.mark.skipif(not all(importlib.util.find_spec(m) for m in ("torch", "transformers",
                                                                     "peft", "gguf")),
                    reason="the `tune` extra is not installed")
def test_tune_says_what_a_source_needs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for variable in ("WHYREC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    code = main(["tune", "--data", "demo", "--out", str(tmp_path), "--source", "distill"])
    assert code == 1
    assert "pass --base-url URL" in capsys.readouterr().err
    code = main(["tune", "--data", "demo", "--out", str(tmp_path), "--source", "references"])
    assert code == 1
    assert "needs review text" in capsys.readouterr().err
