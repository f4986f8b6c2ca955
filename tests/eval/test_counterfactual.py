"""PN / PS on the checkerboard, where the answers are known exactly, and their bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import checkerboard

from whyrec.data.dataset import Dataset
from whyrec.eval.counterfactual import (
    CounterfactualCase,
    cases_from,
    counterfactual_fidelity,
    harmonic_mean,
    necessity_sufficiency,
)
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings

BOARD = checkerboard()
MODEL = create("itemknn").fit(BOARD)


def test_whole_group_history_is_necessary_and_sufficient(board: Dataset) -> None:
    # u00 misses a0; every other a-item is its history. Citing all of them: removing them leaves
    # nothing, so a0 cannot rank on similarity; keeping them keeps a0 first.
    history = [f"a{i}" for i in range(1, 6)]
    outcome = necessity_sufficiency(MODEL, CounterfactualCase("u00", "a0", tuple(history)), 1)
    assert outcome == (True, True)


def test_one_cited_item_of_five_is_not_necessary() -> None:
    # removing one of five similar items leaves a0 on top: not necessary; alone it suffices
    outcome = necessity_sufficiency(MODEL, CounterfactualCase("u00", "a0", ("a1",)), 1)
    assert outcome == (False, True)


def test_citing_an_item_from_the_other_group_is_not_sufficient() -> None:
    # b-items are not in u00's history: untestable
    assert necessity_sufficiency(MODEL, CounterfactualCase("u00", "a0", ("b1",)), 1) is None
    assert necessity_sufficiency(MODEL, CounterfactualCase("nobody", "a0", ("a1",)), 1) is None
    assert necessity_sufficiency(MODEL, CounterfactualCase("u00", "a0", ()), 1) is None


def test_fidelity_hand_computed() -> None:
    cases = [CounterfactualCase("u00", "a0", tuple(f"a{i}" for i in range(1, 6))),
             CounterfactualCase("u00", "a0", ("a1",)),
             CounterfactualCase("u00", "a0", ())]
    result = counterfactual_fidelity(MODEL, cases, k=1)
    assert result["n"] == 2 and result["skipped"] == 1
    assert result["pn"] == 0.5 and result["ps"] == 1.0
    assert result["fns"] == pytest.approx(2 / 3)


def test_cases_from_template_explanations_cite_history(board: Dataset) -> None:
    pipeline = Pipeline(board, MODEL, ExplainSettings(backend="template"))
    recs = pipeline.recommend("u01", 2)
    pairs = list(zip(recs, pipeline.explain(recs, language="en"), strict=True))
    cases = cases_from(pairs)
    assert all(c.cited_items and set(c.cited_items) <= {f"b{i}" for i in range(6)}
               for c in cases)
    assert len(cases) == len(recs) >= 1
    result = counterfactual_fidelity(MODEL, cases, k=2)
    assert result["n"] == len(cases)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 19), st.sets(st.integers(0, 5), max_size=6), st.integers(1, 14))
def test_pn_ps_within_bounds(user: int, cited: set[int], k: int) -> None:
    group = "a" if user % 2 == 0 else "b"
    items = tuple(f"{group}{i}" for i in sorted(cited) if i != (user // 2) % 6)
    target = f"{group}{(user // 2) % 6}"
    result = counterfactual_fidelity(MODEL, [CounterfactualCase(f"u{user:02d}", target, items)],
                                     k)
    for key in ("pn", "ps", "fns"):
        assert 0.0 <= result[key] <= 1.0
    assert result["n"] + result["skipped"] == 1


@given(st.floats(0, 1), st.floats(0, 1))
def test_harmonic_mean_between_min_and_max(a: float, b: float) -> None:
    h = harmonic_mean(a, b)
    assert min(a, b) - 1e-12 <= h <= max(a, b) + 1e-12
