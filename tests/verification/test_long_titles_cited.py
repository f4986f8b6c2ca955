"""A title is cited by one of its names, however long it is: a catalog's long titles (Amazon's
run to twenty words) were read as reasons in words, cited by any three of their content words,
so naming the recommended item or another title that shares a maker and a noun counted as
stating a history fact ("Electro-Harmonix … Pedal" stated "Electro-Harmonix LPB-1 Linear Power
Booster Preamp Pedal"): facts per text were overcounted and sentence planning never said the
fact. A caller's reason in words is still cited by a rewording."""

from __future__ import annotations

import pytest

from whyrec.evidence.free_text import FreeText
from whyrec.explanation.prompt import support_for
from whyrec.explanation.templates import TemplateExplainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

ITEM = "Electro-Harmonix Little Big Muff Distortion Pedal"
PHASER = HistoryItem(id="hist:h1", item_id="h1", title="MXR Phase 90 Effects Pedal",
                     score_share=0.5, event="rating", rating=3.0)
BOOSTER = HistoryItem(id="hist:h2", item_id="h2",
                      title="Electro-Harmonix LPB-1 Linear Power Booster Preamp Pedal",
                      score_share=0.3, event="rating", rating=3.0)
CABLE = HistoryItem(id="hist:h3", item_id="h3",
                    title="Planet Waves Classic Series Instrument Cable with Right Angle Plug",
                    score_share=0.2, event="rating", rating=5.0)


def _cited(text: str, language: str, *extra: object) -> list[str]:
    rec = Recommendation(user_id="u1", item_id="i1", title=ITEM, score=1.0, rank=1,
                         algorithm="external", evidence=[PHASER, BOOSTER, CABLE, *extra])
    return support_for(rec, ItemDetails(title=ITEM),
                       TemplateExplainer(language=language)).cited_ids(text)


@pytest.mark.parametrize(("text", "language"), [
    (f"We picked \u201c{ITEM}\u201d because you rated \u201cMXR Phase 90 Effects Pedal\u201d 3/5.",
     "en"),
    (f"推荐《{ITEM}》，因为你给《MXR Phase 90 Effects Pedal》打了3分。", "zh"),
])
def test_a_long_title_is_not_stated_by_the_words_it_shares_with_other_titles(
        text: str, language: str) -> None:
    assert _cited(text, language) == ["hist:h1"]


@pytest.mark.parametrize(("text", "language"), [
    (f"We picked \u201c{ITEM}\u201d because you rated \u201c{BOOSTER.title}\u201d 3/5.", "en"),
    (f"推荐《{ITEM}》，因为你给《{BOOSTER.title}》打了3分。", "zh"),
])
def test_a_long_title_named_states_its_fact(text: str, language: str) -> None:
    assert _cited(text, language) == ["hist:h2"]


def test_a_long_title_is_not_stated_by_a_rewording_of_it() -> None:
    """Its words in another order name no item the person had (the title check rejects an
    invented name; the count must not take it for the real one either)."""
    text = (f"We picked \u201c{ITEM}\u201d since you liked a classic right angle instrument "
            "cable from Planet Waves.")
    assert "hist:h3" not in _cited(text, "en")


def test_a_reason_in_words_is_still_cited_by_a_rewording() -> None:
    reason = FreeText(id="free:1", text="The user enjoys loud fuzzy distortion for heavy riffs",
                      about="user")
    text = f"We picked \u201c{ITEM}\u201d because you enjoy heavy riffs with fuzzy distortion."
    assert "free:1" in _cited(text, "en", reason)
