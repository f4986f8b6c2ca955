"""``whyrec forget``: remove one person from the store, the data folder and a saved model."""

from __future__ import annotations

from pathlib import Path

import click

from whyrec.cli.common import emit_json, json_option, store_option
from whyrec.errors import ConfigError
from whyrec.loaders import open_db


@click.command()
@click.option("--user", "user_id", required=True, help="The person to forget.")
@store_option
@click.option("--data", "data", default=None, metavar="DIR",
              help="Also remove their interactions from this dataset folder (files rewritten).")
@click.option("--recommender", "model_dir", type=click.Path(path_type=Path), default=None,
              metavar="DIR", help="Retrain this saved recommender without them (needs --data).")
@json_option
def forget(user_id: str, db_url: str | None, data: str | None, model_dir: Path | None,
           as_json: bool) -> None:
    """Forget USER: feedback, preferences, cached and recorded explanations, conversations;
    with --data their interactions, with --recommender the model's memory of them (retrained).
    """
    from whyrec.forget import ForgetReport, forget_in_folder, forget_in_store, retrain
    from whyrec.privacy.limits import contained

    if model_dir is not None and data is None:
        raise ConfigError("--recommender needs --data: the model is retrained on the data "
                          "without the person")
    if data == "demo":
        raise ConfigError("the bundled demo data cannot be changed; copy it to a folder and "
                          "pass that folder")
    report = ForgetReport(user_id=user_id)
    report.store = forget_in_store(open_db(db_url), user_id)
    if data is not None:
        from whyrec.data.load import load_dataset

        folder = contained(data, what="--data")
        report.data_rows = forget_in_folder(folder, user_id)
        if model_dir is not None:
            report.model = retrain(contained(model_dir, what="--recommender"),
                                   load_dataset(folder))
    if as_json:
        emit_json(report.to_dict())
        return
    stored = sum(n for k, n in report.store.items()
                 if k not in ("cached_cohort_statistics", "privacy_releases"))
    click.echo(f"forgot {user_id}: {stored} stored row(s) about them removed "
               f"({', '.join(f'{k} {n}' for k, n in report.store.items() if n) or 'none'})")
    if report.data_rows:
        click.echo("data: " + ", ".join(f"{n} row(s) from {name}"
                                        for name, n in report.data_rows.items()))
    if report.model:
        click.echo(f"model: {report.model}")
