"""A title with its own sentence mark ("O Brother, Where Art Thou? (2000)") ends no sentence:
named twice it is not a sentence said twice, and trimming never cuts inside it."""

from __future__ import annotations

from whyrec.explanation.explainer import Explainer
from whyrec.text import split_sentences
from whyrec.types import HistoryItem, Recommendation, Verdict
from whyrec.values import ItemDetails
from whyrec.verification.trim import passing_part

TITLE = "O Brother, Where Art Thou? (2000)"
HISTORY = HistoryItem(id="hist:h1", item_id="h1", title=TITLE, score_share=0.6,
                      event="rating", rating=5.0)


def _rec() -> Recommendation:
    return Recommendation(user_id="u1", item_id="i1", title="Fargo (1996)", score=1.0, rank=1,
                          algorithm="external", evidence=[HISTORY])


def _verdict(text: str) -> Verdict:
    rec = _rec()
    return Explainer("template").verify(text, rec, details=ItemDetails(title=rec.title))


def test_sentences_are_cut_outside_titles_only() -> None:
    text = f"We picked “Fargo (1996)”. You rated “{TITLE}” 5/5! 《{TITLE}》很好。Done."
    assert split_sentences(text) == [
        "We picked “Fargo (1996)”.", f"You rated “{TITLE}” 5/5!", f"《{TITLE}》很好。", "Done."]
    assert split_sentences(f'a "{TITLE.casefold()}" b. c') == [f'a "{TITLE.casefold()}" b.', "c"]


def test_a_title_named_twice_is_not_a_repeated_sentence() -> None:
    text = (f"We picked “Fargo (1996)” because you rated “{TITLE}” 5/5. "
            f"Like “{TITLE}”, it is a film you may enjoy.")
    assert not any(span.kind == "repetition" for span in _verdict(text).unsupported)
    # a sentence really said twice is still caught
    twice = (f"We picked “Fargo (1996)” because you rated “{TITLE}” 5/5. "
             f"We picked “Fargo (1996)” because you rated “{TITLE}” 5/5.")
    assert any(span.kind == "repetition" for span in _verdict(twice).unsupported)


def test_trimming_never_keeps_half_a_title() -> None:
    text = (f"We picked “Fargo (1996)” because you rated “{TITLE}” 5/5. "
            f"“{TITLE}” is number 25 on your list. It is the best film ever made.")
    tried: list[str] = []

    def verify(candidate: str) -> Verdict:
        tried.append(candidate)
        return _verdict(candidate)

    kept = passing_part(text, "en", verify)
    assert kept is not None and "best" not in kept
    # every candidate holds each title whole: no "(2000)” is number 25…"
    assert all(candidate.count("“") == candidate.count("”") for candidate in tried)
    assert not any(candidate.startswith("(2000)") or " (2000)”" in candidate.replace(
        f"“{TITLE}”", "") for candidate in tried)
