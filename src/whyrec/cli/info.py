"""``whyrec info``: what a dataset holds and what validation repaired."""

from __future__ import annotations

import click

from whyrec.cli.common import data_option, emit_json, json_option
from whyrec.loaders import load_data


@click.command()
@data_option
@json_option
def info(data: str, as_json: bool) -> None:
    """Summarise a dataset and its validation report."""
    summary = load_data(data).summary()
    if as_json:
        emit_json(summary)
        return
    click.echo(f"{summary['name']} ({summary['domain']}): {summary['n_users']} people, "
               f"{summary['n_items']} items, {summary['n_interactions']} interactions")
    click.echo("events: " + ", ".join(f"{k} {v}" for k, v in summary["events"].items()))
    report = summary["validation"]
    for key in ("unknown_item_rows", "duplicate_rows", "dropped_rows", "users_without_history"):
        if report.get(key):
            click.echo(f"{key.replace('_', ' ')}: {report[key]}")
    for warning in report.get("warnings", []):
        click.echo(f"warning: {warning}")
