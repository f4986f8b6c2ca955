"""A caller's reasons about the person and about the item's audience are not spliced: each
clause may draw on the person's reasons or on the item's, never both, and the person is not
said to like what only the item's reason names (the bundled model wrote "users who appreciate
modern amenities … would enjoy hotels that offer a mix of cultural experiences", the item's
audience joined to the person's profile, and the verifier let it through)."""

from __future__ import annotations

import pytest

from whyrec.explanation.explainer import Explainer
from whyrec.explanation.requests import parse_request

TITLE = "Harbor Lights Hotel"
PERSON = ("The user is likely to enjoy businesses that offer a mix of cultural experiences, "
          "shopping opportunities, and good food with vibrant settings.")
AUDIENCE = ("Users who appreciate modern amenities, upscale dining, and convenient fitness "
            "facilities would enjoy Harbor Lights Hotel.")
ZH_TITLE = "港湾小馆"
ZH_PERSON = "这位用户喜欢环境安静、咖啡香浓的小店。"
ZH_AUDIENCE = "喜欢现做意面和大份早餐的食客会喜欢港湾小馆。"


def _verdict(text: str, language: str = "en"):
    zh = language == "zh"
    request = parse_request({
        "user_id": "u1", "language": language,
        "item": {"id": "h1", "title": ZH_TITLE if zh else TITLE},
        "evidence": [{"kind": "free_text", "about": "user", "text": ZH_PERSON if zh else PERSON},
                     {"kind": "free_text", "about": "item",
                      "text": ZH_AUDIENCE if zh else AUDIENCE}]})
    return Explainer("template").verify(text, request.recommendation, details=request.details,
                                        language=language)


@pytest.mark.parametrize("text", [
    # the item's audience made to like what the person's profile names
    "Worth a look: “Harbor Lights Hotel”, since users who appreciate modern amenities, upscale "
    "dining, and convenient fitness facilities would enjoy hotels that offer a mix of cultural "
    "experiences, shopping opportunities, and good food.",
    # the person said to like what only the item's audience is said to like
    "We recommend “Harbor Lights Hotel” because you appreciate modern amenities, upscale dining, "
    "and convenient fitness facilities.",
    # one list drawn from both
    "We recommend “Harbor Lights Hotel” because you enjoy cultural experiences, shopping "
    "opportunities and upscale dining.",
    # the item given what the person likes
    "You would enjoy “Harbor Lights Hotel” for its upscale dining, fitness facilities and "
    "cultural experiences with shopping opportunities.",
])
def test_a_spliced_clause_fails(text: str) -> None:
    verdict = _verdict(text)
    assert not verdict.passed
    assert "splice" in {u.kind for u in verdict.unsupported}


@pytest.mark.parametrize("text", [
    "Worth a look: “Harbor Lights Hotel”, since you enjoy businesses that offer a mix of "
    "cultural experiences, shopping opportunities, and good food with vibrant settings. Also, "
    "users who appreciate modern amenities, upscale dining, and convenient fitness facilities "
    "would enjoy it.",
    "“Harbor Lights Hotel” suits people who appreciate modern amenities, upscale dining, and "
    "convenient fitness facilities, and you enjoy businesses that offer a mix of cultural "
    "experiences.",
    # a condition, not a claim about the person
    "You would enjoy “Harbor Lights Hotel” if you appreciate modern amenities, upscale dining, "
    "and convenient fitness facilities.",
])
def test_reasons_joined_between_clauses_pass(text: str) -> None:
    verdict = _verdict(text)
    assert "splice" not in {u.kind for u in verdict.unsupported}, verdict.unsupported
    assert verdict.passed, verdict.unsupported


def test_a_spliced_chinese_clause_fails() -> None:
    verdict = _verdict("推荐《港湾小馆》，因为喜欢现做意面和大份早餐的食客"
                       "会喜欢环境安静、咖啡香浓的小店。", "zh")
    assert "splice" in {u.kind for u in verdict.unsupported}


def test_chinese_reasons_in_their_own_clauses_pass() -> None:
    verdict = _verdict("推荐《港湾小馆》，因为你喜欢环境安静、咖啡香浓的小店。"
                       "另外，喜欢现做意面和大份早餐的食客会喜欢它。", "zh")
    assert "splice" not in {u.kind for u in verdict.unsupported}, verdict.unsupported


def test_reasons_about_one_side_only_are_never_splices() -> None:
    request = parse_request({
        "user_id": "u1", "item": {"id": "h1", "title": TITLE},
        "evidence": [{"kind": "free_text", "about": "user", "text": PERSON},
                     {"kind": "free_text", "about": "user",
                      "text": "They appreciate modern amenities and upscale dining."}]})
    verdict = Explainer("template").verify(
        "We recommend “Harbor Lights Hotel” because you enjoy cultural experiences and upscale "
        "dining.", request.recommendation, details=request.details)
    assert "splice" not in {u.kind for u in verdict.unsupported}


def test_the_person_is_not_the_one_who_recommends() -> None:
    # delivered once for a caller's request: the person "recommending hotels like" a burger bar
    verdict = _verdict("We recommend “Harbor Lights Hotel” to you, because you are recommending "
                       "businesses that offer a mix of cultural experiences.")
    assert not verdict.passed
    assert _verdict("We recommend “Harbor Lights Hotel” to you, because you enjoy businesses that "
                    "offer a mix of cultural experiences.").passed
