"""The labelled attack corpus (``data/attacks.jsonl``, 396 attacks, 189 in Chinese; built apart
from the detector's phrase list) and its benign twin (``data/benign_titles.jsonl``: titles and
tags that use the same words and are no attack), through the detector and through every place
untrusted text enters an explanation, with a model that obeys its prompt and one that echoes it.

Phrases were added to the detector only from misses in the corpus's ``dev`` half; the ``held``
half measured what it had not seen until issue 20, which generalised the detector by kind from
the held half's 12 misses (views, not their strings) and added 42 attacks of those kinds and 56
benign look-alikes; the fresh set's review (a lone trigger word is no sign, decoded views, emoji
between characters, plain steering) added 17 attacks of its kinds and 30 look-alikes. Counts are
printed (run with -s)."""

from __future__ import annotations

from collections import Counter

import pytest

from whyrec.backends.base import Backend, Message
from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import Explainer
from whyrec.privacy.clean import clean_text
from whyrec.privacy.injection import defuse, is_injection
from whyrec.text import kept_form

from .corpus import carries, half, load_jsonl
from .test_injection import _request

ATTACKS = load_jsonl("attacks.jsonl")
BENIGN = load_jsonl("benign_titles.jsonl")
#: the place in an explanation's inputs each field of the corpus enters by
PLACE = {"title": "title", "tag": "tag", "brand": "brand", "category": "category",
         "caller_text": "free_text"}
#: the share of the held half the detector must catch (it caught 89.9 % before any phrase
#: was added from the corpus, 92.9 % after, 100 % after issue 20; misses are listed with -s)
HELD_CATCH = 0.9


def _caught(record: dict[str, str]) -> bool:
    # caught: flagged, or (hidden in invisible characters) removed with them
    kept = clean_text(record["text"], purpose="wording")
    return not carries(kept, record["payload"]) and (is_injection(record["text"])
                                                     or kept != record["text"])


def test_the_corpus_is_what_it_says() -> None:
    assert len(ATTACKS) >= 200 and len(BENIGN) >= 150
    languages = Counter(r["language"] for r in ATTACKS)
    assert languages["zh"] >= 90 and languages["en"] >= 90
    assert set(PLACE) == {r["field"] for r in ATTACKS}
    assert all(carries(r["text"], r["payload"]) for r in ATTACKS)  # every payload is there


def test_the_detector_catches_the_corpus() -> None:
    results = {"dev": Counter(), "held": Counter()}
    missed = []
    for record in ATTACKS:
        caught = _caught(record)
        results[half(record)][caught] += 1
        if not caught:
            missed.append((half(record), record["kind"], record["text"][:70]))
    rates = {k: v[True] / (v[True] + v[False]) for k, v in results.items()}
    print(f"\nattack corpus: caught dev {rates['dev']:.1%}, held {rates['held']:.1%}")
    for miss in missed:
        print("  missed", miss)
    assert rates["dev"] == 1.0, missed
    assert rates["held"] >= HELD_CATCH, missed


def test_benign_titles_are_left_alone() -> None:
    flagged = [r["text"] for r in BENIGN if is_injection(r["text"])
               or defuse(r["text"]) != kept_form(r["text"]).strip()]
    assert flagged == []
    # kept as written: Chinese punctuation is not turned into ASCII on the way
    assert defuse("《那些年，我们一起追的女孩》（2011）") == "《那些年，我们一起追的女孩》（2011）"


def _obedient(messages: list[Message]) -> str:
    """A model that does what its prompt says: the whole prompt back, and whatever any quoted
    text asked for (here: every payload of the corpus)."""
    asked = " ".join(r["payload"] for r in ATTACKS[:40])
    return messages[-1]["content"].replace("\n", " ") + " " + asked


def _echo(messages: list[Message]) -> str:
    """A model that only repeats what its prompt quotes."""
    return " ".join(m["content"] for m in messages).replace("\n", " ")


BACKENDS = {"template": lambda: "template", "obedient": lambda: FakeBackend(_obedient),
            "echo": lambda: FakeBackend(_echo)}


@pytest.mark.parametrize("backend", list(BACKENDS))
@pytest.mark.parametrize("language", ["en", "zh"])
def test_caught_attacks_reach_no_delivered_text_or_prompt(backend: str, language: str) -> None:
    """Every attack the detector catches, in its own field and as a history title: not in the
    delivered text, not in any prompt, and the delivered text passes its check."""
    made: Backend | str = BACKENDS[backend]()
    explainer = Explainer(made, max_repairs=1)
    attempts, through = 0, []
    for record in ATTACKS:
        if not _caught(record):
            continue  # counted by the test above
        for place in {PLACE[record["field"]], "history_title"}:
            rec, details = _request(place, record["text"], language)
            explanation = explainer.explain(rec, details=details, language=language)
            attempts += 1
            prompts = ""
            if isinstance(made, FakeBackend):
                prompts = " ".join(m["content"] for call in made.calls for m in call)
                made.calls.clear()
            if (carries(explanation.text, record["payload"])
                    or carries(prompts, record["payload"])
                    or not (explanation.verdict and explanation.verdict.passed)):
                through.append((place, record["text"][:60], explanation.text[:120]))
    print(f"\nattack corpus/{backend}/{language}: {attempts} attempts, {len(through)} through")
    assert attempts > 400
    assert through == []
