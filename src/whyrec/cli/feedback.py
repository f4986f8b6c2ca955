"""``whyrec feedback``: react to an explanation, see and reset what a person's feedback taught."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import click

from whyrec.cli.common import emit_json, json_option, store_option
from whyrec.loaders import open_db


@click.group()
def feedback() -> None:
    """Feedback on explanations: add, list, show preferences, reset."""


@feedback.command("add")
@click.argument("explanation_id")
@click.argument("kind")
@click.argument("aspect", required=False)
@click.option("--comment", default=None, help="Free text (for KIND 'comment', or a note).")
@click.option("--event-id", default=None,
              help="Idempotency key: sending the same event id twice stores it once.")
@store_option
@json_option
def add(explanation_id: str, kind: str, aspect: str | None, comment: str | None,
        event_id: str | None, db_url: str | None, as_json: bool) -> None:
    """Record KIND feedback on the explanation EXPLANATION_ID (printed by 'whyrec explain').

    KIND: helpful, not_helpful, too_long, too_short, too_technical, not_relevant,
    dont_mention ASPECT, more_about ASPECT, language en|zh, not_like_this, comment.
    ASPECT: history, features, others, ratings, trends, price.
    """
    from whyrec.feedback.events import FeedbackEvent, record_feedback
    from whyrec.feedback.preferences import preferences_for

    store = open_db(db_url)
    event = FeedbackEvent(explanation_id=explanation_id, kind=kind, aspect=aspect,
                          comment=comment)
    if event_id:
        event = replace(event, event_id=event_id)
    stored = record_feedback(store, event)
    user = stored[0].user_id if stored else None
    prefs = preferences_for(store, user) if user else None
    if as_json:
        emit_json({"stored": [e.to_dict() for e in stored],
                   "preferences": prefs.to_dict() if prefs else None})
        return
    if not stored:
        click.echo(f"already stored (event {event.event_id})")
        return
    click.echo(f"stored {kind}{' ' + stored[0].aspect if stored[0].aspect else ''} "
               f"on {explanation_id} for {user}")
    if prefs is not None and prefs.notes():
        click.echo("next explanations: " + "; ".join(prefs.notes()))


@feedback.command("show")
@click.argument("user_id")
@store_option
@json_option
def show(user_id: str, db_url: str | None, as_json: bool) -> None:
    """The preferences USER_ID's feedback has set."""
    from whyrec.feedback.preferences import preferences_for

    prefs = preferences_for(open_db(db_url), user_id)
    if as_json:
        emit_json(prefs.to_dict())
        return
    notes = prefs.notes()
    click.echo(f"{user_id}: {prefs.n_events} feedback event(s)")
    click.echo("  " + ("; ".join(notes) if notes else "no preferences yet (default style)"))


@feedback.command("list")
@click.option("--user", "user_id", default=None, help="Only this person's events.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@store_option
@json_option
def list_events(user_id: str | None, limit: int, db_url: str | None, as_json: bool) -> None:
    """Stored feedback events, oldest first."""
    from whyrec.feedback.events import feedback_for

    events = feedback_for(open_db(db_url), user_id, limit=limit)
    if as_json:
        emit_json([e.to_dict() for e in events])
        return
    for event in events:
        when = datetime.fromtimestamp(event.created_at, UTC).strftime("%Y-%m-%d %H:%M")
        extra = f" {event.aspect}" if event.aspect else ""
        extra += f" {event.comment!r}" if event.comment else ""
        click.echo(f"{when}  {event.user_id}  {event.item_id}  {event.kind}{extra}")


@feedback.command("reset")
@click.argument("user_id")
@store_option
def reset(user_id: str, db_url: str | None) -> None:
    """Forget USER_ID's feedback from now on (the events stay stored for the record)."""
    from whyrec.feedback.preferences import reset_preferences

    reset_preferences(open_db(db_url), user_id)
    click.echo(f"preferences of {user_id} reset")
