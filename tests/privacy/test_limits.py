"""Input limits and path checks: oversized inputs and paths outside the allowed folder are
refused with one-line errors before anything is parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from whyrec.cli.main import main
from whyrec.data.readers import read_table
from whyrec.errors import InputLimitError, PrivacyError, ValidationError
from whyrec.explanation.requests import parse_requests, read_requests
from whyrec.privacy.limits import check_question, contained

LINE = '{"item": {"id": "a", "title": "Lamp"}, "evidence": ["Bright"]}\n'


def test_long_questions_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    check_question("x" * 1000)
    with pytest.raises(InputLimitError, match="the limit is 1000"):
        check_question("x" * 1001)
    monkeypatch.setenv("WHYREC_MAX_QUESTION_CHARS", "10")
    with pytest.raises(InputLimitError):
        check_question("why is it so long?")


def test_requests_files_and_lines_have_limits(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text(LINE * 50, encoding="utf-8")
    assert len(read_requests(path)) == 50
    monkeypatch.setenv("WHYREC_MAX_REQUESTS_BYTES", "1000")
    with pytest.raises(InputLimitError, match=r"requests file .* bytes; the limit is 1,000"):
        read_requests(path)
    monkeypatch.setenv("WHYREC_MAX_REQUEST_LINE_BYTES", "20")
    with pytest.raises(InputLimitError, match="<requests>:1"):
        parse_requests([LINE])


def test_deeply_nested_json_is_a_problem_not_a_crash() -> None:
    with pytest.raises(ValidationError, match="nested too deeply"):
        parse_requests(["[" * 200_000 + "]" * 200_000])


def test_data_files_have_a_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n" + "a,Lamp\n" * 100, encoding="utf-8")
    assert len(read_table(path)) == 100
    monkeypatch.setenv("WHYREC_MAX_TABLE_BYTES", "100")
    with pytest.raises(InputLimitError):
        read_table(path)


def test_paths_outside_the_input_root_are_refused(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    assert contained("data", root) == (root / "data").resolve()
    for escape in ("../secret", str(tmp_path / "secret"), "data/../../secret"):
        with pytest.raises(PrivacyError, match="outside"):
            contained(escape, root)
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(PrivacyError):
        contained("link/secret", root)
    monkeypatch.setenv("WHYREC_INPUT_ROOT", str(root))
    request = tmp_path / "requests.jsonl"
    request.write_text(LINE, encoding="utf-8")
    code = main(["explain", "--input", str(request), "--backend", "template", "--no-cache",
                 "--db", "sqlite://"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and "outside" in err
