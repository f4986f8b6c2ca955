"""Offline ranking quality of every whyrec algorithm on MovieLens ml-latest-small.

Primary split: leave-last-5 per person; secondary split: a seeded random 20 % per person.
For each split: NDCG@10, Recall@10 and catalog coverage of popular, als, itemknn, content and
hybrid (default parameters). ALS is refitted with ``random_state`` in ``range(repeats)`` and the
median is reported, next to "implicit direct": ``implicit``'s own ALS with the same parameters
(``model.implicit_model()``), fitted on the same training matrix and ranking with its trained user
factors (``implicit``'s ``recommend``), scored over the same test people and seeds.

Run ``.venv/bin/python benchmarks/bench_quality.py [--repeats 5] [--data PATH] [--check]``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from _common import Target, finish, load, log, median, parse, parser
from whyrec.data.split import split_dataset
from whyrec.eval.offline import evaluate_model
from whyrec.models.metrics import ndcg_at_k, recall_at_k
from whyrec.models.registry import create

K = 10
DETERMINISTIC = ("popular", "itemknn", "content", "hybrid")
#: (name, method, keyword arguments of split_dataset); the first is the primary split
SPLITS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("leave-last-5", "leave-last", {"n": 5}),
    ("random-0.2", "random", {"test_fraction": 0.2}),
)
MIN_RATIO_VS_POPULAR = 1.5
MAX_ALS_DEVIATION = 0.02
DESCRIPTION = "Offline ranking quality of every whyrec algorithm on MovieLens ml-latest-small."


def implicit_direct(model: Any, test: Mapping[str, set[str]]) -> dict[str, Any]:
    """Fit ``implicit``'s ALS like ``model`` on its training matrix; score its own top-K.

    ``model`` is a fitted whyrec ALS; the test people are those ``evaluate_model`` scores.
    """
    direct = model.implicit_model()
    with threadpool_limits(limits=1, user_api="blas"):  # what implicit itself recommends
        direct.fit(model.user_items, show_progress=False)
    users = sorted(u for u in test if u in model.user_index)
    rows = np.asarray([model.user_index[u] for u in users], dtype=np.int32)
    ids, _ = direct.recommend(rows, model.user_items[rows], N=K,
                              filter_already_liked_items=True)
    ndcgs, recalls = [], []
    for user, ranked_rows in zip(users, ids, strict=True):
        ranked = model.item_ids[ranked_rows[ranked_rows >= 0]].tolist()
        ndcgs.append(ndcg_at_k(ranked, test[user], K))
        recalls.append(recall_at_k(ranked, test[user], K))
    identical = bool(
        np.array_equal(np.asarray(direct.user_factors), model.user_factors)
        and np.array_equal(np.asarray(direct.item_factors, dtype=np.float64), model.item_factors)
    )
    return {
        f"ndcg@{K}": float(np.mean(ndcgs)), f"recall@{K}": float(np.mean(recalls)),
        "n_users": len(users), "factors_identical_to_whyrec": identical,
    }


def rounded(metrics: Mapping[str, Any]) -> dict[str, Any]:
    return {key: round(value, 6) if isinstance(value, float) else value
            for key, value in metrics.items()}


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def evaluate_split(dataset: Any, method: str, split_args: dict[str, Any],
                   seeds: Sequence[int]) -> dict[str, Any]:
    """All algorithms (and implicit direct) on one split of ``dataset``."""
    train, test = split_dataset(dataset, method, **split_args)
    n_test = sum(len(items) for items in test.values())
    log(f"split {method} {split_args}: {len(test)} test people, {n_test} held-out items")
    models: dict[str, Any] = {}
    for algorithm in DETERMINISTIC:
        started = time.perf_counter()
        model = create(algorithm).fit(train)
        metrics = evaluate_model(model, test, dataset.n_items, K)
        log(f"  {algorithm}: ndcg@{K} {metrics[f'ndcg@{K}']:.4f} "
            f"({time.perf_counter() - started:.1f} s)")
        models[algorithm] = {"params": model.params, **rounded(metrics)}

    per_seed: list[dict[str, Any]] = []
    for seed in seeds:
        started = time.perf_counter()
        model = create("als", random_state=seed).fit(train)
        ours = evaluate_model(model, test, dataset.n_items, K)
        direct = implicit_direct(model, test)
        if direct["n_users"] != ours["n_users"]:
            raise RuntimeError("implicit direct scored different people than evaluate_model")
        per_seed.append({"random_state": seed, "als": ours, "implicit_direct": direct})
        log(f"  als seed {seed}: ndcg@{K} {ours[f'ndcg@{K}']:.4f}, implicit direct "
            f"{direct[f'ndcg@{K}']:.4f} ({time.perf_counter() - started:.1f} s)")
    metric_names = (f"ndcg@{K}", f"recall@{K}", f"hit_rate@{K}", "coverage")
    models["als"] = {
        "params": {**model.params, "random_state": list(seeds)},
        **{name: round(median([s["als"][name] for s in per_seed]), 6) for name in metric_names},
        "n_users": per_seed[0]["als"]["n_users"],
        f"ndcg@{K}_per_seed": [round(s["als"][f"ndcg@{K}"], 6) for s in per_seed],
    }
    implicit_result = {
        "params": {**model.params, "random_state": list(seeds)},
        **{name: round(median([s["implicit_direct"][name] for s in per_seed]), 6)
           for name in (f"ndcg@{K}", f"recall@{K}")},
        "n_users": per_seed[0]["implicit_direct"]["n_users"],
        f"ndcg@{K}_per_seed": [round(s["implicit_direct"][f"ndcg@{K}"], 6) for s in per_seed],
        "factors_identical_to_whyrec": all(
            s["implicit_direct"]["factors_identical_to_whyrec"] for s in per_seed
        ),
    }
    ndcg = {name: models[name][f"ndcg@{K}"] for name in models}
    paired = [ratio(s["als"][f"ndcg@{K}"], s["implicit_direct"][f"ndcg@{K}"]) for s in per_seed]
    return {
        "split": {"method": method, **split_args},
        "n_test_users": len(test), "n_test_items": n_test,
        "models": {name: models[name] for name in ("popular", "als", "itemknn", "content",
                                                   "hybrid")},
        "implicit_direct": implicit_result,
        "ratios": {
            "ndcg_als_over_popular": round(ratio(ndcg["als"], ndcg["popular"]), 4),
            "ndcg_itemknn_over_popular": round(ratio(ndcg["itemknn"], ndcg["popular"]), 4),
            "ndcg_als_over_implicit_direct": round(
                ratio(ndcg["als"], implicit_result[f"ndcg@{K}"]), 4),
            "ndcg_als_over_implicit_direct_paired_median": round(median(paired), 4),
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    options = parse(parser(DESCRIPTION, default_repeats=5), argv)
    dataset = load(options.data)
    seeds = list(range(options.repeats))
    splits = {name: evaluate_split(dataset, method, args, seeds)
              for name, method, args in SPLITS}
    primary = splits[SPLITS[0][0]]["ratios"]
    targets = [
        Target("leave-last-5 ndcg als/popular", primary["ndcg_als_over_popular"],
               MIN_RATIO_VS_POPULAR, ">="),
        Target("leave-last-5 ndcg itemknn/popular", primary["ndcg_itemknn_over_popular"],
               MIN_RATIO_VS_POPULAR, ">="),
        Target("leave-last-5 ndcg als/implicit_direct", primary["ndcg_als_over_implicit_direct"],
               MAX_ALS_DEVIATION, "abs-1<="),
    ]
    result = {
        "benchmark": "quality", "dataset": dataset.name, "n_users": dataset.n_users,
        "n_items": dataset.n_items, "n_interactions": len(dataset.interactions),
        "k": K, "repeats": options.repeats, "primary_split": SPLITS[0][0], "splits": splits,
    }
    return finish(result, targets, options.check, started)


if __name__ == "__main__":
    sys.exit(main())
