"""A clause said twice within one sentence is caught ("因为你浏览过《X》，你浏览过《X》。", a
draft the bundled model wrote and the verifier let through), and a sentence naming two different
things the same way is not."""

from __future__ import annotations

from whyrec.explanation.explainer import Explainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

TEA = HistoryItem(id="hist:h1", item_id="h1", title="Hearthly Sunrise 3 Green Tea",
                  score_share=0.6, event="view")
PAN = HistoryItem(id="hist:h2", item_id="h2", title="Hearthly Larder 2 Nonstick Pan",
                  score_share=0.3, event="view")
REC = Recommendation(user_id="u1", item_id="i1", title="Kitchbright Market 1 Pro", score=1.0,
                     rank=1, algorithm="external", evidence=[TEA, PAN])


def _problems(text: str, language: str) -> list[str]:
    verdict = Explainer("template").verify(text, REC, details=ItemDetails(title=REC.title),
                                           language=language)
    return [span.reason for span in verdict.unsupported]


def test_a_clause_said_twice_in_one_sentence_fails() -> None:
    twice = "it says the same clause twice"
    assert twice in _problems("《Kitchbright Market 1 Pro》很可能适合你，因为你浏览过"
                              "《Hearthly Sunrise 3 Green Tea》，你浏览过"
                              "《Hearthly Sunrise 3 Green Tea》。", "zh")
    assert twice in _problems("“Kitchbright Market 1 Pro” may suit you, because you viewed "
                              "“Hearthly Sunrise 3 Green Tea”, you viewed “Hearthly Sunrise 3 "
                              "Green Tea”.", "en")


def test_two_clauses_alike_but_about_different_items_pass() -> None:
    assert _problems("《Kitchbright Market 1 Pro》很可能适合你，因为你浏览过"
                     "《Hearthly Sunrise 3 Green Tea》，也浏览过"
                     "《Hearthly Larder 2 Nonstick Pan》。", "zh") == []
    assert _problems("“Kitchbright Market 1 Pro” may suit you, because you viewed “Hearthly "
                     "Sunrise 3 Green Tea”, and you viewed “Hearthly Larder 2 Nonstick Pan”.",
                     "en") == []


def test_two_titles_sharing_the_words_after_a_comma_are_no_clause_said_twice() -> None:
    """Amazon's string sets both end ", HD Light Gauge": the bundled model's faithful draft
    was rejected as saying that clause twice."""
    strings = HistoryItem(id="hist:h3", item_id="h3", title="Elixir Strings 16182 Acoustic "
                          "Phosphor Bronze Guitar Strings with NANOWEB Coating, HD Light Gauge",
                          score_share=0.9, event="rating", rating=5.0)
    rec = Recommendation(user_id="u1", item_id="i2", title="Elixir Strings 11182 Acoustic 80/20 "
                         "Bronze Guitar Strings with NANOWEB Coating, HD Light Gauge", score=1.0,
                         rank=1, algorithm="external", evidence=[strings])
    verdict = Explainer("template").verify(
        f"You may like “{rec.title}”, because you rated “{strings.title}”.", rec,
        details=ItemDetails(title=rec.title), language="en")
    assert verdict.passed, verdict.unsupported
