"""Best of k drafts: the first request asks for several drafts (other seeds), and the verified
one that states the most facts is delivered; each draft is on the record."""

from __future__ import annotations

import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.errors import ConfigError
from whyrec.evidence.history import HistoryItem
from whyrec.explanation.explainer import Explainer
from whyrec.types import ItemQuality, Recommendation


def rec() -> Recommendation:
    facts = [HistoryItem(id="hist:1", item_id="a", title="Alder Head Torch", score_share=0.6,
                         event="purchase"),
             ItemQuality(id="quality:7", item_id="7", n_people=31)]
    return Recommendation(user_id="u1", item_id="7", title="Trail Lamp 7", score=1.0, rank=1,
                          algorithm="als", evidence=facts)


ONE = "We picked \u201cTrail Lamp 7\u201d because you bought \u201cAlder Head Torch\u201d."
TWO = ONE[:-1] + ", and 31 people bought or viewed it."
FALSE = "We picked \u201cTrail Lamp 7\u201d because it is the best lamp money can buy."


def test_the_draft_with_the_most_facts_is_kept() -> None:
    backend = FakeBackend([ONE, TWO, FALSE])
    explanation = Explainer(backend, best_of=3).explain(rec())
    assert explanation.text == TWO and not explanation.fallback
    assert len(explanation.drafts) == 3 and len(backend.calls) == 3
    assert set(explanation.cited_ids) == {"hist:1", "quality:7"}


def test_one_draft_is_the_default_and_a_false_one_is_never_kept() -> None:
    assert Explainer(FakeBackend([ONE, TWO])).explain(rec()).text == ONE
    explanation = Explainer(FakeBackend([FALSE, ONE]), best_of=2, max_repairs=0).explain(rec())
    assert explanation.text == ONE and len(explanation.drafts) == 2


def test_best_of_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="best_of"):
        Explainer(FakeBackend([ONE]), best_of=0)
