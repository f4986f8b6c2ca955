"""whyrec's ranking metrics against trec_eval (``ir_measures`` on ``pytrec_eval``), same runs.

whyrec scores a ranked list against a *set* of held-out items: binary relevance, gain 1 per hit,
discount 1 / log2(rank + 1), ideal DCG over min(|relevant|, k) hits, recall over all relevant
items (not min(k, |relevant|)). Those are trec_eval's ``ndcg_cut.k`` (on binary qrels, or graded
qrels with every grade above 0 given gain 1), ``recall.k`` and ``success.k``; each case below
must agree to 1e-9. A whyrec list is handed to trec_eval as strictly falling scores, so
trec_eval's own tie order (equal scores: document id descending) never reorders it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ir_measures
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ir_measures import Measure, Qrel, R, ScoredDoc, Success, nDCG

from whyrec.data.dataset import Dataset
from whyrec.data.split import split_dataset
from whyrec.eval.offline import evaluate_model
from whyrec.models.metrics import hit_rate_at_k, ndcg_at_k, recall_at_k
from whyrec.models.registry import create

TOLERANCE = 1e-9
#: the provider named, so a missing pytrec_eval fails here instead of falling back silently
TREC = ir_measures.pytrec_eval


def measures(k: int) -> dict[str, Measure]:
    return {"ndcg": nDCG @ k, "recall": R @ k, "hit_rate": Success @ k}


def whyrec_scores(ranked: Sequence[str], relevant: set[str], k: int) -> dict[str, float]:
    return {"ndcg": ndcg_at_k(ranked, relevant, k), "recall": recall_at_k(ranked, relevant, k),
            "hit_rate": hit_rate_at_k(ranked, relevant, k)}


def as_run(rankings: Mapping[str, Sequence[str]]) -> list[ScoredDoc]:
    """Each list as strictly falling scores: trec_eval reads the order whyrec ranked."""
    return [ScoredDoc(user, item, float(len(ranked) - rank))
            for user, ranked in rankings.items() for rank, item in enumerate(ranked)]


def as_qrels(relevant: Mapping[str, Mapping[str, int]]) -> list[Qrel]:
    return [Qrel(user, item, grade) for user, grades in relevant.items()
            for item, grade in grades.items()]


def trec_scores(run: list[ScoredDoc], qrels: list[Qrel], k: int) -> dict[str, dict[str, float]]:
    """Per query, trec_eval's figure under whyrec's metric names."""
    name_of = {measure: name for name, measure in measures(k).items()}
    found: dict[str, dict[str, float]] = {}
    for metric in TREC.iter_calc(list(name_of), qrels, run):
        found.setdefault(metric.query_id, {})[name_of[metric.measure]] = metric.value
    return found


def assert_agree(ranked: Sequence[str], relevant: set[str], k: int) -> dict[str, float]:
    ours = whyrec_scores(ranked, relevant, k)
    theirs = trec_scores(as_run({"u": ranked}), as_qrels({"u": dict.fromkeys(relevant, 1)}), k)
    assert ours == pytest.approx(theirs["u"], abs=TOLERANCE)
    return ours


# --- small hand-made runs ----------------------------------------------------------------

@pytest.mark.parametrize(("ranked", "relevant", "k", "expected"), [
    # one relevant item at rank 2: DCG 1/log2(3), ideal 1
    (["x", "a", "y"], {"a"}, 3, {"ndcg": 1 / math.log2(3), "recall": 1.0, "hit_rate": 1.0}),
    # the hit just past the cut-off counts for nothing
    (["x", "y", "a"], {"a"}, 2, {"ndcg": 0.0, "recall": 0.0, "hit_rate": 0.0}),
    # more relevant items than k: recall divides by |relevant| (4), not min(k, |relevant|) (2),
    # while the ideal DCG holds only k hits, so a perfect top 2 has NDCG 1 and recall 0.5
    (["a", "b", "c", "d"], {"a", "b", "c", "d"}, 2, {"ndcg": 1.0, "recall": 0.5, "hit_rate": 1.0}),
    # a list shorter than k (a small catalog): the missing ranks are misses
    (["x", "a"], {"a", "b"}, 5,
     {"ndcg": (1 / math.log2(3)) / (1 + 1 / math.log2(3)), "recall": 0.5, "hit_rate": 1.0}),
    # nothing ranked at all (a model with nothing left to recommend): zero, as trec_eval gives a
    # judged query missing from the run
    ([], {"a"}, 10, {"ndcg": 0.0, "recall": 0.0, "hit_rate": 0.0}),
    # hits at ranks 1 and 3 of 3 relevant, k = 3
    (["a", "x", "b", "y", "c"], {"a", "b", "c"}, 3,
     {"ndcg": (1 + 0.5) / (1 + 1 / math.log2(3) + 0.5), "recall": 2 / 3, "hit_rate": 1.0}),
])
def test_hand_made_runs_agree_with_trec_eval(
    ranked: list[str], relevant: set[str], k: int, expected: dict[str, float]
) -> None:
    assert assert_agree(ranked, relevant, k) == pytest.approx(expected, abs=TOLERANCE)


def test_several_people_average_as_trec_eval_does() -> None:
    rankings = {"u1": ["a", "x"], "u2": ["y", "b"], "u3": [], "u4": ["c", "d", "e"]}
    relevant = {"u1": {"a"}, "u2": {"b", "z"}, "u3": {"q"}, "u4": {"e", "c"}}
    k = 2
    ours = {name: sum(whyrec_scores(rankings[u], relevant[u], k)[name] for u in rankings)
            / len(rankings) for name in measures(k)}
    theirs = TREC.calc_aggregate(list(measures(k).values()), as_qrels(
        {u: dict.fromkeys(items, 1) for u, items in relevant.items()}), as_run(rankings))
    assert ours == pytest.approx({name: theirs[m] for name, m in measures(k).items()},
                                 abs=TOLERANCE)


def test_empty_relevance_scores_zero_and_trec_eval_leaves_the_query_out() -> None:
    # whyrec answers 0 for a person with nothing held out (its splits never make one);
    # trec_eval scores 0 when every judged item has grade 0, and has no row for an unjudged query
    assert whyrec_scores(["a", "b"], set(), 2) == {"ndcg": 0.0, "recall": 0.0, "hit_rate": 0.0}
    judged_zero = trec_scores(as_run({"u": ["a", "b"]}), as_qrels({"u": {"a": 0}}), 2)
    assert judged_zero["u"] == {"ndcg": 0.0, "recall": 0.0, "hit_rate": 0.0}
    unjudged = trec_scores(as_run({"u": ["a"], "v": ["a"]}), as_qrels({"v": {"a": 1}}), 2)
    assert set(unjudged) == {"v"}


def test_graded_relevance_is_binary_in_whyrec() -> None:
    # whyrec's held-out items are a set: every grade above 0 gains 1. That is trec_eval's NDCG
    # with gains {grade: 1}; its default NDCG uses the grade itself as the gain, and differs.
    grades = {"a": 3, "b": 1, "c": 0, "d": 2}
    ranked, k = ["b", "x", "a", "c"], 3
    relevant = {item for item, grade in grades.items() if grade > 0}
    run, qrels = as_run({"u": ranked}), as_qrels({"u": grades})
    binary = nDCG(cutoff=k, gains={0: 0, 1: 1, 2: 1, 3: 1})
    # one measure a call: ir_measures 0.4.3 mixes up the values of an NDCG with gains and one
    # without when they are asked for together
    found = {m: next(iter(TREC.iter_calc([m], qrels, run))).value
             for m in (binary, nDCG @ k, R @ k)}
    assert ndcg_at_k(ranked, relevant, k) == pytest.approx(found[binary], abs=TOLERANCE)
    assert ndcg_at_k(ranked, relevant, k) == pytest.approx(
        (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3) + 1 / math.log2(4)), abs=TOLERANCE)
    graded = (1 + 3 / math.log2(4)) / (3 + 2 / math.log2(3) + 1 / math.log2(4))
    assert found[nDCG @ k] == pytest.approx(graded, abs=TOLERANCE)
    assert abs(found[nDCG @ k] - found[binary]) > 0.1
    # recall counts every grade >= 1 as relevant, like whyrec's set
    assert recall_at_k(ranked, relevant, k) == pytest.approx(found[R @ k], abs=TOLERANCE)


def test_ties_are_scored_in_the_order_given() -> None:
    # trec_eval breaks equal scores by document id, descending: "c", "b", "a". whyrec scores the
    # list it is handed (its models break ties themselves), so it agrees with trec_eval on the
    # tied run exactly when handed trec_eval's order, and not when handed another
    tied = [ScoredDoc("u", item, 1.0) for item in ("a", "b", "c")]
    qrels, k = as_qrels({"u": {"a": 1}}), 3
    theirs = trec_scores(tied, qrels, k)["u"]
    assert theirs["ndcg"] == pytest.approx(0.5, abs=TOLERANCE)  # "a" read at rank 3
    assert whyrec_scores(["c", "b", "a"], {"a"}, k) == pytest.approx(theirs, abs=TOLERANCE)
    assert whyrec_scores(["a", "b", "c"], {"a"}, k)["ndcg"] == 1.0


items = st.lists(st.sampled_from([f"i{n}" for n in range(30)]), unique=True, max_size=20)


@settings(max_examples=300, deadline=None)
@given(items, items.filter(bool), st.integers(min_value=1, max_value=25))
def test_random_runs_agree_with_trec_eval(ranked: list[str], relevant: list[str], k: int) -> None:
    assert_agree(ranked, set(relevant), k)


# --- real runs: a recommender trained on a split, top k against the held-out items -------

def assert_real_run_agrees(dataset: Dataset, algorithm: str, k: int) -> dict[str, float]:
    train, test = split_dataset(dataset, "random", test_fraction=0.3)
    model = create(algorithm).fit(train)
    users = sorted(u for u in test if u in model.user_index)
    rankings = {user: model.recommend_ids(user, k) for user in users}
    assert all(len(set(ranked)) == len(ranked) for ranked in rankings.values())
    qrels = as_qrels({user: dict.fromkeys(test[user], 1) for user in users})
    run = as_run(rankings)
    theirs = trec_scores(run, qrels, k)
    assert set(theirs) == set(users)
    for user in users:
        assert whyrec_scores(rankings[user], test[user], k) == pytest.approx(
            theirs[user], abs=TOLERANCE), user
    # the figures `whyrec eval` reports are trec_eval's means over the same people
    reported = evaluate_model(model, test, dataset.n_items, k)
    mean = TREC.calc_aggregate(list(measures(k).values()), qrels, run)
    assert reported["n_users"] == len(users)
    for name, measure in measures(k).items():
        assert reported[f"{name}@{k}"] == pytest.approx(mean[measure], abs=TOLERANCE), name
    # several held-out items per person, so recall's denominator and the ideal DCG vary
    assert max(len(test[user]) for user in users) > k // 2
    return {name: reported[f"{name}@{k}"] for name in measures(k)}


@pytest.mark.parametrize("algorithm", ["als", "itemknn"])
def test_demo_shop_run_agrees_with_trec_eval(demo_dataset: Dataset, algorithm: str) -> None:
    figures = assert_real_run_agrees(demo_dataset, algorithm, k=10)
    assert figures["ndcg"] > 0.0  # a run with hits, not a trivially equal one of zeros


@pytest.mark.realdata
def test_movielens_run_agrees_with_trec_eval(movielens: Dataset) -> None:
    figures = assert_real_run_agrees(movielens, "itemknn", k=20)
    assert figures["ndcg"] > 0.0
