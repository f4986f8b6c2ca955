"""A strong model's path (issue 16, item 6): a real OpenAI-compatible server on 127.0.0.1 answers
as a stronger model than the bundled one would, and whyrec's real ``openai`` backend carries its
text to the verifier; what is delivered is the model's text (possibly trimmed) or the template,
and it passes the verifier again from scratch.

The stand-in answers with XRec's own outputs (``../shared/data/xrec-dev``, the ``realdata``
tests) or, for the repair path, with a text made here. How often XRec's text is delivered is
measured by ``benchmarks/bench_strong_model.py``, not asserted here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.support.strong_model import (
    Pair,
    StrongModel,
    strong_model_server,
    without_named,
    you_voice,
)

from whyrec.api import explain, verify
from whyrec.explanation.requests import ExplanationRequest, parse_request
from whyrec.types import FallbackReason, FreeText
from whyrec.voice import spoken_to

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
XREC_DIR = BENCHMARKS.parents[1] / "shared" / "data" / "xrec-dev"
REPAIR_ASK = "That explanation has problems:"
WORD_RE = re.compile(r"[\w']+")


def sources() -> Any:
    """benchmarks/verifier_set/sources.py: how the verifier's set reads XRec's pairs."""
    sys.path.insert(0, str(BENCHMARKS / "verifier_set"))
    try:
        import sources as module
    finally:
        sys.path.remove(str(BENCHMARKS / "verifier_set"))
    return module


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower().replace("\u201c", " ").replace("\u201d", " "))


def is_trimmed_from(text: str, model_text: str) -> bool:
    """Whether ``text`` is ``model_text`` with words (sentences, clauses, list items) left out,
    in order; the only word trimming adds is the "and" that closes a shortened list."""
    remaining = iter(words(model_text))
    return all(word == "and" or word in remaining for word in words(text))


def template_text(request: ExplanationRequest) -> str:
    return explain([request], backend="template")[0].text


def check_delivered(explanation: Any, request: ExplanationRequest, model_text: str) -> None:
    """What every explanation through the stand-in must be, whatever today's verifier says."""
    assert explanation.backend == "openai"
    assert explanation.verdict is not None and explanation.verdict.passed
    if explanation.fallback:
        assert explanation.model == "template"
        assert explanation.fallback_reason is FallbackReason.VERIFICATION_FAILED
        assert explanation.text == template_text(request)
    else:
        assert explanation.model == "xrec-strong-stand-in"
        assert is_trimmed_from(explanation.text, model_text), explanation.text
    # judged again from scratch against all of the request's facts: nothing unsupported
    assert verify(explanation.text, request.recommendation, language="en").passed


@pytest.mark.realdata
def test_xrec_texts_through_the_openai_backend() -> None:
    if not XREC_DIR.is_dir():
        pytest.skip("../shared/data/xrec-dev is not here")
    src = sources()
    pairs: list[Pair] = []
    for name in src.XREC_FILES:
        rows = [r for r in src.xrec_rows(name) if r.get("xrec_prediction")][:4]
        pairs += [Pair(name, row, src.xrec_sentences(row)) for row in rows]
    server, model = strong_model_server(pairs)
    try:
        for pair in pairs:
            request = src.xrec_request(pair.source, pair.row)
            assert all(isinstance(f, FreeText) for f in request.recommendation.evidence)
            assert [f.text for f in request.recommendation.evidence] == pair.facts
            asked = len(server.requests)
            [explanation] = explain([request], backend="openai", base_url=server.url,
                                    llm_model=server.model, repairs=1, llm_timeout=10)
            sent = server.requests[asked:]
            # one request per draft, each about this pair, the first carrying the item and facts
            assert len(sent) == len(explanation.drafts) == explanation.attempts
            assert {c.pair for c in model.calls[asked:]} == {pair.key}
            assert sent[0]["model"] == server.model
            prompt = sent[0]["messages"][-1]["content"]
            assert f"\u201c{pair.row['title']}\u201d" in prompt
            # a profile of the person is said to them (explanation.voice)
            assert all(spoken_to(fact)[:40] in prompt for fact in pair.facts)
            for repair in sent[1:]:
                assert repair["messages"][-1]["content"].startswith(REPAIR_ASK)
            # the model's text reached the verifier as the server sent it (cut at max_tokens
            # and the stop string, as a real server does)
            assert [d.text for d in explanation.drafts] == server.replies[asked:]
            assert is_trimmed_from(server.replies[asked], pair.text)
            check_delivered(explanation, request, pair.text)
    finally:
        server.close()


# --- the repair path, with a text made here ---------------------------------------------------
FACT = ("Fans of Northern Mexican-style tacos and casual dining would enjoy Sonoratown as a "
        "lunch or dinner destination.")
FACTS = ["The user is likely to enjoy casual dining with burger cuisine.", FACT]
REQUEST = {"user_id": "x1", "language": "en", "item": {"id": "s1", "title": "Sonoratown"},
           "evidence": FACTS}
#: a backed sentence, then an invented name the verifier must catch
GOOD = ("Fans of Northern Mexican-style tacos and casual dining would enjoy \u201cSonoratown\u201d "
        "as a lunch or dinner destination.")
ANSWER = GOOD + " It is run by the team behind \u201cTaco Palace Downtown\u201d."


def made_pair() -> Pair:
    row = {"uid": 1, "iid": 1, "title": "Sonoratown", "user_summary": "", "item_summary": FACT,
           "xrec_prediction": ANSWER}
    return Pair("made", row, FACTS)


@pytest.mark.parametrize("trim", [True, False])
def test_a_rejected_sentence_is_dropped_or_the_template_delivered(trim: bool) -> None:
    request = parse_request(REQUEST)
    pair = made_pair()
    assert pair.text == ANSWER
    server, model = strong_model_server([pair], trim_on_repair=trim)
    try:
        [explanation] = explain([request], backend="openai", base_url=server.url,
                                llm_model=server.model, repairs=2, llm_timeout=10)
    finally:
        server.close()
    assert len(server.requests) == explanation.attempts == len(explanation.drafts)
    assert not explanation.drafts[0].passed  # the invented name is caught
    check_delivered(explanation, request, ANSWER)
    for sent in server.requests[1:]:
        complaint = sent["messages"][-1]["content"]
        assert complaint.startswith(REPAIR_ASK) and "Taco Palace Downtown" in complaint
        assert sent["messages"][-2] == {"role": "assistant", "content": ANSWER}
    if trim:  # the stand-in drops the sentence named, or the explainer already did
        assert not explanation.fallback and explanation.text == GOOD
        assert explanation.attempts == 1 or model.calls[-1].trimmed
    elif explanation.fallback:  # it answers the same text every time
        assert [d.text for d in explanation.drafts] == [ANSWER] * 3


def test_you_voice_names_the_item_and_speaks_to_the_person() -> None:
    assert you_voice("The user would enjoy the business because they appreciate fresh "
                     "tortillas, making it a great spot for their lunch.", "Sonoratown") == (
        "You would enjoy \u201cSonoratown\u201d because you appreciate fresh tortillas, making "
        "it a great spot for your lunch.")
    # XRec's own spelling of the name becomes the catalog's; "for their tacos" is the business's
    assert you_voice("The user would enjoy Sonora Town for their tacos. The user is a regular.",
                     "Sonoratown") == (
        "You would enjoy \u201cSonoratown\u201d for its tacos. You are a regular.")
    assert you_voice('"I enjoy this place because it is quiet."', "Quiet Cafe") == (
        "You enjoy \u201cQuiet Cafe\u201d because it is quiet.")
    assert you_voice("Great tacos.", "Sonoratown") == (
        "We recommend \u201cSonoratown\u201d. Great tacos.")


def test_without_named_drops_only_what_the_complaint_quotes() -> None:
    complaint = ("That explanation has problems: 'Taco Palace Downtown' is not a name in the "
                 "facts. Write it again using only the facts above, and name "
                 "\u201cSonoratown\u201d.")
    assert without_named(ANSWER, complaint, "Sonoratown") == GOOD
    assert without_named(GOOD, complaint, "Sonoratown") is None  # nothing to drop
    # dropping would leave no sentence naming the item: answer the same text instead
    assert without_named("You would like \u201cSonoratown\u201d near \u201cTaco Palace "
                         "Downtown\u201d.", complaint, "Sonoratown") is None
    assert StrongModel([made_pair()]).find([{"role": "user", "content": "hello"}]) is None


def test_the_server_streams_and_lists_its_model() -> None:
    import openai

    from whyrec.backends.openai_compat import OpenAIBackend

    server, _ = strong_model_server([made_pair()])
    try:
        backend = OpenAIBackend(base_url=server.url, model=server.model, timeout=10, retries=0)
        prompt = explain_prompt()
        pieces = list(backend.stream(prompt, max_tokens=200))
        assert len(pieces) > 1 and "".join(pieces) == ANSWER
        # a real server cuts at max_tokens, on a word boundary
        short = backend.complete(prompt, max_tokens=10).text
        assert ANSWER.startswith(short) and 0 < len(short) <= 40
        client = openai.OpenAI(base_url=server.url, api_key="not-needed", max_retries=0)
        assert [m.id for m in client.models.list()] == [server.model]
        client.close()
    finally:
        server.close()
    assert server.cut_replies == 1 and len(server.requests) == 2


def explain_prompt() -> list[Any]:
    """The first request the explainer sends for the made pair."""
    from whyrec.explanation.explainer import Explainer

    request = parse_request(REQUEST)
    prompt, _, _ = Explainer("template").prompt_for(request.recommendation,
                                                    details=request.details)
    return list(prompt.messages)
