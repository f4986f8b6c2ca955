"""Ranking metrics: exact small cases and properties (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from whyrec.models.metrics import hit_rate_at_k, ndcg_at_k, recall_at_k

items = st.lists(st.sampled_from([f"i{k}" for k in range(30)]), unique=True, max_size=20)


def test_exact_values() -> None:
    assert recall_at_k(["a", "b", "c"], {"a", "c", "z", "y"}, 3) == 0.5
    assert ndcg_at_k(["a", "b"], {"a", "b"}, 2) == 1.0
    assert math.isclose(ndcg_at_k(["x", "a"], {"a"}, 2), 1 / math.log2(3))
    assert ndcg_at_k(["x", "y"], {"a"}, 2) == 0.0
    assert hit_rate_at_k(["x", "a"], {"a"}, 1) == 0.0
    assert recall_at_k([], set(), 10) == 0.0


@given(items, items, st.integers(min_value=1, max_value=25))
def test_bounds(ranked: list[str], relevant: list[str], k: int) -> None:
    for metric in (recall_at_k, ndcg_at_k, hit_rate_at_k):
        assert 0.0 <= metric(ranked, set(relevant), k) <= 1.0 + 1e-12


@given(items, st.integers(min_value=1, max_value=25))
def test_ideal_ranking_scores_one(relevant: list[str], k: int) -> None:
    if relevant:
        assert math.isclose(ndcg_at_k(relevant, set(relevant), k), 1.0)


@given(items, items)
def test_moving_a_hit_up_never_lowers_ndcg(ranked: list[str], relevant: list[str]) -> None:
    relevant_set = set(relevant)
    hits = [i for i, item in enumerate(ranked) if item in relevant_set]
    if hits and hits[0] > 0:
        first = hits[0]
        better = ranked.copy()
        better[first - 1], better[first] = better[first], better[first - 1]
        assert ndcg_at_k(better, relevant_set, 10) >= ndcg_at_k(ranked, relevant_set, 10) - 1e-12
