"""The three checks the hostile catalogs made more lenient, each tried against the false
statements it must still catch: a rating whose value the log lacks, a two-character title with
a digit, and a brand spelt like a word explanations use."""

from __future__ import annotations

from whyrec.explanation.explainer import Explainer
from whyrec.types import HistoryItem, Recommendation, SharedFeature
from whyrec.values import ItemDetails


def _rec(*facts: object, title: str = "Desk Lamp Pro") -> Recommendation:
    return Recommendation(user_id="c1", item_id="sku-1", title=title, score=1.0, rank=1,
                          algorithm="external", evidence=list(facts))  # type: ignore[arg-type]


def _passes(text: str, rec: Recommendation, details: ItemDetails | None = None) -> bool:
    verdict = Explainer("template").verify(text, rec, details=details or ItemDetails(
        title=rec.title))
    return verdict.passed


RATED = HistoryItem(id="hist:h1", item_id="h1", title="Copperleaf Cloud Tea", score_share=0.6,
                    event="rating")
BOUGHT = HistoryItem(id="hist:h1", item_id="h1", title="Copperleaf Cloud Tea", score_share=0.6,
                     event="purchase")


def test_a_rating_without_its_value_is_rated_never_rated_highly_or_liked() -> None:
    rec = _rec(RATED)
    assert _passes("We picked “Desk Lamp Pro” because you rated “Copperleaf Cloud Tea”.", rec)
    for false in ("We picked “Desk Lamp Pro” because you rated “Copperleaf Cloud Tea” highly.",
                  "We picked “Desk Lamp Pro” because you rated “Copperleaf Cloud Tea” 5/5.",
                  "We picked “Desk Lamp Pro” because you loved “Copperleaf Cloud Tea”.",
                  "We picked “Desk Lamp Pro” because you bought “Copperleaf Cloud Tea”."):
        assert not _passes(false, rec), false
    # and a purchase was never a rating
    assert not _passes("We picked “Desk Lamp Pro” because you rated “Copperleaf Cloud Tea”.",
                       _rec(BOUGHT))


def test_a_two_character_title_with_a_digit_is_a_name_not_a_number() -> None:
    gadget = HistoryItem(id="hist:h2", item_id="h2", title="X7", score_share=0.5,
                         event="purchase")
    rec = _rec(gadget)
    assert _passes("We picked “Desk Lamp Pro” because you bought “X7”.", rec)
    assert not _passes("We picked “Desk Lamp Pro” because you bought “X8”.", rec)
    assert not _passes("We picked “Desk Lamp Pro” because 7 people bought “X7”.", rec)


def test_a_brand_spelt_like_a_word_is_the_word_and_a_false_brand_still_fails() -> None:
    shared = SharedFeature(id="feature:brand:because", feature="brand", value="because",
                           history_count=2)
    rec = _rec(BOUGHT, shared)
    details = ItemDetails(title="Desk Lamp Pro", brand="because")
    assert _passes("We picked “Desk Lamp Pro” because you bought “Copperleaf Cloud Tea”.", rec,
                   details)
    assert not _passes("We picked “Desk Lamp Pro” because it is made by Acme, like 2 of your "
                       "items.", rec, details)
    assert not _passes("We picked “Desk Lamp Pro” because you bought “Copperleaf Cloud Tea” "
                       "twice.", rec, details)
