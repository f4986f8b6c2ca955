"""The ``whyrec`` command as people use it: JSON out, one-line errors, real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from whyrec.cli.main import main

WHYREC = [sys.executable, "-m", "whyrec.cli.main"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow  # fits and evaluates four recommenders
def test_demo_json_shows_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--json", "--no-progress", "--backend", "template")
    assert code == 0
    payload = json.loads(out)
    languages = {u["language"] for u in payload["users"]}
    assert languages == {"en", "zh"}
    for user in payload["users"]:
        for item in user["items"]:
            assert item["explanation"]["text"]
            assert item["explanation"]["language"] == user["language"]
            assert set(item["explanation"]["cited_ids"]) <= {e["id"] for e in item["evidence"]}
    quality = payload["evaluation"]
    assert quality["hybrid"]["ndcg@10"] > quality["popular"]["ndcg@10"]


def test_recommend_json_has_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", "--user", "u0001", "--n", "4", "--algo", "itemknn",
                       "--json")
    assert code == 0
    recs = json.loads(out)["recommendations"]
    assert [r["rank"] for r in recs] == [1, 2, 3, 4]
    for rec in recs:
        total = sum(e.get("score_share", 0.0) for e in rec["evidence"])
        assert total == pytest.approx(rec["score"], rel=1e-9)


def test_a_new_visitor_with_two_items_gets_cold_start_results(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "recommend", "--user", "visitor", "--history", "i0001,i0002",
                       "--n", "3", "--json")
    assert code == 0
    recs = json.loads(out)["recommendations"]
    assert len(recs) == 3 and all(r["cold_start"] for r in recs)  # hybrid: content + popularity
    assert not {"i0001", "i0002"} & {r["item_id"] for r in recs}


def test_info_json_reports_validation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "info", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["n_users"] == 1000 and "validation" in summary


def test_explain_in_chinese_for_one_item(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--user", "u0001", "--algo", "als", "--json",
                       "--language", "zh", "--n", "3", "--backend", "template", "--no-cache")
    assert code == 0
    items = json.loads(out)
    target = items[1]["item"]
    code, out, _ = run(capsys, "explain", "--user", "u0001", "--algo", "als", "--json",
                       "--language", "zh", "--n", "3", "--item", target, "--backend", "template",
                       "--no-cache")
    only = json.loads(out)
    assert [i["item"] for i in only] == [target]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in only[0]["text"])


def test_eval_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", "--algo", "itemknn", "--k", "10", "--json")
    assert code == 0
    result = json.loads(out)
    assert {"ndcg@10", "recall@10", "coverage"} <= set(result)
    assert 0 < result["ndcg@10"] <= 1


def test_train_then_recommend_from_the_saved_model(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    model_dir = tmp_path / "als"
    code, out, _ = run(capsys, "train", "--algo", "als", "--param", "factors=8",
                       "--out", str(model_dir), "--json")
    assert code == 0 and json.loads(out)["params"]["factors"] == 8
    assert sorted(p.name for p in model_dir.iterdir()) == ["arrays.npz", "model.json"]
    code, out, _ = run(capsys, "recommend", "--recommender", str(model_dir), "--user", "u0005",
                       "--json")
    assert code == 0 and json.loads(out)["algorithm"] == "als"
    code, _, err = run(capsys, "train", "--algo", "popular", "--out", str(model_dir))
    assert code == 1 and "--force" in err  # an existing model is not replaced silently
    code, _, _ = run(capsys, "train", "--algo", "popular", "--out", str(model_dir), "--force")
    assert code == 0 and json.loads((model_dir / "model.json").read_text())["algorithm"] == (
        "popular")


@pytest.mark.parametrize(("args", "message"), [
    (["recommend", "--user", "nobody"], "unknown user 'nobody'"),
    (["eval", "--data", "/no/such/dir"], "does not exist"),
    (["recommend", "--user", "u0001", "--algo", "magic"], "unknown algorithm 'magic'"),
    (["recommend", "--user", "u0001", "--algo", "als", "--param", "factorz=3"],
     "unknown parameter"),
    (["explain", "--user", "u0001", "--backend", "gpt-9"], "unknown backend"),
    (["recommend", "--user", "u0001", "--recommender", "/no/model"], "not a saved whyrec model"),
    (["recommend", "--user", "v", "--history", "i0001,nope"], "unknown item 'nope'"),
])
def test_user_mistakes_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow  # a real process
def test_real_process_progress_on_stderr_and_clean_json_on_stdout() -> None:
    done = subprocess.run([*WHYREC, "eval", "--algo", "popular", "--json", "--progress"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)  # nothing but JSON on stdout
    assert "eval popular" in done.stderr  # the progress bar


@pytest.mark.slow  # a real process
def test_real_process_error_exit_code() -> None:
    done = subprocess.run([*WHYREC, "recommend", "--user", "nobody"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("whyrec: error: unknown user")
    assert "Traceback" not in done.stderr


@pytest.mark.realdata
def test_movielens_directory_works_as_data(
    capsys: pytest.CaptureFixture[str], movielens_dir: Path
) -> None:
    code, out, _ = run(capsys, "explain", "--data", str(movielens_dir), "--user", "1",
                       "--algo", "itemknn", "--n", "2", "--json", "--backend", "template",
                       "--no-cache")
    assert code == 0
    text = json.loads(out)[0]["text"]
    assert "rated" in text or "watched" in text


def _dead_port() -> int:
    """A local port nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_dead_model_says_so_in_one_line_and_strict_fails(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{_dead_port()}/v1"
    args = ("explain", "--data", "demo", "--user", "u0001", "--n", "2", "--backend", "openai",
            "--base-url", dead, "--model", "x", "--db", f"sqlite:///{tmp_path / 's.db'}",
            "--json")
    code, out, err = run(capsys, *args)
    assert code == 0 and len(json.loads(out)) == 2
    [line] = [line for line in err.splitlines() if line.strip()]
    assert line.startswith("whyrec: the openai model did not answer for 2 of 2 explanations")
    code, out, err = run(capsys, *args, "--strict")
    assert code == 3 and len(json.loads(out)) == 2  # the texts still come, the status says it
