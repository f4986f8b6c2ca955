"""``whyrec explain`` → ``whyrec feedback`` → ``whyrec explain`` and ``whyrec chat``, as real
subprocesses sharing one SQLite store file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

WHYREC = [sys.executable, "-m", "whyrec.cli.main"]


def whyrec(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*WHYREC, *args, "--db", str(db)], capture_output=True, text=True,
                          check=check, timeout=300)


def explain(db: Path) -> list[dict[str, object]]:
    out = whyrec("explain", "--user", "u0001", "--n", "2", "--backend", "template", "--lang",
                 "en", "--algo", "itemknn", "--json", db=db).stdout
    return list(json.loads(out))


@pytest.mark.slow  # seven real processes, each loading whyrec and the demo shop
def test_feedback_from_the_command_line_shapes_the_next_explanation(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    before = explain(db)
    first = str(before[0]["id"])
    shown = json.loads(whyrec("feedback", "add", first, "too_long", "--json", db=db).stdout)
    assert shown["preferences"]["length_steps"] == -1
    whyrec("feedback", "add", first, "comment", "--comment", "don't mention other people",
           db=db)
    after = explain(db)
    assert after[0]["style"] == "short/neutral/+/-cohort"
    assert not any(str(c).startswith("cohort:") for c in after[0]["cited_ids"])  # type: ignore[attr-defined]
    assert "shorter, as you asked" in after[0]["preferences"]  # type: ignore[operator]
    listed = json.loads(whyrec("feedback", "list", "--user", "u0001", "--json", db=db).stdout)
    assert [e["kind"] for e in listed] == ["too_long", "comment"]
    whyrec("feedback", "reset", "u0001", db=db)
    assert explain(db)[0]["text"] == before[0]["text"]


@pytest.mark.slow
def test_bad_feedback_is_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    explain(db)
    for args in (["nope", "helpful"], ["x", "great"]):
        result = whyrec("feedback", "add", *args, db=db, check=False)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "whyrec: error:" in result.stderr


@pytest.mark.slow  # a real process loading whyrec and the demo shop
def test_chat_answers_questions_from_stdin(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    result = subprocess.run(
        [*WHYREC, "chat", "--user", "u0001", "--backend", "template", "--algo", "itemknn",
         "--lang", "en", "--json", "--db", str(db)],
        input="why?\nwhat else like this?\nwill it rain?\n", capture_output=True, text=True,
        check=True, timeout=300)
    payload = json.loads(result.stdout)
    assert [a["intent"] for a in payload["answers"]] == ["why", "similar", "unknown"]
    assert payload["answers"][2]["text"] == "I can't tell from your data."


@pytest.mark.slow
def test_the_report_reads_usefulness_from_the_store(tmp_path: Path) -> None:
    from whyrec.cli.report import store_events
    from whyrec.eval.usefulness import usefulness

    db = tmp_path / "store.sqlite"
    shown = explain(db)
    whyrec("feedback", "add", str(shown[0]["id"]), "helpful", db=db)
    whyrec("feedback", "add", str(shown[1]["id"]), "not_helpful", db=db)
    whyrec("feedback", "add", str(shown[1]["id"]), "too_long", db=db)
    summary = usefulness(store_events(str(db)))
    assert summary["overall"]["helpful_rate"] == 0.5
    assert summary["overall"]["per_kind"]["too_long"] == 1
    assert summary["overall"]["explanations"] == 2
