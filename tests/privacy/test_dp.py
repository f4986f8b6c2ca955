"""Differential privacy for cohort facts: the noise has the promised mean and spread, the budget
is tracked (in memory and in the store) and refuses to overspend, and explanations say "about"."""

from __future__ import annotations

import math

import numpy as np
import pytest

from whyrec.data.dataset import Dataset
from whyrec.errors import PrivacyBudgetError
from whyrec.explanation.explainer import Explainer
from whyrec.models.evidence import EvidenceBuilder
from whyrec.models.registry import create
from whyrec.privacy.dp import BudgetAccountant, NoisyCounts, discrete_laplace_variance
from whyrec.privacy.rounding import approximate_percent
from whyrec.store import Store
from whyrec.types import Cohort, HistoryItem, Recommendation

DRAWS = 20_000


@pytest.mark.parametrize("epsilon", [0.5, 1.0])
def test_noise_is_centred_with_the_promised_scale(epsilon: float) -> None:
    counts = NoisyCounts(epsilon, BudgetAccountant("stats", budget=1.0))
    draws = np.asarray(counts.sample(40, DRAWS), dtype=float)
    variance = discrete_laplace_variance(1.0 / epsilon)
    # the mean of DRAWS draws is within 5 standard errors of the true count
    assert abs(draws.mean() - 40) < 5 * math.sqrt(variance / DRAWS)
    # the sample variance is within 10 % of the discrete Laplace's (sd of the estimate ~2-3 %)
    assert draws.var() == pytest.approx(variance, rel=0.10)
    # Laplace, not Gaussian: P(|noise| >= 1) as the distribution says
    a = math.exp(-epsilon)
    assert np.mean(np.abs(draws - 40) >= 1) == pytest.approx(2 * a / (1 + a), abs=0.02)


def test_the_accountant_refuses_to_overspend_and_reuses_releases() -> None:
    accountant = BudgetAccountant("shop", budget=1.0)
    counts = NoisyCounts(0.25, accountant)
    first = counts.release({"n:a": 50, "co:a:b": 20})
    assert accountant.spent == pytest.approx(0.5)  # two counts, 0.25 each (OpenDP's map)
    assert counts.release({"n:a": 50, "co:a:b": 20}) == first  # reused: free
    assert accountant.spent == pytest.approx(0.5)
    counts.release({"n:c": 30, "co:c:b": 12})
    assert accountant.spent == pytest.approx(1.0)
    with pytest.raises(PrivacyBudgetError, match="privacy budget of dataset 'shop' is spent"):
        counts.release({"n:d": 30})
    assert accountant.spent == pytest.approx(1.0)  # a refused release spends nothing


def test_the_budget_and_releases_live_in_the_store(store: Store) -> None:
    NoisyCounts(0.5, BudgetAccountant("shop", 1.0, store)).release({"n:a": 50})
    again = BudgetAccountant("shop", 1.0, store)  # another process, the same store
    assert again.spent == pytest.approx(0.5)
    assert set(again.released(["n:a", "n:b"])) == {"n:a"}
    with pytest.raises(PrivacyBudgetError):
        NoisyCounts(0.5, again).release({"n:b": 1, "n:c": 2})
    assert again.forget_releases() == 1
    assert again.spent == pytest.approx(0.5)  # spent stays spent


def test_approximate_percent() -> None:
    assert [approximate_percent(s) for s in (0.62, 0.65, 0.349, 0.07, 0.001)] == [
        60, 60, 30, 7, 1]


@pytest.fixture(scope="module")
def dp_facts(demo_dataset: Dataset) -> list[Recommendation]:
    model = create("itemknn").fit(demo_dataset)
    counts = NoisyCounts(1.0, BudgetAccountant(demo_dataset.name, budget=10_000.0))
    builder = EvidenceBuilder(demo_dataset, k_anonymity=5, privacy=counts)
    recs = [r for user in demo_dataset.user_ids[:40]
            for r in builder.enrich(model.recommend(str(user), 5))]
    return [r for r in recs if any(isinstance(f, Cohort) for f in r.evidence)]


def test_cohort_facts_under_dp_are_approximate_and_k_anonymous(
        dp_facts: list[Recommendation], demo_dataset: Dataset) -> None:
    assert len(dp_facts) >= 5
    people = np.diff((demo_dataset.user_items > 0).tocsc().indptr)
    exact = 0
    for rec in dp_facts:
        for fact in rec.evidence:
            if isinstance(fact, Cohort):
                assert fact.approximate and fact.co_count >= 5 and fact.anchor_count >= 5
                exact += fact.anchor_count == people[demo_dataset.item_row(fact.anchor_item_id)]
    cohorts = sum(isinstance(f, Cohort) for r in dp_facts for f in r.evidence)
    assert exact < cohorts  # the counts carry noise (all exact by chance: ~0 probability)


@pytest.mark.parametrize(("language", "about"), [("en", "About "), ("zh", "大约")])
def test_explanations_say_about_and_the_verifier_agrees(
        dp_facts: list[Recommendation], demo_dataset: Dataset, language: str,
        about: str) -> None:
    explainer = Explainer("template", dataset=demo_dataset)
    style = explainer.style.__class__(prefer=("cohort",), length="detailed")
    rec = dp_facts[0]
    cohort = next(f for f in rec.evidence if isinstance(f, Cohort))
    explanation = explainer.explain(rec, language=language, style=style)
    assert explanation.verdict is not None and explanation.verdict.passed, explanation
    assert f"{about}{approximate_percent(cohort.share)}%" in explanation.text
    # the exact share is never stated
    exact = f"{round(cohort.share * 100)}%"
    if exact != f"{approximate_percent(cohort.share)}%":
        assert exact not in explanation.text
        title = next(f for f in rec.evidence if isinstance(f, HistoryItem)).title
        precise = explanation.text.replace(f"{approximate_percent(cohort.share)}%", exact)
        verdict = explainer.verify(precise, rec, language=language, style=style)
        assert not verdict.passed, (title, precise)
