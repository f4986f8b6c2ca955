"""Catalog and cohort evidence: what a recommendation shares with the person and with others.

The model supplies the score decomposition (``HistoryItem`` facts). ``EvidenceBuilder`` adds facts
that do not enter the score but are true and checkable: shared catalog features, how many people
who had a history item also had this one (only when at least ``k`` people back it), the item's
ratings, and its recent popularity in its category.

A dislike (``Dataset.dislikes``: a rating at or below the dataset's threshold) is never a reason:
no history fact names it (whatever model made the recommendation), so no cohort is anchored on
it, and shared features count only the items the person did not dislike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.types import (
    Cohort,
    Evidence,
    HistoryItem,
    ItemQuality,
    Recommendation,
    SharedFeature,
    Trend,
)

if TYPE_CHECKING:
    from whyrec.privacy.dp import NoisyCounts

DAY = 86_400.0
#: (anchor row -> matrix row, item row -> matrix column, people-with-both matrix)
CoCounts = tuple[dict[int, int], dict[int, int], np.ndarray]


class EvidenceBuilder:
    """Adds shared-feature, cohort, quality and trend facts to recommendations.

    Parameters
    ----------
    dataset : the data the facts are computed from.
    k_anonymity : a statistic about other people is stated only when at least this many
        distinct people back it.
    noise_scale : Laplace noise scale added to cohort counts (0 = exact counts).
    privacy : differential privacy for cohort facts: a
        :class:`~whyrec.privacy.dp.NoisyCounts` releases both counts with noise, paid for
        from the dataset's privacy budget; the facts are then ``approximate``.
    max_features, max_cohorts : at most this many facts of each kind per recommendation.
    trend_days : window of the trend fact, ending at the newest interaction.

    Examples
    --------
    >>> builder = EvidenceBuilder(dataset)                             # doctest: +SKIP
    >>> builder.enrich(model.recommend("u0001", 5))                    # doctest: +SKIP
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        k_anonymity: int = 10,
        noise_scale: float = 0.0,
        max_features: int = 3,
        max_cohorts: int = 2,
        trend_days: int = 30,
        seed: int = 0,
        privacy: NoisyCounts | None = None,
    ) -> None:
        if k_anonymity < 1:
            raise ConfigError(f"k_anonymity must be at least 1, got {k_anonymity}")
        self.dataset = dataset
        self.k = int(k_anonymity)
        self.noise_scale = float(noise_scale)
        self.privacy = privacy
        self.max_features = max_features
        self.max_cohorts = max_cohorts
        self.trend_days = trend_days
        self._rng = np.random.default_rng(seed)
        items = dataset.items
        self._item_ids: list[str] = [str(i) for i in dataset.item_ids.tolist()]
        self._categories: list[str] = items["category"].astype(str).tolist()
        self._feature_names, self._item_feature = _feature_matrix(
            catalog_features(category, tags, brand)
            for category, tags, brand in zip(
                items["category"].tolist(), items["tags"].tolist(), items["brand"].tolist(),
                strict=True,
            )
        )
        kind_order = {"brand": 0, "tag": 1, "category": 2}
        self._feature_rank = np.asarray([kind_order[k] for k, _ in self._feature_names],
                                        dtype=np.int64)
        # row i: the people who had item i (a dislike too: cohort counts say who had it)
        had = dataset.user_items.copy()
        had.data = np.ones(had.nnz, dtype=np.float32)
        self._people_of = sparse.csr_matrix(had.T)
        self._item_people = np.diff(self._people_of.indptr)
        ratings = dataset.ratings
        self._rating_count = np.diff(ratings.tocsc().indptr)
        self._rating_sum = np.asarray(ratings.sum(axis=0)).ravel()
        self._trend_counts, self._trend_rank = self._trends()
        self._per_item: dict[int, tuple[ItemQuality | None, Trend | None]] = {}

    # --- public -----------------------------------------------------------------------------
    def enrich(
        self, recommendations: Sequence[Recommendation], history: Iterable[str] | None = None
    ) -> list[Recommendation]:
        """Add facts in place and return the recommendations.

        ``history`` is the person's item ids; by default their history in the dataset.
        """
        return self.enrich_many([list(recommendations)], [history])[0]

    def enrich_many(
        self, batches: Sequence[list[Recommendation]],
        histories: Sequence[Iterable[str] | None] | None = None,
    ) -> list[list[Recommendation]]:
        """``enrich`` for several people at once: one sparse product counts every cohort."""
        histories = histories if histories is not None else [None] * len(batches)
        for recs in batches:  # before the cohorts: their anchors are the history facts
            for rec in recs:
                self._drop_dislikes(rec)
        items = [[self.dataset.item_row(rec.item_id) for rec in recs] for recs in batches]
        together = self._cooccurrence(batches, items)
        noisy = self._noisy_counts(batches, items, together) if self.privacy else None
        for recs, rows, history in zip(batches, items, histories, strict=True):
            if recs:
                self._enrich_one(recs, rows, history, together, noisy)
        return [list(recs) for recs in batches]

    def _enrich_one(
        self, recommendations: list[Recommendation], items: list[int],
        history: Iterable[str] | None, together: CoCounts,
        noisy: dict[str, int] | None = None,
    ) -> None:
        user_id = recommendations[0].user_id
        history_rows = self._history_rows(user_id, history)
        self._add_events(user_id, [fact for rec in recommendations for fact in rec.evidence])
        shared = self._shared_features(items, history_rows)
        for rec, item, features in zip(recommendations, items, shared, strict=True):
            # a popularity model's own fact carries its score share: complete it, don't repeat it
            model_facts = [self._complete_quality(f, item) if isinstance(f, ItemQuality) else f
                           for f in rec.evidence]
            facts: list[Evidence] = [*model_facts, *features,
                                   *self._cohorts(item, rec, together, noisy)]
            quality, trend = self._item_facts(item)
            if quality is not None and not (model_facts and isinstance(model_facts[-1],
                                                                        ItemQuality)):
                facts.append(quality)
            if trend is not None:
                facts.append(trend)
            rec.evidence = facts

    def _item_facts(self, item: int) -> tuple[ItemQuality | None, Trend | None]:
        """The item's quality and trend facts: the same for everyone, so computed once.

        Cached facts are shared between recommendations: facts are read-only once built.
        """
        cached = self._per_item.get(item)
        if cached is None:
            cached = self._per_item[item] = (self._quality(item), self._trend(item))
        return cached

    # --- facts ------------------------------------------------------------------------------
    def _drop_dislikes(self, rec: Recommendation) -> None:
        """Remove history facts about items the person disliked; a share such a fact carried
        (a model trained before dislikes had no weight) joins the remainder fact."""
        disliked = self.dataset.disliked_items(rec.user_id)
        dropped = [fact for fact in rec.evidence
                   if isinstance(fact, HistoryItem) and fact.item_id in disliked]
        if not dropped:
            return
        rec.evidence = [fact for fact in rec.evidence if not any(fact is d for d in dropped)]
        share = sum(fact.score_share for fact in dropped)
        moved = sum(1 for fact in dropped if fact.score_share != 0.0)
        if not moved:
            return
        rest = next((fact for fact in rec.evidence
                     if isinstance(fact, HistoryItem) and not fact.item_id), None)
        if rest is None:
            rec.evidence.append(HistoryItem(id="hist:others", item_id="", title="",
                                            score_share=share, n_items=moved))
        else:
            rest.score_share += share
            rest.n_items += moved

    def _history_rows(self, user_id: str, history: Iterable[str] | None) -> np.ndarray:
        """The person's history items a shared feature may count: not their dislikes."""
        row = self.dataset.user_index.get(user_id)
        if history is not None:
            rows = np.unique(np.asarray([self.dataset.item_row(i) for i in history],
                                        dtype=np.int64))
            if row is None:
                return rows
            disliked = self.dataset.dislikes
            return np.setdiff1d(rows, disliked.indices[disliked.indptr[row]
                                                       : disliked.indptr[row + 1]])
        if row is None:
            return np.empty(0, dtype=np.int64)
        matrix = self.dataset.user_items
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        return matrix.indices[start:end][matrix.data[start:end] > 0]

    def _add_events(self, user_id: str, facts: Sequence[Evidence]) -> None:
        """Fill in what the person did with each history item (strongest event, rating)."""
        row = self.dataset.user_index.get(user_id)
        if row is None:
            return
        lookups = [
            (fact, self.dataset.item_index[fact.item_id]) for fact in facts
            if isinstance(fact, HistoryItem) and fact.item_id in self.dataset.item_index
        ]
        if not lookups:
            return
        cols = np.asarray([col for _, col in lookups])
        events = _row_values(self.dataset.strongest_events, row, cols)
        ratings = _row_values(self.dataset.ratings, row, cols)
        names = self.dataset.event_names
        for (fact, _), code, rating in zip(lookups, events.tolist(), ratings.tolist(),
                                           strict=True):
            fact.event = names[int(code) - 1] if code else None
            fact.rating = float(rating) if rating else None

    def _shared_features(
        self, items: list[int], history_rows: np.ndarray
    ) -> list[list[Evidence]]:
        """Per recommended item: its features most widely shared with the person's history."""
        matrix = self._item_feature
        owners, features = _gather(matrix.indptr, matrix.indices, history_rows)
        counts = np.bincount(features, minlength=matrix.shape[1])  # history items per feature
        by_feature = np.argsort(features, kind="stable")  # history order within a feature
        first_of = np.cumsum(counts) - counts  # where each feature starts in by_feature
        result: list[list[Evidence]] = []
        for item in items:
            own = matrix.indices[matrix.indptr[item] : matrix.indptr[item + 1]]
            own_counts = counts[own]
            keep = own_counts > 0
            # most widely shared first; brand before tag before category on ties (specific first)
            ranked = sorted(zip((-own_counts[keep]).tolist(),
                                self._feature_rank[own[keep]].tolist(), own[keep].tolist(),
                                strict=True))[: self.max_features]
            facts: list[Evidence] = []
            for negative_count, _, column in ranked:
                feature, value = self._feature_names[column]
                start = int(first_of[column])
                first = history_rows[owners[by_feature[start : start + min(-negative_count, 3)]]]
                facts.append(SharedFeature(
                    id=SharedFeature.make_id(feature, value), feature=feature, value=value,
                    history_count=-negative_count,
                    history_item_ids=tuple(self._item_ids[r] for r in first.tolist()),
                ))
            result.append(facts)
        return result

    def _anchors(self, rec: Recommendation) -> list[HistoryItem]:
        """The history items a cohort fact is about: the largest score shares."""
        return [e for e in rec.evidence if isinstance(e, HistoryItem) and e.item_id][
            : self.max_cohorts]

    def _cooccurrence(
        self, batches: Sequence[list[Recommendation]], items: list[list[int]]
    ) -> CoCounts:
        """People who had both, for every (anchor, recommended item) pair, in one product."""
        anchors = sorted({self.dataset.item_index[a.item_id]
                          for recs in batches for rec in recs for a in self._anchors(rec)})
        targets = sorted({item for rows in items for item in rows})
        if not anchors or not targets:
            return {}, {}, np.zeros((0, 0))
        both = (self._people_of[anchors] @ self._people_of[targets].T).toarray()
        return ({row: k for k, row in enumerate(anchors)},
                {row: k for k, row in enumerate(targets)}, both)

    def _noisy_counts(self, batches: Sequence[list[Recommendation]], items: list[list[int]],
                      together: CoCounts) -> dict[str, int]:
        """Every count the cohort facts of this batch may state, released with noise at once
        (one payment from the budget; counts released before are reused for free)."""
        assert self.privacy is not None
        anchor_pos, target_pos, both = together
        wanted: dict[str, int] = {}
        for recs, rows in zip(batches, items, strict=True):
            for rec, item in zip(recs, rows, strict=True):
                for anchor in self._anchors(rec):
                    anchor_row = self.dataset.item_index[anchor.item_id]
                    wanted[f"n:{anchor.item_id}"] = int(self._item_people[anchor_row])
                    wanted[f"co:{anchor.item_id}:{self._item_ids[item]}"] = round(float(
                        both[anchor_pos[anchor_row], target_pos[item]]))
        return self.privacy.release(wanted) if wanted else {}

    def _cohorts(self, item: int, rec: Recommendation, together: CoCounts,
                 noisy: dict[str, int] | None = None) -> list[Evidence]:
        """How many people with the recommendation's top history items also had it."""
        anchor_pos, target_pos, both = together
        facts: list[Evidence] = []
        for anchor in self._anchors(rec):
            anchor_row = self.dataset.item_index[anchor.item_id]
            if noisy is not None:  # differential privacy: only released (noisy) counts
                co_count = noisy[f"co:{anchor.item_id}:{self._item_ids[item]}"]
                anchor_count = noisy[f"n:{anchor.item_id}"]
                if co_count < self.k or anchor_count < self.k:
                    continue
                facts.append(Cohort(
                    id=f"cohort:{anchor.item_id}:{self._item_ids[item]}",
                    anchor_item_id=anchor.item_id, anchor_title=anchor.title,
                    co_count=co_count, anchor_count=anchor_count,
                    share=round(min(1.0, co_count / anchor_count), 4), approximate=True))
                continue
            co_count = round(float(both[anchor_pos[anchor_row], target_pos[item]]))
            anchor_count = int(self._item_people[anchor_row])
            if self.noise_scale > 0:
                co_count = max(0, round(co_count + self._rng.laplace(0, self.noise_scale)))
            if co_count < self.k or anchor_count < self.k:
                continue  # k-anonymity: too few people to state anything about them
            facts.append(Cohort(
                id=f"cohort:{anchor.item_id}:{self._item_ids[item]}",
                anchor_item_id=anchor.item_id, anchor_title=anchor.title,
                co_count=co_count, anchor_count=anchor_count,
                share=round(co_count / anchor_count, 4),
            ))
        return facts

    def _quality(self, item: int) -> ItemQuality | None:
        people = int(self._item_people[item])
        if people < self.k:
            return None
        n_ratings = int(self._rating_count[item])
        mean = (
            round(float(self._rating_sum[item] / n_ratings), 2) if n_ratings >= self.k else None
        )
        return ItemQuality(
            id=f"quality:{self._item_ids[item]}", item_id=self._item_ids[item],
            n_people=people, mean_rating=mean, n_ratings=n_ratings if mean is not None else 0,
            rating_scale=self.dataset.rating_scale if mean is not None else None,
        )

    def _complete_quality(self, fact: Evidence, item: int) -> Evidence:
        """Add rating aggregates to a popularity fact the model made (keeping its share)."""
        if not isinstance(fact, ItemQuality):
            return fact
        quality = self._quality(item)
        if quality is None:
            return fact
        return dataclasses.replace(
            fact, mean_rating=quality.mean_rating, n_ratings=quality.n_ratings,
            rating_scale=quality.rating_scale,
        )

    def _trends(self) -> tuple[np.ndarray, np.ndarray]:
        """Recent interaction count per item and its rank within its category (1 = top)."""
        frame = self.dataset.interactions
        n_items = self.dataset.n_items
        stamps = frame["timestamp"].to_numpy(dtype=np.float64)
        if not np.isfinite(stamps).any():
            return np.zeros(n_items), np.zeros(n_items, dtype=np.int64)
        recent = stamps >= np.nanmax(stamps) - self.trend_days * DAY
        rows = self.dataset.item_rows(frame.loc[recent, "item_id"])
        counts = np.bincount(rows, minlength=n_items).astype(np.float64)
        categories = self.dataset.items["category"].astype(str).to_numpy()
        ranks = np.zeros(n_items, dtype=np.int64)
        for category in np.unique(categories):
            members = np.flatnonzero(categories == category)
            order = members[np.lexsort((members, -counts[members]))]
            ranks[order] = np.arange(1, len(order) + 1)
        return counts, ranks

    def _trend(self, item: int) -> Trend | None:
        count, rank = int(self._trend_counts[item]), int(self._trend_rank[item])
        category = self._categories[item]
        if count < self.k or rank == 0 or rank > 3 or not category:
            return None
        return Trend(
            id=f"trend:{self._item_ids[item]}", item_id=self._item_ids[item],
            category=category, window_days=self.trend_days, recent_count=count,
            rank_in_category=rank,
        )


def catalog_features(category: object, tags: object, brand: object) -> list[tuple[str, str]]:
    features: list[tuple[str, str]] = []
    if isinstance(category, str) and category:
        features.append(("category", category))
    if isinstance(tags, Iterable) and not isinstance(tags, str):
        features.extend(("tag", str(t)) for t in tags if str(t) and str(t) != category)
    if isinstance(brand, str) and brand:
        features.append(("brand", brand))
    return features


def _feature_matrix(
    per_item: Iterable[list[tuple[str, str]]],
) -> tuple[list[tuple[str, str]], sparse.csr_matrix]:
    """Binary items x features matrix and the (kind, value) name of each feature column."""
    vocabulary: dict[tuple[str, str], int] = {}
    indptr, indices = [0], []
    for features in per_item:
        columns = sorted({vocabulary.setdefault(f, len(vocabulary)) for f in features})
        indices.extend(columns)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.int8)
    matrix = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, len(vocabulary)),
    )
    return sorted(vocabulary, key=vocabulary.__getitem__), matrix


def _row_values(matrix: sparse.csr_matrix, row: int, cols: np.ndarray) -> np.ndarray:
    """matrix[row, cols] for a CSR matrix with sorted indices, 0 where absent (fast path)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    indices = matrix.indices[start:end]
    positions = np.searchsorted(indices, cols)
    positions = np.minimum(positions, max(len(indices) - 1, 0))
    if len(indices) == 0:
        return np.zeros(len(cols), dtype=matrix.dtype)
    found = indices[positions] == cols
    return np.where(found, matrix.data[start:end][positions], 0)


def _gather(
    indptr: np.ndarray, indices: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The entries of CSR ``rows`` concatenated: (position in ``rows``, column) per entry.

    Plain numpy, because scipy's fancy row indexing costs ~100 µs of overhead per call.
    """
    starts, ends = indptr[rows], indptr[rows + 1]
    lengths = ends - starts
    owners = np.repeat(np.arange(len(rows)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return owners, indices[np.repeat(starts, lengths) + offsets]
