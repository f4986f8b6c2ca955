"""A title named without its leading article ("Northern Observatory" for "The Northern
Observatory", a bundled model's draft the verifier rejected) is the same title: the claims
about it are still checked."""

from __future__ import annotations

import pytest

from whyrec.explanation.explainer import Explainer
from whyrec.text import title_variants
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

OBSERVATORY = HistoryItem(id="hist:h1", item_id="h1", title="The Northern Observatory",
                          score_share=0.6, event="click")
REC = Recommendation(user_id="u1", item_id="i1", title="The Forgotten Lighthouse", score=1.0,
                     rank=1, algorithm="external", evidence=[OBSERVATORY])


def _kinds(text: str) -> list[str]:
    verdict = Explainer("template").verify(text, REC, language="en",
                                           details=ItemDetails(title=REC.title))
    return [span.kind for span in verdict.unsupported]


def test_the_variants_hold_the_title_without_its_article() -> None:
    assert "Northern Observatory" in title_variants("The Northern Observatory")
    assert "Ring" not in title_variants("The Ring")  # one word left is no name of its own
    assert "Matrix" in title_variants("Matrix, The")  # as before


def test_a_faithful_draft_without_the_article_passes() -> None:
    assert _kinds("“The Forgotten Lighthouse” may be one for you, because you looked at "
                  "“Northern Observatory”.") == []


@pytest.mark.parametrize("text, kind", [
    ("“The Forgotten Lighthouse” may be one for you, because you bought “Northern "
     "Observatory”.", "event"),  # it was clicked, not bought
    ("“The Forgotten Lighthouse” may be one for you, because you looked at “Northern "
     "Kitchen”.", "title"),
])
def test_claims_about_it_are_still_checked(text: str, kind: str) -> None:
    assert kind in _kinds(text)
