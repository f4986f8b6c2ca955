"""A caller's free text, as the bundled model and the template are given it: a profile of the
person said to them ("The user is likely to enjoy …" -> "You are likely to enjoy …"; the
template had said "The user …" to the person and the model had written "Also, they
appreciate …"), and a text too long to quote whole cut after a clause or a word, never inside
one (the model had copied "… and trendy piz." and ended its sentence there)."""

from __future__ import annotations

import pytest

from whyrec.explanation.explainer import Explainer
from whyrec.text import clean_catalog_text
from whyrec.types import FreeText, Recommendation
from whyrec.values import ItemDetails
from whyrec.voice import spoken_to


@pytest.mark.parametrize(("text", "spoken"), [
    ("This user is likely to enjoy quiet cafes", "You are likely to enjoy quiet cafes"),
    ("The user enjoys craft beer", "You enjoy craft beer"),
    ("They appreciate convenience, but are critical of parking",
     "You appreciate convenience, but are critical of parking"),
    ("They also enjoy arcade games", "You also enjoy arcade games"),
    ("The user's favourite places are bars", "Your favourite places are bars"),
    ("He often watches films", "You often watch films"),
    ("She tries new food", "You try new food"),
    ("The user would enjoy bars", "You would enjoy bars"),
    ("The user has been to Rome", "You have been to Rome"),
    # not about the person, or not opening on them: left as written
    ("Diners who enjoy steak would appreciate it", "Diners who enjoy steak would appreciate it"),
    ("Places where they serve tacos", "Places where they serve tacos"),
])
def test_a_profile_is_said_to_the_person(text: str, spoken: str) -> None:
    assert spoken_to(text) == spoken


def _rec(about: str) -> Recommendation:
    facts = [FreeText(id="free:1", text="This user is likely to enjoy businesses that offer "
                      "quick Chinese food and seafood in a lively setting.", about=about)]
    return Recommendation(user_id="u1", item_id="i1", title="Harbor Grill", score=1.0, rank=1,
                          algorithm="external", evidence=facts)


def test_the_template_and_the_prompt_speak_to_the_person() -> None:
    explainer = Explainer("template")
    details = ItemDetails(title="Harbor Grill")
    explanation = explainer.explain(_rec("user"), language="en", details=details)
    assert "You are likely to enjoy businesses" in explanation.text
    assert "user" not in explanation.text.casefold()
    assert explanation.verdict.passed and explanation.cited_ids == ["free:1"]
    prompt, _, _ = explainer.prompt_for(_rec("user"), language="en", details=details)
    assert "- You are likely to enjoy businesses" in prompt.messages[-1]["content"]
    # words about the item, or about no one said, are quoted as given
    item = explainer.explain(_rec("item"), language="en", details=details)
    assert "This user is likely" in item.text


def test_a_long_text_is_cut_after_a_clause_or_a_word() -> None:
    profile = ("This user is likely to enjoy businesses that offer classic, customizable burgers "
               "like In-N-Out Burger and Burger Lounge, as well as family-friendly water parks "
               "such as The Wave Waterpark and Great Wolf Lodge Water Park.")
    assert clean_catalog_text(profile, 200) == profile[:profile.index(", as well")] + "…"
    words = " ".join(["waterpark"] * 40)
    cut = clean_catalog_text(words, 200)
    assert len(cut) <= 200 and cut.endswith("waterpark…")
    assert clean_catalog_text("x" * 300, 200) == "x" * 199 + "…"  # one word: cut where it must
