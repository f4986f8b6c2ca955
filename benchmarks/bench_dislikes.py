"""A dislike is not a reason (issue 16, item 3): ranking quality and cited dislikes, before and
after, on MovieLens ml-latest-small and the Amazon musical instruments reviews.

A dislike is a (person, item) pair whose latest rating is at or below the dataset's threshold
(2 of 5). Four ways of weighing one:

- ``before``: as before dislikes had a threshold: a weak positive (a rating event weighs its
  rating, so 1 star is a like of weight 1);
- ``zero`` (the default): weight 0, kept as an entry so the item stays seen;
- ``negative``: a negative weight (ALS: a confident "not liked"; the similarity models subtract
  the disliked item's similarity);
- ``zero_learned_from_all``: measured for comparison only: the models learn item structure
  (ALS item factors, item-kNN similarity) from every interaction as ``before`` does, and a
  person's own dislikes weigh 0 when they are scored.

For each dataset and split (the project's ``whyrec.data.split``; metrics from
``whyrec.models.metrics``): NDCG@10 and Recall@10 of ALS (median over ``--repeats`` seeds) and
item-kNN, against every held-out item and against the held-out items the person did not
dislike. Then, for a sample of people with a dislike, how many template explanations of the
top 5 (ALS, item-kNN, hybrid) cite a disliked item as a reason: a history fact about it, a cohort
anchored on it, or a shared feature counting it (target with the default: 0).

    .venv/bin/python benchmarks/bench_dislikes.py [--repeats 5] [--people 100] [--check] \\
        [--out benchmarks/results/dislikes.json]

About 3-4 minutes on 2 cores. The Amazon files come from ../shared/data (read-only), converted
as tests/conftest.py does; nothing is downloaded.
"""

from __future__ import annotations

import math
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from _common import REPO_ROOT, Target, finish, load, log, median, parse, parser
from whyrec.data.dataset import Dataset
from whyrec.data.load import load_dataset
from whyrec.data.split import split_dataset
from whyrec.models.base import Recommender
from whyrec.models.metrics import ndcg_at_k, recall_at_k
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.types import Cohort, Evidence, HistoryItem, SharedFeature

K = 10
EXPLAINED = 5  # recommendations explained per person
DESCRIPTION = "A dislike is not a reason: NDCG@10 before/after and cited dislikes."
AMAZON = REPO_ROOT.parent / "shared" / "data" / "amazon-musical-instruments"
AMAZON_COLUMN_MAP = {  # as tests/conftest.py INSTRUMENTS_COLUMN_MAP
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}
#: how each variant builds its Dataset (keyword arguments of ``Dataset``)
VARIANTS: dict[str, dict[str, Any]] = {
    "before": {"dislike_threshold": -math.inf},
    "zero": {"dislike_signal": "zero"},
    "negative": {"dislike_signal": "negative"},
}
#: per dataset: (name, method, keyword arguments of split_dataset); the first is the primary
SPLITS: dict[str, tuple[tuple[str, str, dict[str, Any]], ...]] = {
    "movielens": (("leave-last-5", "leave-last", {"n": 5}),
                  ("random-0.2", "random", {"test_fraction": 0.2})),
    # 5-core reviews: about 7 per person, so one held out each
    "amazon": (("leave-last-1", "leave-last", {"n": 1}),
               ("random-0.2", "random", {"test_fraction": 0.2})),
}
RANKED = ("als", "itemknn")
EXPLAINED_MODELS = ("als", "itemknn", "hybrid")


def variant(data: Dataset, name: str, interactions: Any = None) -> Dataset:
    """``data`` (or its ``interactions``) with dislikes weighed as ``name`` says."""
    return Dataset(
        data.interactions if interactions is None else interactions, data.items, data.users,
        name=data.name, domain=data.domain, rating_scale=data.rating_scale,
        translations=data.translations, **VARIANTS[name])


def load_amazon(path: Path) -> Dataset:
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(path / "Musical_instruments_reviews.csv", Path(folder) / "interactions.csv")
        shutil.copy(path / "Music_Instruments_meta_5.csv", Path(folder) / "items.csv")
        data = load_dataset(folder, column_map=AMAZON_COLUMN_MAP)
    data.name = "amazon-musical-instruments"
    log(f"loaded {data.name}: {data.n_users} people, {data.n_items} items, "
        f"{len(data.interactions)} interactions")
    return data


def ranking(model: Recommender, test: Mapping[str, set[str]],
            liked: Mapping[str, set[str]]) -> dict[str, float]:
    users = sorted(u for u in test if u in model.user_index)
    ranked = {user: model.recommend_ids(user, K) for user in users}
    return {
        f"ndcg@{K}": float(np.mean([ndcg_at_k(ranked[u], test[u], K) for u in users])),
        f"recall@{K}": float(np.mean([recall_at_k(ranked[u], test[u], K) for u in users])),
        # held-out dislikes are no hit: recommending what the person will dislike is no success
        f"ndcg@{K}_liked_only": float(np.mean([ndcg_at_k(ranked[u], liked[u], K)
                                                for u in users if liked[u]])),
        "n_users": len(users),
    }


def fit(algorithm: str, train: Dataset, seed: int, learned_from: Dataset | None = None
        ) -> Recommender:
    """A fitted model; with ``learned_from``, its item structure comes from that dataset and
    only the scored histories from ``train`` (the ``zero_learned_from_all`` variant)."""
    params = {"random_state": seed} if algorithm == "als" else {}
    model = create(algorithm, **params).fit(learned_from or train)
    if learned_from is not None:
        model.user_items = train.user_items.astype(np.float32).tocsr()
    return model


def evaluate_split(data: Dataset, method: str, args: dict[str, Any], seeds: Sequence[int]
                   ) -> dict[str, Any]:
    train, test = split_dataset(data, method, **args)
    liked = {user: items - data.disliked_items(user) for user, items in test.items()}
    n_held = sum(len(items) for items in test.values())
    n_held_disliked = n_held - sum(len(items) for items in liked.values())
    log(f"  split {method} {args}: {len(test)} people, {n_held} held out "
        f"({n_held_disliked} of them dislikes)")
    trains = {name: variant(train, name) for name in VARIANTS}
    def maker(train: Dataset, learned_from: Dataset | None = None
              ) -> Callable[[str, int], Recommender]:
        return lambda algorithm, seed: fit(algorithm, train, seed, learned_from)

    makers = {name: maker(trains[name]) for name in VARIANTS}
    makers["zero_learned_from_all"] = maker(trains["zero"], learned_from=trains["before"])
    result: dict[str, Any] = {"split": {"method": method, **args}, "n_test_users": len(test),
                              "n_held_out": n_held, "n_held_out_disliked": n_held_disliked}
    for name, make in makers.items():
        per_model: dict[str, Any] = {}
        for algorithm in RANKED:
            runs = [ranking(make(algorithm, seed), test, liked)
                    for seed in (seeds if algorithm == "als" else seeds[:1])]
            metrics = {key: round(median([run[key] for run in runs]), 6)
                       for key in runs[0] if key != "n_users"}
            per_model[algorithm] = {**metrics, "n_users": runs[0]["n_users"]}
            if algorithm == "als":
                per_model[algorithm][f"ndcg@{K}_per_seed"] = [
                    round(run[f"ndcg@{K}"], 6) for run in runs]
            log(f"    {name:22s} {algorithm:8s} ndcg@{K} {metrics[f'ndcg@{K}']:.4f} "
                f"recall@{K} {metrics[f'recall@{K}']:.4f}")
        result[name] = per_model
    result["after_over_before"] = {
        name: {algorithm: round(result[name][algorithm][f"ndcg@{K}"]
                                / result["before"][algorithm][f"ndcg@{K}"], 4)
               for algorithm in RANKED}
        for name in (*VARIANTS, "zero_learned_from_all") if name != "before"}
    return result


def dislike_facts(fact: Evidence, disliked: set[str]) -> str | None:
    """The kind of reason ``fact`` makes of a disliked item, or None."""
    if isinstance(fact, HistoryItem) and fact.item_id in disliked:
        return "history_item"
    if isinstance(fact, Cohort) and fact.anchor_item_id in disliked:
        return "cohort"
    if isinstance(fact, SharedFeature) and disliked & set(fact.history_item_ids):
        return "shared_feature"
    return None


def cited_dislikes(data: Dataset, name: str, people: list[str]) -> dict[str, Any]:
    """Template explanations of each model's top ``EXPLAINED`` for ``people`` that cite a
    dislike (judged against ``data``'s own dislikes, whatever the variant)."""
    shown = variant(data, name)
    disliked = {user: data.disliked_items(user) for user in people}
    titles = dict(zip(data.items["item_id"].tolist(), data.items["title"].tolist(),
                      strict=True))
    result: dict[str, Any] = {}
    for algorithm in EXPLAINED_MODELS:
        started = time.perf_counter()
        model = create(algorithm).fit(shown)
        pipeline = Pipeline(shown, model, ExplainSettings(backend="template"))
        recs = [rec for _, batch in pipeline.recommend_many(people, EXPLAINED) for rec in batch]
        explanations = pipeline.explain(recs, language="en")
        citing = in_evidence = naming = 0
        by_kind: dict[str, int] = {}
        for rec, explanation in zip(recs, explanations, strict=True):
            mine = disliked[rec.user_id]
            kinds = {fact.id: dislike_facts(fact, mine) for fact in rec.evidence}
            cited = {kinds.get(fact_id) for fact_id in explanation.cited_ids} - {None}
            citing += bool(cited)
            in_evidence += any(kinds.values())
            naming += any(f"\u201c{titles[item]}\u201d" in explanation.text for item in mine)
            for kind in cited:
                assert kind is not None
                by_kind[kind] = by_kind.get(kind, 0) + 1
        result[algorithm] = {
            "explanations": len(explanations), "citing_a_dislike": citing,
            "citing_by_kind": by_kind, "evidence_with_a_dislike": in_evidence,
            "text_names_a_disliked_item": naming,
        }
        log(f"    {name:8s} {algorithm:8s} {citing} of {len(explanations)} explanations cite "
            f"a dislike ({time.perf_counter() - started:.1f} s)")
    return result


def evaluate_dataset(key: str, data: Dataset, seeds: Sequence[int], n_people: int
                     ) -> dict[str, Any]:
    dislikes = data.dislikes
    with_dislike = sorted({str(data.user_ids[row]) for row in dislikes.tocoo().row.tolist()})
    people = sorted(random.Random(0).sample(with_dislike, min(n_people, len(with_dislike))))
    log(f"{key}: {dislikes.nnz} dislikes (rating <= {data.dislike_threshold:g} of "
        f"{data.rating_scale or 5:g}), {len(with_dislike)} people with one")
    splits = {name: evaluate_split(data, method, args, seeds)
              for name, method, args in SPLITS[key]}
    log(f"  explanations for {len(people)} people with a dislike")
    explanations = {name: cited_dislikes(data, name, people) for name in VARIANTS}
    return {
        "dataset": data.name, "n_users": data.n_users, "n_items": data.n_items,
        "n_ratings": int(data.interactions["rating"].notna().sum()),
        "dislike_threshold": data.dislike_threshold, "rating_scale": data.rating_scale,
        "n_dislikes": int(dislikes.nnz), "people_with_a_dislike": len(with_dislike),
        "primary_split": SPLITS[key][0][0], "splits": splits,
        "explained_people": len(people), "explained_per_person": EXPLAINED,
        "explanations": explanations,
    }


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    arguments = parser(DESCRIPTION, default_repeats=5)
    arguments.add_argument("--amazon", type=Path, default=AMAZON,
                           help=f"the Amazon musical instruments folder (default {AMAZON})")
    arguments.add_argument("--people", type=int, default=100,
                           help="people with a dislike whose explanations are counted")
    arguments.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    options = parse(arguments, argv)
    if not (options.amazon / "Musical_instruments_reviews.csv").is_file():
        sys.exit(f"error: Amazon musical instruments data not found at {options.amazon}")
    seeds = list(range(options.repeats))
    datasets = {
        "movielens": evaluate_dataset("movielens", load(options.data), seeds, options.people),
        "amazon": evaluate_dataset("amazon", load_amazon(options.amazon), seeds,
                                   options.people),
    }
    targets = [
        Target(f"{key} {algorithm} explanations citing a dislike (default)",
               result["explanations"]["zero"][algorithm]["citing_a_dislike"], 0, "<=")
        for key, result in datasets.items() for algorithm in EXPLAINED_MODELS]
    summary = {
        key: {algorithm: {name: result["splits"][result["primary_split"]][name][algorithm][
            f"ndcg@{K}"] for name in (*VARIANTS, "zero_learned_from_all")}
            for algorithm in RANKED}
        for key, result in datasets.items()}
    result = {
        "benchmark": "dislikes", "k": K, "repeats": options.repeats, "default": "zero",
        f"ndcg@{K}_primary_split": summary, "datasets": datasets,
    }
    return finish(result, targets, options.check, started, options.out)


if __name__ == "__main__":
    sys.exit(main())
