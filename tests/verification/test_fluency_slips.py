"""Slips of the bundled model that were delivered: a word said twice at a sentence's end (the
full stop hid the repeat), "yourself" in a clause about other people."""

from __future__ import annotations

import pytest

from whyrec.explanation.explainer import Explainer
from whyrec.types import Cohort, HistoryItem, Recommendation
from whyrec.values import ItemDetails

ITEM, SEEN = "Apollo 13 (1995)", "Fugitive, The (1993)"


def _verdict(text: str):
    rated = HistoryItem(id="hist:f", item_id="f", title=SEEN, score_share=0.6, event="rating",
                        rating=4.5 if "4.5/5" in text else 5.0)
    cohort = Cohort(id="cohort:f", anchor_item_id="f", anchor_title=SEEN, co_count=60,
                    anchor_count=120, share=0.5)
    rec = Recommendation(user_id="u1", item_id="a", title=ITEM, score=1.0, rank=1,
                         algorithm="external", evidence=[rated, cohort])
    return Explainer("template").verify(text, rec, details=ItemDetails(title=ITEM))


@pytest.mark.parametrize("text", [
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 5/5. Plus, people who watched "
    f"“{SEEN}” often chose it too yourself yourself.",
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 5/5. Plus, people who watched "
    f"“{SEEN}” often chose it too yourself.",
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 5/5 yourself yourself.",
])
def test_a_slip_fails(text: str) -> None:
    verdict = _verdict(text)
    assert not verdict.passed
    assert {u.kind for u in verdict.unsupported} == {"fluency"}


@pytest.mark.parametrize("text", [
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 5/5 yourself. Plus, people who "
    f"watched “{SEEN}” often chose it too.",
    # a rating's decimal point ends no clause (the bundled model's drafts fell back on it)
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 4.5/5 yourself.",
    f"We would suggest “{ITEM}”, since you rated “{SEEN}” 5/5.",
])
def test_the_same_without_the_slip_passes(text: str) -> None:
    verdict = _verdict(text)
    assert verdict.passed, verdict.unsupported


def test_people_doing_a_deed_to_nothing_or_to_the_person_fails() -> None:
    from whyrec.verification.claims import _fluency_problem

    # delivered: "Plus, 49 people checked out." and "而且已有31人买过你。"
    assert _fluency_problem("Plus, 49 people checked out.", "en") is not None
    assert _fluency_problem("Plus, 49 people checked out \ue000.", "en") is None
    assert _fluency_problem("而且已有31人买过你。", "zh") is not None
    assert _fluency_problem("而且已有31人买过它。", "zh") is None


def test_a_chinese_function_word_said_twice_fails() -> None:
    from whyrec.verification.claims import _fluency_problem

    # delivered: "而且在买过《X》的67人里，17人也也买过。"
    assert _fluency_problem("而且在买过\ue000的67人里，17人也也买过。", "zh") is not None
    assert _fluency_problem("而且在买过\ue000的67人里，17人也买过。", "zh") is None
    assert _fluency_problem("看过\ue000的人常常也选择它。", "zh") is None
