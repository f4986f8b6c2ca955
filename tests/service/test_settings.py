"""Service settings (file, environment, arguments; typos refused) and ``whyrec serve``'s refusals
as real processes."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pydantic_settings")
from whyrec.config import ConfigWarning
from whyrec.errors import ConfigError
from whyrec.service.settings import load_settings


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
    with pytest.warns(ConfigWarning, match=r"\[serve\] 'prot': unknown setting \(did you mean "
                                           r"'port'\?\)"):  # a typo is named, not ignored
        assert load_settings(config).port == 8000
    with pytest.raises(ConfigError, match="invalid setting port"):
        load_settings(None, port=70000)
    with pytest.raises(ConfigError, match="unknown backend"):
        load_settings(None, backend="gpt9")


@pytest.mark.slow  # a real process
def test_serve_refuses_no_auth_on_a_public_address(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "whyrec.cli.main", "serve", "--no-auth",
                          "--host", "0.0.0.0", "--backend", "template"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "loopback" in run.stderr


@pytest.mark.slow  # a real process
def test_serve_says_in_one_line_when_the_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "whyrec.cli.main", "serve", "--no-auth",
                              "--backend", "template", "--port", str(port)],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in run.stderr
