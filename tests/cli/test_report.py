"""``whyrec report``: JSON, the self-contained HTML page (in a real headless Chromium), the
rating sheet round trip, and one-line errors."""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import SCREENSHOTS

from whyrec.cli.main import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _requests(path: Path) -> Path:
    evil = '<script>alert("x")</script> Trail Socks'
    lines = [
        {"user_id": "c1", "language": "en",
         "item": {"id": "sku-1", "title": evil, "category": "running", "tags": ["trail"]},
         "evidence": [{"kind": "history_item", "item_id": "sku-9", "title": "Running Cap",
                       "event": "purchase", "score_share": 0.4},
                      {"kind": "shared_feature", "feature": "tag", "value": "trail",
                       "history_count": 2}],
         "reference": "Great socks for the trail, like your running cap."},
        {"user_id": "c2", "language": "zh",
         "item": {"id": "sku-2", "title": "越野跑袜", "category": "跑步"},
         "evidence": [{"kind": "history_item", "item_id": "sku-8", "title": "跑步帽",
                       "event": "purchase", "score_share": 0.5}],
         "reference": "你买过跑步帽，这双越野跑袜很适合你。"},
    ]
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines),
                    encoding="utf-8")
    return path


def test_report_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", "--users", "8", "--n", "2", "--json", "--no-progress",
                       "--config", "backend=template", "--config",
                       "backend=template,length=short,lang=zh")
    assert code == 0
    data = json.loads(out)
    assert [c["name"] for c in data["configs"]] == ["template",
                                                    "template,length=short,language=zh"]
    for config in data["configs"]:
        assert config["n"] == 16
        assert config["faithfulness"]["delivered"]["unsupported_rate"] == 0.0
        assert config["ranking"]["n_users"] > 0 and "ndcg@10" in config["ranking"]
        assert 0.0 <= config["counterfactual"]["pn"] <= 1.0
        assert config["overlap"] is None  # no references in the demo
        assert len(config["samples"]) == 5
    assert "usefulness" not in data


@pytest.mark.slow  # draws the report's plots
def test_requests_with_references_give_bleu_and_escaped_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    code, printed, _ = run(capsys, "report", "--input", str(_requests(tmp_path / "r.jsonl")),
                           "--backend", "template", "--out", str(out), "--json", "--no-progress")
    assert code == 0
    data = json.loads(printed)
    config = data["configs"][0]
    assert config["overlap"]["n"] == 2 and config["overlap"]["bleu1"] > 0
    assert config["counterfactual"] is None and config["ranking"] is None
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    # self-contained: images are inline, nothing is fetched
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)
    assert page.count('src="data:image/png;base64,') >= 3
    # for people: a summary in words first, every metric shown explained, evidence in words
    owner = re.search(r'data-testid="owner-summary">([^<]+)<', page)
    assert owner and "explanations" in owner.group(1) and "facts do not back" in owner.group(1)
    glossary = page.split('data-testid="glossary"', 1)[1].split("</table>", 1)[0]
    for term in ("BLEU-1", "USR", "ROUGE-L F", "Papineni", "PETER"):
        assert term in glossary, term
    assert "score_share=" not in page and "weight=" not in page
    assert "of the score)" in page
    # no chart of nothing: a template-only run has no generation chart, a sentence instead
    assert "Every text was worded by the template" in page


def test_feedback_events_add_the_usefulness_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(
        {"kind": kind, "explanation_id": f"e{k}", "user": "u1", "item": "i1",
         "backend": "template", "created_at": "2025-03-01T10:00:00"})
        for k, kind in enumerate(["helpful", "helpful", "not_helpful", "too_long"])))
    out = tmp_path / "r.html"
    code, printed, _ = run(capsys, "report", "--users", "3", "--n", "1", "--feedback",
                           str(events), "--backend", "template", "--out", str(out), "--json",
                           "--no-progress")
    assert code == 0
    assert json.loads(printed)["usefulness"]["overall"]["helpful_rate"] == pytest.approx(2 / 3)
    assert "Usefulness (feedback)" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--input", "missing.jsonl"], "requests file not found"),
    (["--config", "backend=nope"], "unknown backend 'nope'"),
    (["--config", "colour=red"], "--config expects KEY=VALUE"),
    (["--feedback", "missing.jsonl"], "feedback file not found"),
    (["--out", "/no/such/dir/r.html"], "no such folder"),
])
def test_user_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str],
                                  message: str) -> None:
    code, _, err = run(capsys, "report", "--users", "2", *args)
    assert code == 1
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_sheet_and_score_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "sheet.csv"
    code, out, _ = run(capsys, "report", "sheet", "--users", "4", "--n", "2", "--out",
                       str(sheet), "--config", "backend=template", "--config",
                       "backend=template,length=short", "--no-progress")
    assert code == 0 and "8 rows" in out
    key = json.loads(sheet.with_suffix(".key.json").read_text(encoding="utf-8"))
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # the rater always picks the shorter text: the short configuration must win
    for row in rows:
        row["preferred"] = "1" if len(row["text_1"]) < len(row["text_2"]) else "2"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, _ = run(capsys, "report", "score", str(sheet), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["winner"] == "template,length=short"
    assert result["wins"]["template,length=short"] == 8
    assert set(key["configs"]) == set(result["configs"])
    code, _, err = run(capsys, "report", "score", str(tmp_path / "none.csv"),
                       "--key", str(sheet.with_suffix(".key.json")))
    assert code == 1 and "rating sheet not found" in err
    code, _, err = run(capsys, "report", "sheet", "--out", str(sheet), "--config",
                       "backend=template")
    assert code == 1 and "exactly two configurations" in err


@pytest.mark.slow
def test_report_renders_in_headless_chromium(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: the report cannot be opened in a real browser")
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(
        {"kind": kind, "explanation_id": f"e{k}", "user": f"u{k}", "item": "i1",
         "backend": backend, "created_at": f"2025-03-0{1 + k % 3}T10:00:00"})
        for k, (kind, backend) in enumerate(
            [("helpful", "template"), ("helpful", "template"), ("not_helpful", "template"),
             ("helpful", "llamacpp"), ("not_helpful", "llamacpp"), ("too_long", "llamacpp")])))
    page = tmp_path / "report.html"
    code, _, _ = run(capsys, "report", "--users", "20", "--n", "3", "--out", str(page),
                     "--feedback", str(events), "--no-progress", "--config",
                     "backend=template,name=template (medium)", "--config",
                     "backend=template,length=short,name=template (short)")
    assert code == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
        check=True, capture_output=True, timeout=120)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1280, 2000)
    # a blank page compresses to almost nothing; the rendered report with plots does not
    assert len(png) > 100_000, f"screenshot is only {len(png)} bytes: did the page render?"
    assert base64.b64encode(png)  # written for people to look at in out/screenshots/
