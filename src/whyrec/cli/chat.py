"""``whyrec chat``: follow-up questions about one recommendation, answered from its evidence."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from whyrec.cli.common import (
    configured,
    configured_values,
    data_option,
    default_explainer,
    emit_json,
    explain_values,
    json_option,
    model_options,
    setting_option,
)
from whyrec.cli.explain import backend_options, local_only_option
from whyrec.loaders import get_model, load_data, open_db
from whyrec.settings import ExplainSettings
from whyrec.values import LANGUAGES


@click.command()
@data_option
@model_options
@click.option("--user", "user_id", required=True, help="The person asking.")
@click.option("--item", "item_id", default=None,
              help="The recommended item asked about (default: their top recommendation).")
@click.option("--ask", "questions", multiple=True, metavar="QUESTION",
              help="Ask this and exit (repeatable); otherwise questions are read from stdin.")
@setting_option("--lang", "--language", "language", setting="language",
                type=click.Choice(LANGUAGES), help="Answer language (default: the person's own).")
@backend_options
@local_only_option
@json_option
def chat(data: str, algo: str, model_dir: Path | None, params: tuple[str, ...], user_id: str,
         item_id: str | None, questions: tuple[str, ...], language: str | None, backend: str,
         llm_model: str | None, base_url: str | None, llm_timeout: float | None, repairs: int,
         prefill: bool, db_url: str | None, no_cache: bool, local_only: bool | None,
         as_json: bool) -> None:
    """Ask "why?", "why not X?", "what else like this?", "don't show me things like this"."""
    from whyrec.chat import Conversation
    from whyrec.explanation.cache import ExplanationCache
    from whyrec.pipeline import Pipeline

    settings = ExplainSettings(**explain_values(
        backend=backend, llm_model=llm_model, base_url=base_url, llm_timeout=llm_timeout,
        repairs=repairs, prefill=prefill, **configured_values("adapter", "best_of")))
    dataset = load_data(data)
    store = open_db(db_url)
    explainer, _ = default_explainer(settings, dataset, local_only=local_only,
                                     cache=None if no_cache else ExplanationCache(store))
    model = get_model(dataset, algo, model_dir, params, False)
    pipeline = Pipeline(dataset, model, explainer, store=store,
                        k_anonymity=configured("k_anonymity").value)
    if item_id is None:
        top = pipeline.recommend(user_id, 1)
        if not top:
            raise click.ClickException(f"nothing to ask about: no recommendation for {user_id}")
        item_id = top[0].item_id
    conversation = Conversation(pipeline, user_id, item_id, language=language)
    interactive = not questions and sys.stdin.isatty()
    if not as_json:
        click.echo(f"About “{conversation.recommendation.title}” [{item_id}] for {user_id} "
                   f"(conversation {conversation.id})", err=True)
    answers = []
    for question in questions or _read(interactive):
        answer = conversation.ask(question)
        answers.append(answer.to_dict())
        if not as_json:
            click.echo(answer.text)
    if as_json:
        emit_json({"conversation_id": conversation.id, "user_id": user_id, "item_id": item_id,
                   "answers": answers})


def _read(interactive: bool) -> Iterator[str]:
    """Questions from stdin, one per line (with a prompt at a terminal)."""
    while True:
        try:
            line = input("> ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        if line.strip():
            yield line.strip()
