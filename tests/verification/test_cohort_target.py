"""What a cohort's people also had is the recommended item: a sentence that names the anchor
again where the item goes ("67% of the 24 people who bought “A” also bought “A”") states a share
no fact gives, and is rejected; the anchor named before, or as the people's own item after
"also … by", is not."""

from __future__ import annotations

import pytest

from whyrec.evidence.cohort import Cohort
from whyrec.explanation.prompt import support_for
from whyrec.explanation.templates import TemplateExplainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails, Style
from whyrec.verification.verifier import Verifier
from whyrec.verification.vocabulary import Vocabulary

ITEM = "Planet Waves NS Tri-Action Capo, Silver"
ANCHOR = "D'Addario NYXL0942 Nickel Plated Electric Guitar Strings, Extra Light"
HISTORY = HistoryItem(id="hist:h1", item_id="h1", title=ANCHOR, score_share=0.6,
                      event="rating", rating=5.0)
COHORT = Cohort(id="cohort:h1:i1", anchor_item_id="h1", anchor_title=ANCHOR, co_count=16,
                anchor_count=24, share=0.6667)


def _verdict(text: str, language: str) -> object:
    rec = Recommendation(user_id="u1", item_id="i1", title=ITEM, score=1.0, rank=1,
                         algorithm="external", evidence=[HISTORY, COHORT])
    details = ItemDetails(title=ITEM)
    support = support_for(rec, details, TemplateExplainer(language=language))
    vocabulary = Vocabulary().extended(title=[ITEM, ANCHOR])
    return Verifier(vocabulary).verify(text, support, language, Style())


@pytest.mark.parametrize(("text", "language"), [
    (f"We picked \u201c{ITEM}\u201d because you rated \u201c{ANCHOR}\u201d 5/5. Also, 67% of the "
     f"24 people who bought or viewed \u201c{ANCHOR}\u201d also bought or viewed "
     f"\u201c{ANCHOR}\u201d.", "en"),
    (f"推荐《{ITEM}》，因为你给《{ANCHOR}》打了5分。而且买过《{ANCHOR}》的24人中，有67%也买过或看过"
     f"《{ANCHOR}》。", "zh"),
])
def test_a_cohort_said_to_have_had_its_anchor_again_is_rejected(text: str,
                                                                 language: str) -> None:
    verdict = _verdict(text, language)
    assert not verdict.passed
    assert any("anchor again" in s.reason for s in verdict.unsupported)


@pytest.mark.parametrize(("text", "language"), [
    (f"We picked \u201c{ITEM}\u201d because you rated \u201c{ANCHOR}\u201d 5/5. Also, 67% of the "
     f"24 people who bought or viewed \u201c{ANCHOR}\u201d also bought or viewed it.", "en"),
    (f"Since you rated \u201c{ANCHOR}\u201d 5/5, \u201c{ITEM}\u201d was also bought or viewed by "
     f"67% of the 24 people who bought or viewed \u201c{ANCHOR}\u201d.", "en"),
    (f"推荐《{ITEM}》，因为你给《{ANCHOR}》打了5分。而且买过或看过《{ANCHOR}》的24人中，有67%也买过或"
     "看过它。", "zh"),
    (f"推荐《{ITEM}》，因为你给《{ANCHOR}》打了5分。买过或看过《{ANCHOR}》的24人中，有67%也买过或看过"
     f"《{ITEM}》。", "zh"),
])
def test_a_cohort_whose_people_also_had_the_item_passes(text: str, language: str) -> None:
    verdict = _verdict(text, language)
    assert verdict.passed, verdict.unsupported
