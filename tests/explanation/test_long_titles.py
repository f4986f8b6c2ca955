"""A long title is quoted whole in the prompt, so a model that copies it names a real item: cut
("… endless tone ben…"), the copy was a name the verifier could not tell from an invented one
(and "12" and "Two" in it were numbers no fact gives), and the bundled model's drafts on
Amazon's long product names fell back to the template."""

from __future__ import annotations

import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import Explainer
from whyrec.types import Cohort, HistoryItem, Recommendation
from whyrec.values import ItemDetails

PEDAL = ("Joyo JF-12 Ultimate Octava: Fuzz/Octave Pedal with Distortion and Octave guitar "
         "effects - Two in ONE - endless tone bending possibilities")
ITEM = ("Planet Waves Classic Series Instrument Cable with Right Angle Plug, Straight Plug and "
        "a Braided Jacket for Pedalboards, 10 feet, Black")


def _rec() -> Recommendation:
    history = HistoryItem(id="hist:h1", item_id="h1", title=PEDAL, score_share=0.7,
                          event="rating", rating=4.0)
    cohort = Cohort(id="cohort:h1", anchor_item_id="h1", anchor_title=PEDAL, co_count=4,
                    anchor_count=16, share=0.25)
    return Recommendation(user_id="u1", item_id="i1", title=ITEM, score=1.0, rank=1,
                          algorithm="external", evidence=[history, cohort])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_prompt_quotes_long_titles_whole(language: str) -> None:
    assert len(PEDAL) > 120 and len(ITEM) > 120
    prompt, _, start = Explainer(FakeBackend(prefill=True)).prompt_for(
        _rec(), language=language, details=ItemDetails(title=ITEM))
    request = prompt.messages[-1]["content"]
    assert request.count(PEDAL) == 2 and ITEM in request and ITEM in start
    assert "…" not in request + start


def test_a_draft_copying_a_long_title_is_delivered() -> None:
    draft = f"\u201c{ITEM}\u201d is recommended for you since you rated \u201c{PEDAL}\u201d 4/5."
    explanation = Explainer(FakeBackend([draft])).explain(_rec(), language="en",
                                                          details=ItemDetails(title=ITEM))
    assert not explanation.fallback, explanation.drafts[0].unsupported
    assert explanation.text == draft
