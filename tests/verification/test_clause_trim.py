"""Clause-level repair and the checks added with it: a failing sentence keeps the head that holds,
a list cut short gets its "and", attributes of the item need facts about the item, a past
experience needs a liking, a cohort's size and overlap stay in their places."""

from __future__ import annotations

import pytest

from whyrec.api import verify
from whyrec.explanation.requests import parse_request
from whyrec.types import Cohort, FreeText, HistoryItem, Recommendation
from whyrec.verification.trim import heads, without_failing_claims

USER = "The user is likely to enjoy businesses with friendly staff and live music."
ITEM = "Fans of cozy atmospheres and strong coffee would enjoy Bean Hall."


def request(*facts: dict[str, str] | str) -> Recommendation:
    return parse_request({"user_id": "u1", "language": "en",
                          "item": {"id": "b1", "title": "Bean Hall"},
                          "evidence": list(facts)}).recommendation


def profiles(user_about: str = "user") -> Recommendation:
    return request({"kind": "free_text", "text": USER, "about": user_about},
                   {"kind": "free_text", "text": ITEM, "about": "item"})


def recheck(rec: Recommendation):  # type: ignore[no-untyped-def]
    return lambda text: verify(text, rec, language="en")


def test_a_failing_sentence_keeps_the_head_that_holds() -> None:
    rec = profiles()
    draft = ("You would enjoy \u201cBean Hall\u201d for its cozy atmosphere, making it a great "
             "spot for a first date.")
    verdict = verify(draft, rec, language="en")
    assert not verdict.passed and {s.kind for s in verdict.unsupported} == {"attribute"}
    assert without_failing_claims(draft, verdict) is None  # sentence-level: nothing left
    trimmed = without_failing_claims(draft, verdict, recheck(rec))
    assert trimmed is not None
    assert trimmed.text == "You would enjoy \u201cBean Hall\u201d for its cozy atmosphere."
    assert len(trimmed.dropped) == 1 and trimmed.dropped[0].startswith("making it a great spot")
    assert verify(trimmed.text, rec, language="en").passed


def test_a_list_cut_short_gets_its_and() -> None:
    rec = profiles()
    draft = ("You would enjoy \u201cBean Hall\u201d for its cozy atmosphere, strong coffee, "
             "and free parking.")
    trimmed = without_failing_claims(draft, verify(draft, rec, language="en"), recheck(rec))
    assert trimmed is not None
    assert trimmed.text == ("You would enjoy \u201cBean Hall\u201d for its cozy atmosphere and "
                            "strong coffee.")


def test_heads_never_start_with_a_condition_and_are_not_too_short() -> None:
    assert heads("If you liked \u201cA\u201d, you would like this one.", zh=False) == []
    assert heads("You bought it, and it fits.", zh=False) == []  # "You bought it" is 3 words
    assert heads("You would enjoy it for its coffee, which is strong.", zh=False) == [
        "You would enjoy it for its coffee."]
    assert heads("你会喜欢这家店的咖啡，因为它很浓。", zh=True) == ["你会喜欢这家店的咖啡。"]


def test_an_attribute_of_the_item_needs_a_fact_about_the_item() -> None:
    staff = "You would enjoy \u201cBean Hall\u201d for its friendly staff."
    verdict = verify(staff, profiles(), language="en")
    assert not verdict.passed and "staff" in verdict.unsupported[0].reason
    # the same words said of the person's taste are backed by the user profile
    taste = "You would enjoy \u201cBean Hall\u201d because you appreciate friendly staff."
    assert verify(taste, profiles(), language="en").passed
    # a fact that does not say whom it describes backs either, as before
    assert verify(staff, profiles(user_about=""), language="en").passed
    assert verify("You would enjoy \u201cBean Hall\u201d for its cozy atmosphere.", profiles(),
                  language="en").passed


def test_about_must_be_user_item_or_empty() -> None:
    with pytest.raises(ValueError, match="about"):
        FreeText(id="free:1", text="x", about="shop")
    with pytest.raises(Exception, match="about"):
        request({"kind": "free_text", "text": ITEM, "about": "shop"})
    assert "about" not in FreeText(id="free:1", text="x").to_dict()
    assert FreeText(id="free:1", text="x", about="item").to_dict()["about"] == "item"


def history(rating: float | None, event: str = "rating") -> Recommendation:
    fact = HistoryItem(id="hist:1", item_id="a", title="Alder Mug", event=event, weight=1.0,
                       score_share=0.5, rating=rating)
    return Recommendation(user_id="u1", item_id="b1", title="Bean Hall", score=1.0, rank=1,
                          algorithm="als", evidence=[fact])


@pytest.mark.parametrize("text", [
    "We picked \u201cBean Hall\u201d because you had a great time with \u201cAlder Mug\u201d.",
    "We picked \u201cBean Hall\u201d: you rated \u201cAlder Mug\u201d 2/5 and had a wonderful "
    "experience.",
])
def test_a_past_experience_needs_a_liking(text: str) -> None:
    verdict = verify(text, history(2.0), language="en")
    assert not verdict.passed
    assert "sentiment" in {s.kind for s in verdict.unsupported}


def test_a_past_experience_passes_with_a_high_rating() -> None:
    text = ("We picked \u201cBean Hall\u201d because you rated \u201cAlder Mug\u201d 5/5 and had "
            "a great time with it.")
    verdict = verify(text, history(5.0), language="en")
    assert "sentiment" not in {s.kind for s in verdict.unsupported}


def test_a_zh_past_experience_needs_a_liking() -> None:
    text = "推荐《Bean Hall》，因为你上次去过那里，玩得很开心。"
    verdict = verify(text, history(2.0), language="zh")
    assert "sentiment" in {s.kind for s in verdict.unsupported}


@pytest.mark.parametrize(("text", "passes"), [
    ("You would enjoy it in St. Louis, says \u201cBean Hall\u201d.", True),
    ("You would enjoy \u201cBean Hall\u201d for its unique.", False),
    ("You would enjoy \u201cBean Hall\u201d for its cozy atmosphere.", True),
])
def test_short_forms_and_dangling_adjectives(text: str, passes: bool) -> None:
    rec = request({"kind": "free_text", "text": ITEM + " It is in St. Louis.", "about": "item"})
    verdict = verify(text, rec, language="en")
    fluency = [s for s in verdict.unsupported if s.kind == "fluency"]
    assert (not fluency) == passes, verdict


@pytest.mark.parametrize(("text", "passes"), [
    ("Of 81 people who bought \u201cAlder Mug\u201d, 10 also bought \u201cBean Hall\u201d.", True),
    ("Of 10 people who bought \u201cAlder Mug\u201d, 81 also bought \u201cBean Hall\u201d.", False),
    ("Of 10 people who bought \u201cAlder Mug\u201d, 10 also bought \u201cBean Hall\u201d.", False),
    ("在买过《Alder Mug》的81人里，10人也买过《Bean Hall》。", True),
    ("在买过《Alder Mug》的10人里，10人也买过《Bean Hall》。", False),
    ("在买过《Alder Mug》的81人里，81人也买过《Bean Hall》。", False),
])
def test_a_cohort_s_size_and_overlap_stay_in_their_places(text: str, passes: bool) -> None:
    cohort = Cohort(id="cohort:a", anchor_item_id="a", anchor_title="Alder Mug", co_count=10,
                    anchor_count=81, share=10 / 81)
    rec = Recommendation(user_id="u1", item_id="b1", title="Bean Hall", score=1.0, rank=1,
                         algorithm="als", evidence=[cohort])
    verdict = verify(text, rec, language="zh" if "人" in text else "en")
    numbers = [s for s in verdict.unsupported if s.kind == "number"]
    assert (not numbers) == passes, verdict


@pytest.mark.parametrize("text", [
    # what a small model wrote and the verifier once passed
    "《Bean Hall》是你点击过《Alder Mug》的它。",
    "《Bean Hall》是你给《Alder Mug》打了5分的5分。",
    "推荐《Bean Hall》，因为你给《Alder Mug》打了5分。它是《Alder Mug》。",
    "《Bean Hall》是你给《Alder Mug》的推荐物品。",
    # sentence planning's further sentences, as the model once finished them
    "推荐《Bean Hall》，因为你给《Alder Mug》打了5分。另外，它很符合你的口味；。",
    "推荐《Bean Hall》，因为你给《Alder Mug》打了5分。另外，买过《Alder Mug》的112人中。",
    "推荐《Bean Hall》，因为你给《Alder Mug》打了5分，你把《Alder Mug》的112人中，有11%也买过它。",
])
def test_garbled_chinese_is_caught(text: str) -> None:
    verdict = verify(text, history(5.0), language="zh")
    assert "fluency" in {s.kind for s in verdict.unsupported}, verdict


def test_a_sentence_said_twice_is_caught_and_dropped() -> None:
    rec = history(5.0)
    text = ("We picked \u201cBean Hall\u201d for you. You rated \u201cAlder Mug\u201d 5/5. "
            "Besides, you rated \u201cAlder Mug\u201d 5/5.")
    verdict = verify(text, rec, language="en")
    assert [s.reason for s in verdict.unsupported] == ["it says the same sentence twice"]
    trimmed = without_failing_claims(text, verdict, recheck(rec))
    assert trimmed is not None and trimmed.text == text.split(" Besides")[0]
    # the same words about two different items are two sentences
    other = text.replace("Besides, you rated \u201cAlder Mug\u201d",
                         "You rated \u201cBean Hall\u201d")
    assert "it says the same sentence twice" not in {
        s.reason for s in verify(other, rec, language="en").unsupported}


def test_a_sentence_made_of_clauses_said_before_is_caught() -> None:
    text = ("推荐《Bean Hall》，因为你给《Alder Mug》打了5分，这件商品与之很相近。"
            "你给《Alder Mug》打了5分，这件商品与之很相近。")
    verdict = verify(text, history(5.0), language="zh")
    assert "it says the same sentence twice" in {s.reason for s in verdict.unsupported}


def test_a_clause_mark_before_the_end_is_caught_and_a_whole_text_passes() -> None:
    lost = verify("We picked \u201cBean Hall\u201d because you rated \u201cAlder Mug\u201d 5/5,.",
                  history(5.0), language="en")
    assert "fluency" in {s.kind for s in lost.unsupported}, lost
    whole = verify("We picked \u201cBean Hall\u201d because you rated \u201cAlder Mug\u201d 5/5.",
                   history(5.0), language="en")
    assert whole.passed, whole
    chinese = verify("推荐《Bean Hall》，因为你给《Alder Mug》打了5分。", history(5.0),
                     language="zh")
    assert chinese.passed, chinese
