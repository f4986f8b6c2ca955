"""Span grouping and the delivered / draft rates, on explanations from the real explainer."""

from __future__ import annotations

from whyrec.backends.fake import FakeBackend
from whyrec.data.dataset import Dataset
from whyrec.eval.faithfulness import faithfulness, generation, span_group, span_rates
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import Draft, Explanation, FallbackReason, UnsupportedSpan, Verdict


def test_span_groups() -> None:
    assert [span_group(k) for k in ("title", "history", "brand", "catalog_text", "phone",
                                    "length", "ungrounded", "??")] == [
        "item", "item", "brand", "injection", "privacy", "instruction_following",
        "instruction_following", "other"]


def test_span_rates_hand_computed() -> None:
    rates = span_rates([[], ["number", "number", "length"], ["title"], ["language"], None])
    assert rates["n"] == 4 and rates["unverified"] == 1
    assert rates["unsupported_rate"] == 3 / 4
    assert rates["hallucination_rate"] == 2 / 4  # number, title; language is form
    assert rates["by_group"]["number"] == 1 / 4
    assert rates["by_group"]["instruction_following"] == 2 / 4
    assert rates["span_counts"] == {"number": 2, "length": 1, "title": 1, "language": 1}
    assert span_rates([])["unsupported_rate"] is None


def _explanation(passed_drafts: list[bool], fallback: bool, latency: float) -> Explanation:
    drafts = [Draft(text="t", passed=p,
                    unsupported=[] if p else [UnsupportedSpan(text="7", kind="number", reason="r")])
              for p in passed_drafts]
    return Explanation("u", "i", "text", "en", [], "llamacpp", fallback=fallback,
                       latency_ms=latency, attempts=len(drafts), verdict=Verdict(True),
                       drafts=drafts, fallback_reason=FallbackReason.VERIFICATION_FAILED
                       if fallback else None, fallback_detail="2 draft(s), the last: x"
                       if fallback else "")


def test_generation_rates_hand_computed() -> None:
    explanations = [_explanation([True], False, 10.0), _explanation([False, True], False, 30.0),
                    _explanation([False, False], True, 50.0),
                    Explanation("u", "j", "t", "en", [], "template", latency_ms=2.0)]
    stats = generation(explanations)
    assert stats["fallback_rate"] == 1 / 4
    assert stats["llm_requests"] == 3
    assert stats["llm_pass_first_try"] == 1 / 3
    assert stats["llm_pass_after_repair"] == 2 / 3
    assert stats["llm_written_rate"] == 2 / 4
    assert stats["latency_ms"]["p50"] == 20.0
    assert stats["fallback_reasons"] == {"failed verification": 1}
    faith = faithfulness(explanations)
    assert faith["drafts"]["n"] == 5
    assert faith["drafts"]["by_group"]["number"] == 3 / 5
    assert faith["delivered"]["unsupported_rate"] == 0.0


def test_real_explainer_drafts_are_counted(board: Dataset) -> None:
    """A model that invents a number: its drafts are unsupported, the delivered text is not."""
    model = create("itemknn").fit(board)
    rec = Pipeline(board, model, ExplainSettings(backend="template")).recommend("u00", 1)[0]
    fake = FakeBackend(replies=[f"{rec.title} is rated 4.9 by 12345 people."])
    explanation = Explainer(fake, dataset=board, max_repairs=1).explain(rec, language="en")
    faith = faithfulness([explanation])
    assert explanation.fallback
    assert faith["drafts"]["n"] == 2
    assert faith["drafts"]["by_group"]["number"] == 1.0
    assert faith["delivered"]["unsupported_rate"] == 0.0
    assert generation([explanation])["llm_pass_after_repair"] == 0.0


def test_a_delivered_unsupported_text_is_counted() -> None:
    bad = Explanation("u", "i", "Buy now, 50% off", "en", [], "x",
                      verdict=Verdict(False, [UnsupportedSpan("buy now", "instruction", "r")]))
    assert faithfulness([bad])["delivered"]["by_group"]["injection"] == 1.0
