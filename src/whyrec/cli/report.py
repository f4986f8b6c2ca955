"""``whyrec report``: measure explanation configurations and write one self-contained HTML page.

    whyrec report --data demo --backend template --out report.html
    whyrec report --config backend=template --config backend=llamacpp,length=short --out cmp.html
    whyrec report --input requests.jsonl --json              # another system's recs + references
    whyrec report sheet --config backend=template --config backend=llamacpp --out sheet.csv
    whyrec report score sheet.csv --key sheet.key.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from whyrec.cli.common import (
    algo_option,
    backend_option,
    configured_values,
    data_option,
    emit_json,
    explain_values,
    json_option,
    llm_options,
    progress_option,
    style_options,
    want_progress,
)
from whyrec.errors import ConfigError, ValidationError


def run_options(func: Any) -> Any:
    """Options shared by the report and the rating sheet: data, configurations, sample size."""
    options = [
        data_option,
        backend_option,
        algo_option,
        llm_options,
        style_options,
        click.option("--config", "configs", multiple=True, metavar="KEY=VALUE,…",
                     help="A configuration to compare (repeatable), e.g. "
                          "backend=llamacpp,length=short; keys: backend, algorithm (algo), "
                          "length, tone, language (lang), prefer, exclude (kinds joined by +), "
                          "repairs, llm_model (model), base_url, llm_timeout (timeout), "
                          "prefill, name. Each starts from the other options (a settings "
                          "file: whyrec --config FILE report)."),
        click.option("--users", type=click.IntRange(min=1), default=50, show_default=True,
                     help="People sampled (seeded) from the test split."),
        click.option("--n", "per_person", type=click.IntRange(min=1), default=3,
                     show_default=True, help="Recommendations explained per person."),
        click.option("--seed", type=int, default=0, show_default=True),
        progress_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_configs(options: dict[str, Any]) -> list[Any]:
    """The configurations from --config (defaults from the plain options), or just one."""
    from whyrec.eval.runner import ReportConfig, parse_config

    base = ReportConfig(algorithm=options["algo"], **explain_values(
        **{name: options[name] for name in ("backend", "llm_model", "base_url", "llm_timeout",
                                            "repairs", "prefill", "language", "length", "tone",
                                            "prefer", "exclude")},
        **configured_values("adapter", "best_of")))
    configs = [parse_config(text, base) for text in options["configs"]] or [base]
    names = [c.label() for c in configs]
    if len(set(names)) != len(names):
        raise ConfigError(f"two configurations have the same name {names}; give each a "
                          "different setting or name=…")
    return configs


def read_events(path: Path) -> list[dict[str, Any]]:
    """Feedback events from a JSON-lines file (``created_at`` as ISO-8601 text)."""
    from whyrec.eval.usefulness import parse_event_time

    if not path.is_file():
        raise ValidationError([f"feedback file not found: {path}"])
    events, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not JSON ({exc.msg})")
            continue
        if not isinstance(event, dict):
            problems.append(f"{path.name}:{number}: each line must be a JSON object")
            continue
        if "created_at" in event:
            event["created_at"] = parse_event_time(event["created_at"])
        events.append(event)
    if problems:
        raise ValidationError(problems[:10])
    return events


def store_events(url: str) -> list[dict[str, Any]]:
    """Every feedback event in the store at ``url``, as the usefulness section reads them."""
    from datetime import UTC, datetime

    from whyrec.feedback.events import event_dicts, feedback_for
    from whyrec.store import open_store

    store = open_store(None if url == "default" else url)
    return [{**event, "created_at": datetime.fromtimestamp(event["created_at"], UTC)}
            for event in event_dicts(feedback_for(store), store)]


@click.group(invoke_without_command=True)
@run_options
@click.option("--input", "input_path", type=click.Path(path_type=Path), default=None,
              help="Evaluate another system's recommendations: a JSON-lines requests file "
                   "(a 'reference' field gives BLEU / ROUGE); --data then lends its vocabulary.")
@click.option("--k", type=click.IntRange(min=1), default=10, show_default=True,
              help="Top-k of the ranking metrics and of the counterfactual test.")
@click.option("--split", type=click.Choice(["leave-last", "temporal", "random"]),
              default="leave-last", show_default=True)
@click.option("--feedback", "feedback_path", type=click.Path(path_type=Path), default=None,
              help="Feedback events (JSON lines) for the usefulness section.")
@click.option("--feedback-db", "feedback_db", default=None, metavar="URL",
              help="Read feedback events from this store (a database URL or SQLite file; "
                   "'default' for $WHYREC_DB_URL / $WHYREC_HOME/whyrec.sqlite).")
@click.option("--samples", type=click.IntRange(min=0), default=5, show_default=True,
              help="Sample explanations shown per configuration.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the HTML report here.")
@json_option
@click.pass_context
def report(ctx: click.Context, **options: Any) -> None:
    """Measure explanations (faithfulness, counterfactual fidelity, the literature's metrics,
    personalisation, readability), ranking quality and usefulness; HTML and/or JSON.

    Like every command it explains with the bundled model by default (a model call per
    explanation, --users x --n of them); --backend template measures the template in seconds.
    """
    if ctx.invoked_subcommand is not None:
        return
    from whyrec.eval.html_report import dumps, report_data, write_report
    from whyrec.eval.usefulness import usefulness

    out: Path | None = options["out"]
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        raise ConfigError(f"cannot write the report to {out}: "
                          f"{'it is a folder' if out.is_dir() else 'no such folder'}")
    configs = build_configs(options)
    events = (read_events(options["feedback_path"]) if options["feedback_path"] is not None
              else store_events(options["feedback_db"]) if options["feedback_db"] is not None
              else None)
    summary = usefulness(events) if events is not None else None
    run = _run(options, configs)
    if out is not None:
        data = write_report(run, out, summary, samples=options["samples"])
    else:
        data = report_data(run, summary, samples=options["samples"])
    if options["as_json"]:
        click.echo(dumps(data))
        return
    _print_summary(data, out)


def _run(options: dict[str, Any], configs: list[Any]) -> dict[str, Any]:
    from whyrec.eval.runner import run_dataset, run_requests
    from whyrec.loaders import load_data

    progress = want_progress(options["progress"])
    if options["input_path"] is not None:
        from whyrec.explanation.requests import read_requests

        requests = read_requests(options["input_path"])
        dataset = load_data(options["data"]) if options["data"] != "demo" else None
        return run_requests(requests, configs, dataset=dataset, progress=progress)
    return run_dataset(load_data(options["data"]), configs, users=options["users"],
                       n=options["per_person"], k=options["k"], split=options["split"],
                       seed=options["seed"], progress=progress)


def _print_summary(data: dict[str, Any], out: Path | None) -> None:
    from whyrec.eval.html_report import HEADLINE, format_metric, get_metric

    for config in data["configs"]:
        click.echo(f"{config['name']} on {data['dataset']}:")
        for label, path, spec, _ in HEADLINE:
            value = get_metric(config, path)
            if value is not None:
                click.echo(f"  {label:<40} {format_metric(value, spec)}")
    if out is not None:
        click.echo(f"report written to {out}")


@report.command("sheet")
@run_options
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The rating sheet (CSV) to write.")
@click.option("--key", "key_path", type=click.Path(path_type=Path), default=None,
              help="Where to keep which configuration wrote which column "
                   "(default: the sheet's name + .key.json). Do not give it to raters.")
def sheet(out: Path, key_path: Path | None, **options: Any) -> None:
    """Export a blind side-by-side rating sheet of two configurations (order shuffled)."""
    from whyrec.eval.ratings import write_sheet
    from whyrec.eval.runner import explain_side_by_side
    from whyrec.loaders import load_data

    configs = build_configs(options)
    key = key_path or out.with_suffix(".key.json")
    if not out.parent.is_dir():
        raise ConfigError(f"cannot write the sheet to {out}: no such folder")
    rows = explain_side_by_side(load_data(options["data"]), configs, users=options["users"],
                                n=options["per_person"], seed=options["seed"],
                                progress=want_progress(options["progress"]))
    count = write_sheet(rows, (configs[0].label(), configs[1].label()), out, key,
                        seed=options["seed"])
    click.echo(f"{count} rows written to {out}; key in {key} (keep it from the raters)")


@report.command("score")
@click.argument("sheet_path", metavar="SHEET", type=click.Path(path_type=Path))
@click.option("--key", "key_path", type=click.Path(path_type=Path), default=None,
              help="The key written with the sheet (default: SHEET's name + .key.json).")
@json_option
def score(sheet_path: Path, key_path: Path | None, as_json: bool) -> None:
    """Score a filled-in rating sheet: which configuration won, by how much."""
    from whyrec.eval.ratings import score_sheet

    result = score_sheet(sheet_path, key_path or sheet_path.with_suffix(".key.json"))
    if as_json:
        emit_json(result)
        return
    first, second = result["configs"]
    click.echo(f"{result['rated']} of {result['rows']} rows rated ({result['ties']} ties): "
               f"{first} {result['wins'][first]} – {result['wins'][second]} {second}")
    verdict = (f"{result['winner']} preferred" if result["winner"] else "a draw")
    click.echo(f"{verdict}; margin {result['margin']:+.2f}, sign test p = "
               f"{result['sign_test_p']:.3g}")
