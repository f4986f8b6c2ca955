"""The recommender interface: fit / recommend / save / load, shared by every algorithm.

Every model scores items *additively* from the person's history (or from popularity), so each
recommendation's evidence shares sum to its score. Subclasses implement three small hooks:
``_fit``, ``_user_state`` + ``_scores`` (ranking) and ``_shares`` (the exact decomposition).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
from scipy import sparse

from whyrec._native import single_threaded_blas
from whyrec._version import __version__
from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError, ModelError, UnknownItemError, UnknownUserError
from whyrec.models.persist import (
    check_save_target,
    csr_arrays,
    csr_from_arrays,
    read_files,
    write_directory,
    write_files,
)
from whyrec.types import Evidence, HistoryItem, ItemQuality, Recommendation


class Recommender(ABC):
    """Base class of every whyrec recommender.

    Parameters are plain JSON values passed as keyword arguments and saved with the model.
    After ``fit`` the model is self-contained: it keeps item ids, titles, the training history
    and item popularity, so ``recommend`` needs no dataset and ``save``/``load`` round-trip.

    Examples
    --------
    >>> from whyrec.models import create
    >>> model = create("itemknn").fit(dataset)                      # doctest: +SKIP
    >>> [r.item_id for r in model.recommend("u0001", n=3)]          # doctest: +SKIP
    """

    algorithm: ClassVar[str]
    #: a person with fewer history items than this gets popularity results (cold start)
    default_min_history: ClassVar[int] = 1
    #: whether popularity answers only mark a cold start (False for the popularity model itself)
    popularity_is_fallback: ClassVar[bool] = True
    #: whether a share divided by the history weight is an item-item similarity worth showing
    reports_similarity: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # every algorithm registers itself by name: loading a saved model needs no registry
        if "algorithm" in cls.__dict__:
            ALGORITHMS[cls.algorithm] = cls

    def __init__(self, **params: Any) -> None:
        min_history = params.pop("min_history", self.default_min_history)
        self.params: dict[str, Any] = {**self.default_params(), **params}
        unknown = set(params) - set(self.default_params())
        if unknown:
            raise ModelError(
                f"{self.algorithm}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(self.default_params()))}"
            )
        self.min_history = int(min_history)
        self.fitted = False

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return {}

    # --- training ---------------------------------------------------------------------------
    def fit(self, dataset: Dataset, *, progress: bool = False) -> Self:
        """Train on ``dataset`` and remember what recommending and explaining need."""
        if dataset.n_users == 0 or len(dataset.interactions) == 0:
            raise ModelError("cannot fit on a dataset with no interactions")
        self.item_ids = np.asarray(dataset.item_ids, dtype=str)
        self.user_ids = np.asarray(dataset.user_ids, dtype=str)
        self.titles = np.asarray(dataset.items["title"].astype(str).to_numpy(), dtype=str)
        self.user_items = dataset.user_items.astype(np.float32).tocsr()
        # everyone who had the item, a dislike too: the popularity facts state this count
        self.popularity = np.diff(self.user_items.tocsc().indptr).astype(np.float64)
        self._build_indices()
        self._fit(dataset, progress=progress)
        self.fitted = True
        return self

    def _build_indices(self) -> None:
        self.user_index = {u: i for i, u in enumerate(self.user_ids.tolist())}
        self.item_index = {it: i for i, it in enumerate(self.item_ids.tolist())}
        # plain lists: indexing them is far cheaper than numpy string scalars in hot loops
        self._item_list: list[str] = self.item_ids.tolist()
        self._title_list: list[str] = self.titles.tolist()

    @abstractmethod
    def _fit(self, dataset: Dataset, *, progress: bool) -> None: ...

    # --- scoring hooks ----------------------------------------------------------------------
    def _user_state(self, history: sparse.csr_matrix) -> Any:
        """Per-person state reused by ``_scores`` and ``_shares`` (ALS: the solved user vector)."""
        return None

    @abstractmethod
    def _scores(self, history: sparse.csr_matrix, state: Any) -> np.ndarray:
        """Score of every item for a person with this 1 x n_items history row."""

    def _scores_many(self, histories: list[sparse.csr_matrix], states: list[Any]) -> np.ndarray:
        """Scores for several people at once (people x items); models override this with one
        matrix product where they can."""
        return np.vstack([self._scores(h, s) for h, s in zip(histories, states, strict=True)])

    @abstractmethod
    def _shares(
        self, history: sparse.csr_matrix, state: Any, item_rows: np.ndarray
    ) -> np.ndarray:
        """history items x ``item_rows`` matrix: each history item's additive share of each
        item's score (rows follow ``history.indices``); columns sum to the scores."""

    # --- public API -------------------------------------------------------------------------
    def history_row(self, user_id: str) -> sparse.csr_matrix:
        """The person's training history as a 1 x n_items row; unknown people raise."""
        self._check_fitted()
        row = self.user_index.get(str(user_id))
        if row is None:
            raise UnknownUserError(str(user_id))
        return self.user_items[row]

    def history_from_items(
        self, item_ids: Iterable[str], weights: Sequence[float] | None = None
    ) -> sparse.csr_matrix:
        """Build a history row for a new person from item ids (unknown items raise)."""
        self._check_fitted()
        ids = [str(i) for i in item_ids]
        cols = []
        for item in ids:
            if item not in self.item_index:
                raise UnknownItemError(item)
            cols.append(self.item_index[item])
        values = np.ones(len(cols), np.float32) if weights is None else np.asarray(weights)
        row = sparse.csr_matrix(
            (values.astype(np.float32), (np.zeros(len(cols), int), cols)),
            shape=(1, len(self.item_ids)),
        )
        row.sum_duplicates()
        return row

    def recommend(
        self,
        user_id: str,
        n: int = 10,
        *,
        history: sparse.csr_matrix | None = None,
        exclude: Iterable[str] = (),
        max_shares: int = 5,
    ) -> list[Recommendation]:
        """Top-``n`` unseen items for ``user_id`` with history-item evidence.

        ``history`` overrides the stored history (a new person, or one with fresh events).
        Evidence keeps the ``max_shares`` largest history shares and folds the rest into one
        remainder fact, so that shares always sum to the score.
        """
        if n < 1:
            raise ModelError(f"n must be at least 1, got {n}")
        row = self.history_row(user_id) if history is None else history
        if liked_count(row) < self.min_history:
            return self._popular(str(user_id), row, n, exclude)
        with single_threaded_blas():
            state = self._user_state(row)
            scores = self._scores(row, state).astype(np.float64, copy=True)
            item_rows = self._top_n(scores, row, n, exclude)
            shares = self._shares(row, state, item_rows)
        return self._recommendations(str(user_id), item_rows, scores, shares, row, max_shares)

    def recommend_ids(
        self, user_id: str, n: int = 10, *, history: sparse.csr_matrix | None = None
    ) -> list[str]:
        """Top-``n`` unseen item ids without evidence: the fast path for evaluation."""
        row = self.history_row(user_id) if history is None else history
        if liked_count(row) < self.min_history:
            scores = self.popularity.astype(np.float64, copy=True)
            return [self._item_list[i] for i in self._top_n(scores, row, n, ())]
        with single_threaded_blas():
            scores = self._scores(row, self._user_state(row)).astype(np.float64, copy=True)
            return [self._item_list[i] for i in self._top_n(scores, row, n, ())]

    def recommend_item(
        self, user_id: str, item_id: str, *, history: sparse.csr_matrix | None = None,
        max_shares: int = 5,
    ) -> Recommendation:
        """Any item as if recommended: its score, the rank it has among the items the person
        has not seen (ties ordered as ``recommend`` orders them), and its history evidence.

        ``rank`` is 0 when the person already has the item. Answers "why not X?".
        """
        row = self.history_row(user_id) if history is None else history
        column = self.item_index.get(str(item_id))
        if column is None:
            raise UnknownItemError(str(item_id))
        if liked_count(row) < self.min_history:  # cold start: popularity, score and reason
            scores = self.popularity.astype(np.float64, copy=True)
            rec = self._popular_recommendation(str(user_id), column, 0)
        else:
            with single_threaded_blas():
                state = self._user_state(row)
                scores = self._scores(row, state).astype(np.float64, copy=True)
                shares = self._shares(row, state, np.asarray([column]))
            rec = self._recommendations(str(user_id), np.asarray([column]), scores, shares, row,
                                        max_shares)[0]
        seen = column in set(row.indices.tolist())
        unseen = np.ones(len(scores), dtype=bool)
        unseen[row.indices] = False
        better = (scores > scores[column]) | ((scores == scores[column])
                                              & (np.arange(len(scores)) < column))
        rec.rank = 0 if seen else int(np.count_nonzero(better & unseen)) + 1
        return rec

    def recommend_many(
        self, user_ids: Iterable[str], n: int = 10, *, chunk_size: int = 128,
        max_shares: int = 5,
    ) -> Iterator[tuple[str, list[Recommendation]]]:
        """``recommend`` for many people: scored ``chunk_size`` at a time with one matrix
        product per chunk (the same numbers as ``recommend``, several times faster)."""
        if n < 1:
            raise ModelError(f"n must be at least 1, got {n}")
        for chunk in _chunks([str(u) for u in user_ids], chunk_size):
            rows = [self.history_row(user) for user in chunk]
            warm = [k for k, row in enumerate(rows) if liked_count(row) >= self.min_history]
            position = {k: p for p, k in enumerate(warm)}
            with single_threaded_blas():  # per-person solves are tiny; threads only cost
                states = [self._user_state(rows[k]) for k in warm]
                scores = self._scores_many([rows[k] for k in warm], states) if warm else None
            for k, (user, row) in enumerate(zip(chunk, rows, strict=True)):
                if k not in position:
                    yield user, self._popular(user, row, n, ())
                    continue
                assert scores is not None
                user_scores = scores[position[k]].astype(np.float64, copy=True)
                with single_threaded_blas():
                    item_rows = self._top_n(user_scores, row, n, ())
                    shares = self._shares(row, states[position[k]], item_rows)
                yield user, self._recommendations(user, item_rows, user_scores, shares, row,
                                                  max_shares)

    # --- helpers ----------------------------------------------------------------------------
    def _top_n(
        self, scores: np.ndarray, row: sparse.csr_matrix, n: int, exclude: Iterable[str]
    ) -> np.ndarray:
        scores[row.indices] = -np.inf  # never recommend what the person already has
        for item in exclude:
            if item in self.item_index:
                scores[self.item_index[item]] = -np.inf
        # no reason, no recommendation: an item scoring <= 0 has nothing in its favour
        # (similarity models score unrelated items 0); return fewer than n rather than guess
        scores[scores <= 0] = -np.inf
        candidates = np.flatnonzero(np.isfinite(scores))
        n = min(n, len(candidates))
        if n == 0:
            return np.empty(0, dtype=np.int64)
        part = candidates[np.argpartition(-scores[candidates], n - 1)[:n]]
        # ties broken by item row so results are deterministic
        return part[np.lexsort((part, -scores[part]))]

    def _recommendations(
        self,
        user_id: str,
        item_rows: np.ndarray,
        scores: np.ndarray,
        shares: np.ndarray,
        row: sparse.csr_matrix,
        max_shares: int,
    ) -> list[Recommendation]:
        """Recommendations with the ``max_shares`` largest history shares of each, the rest
        folded into one remainder fact; vectorised over the person's recommendations."""
        n_hist = shares.shape[0]
        weights = row.data.astype(np.float64)
        # a dislike (weight <= 0) is never named as a reason; any share it has goes to the rest
        nameable = np.where((weights > 0)[:, None], shares, 0.0)
        keep = min(max_shares, n_hist)
        if keep < n_hist:
            top = np.argpartition(-nameable, keep - 1, axis=0)[:keep]
        else:
            top = np.repeat(np.arange(n_hist)[:, None], shares.shape[1], axis=1)
        values = np.take_along_axis(nameable, top, axis=0)
        # largest shares first, ties by item row (history rows are sorted), so order is stable
        order = np.lexsort((top, -values), axis=0)
        top, values = np.take_along_axis(top, order, axis=0), np.take_along_axis(values, order, 0)
        rest_total = shares.sum(axis=0) - values.sum(axis=0)
        rest_count = np.count_nonzero(shares, axis=0) - np.count_nonzero(values, axis=0)
        hist_rows = row.indices.tolist()
        similarity = None
        if self.reports_similarity:
            similarity = np.divide(values, weights[top], out=np.zeros_like(values),
                                   where=weights[top] > 0).T.tolist()
        recs = []
        for col, item in enumerate(item_rows.tolist()):
            evidence: list[Evidence] = []
            for k, (h, share) in enumerate(zip(top[:, col].tolist(), values[:, col].tolist(),
                                               strict=True)):
                if share == 0.0:
                    continue  # not a reason: this history item does not touch the score
                item_id = self._item_list[hist_rows[h]]
                evidence.append(HistoryItem(
                    id=f"hist:{item_id}", item_id=item_id, title=self._title_list[hist_rows[h]],
                    score_share=share, weight=float(weights[h]),
                    similarity=None if similarity is None else similarity[col][k],
                ))
            if rest_count[col] > 0:
                evidence.append(HistoryItem(
                    id="hist:others", item_id="", title="", score_share=float(rest_total[col]),
                    n_items=int(rest_count[col]),
                ))
            recs.append(Recommendation(
                user_id=user_id, item_id=self._item_list[item], title=self._title_list[item],
                score=float(scores[item]), rank=col + 1, algorithm=self.algorithm,
                evidence=evidence,
            ))
        return recs

    def _popular(
        self, user_id: str, row: sparse.csr_matrix, n: int, exclude: Iterable[str]
    ) -> list[Recommendation]:
        """Cold start: the most popular unseen items; the score *is* the popularity fact."""
        scores = self.popularity.astype(np.float64, copy=True)
        return [self._popular_recommendation(user_id, item, rank)
                for rank, item in enumerate(self._top_n(scores, row, n, exclude), 1)]

    def _popular_recommendation(self, user_id: str, item: int, rank: int) -> Recommendation:
        quality = ItemQuality(
            id=f"quality:{self.item_ids[item]}",
            item_id=str(self.item_ids[item]),
            n_people=int(self.popularity[item]),
            score_share=float(self.popularity[item]),
        )
        return Recommendation(
            user_id=user_id, item_id=str(self.item_ids[item]),
            title=str(self.titles[item]), score=float(self.popularity[item]), rank=rank,
            algorithm=self.algorithm, evidence=[quality],
            cold_start=self.popularity_is_fallback,
        )

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise ModelError(f"{self.algorithm} model is not fitted: call fit() or load() first")

    # --- persistence ------------------------------------------------------------------------
    def _arrays(self) -> dict[str, np.ndarray]:
        """Model-specific arrays to save (subclasses extend)."""
        return {}

    def _restore(self, arrays: dict[str, np.ndarray]) -> None:
        """Rebuild model-specific state from saved arrays (subclasses extend)."""

    def _save_extra(self, directory: Path) -> None:
        """Write anything beyond arrays (hybrid: its component models)."""

    def _load_extra(self, directory: Path) -> None:
        """Read what ``_save_extra`` wrote."""

    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the model to directory ``path`` as ``arrays.npz`` + ``model.json`` (no pickle),
        atomically; a directory holding anything but a whyrec model is never overwritten."""
        self._check_fitted()
        return write_directory(check_save_target(path, overwrite=overwrite), self._write)

    def _write(self, directory: Path) -> None:
        arrays = {
            "item_ids": self.item_ids, "user_ids": self.user_ids, "titles": self.titles,
            "popularity": self.popularity, **csr_arrays("user_items", self.user_items),
            **self._arrays(),
        }
        self._save_extra(directory)
        write_files(directory, arrays, {
            "whyrec_version": __version__, "algorithm": self.algorithm, "params": self.params,
            "min_history": self.min_history,
        })

    @classmethod
    def load(cls, path: str | Path) -> Recommender:
        """Load any saved model; the algorithm is read from ``model.json``."""
        directory = Path(path)
        meta, arrays = read_files(directory)
        model_cls = algorithm_class(meta["algorithm"])
        if cls is not Recommender and not issubclass(model_cls, cls):
            raise ModelError(f"{directory} holds a {meta['algorithm']} model, not {cls.__name__}")
        model = model_cls(**meta["params"], min_history=meta["min_history"])
        model.item_ids, model.user_ids = arrays["item_ids"], arrays["user_ids"]
        model.titles, model.popularity = arrays["titles"], arrays["popularity"]
        model.user_items = csr_from_arrays("user_items", arrays)
        model._build_indices()
        model._restore(arrays)
        model._load_extra(directory)
        model.fitted = True
        return model


#: algorithm name -> class, filled as each algorithm's module is imported (the built-in ones are
#: imported by ``whyrec.models``, so they are always here)
ALGORITHMS: dict[str, type[Recommender]] = {}


def algorithm_class(name: str) -> type[Recommender]:
    """The registered algorithm called ``name``."""
    found = ALGORITHMS.get(name)
    if found is None:
        raise ConfigError(f"unknown algorithm {name!r}; choose from {', '.join(ALGORITHMS)}")
    return found


def liked_count(row: sparse.csr_matrix) -> int:
    """History items that count for the person (weight > 0): a dislike is seen, not liked."""
    return int(np.count_nonzero(row.data > 0))


def liked_part(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix`` without its dislikes (entries <= 0): what similarity is learned from."""
    liked = matrix.copy()
    liked.data = np.maximum(liked.data, 0)
    liked.eliminate_zeros()
    return liked


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]
