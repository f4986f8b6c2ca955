"""``whyrec forget``: remove one person from the store, the data folder, a saved model and batch
outputs.

Everything is checked before anything changes. Forgetting in the store alone needs no
confirmation (it is what the service's admins and scripts do); rewriting files (a data folder,
a model, batch outputs) needs ``--yes``, or a "y" at the prompt when stdin is a terminal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from whyrec.cli.common import emit_json, json_option, store_option
from whyrec.errors import ConfigError, WhyrecError
from whyrec.loaders import open_db

if TYPE_CHECKING:  # imported when the command runs, so that `whyrec --help` stays light
    from whyrec.forget import ForgetReport


@click.command()
@click.option("--user", "user_id", required=True, help="The person to forget.")
@store_option
@click.option("--data", "data", default=None, metavar="DIR",
              help="Also remove their rows from this dataset folder (files rewritten in place; "
                   "--backup keeps a copy of each as NAME.bak-<time>).")
@click.option("--recommender", "model_dir", type=click.Path(path_type=Path), default=None,
              metavar="DIR", help="Retrain this saved recommender without them (needs --data).")
@click.option("--batch-output", "batch_outputs", multiple=True, type=click.Path(path_type=Path),
              metavar="DIR", help="Also remove their rows from this 'whyrec batch' output "
                                  "(repeatable): shards rewritten, checksums updated.")
@click.option("--yes", "-y", "yes", is_flag=True,
              help="Rewrite the files without asking (needed when stdin is not a terminal).")
@click.option("--backup", "backup", is_flag=True,
              help="Keep a copy of each data file as NAME.bak-<time> before rewriting it. Off "
                   "by default: the copy still holds the person, and forgetting is the point.")
@json_option
def forget(user_id: str, db_url: str | None, data: str | None, model_dir: Path | None,
           batch_outputs: tuple[Path, ...], yes: bool, backup: bool, as_json: bool) -> None:
    """Forget USER: feedback, preferences, cached and recorded explanations, conversations,
    recommenders 'whyrec serve' kept that list them; with --data their interactions, with
    --recommender the model's memory of them (retrained), with --batch-output their rows in
    batch shards.
    """
    targets = _check_targets(data, model_dir, batch_outputs)
    if targets.files and not yes:
        _confirm(user_id, targets.files)
    report = _forget(user_id, db_url, targets, backup=backup)
    if as_json:
        emit_json(report.to_dict())
        return
    _print(report)


@dataclass(frozen=True)
class _Targets:
    """The checked places to forget in besides the store."""

    data: Path | None
    model_dir: Path | None
    batch_outputs: list[Path]

    @property
    def files(self) -> list[str]:
        """What will be rewritten, in words (for the confirmation)."""
        return ([f"the data files in {self.data}"] if self.data else []) \
            + ([f"the recommender in {self.model_dir}"] if self.model_dir else []) \
            + [f"the batch output {out}" for out in self.batch_outputs]


def _check_targets(data: str | None, model_dir: Path | None,
                   batch_outputs: tuple[Path, ...]) -> _Targets:
    """Every option checked (paths contained, folders of the right kind) before any change."""
    from whyrec.batch.forget import open_batch_output
    from whyrec.forget import check_model_dir, people_files_to_rewrite
    from whyrec.privacy.limits import contained

    if model_dir is not None and data is None:
        raise ConfigError("--recommender needs --data: the model is retrained on the data "
                          "without the person")
    if data == "demo":
        raise ConfigError("the bundled demo data cannot be changed; copy it to a folder and "
                          "pass that folder")
    folder = None
    if data is not None:
        folder = contained(data, what="--data").expanduser().resolve()
        people_files_to_rewrite(folder)
    model = None if model_dir is None else check_model_dir(
        contained(model_dir, what="--recommender"))
    outputs = [contained(out, what="--batch-output") for out in batch_outputs]
    for out in outputs:
        open_batch_output(out)
    return _Targets(folder, model, outputs)


def _confirm(user_id: str, files: list[str]) -> None:
    """Ask at a terminal; elsewhere ``--yes`` is the confirmation (one line, nothing changed)."""
    listing = ", ".join(files)
    if not sys.stdin.isatty():
        raise ConfigError(f"forget rewrites {listing}; pass --yes to confirm "
                          "(nothing was changed)")
    if not click.confirm(f"Forget {user_id} and rewrite {listing}?", err=True):
        raise WhyrecError("not confirmed; nothing was changed")


def _forget(user_id: str, db_url: str | None, targets: _Targets, *,
            backup: bool) -> ForgetReport:
    from whyrec.batch.forget import forget_in_batch_output
    from whyrec.forget import (
        ForgetReport,
        forget_in_folder,
        forget_in_kept_models,
        forget_in_store,
        retrain,
    )

    report = ForgetReport(user_id=user_id)
    report.store = forget_in_store(open_db(db_url), user_id)
    report.kept_models = forget_in_kept_models(user_id)
    if targets.data is not None:
        from whyrec.data.load import load_dataset

        changed = forget_in_folder(targets.data, user_id, backup=backup)
        report.data_rows = changed.rows
        report.backups = [str(path) for path in changed.backups]
        if targets.model_dir is not None:
            report.model = retrain(targets.model_dir, load_dataset(targets.data), user_id)
    report.batch_outputs = [forget_in_batch_output(out, user_id).to_dict()
                            for out in targets.batch_outputs]
    return report


def _print(report: ForgetReport) -> None:
    stored = sum(n for k, n in report.store.items()
                 if k not in ("cached_cohort_statistics", "privacy_releases"))
    click.echo(f"forgot {report.user_id}: {stored} stored row(s) about them removed "
               f"({', '.join(f'{k} {n}' for k, n in report.store.items() if n) or 'none'})")
    if report.data_rows:
        click.echo("data: " + ", ".join(f"{n} row(s) from {name}"
                                        for name, n in report.data_rows.items()))
    for backup in report.backups:
        click.echo(f"backup: {backup} (still holds them: delete it once you have checked)")
    if report.model:
        click.echo(f"model: {report.model}")
    if report.kept_models:
        click.echo(f"kept models: {report.kept_models} recommender(s) kept by 'whyrec serve' "
                   "deleted (the next start trains afresh)")
    for out in report.batch_outputs:
        parts = [f"{out['rows']} row(s) from {len(out['shards'])} shard(s)"]
        parts += [f"shard {d['shard']} deleted ({d['why']}; a resumed run rebuilds it)"
                  for d in out["damaged_removed"]]
        if out["recommender"]:
            parts.append(out["recommender"])
        click.echo(f"batch {out['out']}: " + "; ".join(parts))
