"""The bundled model (with the shipped adapter) follows the style it is asked for: the friendly
tone adds a warm close, a preferred kind of fact leads the text, and a medium text states more
facts than a short one. Measured over several recommendations, as a reader would see them.

The shipped adapter alone ignores tone and preferences; sentence planning
(:mod:`whyrec.explanation.extension`) is what makes the model's text follow them: the reason is
begun with the preferred fact, and a warm close is begun for the model to finish."""

from __future__ import annotations

import re

import pytest

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import HistoryItem, Recommendation, SharedFeature
from whyrec.values import Style

pytestmark = pytest.mark.slow

#: how a warm close reads, in either language
WARM_RE = re.compile(r"hope you|enjoy it|great fit|lovely|希望你|祝你|喜欢！")


@pytest.fixture(scope="module")
def recs(demo_dataset: Dataset) -> list[Recommendation]:
    pipeline = Pipeline(demo_dataset, create("itemknn").fit(demo_dataset),
                        ExplainSettings(backend="template"))
    out = []
    for user in ("u0001", "u0002", "u0003", "u0004", "u0005", "u0006"):
        out += pipeline.recommend(user, n=2)
    return out


def texts(backend: Backend, dataset: Dataset, recs: list[Recommendation],
          style: Style) -> list[tuple[str, list[str], bool]]:
    explainer = Explainer(backend, dataset=dataset, style=style, max_repairs=1)
    out = []
    for rec in recs:
        explanation = explainer.explain(rec, language="en")
        out.append((explanation.text, explanation.cited_ids, explanation.fallback))
    return out


def test_the_friendly_tone_reads_warmer(llamacpp_backend: Backend, demo_dataset: Dataset,
                                        recs: list[Recommendation]) -> None:
    neutral = texts(llamacpp_backend, demo_dataset, recs, Style())
    friendly = texts(llamacpp_backend, demo_dataset, recs, Style(tone="friendly"))
    warm = sum(bool(WARM_RE.search(t.lower())) for t, _, fallback in friendly if not fallback)
    cold = sum(bool(WARM_RE.search(t.lower())) for t, _, fallback in neutral if not fallback)
    assert warm >= len(recs) // 3 and warm > cold, (warm, cold)


def led_by_feature(text: str, rec: Recommendation) -> bool:
    """Whether a shared feature is worded before any history item is named (the recommended
    item's own title left out: "Sport Earphones" names no shared feature)."""
    folded = text.replace(rec.title, "").casefold()
    features = [folded.find(str(e.value).casefold()) for e in rec.evidence
                if isinstance(e, SharedFeature)]
    titles = [folded.find(e.title.casefold()) for e in rec.evidence
              if isinstance(e, HistoryItem) and e.title]
    first_feature = min((at for at in features if at >= 0), default=-1)
    first_title = min((at for at in titles if at >= 0), default=len(folded))
    return 0 <= first_feature < first_title


def test_a_preferred_kind_leads(llamacpp_backend: Backend, demo_dataset: Dataset,
                                recs: list[Recommendation]) -> None:
    with_feature = [r for r in recs if any(isinstance(e, SharedFeature) for e in r.evidence)]
    plain = texts(llamacpp_backend, demo_dataset, with_feature, Style())
    led = texts(llamacpp_backend, demo_dataset, with_feature,
                Style(prefer=("shared_feature",)))
    before = sum(led_by_feature(t, r) for (t, _, f), r in zip(plain, with_feature, strict=True)
                 if not f)
    after = sum(led_by_feature(t, r) for (t, _, f), r in zip(led, with_feature, strict=True)
                if not f)
    assert after > before and after >= len(with_feature) // 2, (after, before)


def test_medium_states_more_facts_than_short(llamacpp_backend: Backend, demo_dataset: Dataset,
                                             recs: list[Recommendation]) -> None:
    short = texts(llamacpp_backend, demo_dataset, recs, Style(length="short"))
    medium = texts(llamacpp_backend, demo_dataset, recs, Style(length="medium"))
    assert sum(len(c) for _, c, _ in medium) > sum(len(c) for _, c, _ in short)
