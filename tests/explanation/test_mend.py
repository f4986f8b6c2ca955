"""Quotation marks put back where the names a draft quotes end: the bundled model ran a rating
into a title's quotation ("you rated “X, 5/5”") or never closed it, and true drafts fell back
to the template (Amazon, 3 of 20 English texts). What a mended draft says is still judged by
the verifier, so a false rating moved out of a quotation still fails."""

from __future__ import annotations

import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.mend import mended
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

CAPO = "Jim Dunlop 83 Cg Dunlop Crvd Capo Gld"
UKE = "Epiphone Les Paul Acoustic Electric Ukulele Outfit, Vintage Sunburst"
GUITAR = "Yamaha FG700S Acoustic Guitar"
TITLES = [CAPO, UKE, GUITAR, "松木跑步帽"]


@pytest.mark.parametrize(("draft", "expected"), [
    (f"since you rated “{CAPO}, 5/5”.", f"since you rated “{CAPO}” 5/5."),
    (f"since you rated “{CAPO} 5/5\".", f"since you rated “{CAPO}” 5/5."),
    (f"Also, you rated “{UKE}, 5/5.", f"Also, you rated “{UKE}” 5/5."),
    (f"Also, you rated “{UKE}, 4.5/5. Next.", f"Also, you rated “{UKE}” 4.5/5. Next."),
    (f"you rated “{CAPO}, and you rated “{UKE}”.", f"you rated “{CAPO}”, and you rated “{UKE}”."),
    (f"you rated “{CAPO}\" 5/5.", f"you rated “{CAPO}” 5/5."),
    (f"you rated “{CAPO}” 5/5 out of 5.", f"you rated “{CAPO}” 5/5."),
    ("因为你给《松木跑步帽，5分》。", "因为你给《松木跑步帽》5分。"),
    ("因为你购买过《松木跑步帽。", "因为你购买过《松木跑步帽》。"),
])
def test_a_quotation_is_closed_after_the_name_it_begins_with(draft: str, expected: str) -> None:
    assert mended(draft, TITLES) == expected


@pytest.mark.parametrize("draft", [
    f"you rated “{CAPO} and more” 5/5.",      # closes after other words: an unknown name
    "you rated “Unknown Capo, 5/5”.",           # no known name at all
    f"We picked “{GUITAR}” because you rated “{CAPO}” 5/5.",  # nothing to mend
])
def test_a_quotation_without_a_known_name_whole_is_left_to_the_verifier(draft: str) -> None:
    assert mended(draft, TITLES) == draft


def _rec() -> Recommendation:
    capo = HistoryItem(id="hist:h1", item_id="h1", title=CAPO, score_share=0.7,
                       event="rating", rating=5.0)
    return Recommendation(user_id="u1", item_id="i1", title=GUITAR, score=1.0, rank=1,
                          algorithm="external", evidence=[capo])


def test_a_rating_run_into_the_quotation_is_delivered_outside_it() -> None:
    draft = f"You might enjoy “{GUITAR}”, since you rated “{CAPO}, 5/5”."
    explanation = Explainer(FakeBackend([draft])).explain(
        _rec(), language="en", details=ItemDetails(title=GUITAR))
    assert not explanation.fallback, explanation.drafts[0].unsupported
    assert explanation.text == f"You might enjoy “{GUITAR}”, since you rated “{CAPO}” 5/5."


def test_a_false_rating_moved_out_of_the_quotation_still_fails() -> None:
    draft = f"You might enjoy “{GUITAR}”, since you rated “{CAPO}, 3/5”."
    explanation = Explainer(FakeBackend([draft]), max_repairs=0).explain(
        _rec(), language="en", details=ItemDetails(title=GUITAR))
    assert explanation.fallback
    assert any(s.kind == "number" for s in explanation.drafts[0].unsupported)


@pytest.mark.parametrize(("draft", "expected"), [
    (f"since you added “{CAPO}”. Also, you looked at “{UKE}”.",
     f"since you added “{CAPO}” to your cart. Also, you looked at “{UKE}”."),
    (f"since you added “{CAPO}”, and you rated “{UKE}”.",
     f"since you added “{CAPO}” to your cart, and you rated “{UKE}”."),
    (f"since you added “{CAPO}” to your cart.", f"since you added “{CAPO}” to your cart."),
    # only an item that went to the cart: "added" of anything else is the verifier's to judge
    (f"since you added “{UKE}”.", f"since you added “{UKE}”."),
])
def test_an_item_added_to_the_cart_is_said_to_have_gone_there(draft: str, expected: str) -> None:
    # the bundled model dropped "to your cart" from the prompt's "You added “X” to your cart."
    assert mended(draft, TITLES, carted=[CAPO]) == expected


def test_a_draft_that_drops_the_cart_is_delivered_whole() -> None:
    carted = HistoryItem(id="hist:c1", item_id="c1", title=CAPO, score_share=0.7,
                         event="add_to_cart")
    rec = Recommendation(user_id="u1", item_id="g1", title=GUITAR, score=1.0, rank=1,
                         algorithm="external", evidence=[carted])
    draft = f"You might enjoy “{GUITAR}”, since you added “{CAPO}”."
    explanation = Explainer(FakeBackend([draft])).explain(
        rec, language="en", details=ItemDetails(title=GUITAR))
    assert not explanation.fallback, explanation.drafts[0].unsupported
    assert explanation.text == f"You might enjoy “{GUITAR}”, since you added “{CAPO}” to your cart."


@pytest.mark.parametrize(("draft", "expected"), [
    ("Also, it shares yoga & fitness with 4 of your items.",
     "Also, it shares the yoga & fitness category with 4 of your items."),
    ("Plus, it shares yoga & fitness.", "Plus, it shares the yoga & fitness category."),
    ("Also, it shares camping category with 3 of your items.",
     "Also, it shares the camping category with 3 of your items."),
    ("Also, it shares the Action genre with 5 of your films.",
     "Also, it shares the Action genre with 5 of your films."),
    ("Also, it shares action with 5 of your films.",
     "Also, it shares the action genre with 5 of your films."),
])
def test_a_shared_category_is_named_as_one(draft: str, expected: str) -> None:
    # the bundled model dropped "the … category" from "It shares the yoga & fitness category…"
    grouping = [("category", "yoga & fitness"), ("category", "camping"), ("genre", "Action")]
    assert mended(draft, TITLES, grouping=grouping) == expected


@pytest.mark.parametrize(("draft", "expected"), [
    ("Plus, people who watched “Heat” often chose it too yourself.",
     "Plus, people who watched “Heat” often chose it too."),
    ("since you rated “Heat” 4.5/5 yourself yourself.", "since you rated “Heat” 4.5/5 yourself."),
    ("since you rated “Heat” 4.5/5 yourself. Plus, 12 people chose it yourself.",
     "since you rated “Heat” 4.5/5 yourself. Plus, 12 people chose it."),
])
def test_a_stray_yourself_goes(draft: str, expected: str) -> None:
    # the bundled model carried "yourself" into the cohort's sentence; the verifier rejects it
    assert mended(draft, TITLES) == expected
