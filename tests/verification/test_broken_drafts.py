"""Drafts the bundled model wrote on Amazon instruments and the verifier let through (benchmark
run of 2026-12-03): a fact said twice in one sentence with "yourself" added, two connectives run
together ("because and like…", "“X” and because…"), and a name cut off inside its quotation.
Each must fail; the faithful sentence it garbles must pass."""

from __future__ import annotations

import pytest

from whyrec.evidence.quality import ItemQuality
from whyrec.explanation.explainer import Explainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails
from whyrec.verification.verifier import unclosed_quote

OIL = HistoryItem(id="hist:h1", item_id="h1", title="Planet Waves Lemon Oil", score_share=0.6,
                  event="rate", rating=5.0)
STAND = HistoryItem(id="hist:h2", item_id="h2", title="Hola! Portable Stand for Small "
                    "Instruments (Ukulele, Violin etc.)", score_share=0.4, event="rate",
                    rating=5.0)
ITEM = "Aquila Concert Ukulele Strings"
REC = Recommendation(user_id="u1", item_id="i1", title=ITEM, score=1.0, rank=1,
                     algorithm="external", evidence=[OIL, STAND])


def _problems(text: str, language: str = "en") -> list[str]:
    verdict = Explainer("template").verify(text, REC, details=ItemDetails(title=ITEM),
                                           language=language)
    return [f"{span.kind}: {span.reason}" for span in verdict.unsupported]


@pytest.mark.parametrize("text", [
    # the same fact twice in one sentence, once with "yourself"
    f"“{ITEM}” is one we picked for you. Also, you rated “Planet Waves Lemon Oil” 5/5, and you "
    "rated “Planet Waves Lemon Oil” 5/5 yourself.",
    f"“{ITEM}” is one we picked for you, since you rated “Planet Waves Lemon Oil” 5/5, and you "
    "rated “Planet Waves Lemon Oil” 5/5 too.",
    # connectives run together
    f"You may like “{ITEM}”, because and like one of your items.",
    f"You may like “{ITEM}”, because and you rated “Planet Waves Lemon Oil” 5/5.",
    f"You might like “{ITEM}” and because you rated “Planet Waves Lemon Oil” 5/5.",
    # a name cut inside its quotation
    f"You might like “{ITEM}” because you rated “Hola! Portable Stand for Small Instruments "
    "(Ukulele.",
    f"You might like “{ITEM}” because you rated “Planet Waves Lemon Oil 5/5.",
])
def test_broken_english_drafts_fail(text: str) -> None:
    assert any(p.startswith("fluency") for p in _problems(text)), text


@pytest.mark.parametrize("text", [
    f"《{ITEM}》可能适合你，因为而且你给《Planet Waves Lemon Oil》打了5分。",
    f"《{ITEM}》可能适合你，因为你给《Planet Waves Lemon Oil》打了5分，你也给《Planet Waves Lemon "
    "Oil》打了5分。",
    f"《{ITEM}》可能适合你，因为你给《Planet Waves Lemon Oil打了5分。",  # the name never closed
])
def test_broken_chinese_drafts_fail(text: str) -> None:
    assert any(p.startswith("fluency") for p in _problems(text, "zh")), text


@pytest.mark.parametrize("text, language", [
    (f"You might like “{ITEM}” because you rated “Planet Waves Lemon Oil” 5/5, and you rated "
     "“Hola! Portable Stand for Small Instruments (Ukulele, Violin etc.)” 5/5 too.", "en"),
    (f"“{ITEM}” suits you, because you rated “Planet Waves Lemon Oil” 5/5 yourself.", "en"),
    (f"You might like “{ITEM}”, and because you rated “Planet Waves Lemon Oil” 5/5, it is a "
     "good match.", "en"),
    (f"《{ITEM}》可能适合你，因为你给《Planet Waves Lemon Oil》打了5分，也给《Hola! Portable Stand "
     "for Small Instruments (Ukulele, Violin etc.)》打了5分。", "zh"),
])
def test_the_faithful_sentences_pass(text: str, language: str) -> None:
    assert _problems(text, language) == []


def test_unclosed_quote_pairs_marks_in_turn() -> None:
    assert unclosed_quote("“A” and 《B》 and \"C\"") is None
    assert unclosed_quote("“读《红楼梦》”") is None
    assert unclosed_quote("because you rated “Hola! Portable") == "“Hola! Portable"
    assert unclosed_quote("you rated Oil” 5/5") is not None
    # a straight quote is as often an inch mark: a title may hold one
    assert unclosed_quote("“Fender 1/4\" Output Jack” and 《GLS 1/4\" TS Cable》") is None


HEAT = HistoryItem(id="hist:h3", item_id="h3", title="Sin City (2005)", score_share=0.6,
                   event="rate", rating=5.0)
QUALITY = ItemQuality(id="quality:i2", item_id="i2", n_people=78, mean_rating=3.43,
                      n_ratings=78, rating_scale=5.0)
MOVIE = Recommendation(user_id="u1", item_id="i2", title="Batman Begins (2005)", score=1.0,
                       rank=1, algorithm="external", evidence=[HEAT, QUALITY])


def _movie_problems(text: str, language: str) -> list[str]:
    verdict = Explainer("template").verify(text, MOVIE, language=language,
                                           details=ItemDetails(title=MOVIE.title))
    return [span.kind for span in verdict.unsupported]


@pytest.mark.parametrize("claim, language", [
    ("另外，它与你给它的平均评分是3.43分（满分5分）。", "zh"),  # the bundled model's, delivered
    ("另外，你给它的评分是3.43分。", "zh"),
    ("另外，你给它打了3.43分。", "zh"),
    ("另外，你对它的评分是3.43分。", "zh"),
    ("Also, your rating of it is 3.43/5.", "en"),
    ("Also, you gave it 3.43 out of 5.", "en"),
    ("Also, you rated it 3.43/5 on average.", "en"),
])
def test_a_rating_of_the_recommended_item_by_the_person_fails(claim: str, language: str) -> None:
    zh_lead = "《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》打了5分。"
    en_lead = "“Batman Begins (2005)” may suit you, since you rated “Sin City (2005)” 5/5. "
    lead = zh_lead if language == "zh" else en_lead
    assert "history" in _movie_problems(lead + claim, language)


@pytest.mark.parametrize("text, language", [
    ("《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》打了5分。另外，78人给它的平均"
     "评分是3.43分（满分5分）。", "zh"),
    ("《Batman Begins (2005)》可能适合你：你看过《Sin City (2005)》，你给它打了5分。", "zh"),
    ("“Batman Begins (2005)” may suit you, since you rated “Sin City (2005)” 5/5. Also, 78 "
     "people rated it 3.43 out of 5 on average.", "en"),
    ("“Batman Begins (2005)” may suit you: you loved “Sin City (2005)” (you gave it 5/5).",
     "en"),
])
def test_the_ratings_the_facts_give_pass(text: str, language: str) -> None:
    assert _movie_problems(text, language) == []


def test_a_garbled_chinese_sentence_of_true_numbers_fails() -> None:
    # every number is a fact's (a cohort's 67 %, the item's 4.66), the sentence says nothing
    problems = _movie_problems("《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》打了"
                               "5分。另外，它与你给了67%也买了3.43分（满分5分）。", "zh")
    assert "fluency" in problems


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_title_with_an_inch_mark_keeps_its_template_text(language: str) -> None:
    # Amazon's “Fender 1/4" Output Jack”: a check that paired straight quotes withheld it
    jack = Recommendation(user_id="u1", item_id="i3", title='Fender 1/4" Output Jack',
                          score=1.0, rank=1, algorithm="external", evidence=[OIL])
    explanation = Explainer("template").explain(jack, language=language)
    assert explanation.verdict.passed and "Output Jack" in explanation.text


def test_a_deed_run_into_a_shared_feature_fails() -> None:
    # the bundled model's, delivered: "because you clicked X's 11 items are in books"
    problems = _movie_problems("《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》"
                               "的11部电影同属“Action”类型。", "zh")
    assert "fluency" in problems
    # a cohort of the people who watched a title reads the same way, and is a sentence
    assert "fluency" not in _movie_problems(
        "《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》打了5分。看过《Sin City "
        "(2005)》的84人中，有75%也看过它。", "zh")


def test_a_deed_done_to_people_fails() -> None:
    # delivered once: "“Stridewell Flow 1 Pro Foam Roller” could be your next pick, since you
    # added up to 21 people."
    problems = _movie_problems("“Batman Begins (2005)” could be your next pick, since you rated "
                               "up to 78 people.", "en")
    assert "fluency" in problems


def test_a_cohort_deed_without_its_object_fails() -> None:
    # delivered: "Plus, of the 56 people who checked out “The Northern Observatory”, 14 also
    # checked out."
    lead = "“Batman Begins (2005)” may suit you, since you rated “Sin City (2005)” 5/5. "
    assert "fluency" in _movie_problems(
        lead + "Plus, of the 78 people who watched “Sin City (2005)”, 60 also watched.", "en")
    assert "fluency" not in _movie_problems(
        lead + "Plus, of the 78 people who watched “Sin City (2005)”, 60 also watched it.", "en")


def test_peoples_deed_run_into_the_persons_fails() -> None:
    # delivered: "而且已有14人买过你浏览过《Copperleaf Golden Hour 3 Ground Coffee》。"
    lead = "《Batman Begins (2005)》可能适合你，因为你给《Sin City (2005)》打了5分。"
    assert "fluency" in _movie_problems(lead + "而且已有78人看过你看过《Sin City (2005)》。", "zh")
    assert "fluency" not in _movie_problems(
        lead + "而且看过《Sin City (2005)》的78人中，有77%也看过它。", "zh")
