"""The in-memory ``Dataset``: validated interactions, catalog and people, plus index maps.

Readers (``whyrec.data.load``) turn files into the canonical frames described here; every model and
evidence builder works on a ``Dataset`` and never on raw files.

Canonical frames
----------------
interactions: ``user_id`` (str), ``item_id`` (str), ``event`` (str), ``rating`` (float, NaN when
    absent), ``weight`` (float > 0), ``timestamp`` (float seconds since epoch, NaN when absent).
items: ``item_id`` (str), ``title`` (str), ``category`` (str), ``tags`` (tuple of str), ``brand``
    (str), ``price`` (float, NaN when absent), ``description`` (str), ``language`` (str).
users: ``user_id`` (str), ``language`` (str, "" when unknown).

Dislikes
--------
A (person, item) pair whose latest rating is at or below ``dislike_threshold`` (by default 40 %
of the rating scale: 2 of 5) is a dislike. It is never a reason for a recommendation and does not
raise the scores of similar items: in ``user_items`` it weighs 0 (``dislike_signal="zero"``, the
default) or less than 0 (``"negative"``), and it stays an entry there, so the item counts as seen
and is not recommended back.

Optional
--------
reviews: the text a person wrote about an item (an interactions column ``review``, also found as
    ``review_text``/``reviewText``/``text``), kept apart from the interactions frame: ``user_id``,
    ``item_id``, ``review`` (str, at most ``MAX_REVIEW_CHARS`` characters, the last review of a
    pair). Review text is untrusted and personal: :meth:`Dataset.review` hands it out only
    scrubbed of personal data (``whyrec.privacy.clean.clean_text``). Fine-tuning uses it
    (``whyrec tune --source references``); recommenders and explanations never do.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse

from whyrec.errors import ConfigError, UnknownItemError, UnknownUserError
from whyrec.privacy.clean import clean_text

INTERACTION_COLUMNS = ("user_id", "item_id", "event", "rating", "weight", "timestamp")
T = TypeVar("T")

#: ``title_raw`` is the title as the file spelled it, before HTML entities and markup were
#: decoded (``title`` is what people and models read)
ITEM_COLUMNS = (
    "item_id", "title", "category", "tags", "brand", "price", "description", "language",
    "title_raw", "image_url",
)
USER_COLUMNS = ("user_id", "language")
#: optional interactions columns, kept apart from the canonical frame
OPTIONAL_INTERACTION_COLUMNS = ("review",)
#: a longer review is cut to this many characters when loaded
MAX_REVIEW_CHARS = 5000
DOMAINS = ("ecommerce", "movies", "news")
#: without a ``dislike_threshold``, a rating at or below this share of the scale is a dislike
DISLIKE_SHARE = 0.4
#: what a dislike weighs in ``user_items``: 0 (measured best, benchmarks/bench_dislikes.py), or
#: below 0 (a confident "not liked" for ALS, subtracted similarity for the similarity models)
DISLIKE_SIGNALS = ("zero", "negative")


@dataclass
class ValidationReport:
    """What validation found and repaired without failing: counts plus a few examples."""

    n_interactions_read: int = 0
    unknown_item_rows: int = 0
    unknown_item_examples: list[str] = field(default_factory=list)
    duplicate_rows: int = 0
    users_without_history: list[str] = field(default_factory=list)
    dropped_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_interactions_read": self.n_interactions_read,
            "unknown_item_rows": self.unknown_item_rows,
            "unknown_item_examples": self.unknown_item_examples,
            "duplicate_rows": self.duplicate_rows,
            "users_without_history": len(self.users_without_history),
            "users_without_history_examples": self.users_without_history[:5],
            "dropped_rows": self.dropped_rows,
            "warnings": self.warnings,
        }




class Cached(Generic[T]):
    """The declared name of one structure derived from a :class:`Dataset` and kept with it
    (``T``: what it holds); see :meth:`Dataset.cached`.

    Examples
    --------
    >>> TITLES: Cached[list[str]] = Cached("chat: titles")
    >>> TITLES
    Cached('chat: titles')
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Cached({self.name!r})"

class Dataset:
    """Validated interactions + catalog with dense integer indices for models.

    Item indices follow catalog order; user indices follow sorted user ids of people with history.
    """

    def __init__(
        self,
        interactions: pd.DataFrame,
        items: pd.DataFrame,
        users: pd.DataFrame | None = None,
        *,
        name: str = "dataset",
        domain: str = "ecommerce",
        rating_scale: float | None = None,
        report: ValidationReport | None = None,
        translations: dict[str, dict[str, str]] | None = None,
        reviews: pd.DataFrame | None = None,
        dislike_threshold: float | None = None,
        dislike_signal: str = "zero",
    ) -> None:
        if dislike_signal not in DISLIKE_SIGNALS:
            raise ConfigError(f"unknown dislike_signal {dislike_signal!r} (expected one of: "
                              f"{', '.join(DISLIKE_SIGNALS)})")
        self.interactions = interactions.reset_index(drop=True)
        self.items = items.reset_index(drop=True)
        if users is None:
            users = pd.DataFrame({"user_id": pd.Series(dtype=str), "language": ""})
        self.users = users.reset_index(drop=True)
        self.name = name
        self.domain = domain
        self.rating_scale = rating_scale
        #: a latest rating at or below this is a dislike (-inf: none is)
        self.dislike_threshold = float(
            dislike_threshold if dislike_threshold is not None
            else DISLIKE_SHARE * (rating_scale or 5.0))
        self.dislike_signal = dislike_signal
        self.report = report or ValidationReport()
        #: catalog words (categories, tags) per language: {"zh": {"headphones": "耳机"}}
        self.translations: dict[str, dict[str, str]] = translations or {}
        # structures other layers derive from this data once and reuse: see ``cached``
        self._cached: dict[tuple[Cached[Any], Hashable], Any] = {}
        # raw review text (user_id, item_id, review): read through ``review``, which scrubs it
        self._reviews = reviews if reviews is not None and len(reviews) else None

    def cached(self, name: Cached[T], make: Callable[[], T], *, variant: Hashable = ()) -> T:
        """The structure ``name`` derived from this data, made by ``make`` on first use.

        ``variant`` tells apart versions made with other settings (the evidence indexes of
        each k-anonymity). Each layer declares its names as :class:`Cached` constants, so a
        name and the type it holds are written once.
        """
        key = (name, variant)
        if key not in self._cached:
            self._cached[key] = make()
        value: T = self._cached[key]
        return value

    # --- index maps -------------------------------------------------------------------------
    @cached_property
    def item_ids(self) -> np.ndarray:
        return self.items["item_id"].to_numpy(dtype=object)

    @cached_property
    def user_ids(self) -> np.ndarray:
        return np.array(sorted(self.interactions["user_id"].unique()), dtype=object)

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {item: i for i, item in enumerate(self.item_ids)}

    @cached_property
    def user_index(self) -> dict[str, int]:
        return {user: u for u, user in enumerate(self.user_ids)}

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def user_row(self, user_id: str) -> int:
        try:
            return self.user_index[str(user_id)]
        except KeyError:
            raise UnknownUserError(str(user_id)) from None

    def item_row(self, item_id: str) -> int:
        try:
            return self.item_index[str(item_id)]
        except KeyError:
            raise UnknownItemError(str(item_id)) from None

    # --- matrices ---------------------------------------------------------------------------
    def user_rows(self, user_ids: pd.Series) -> np.ndarray:
        """Row of each user id (-1 when unknown), vectorised."""
        return np.asarray(pd.Index(self.user_ids).get_indexer(user_ids), dtype=np.int64)

    def item_rows(self, item_ids: pd.Series) -> np.ndarray:
        """Row of each item id (-1 when not in the catalog), vectorised."""
        return np.asarray(pd.Index(self.item_ids).get_indexer(item_ids), dtype=np.int64)

    def _codes(self) -> tuple[np.ndarray, np.ndarray]:
        return (self.user_rows(self.interactions["user_id"]),
                self.item_rows(self.interactions["item_id"]))

    @cached_property
    def user_items(self) -> sparse.csr_matrix:
        """users x items confidence matrix: the sum of event weights per (user, item); a
        dislike holds 0 or a negative weight (``dislike_signal``) but keeps its entry (seen)."""
        rows, cols = self._codes()
        weights = self.interactions["weight"].to_numpy(dtype=np.float32)
        matrix = sparse.csr_matrix(
            (weights, (rows, cols)), shape=(self.n_users, self.n_items), dtype=np.float32
        )
        matrix.sum_duplicates()
        matrix.sort_indices()
        disliked = self._disliked_ratings.tocoo()
        if disliked.nnz:
            # entries are sorted by (row, column): find each disliked pair's entry by its key
            entry_rows = np.repeat(np.arange(self.n_users, dtype=np.int64), np.diff(matrix.indptr))
            keys = entry_rows * self.n_items + matrix.indices
            positions = np.searchsorted(keys, disliked.row.astype(np.int64) * self.n_items
                                        + disliked.col)
            matrix.data[positions] = self._dislike_weights(disliked.data)
        return matrix

    def _dislike_weights(self, ratings: np.ndarray) -> np.ndarray:
        if self.dislike_signal == "zero":
            return np.zeros(len(ratings), dtype=np.float32)
        # a view's weight, plus one per star below the threshold (in stars of a 5-star scale)
        below = (self.dislike_threshold - ratings) * 5.0 / (self.rating_scale or 5.0)
        return -(1.0 + below).astype(np.float32)

    @cached_property
    def _disliked_ratings(self) -> sparse.csr_matrix:
        """users x items: the latest rating of each disliked pair (every stored value counts)."""
        ratings = self.ratings.tocoo()
        low = ratings.data <= self.dislike_threshold
        return sparse.csr_matrix((ratings.data[low], (ratings.row[low], ratings.col[low])),
                                 shape=ratings.shape, dtype=np.float32)

    @cached_property
    def dislikes(self) -> sparse.csr_matrix:
        """users x items, 1 where the person's latest rating is at or below
        ``dislike_threshold``: never a reason, never raises similar items' scores."""
        matrix = self._disliked_ratings.copy()
        matrix.data = np.ones(matrix.nnz, dtype=np.float32)  # a 0 rating still marks one
        matrix.sort_indices()
        return matrix

    def disliked_items(self, user_id: str) -> set[str]:
        """The item ids the person disliked (empty for an unknown person).

        Examples
        --------
        >>> import pandas as pd
        >>> data = Dataset(pd.DataFrame({"user_id": ["u", "u"], "item_id": ["a", "b"],
        ...                              "event": "rating", "rating": [1.0, 5.0],
        ...                              "weight": [1.0, 5.0]}),
        ...                pd.DataFrame({"item_id": ["a", "b"], "title": ["A", "B"]}),
        ...                rating_scale=5.0)
        >>> data.dislike_threshold, data.disliked_items("u"), data.user_items.toarray().tolist()
        (2.0, {'a'}, [[0.0, 5.0]])
        """
        row = self.user_index.get(str(user_id))
        if row is None:
            return set()
        matrix = self.dislikes
        columns = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
        return {str(self.item_ids[c]) for c in columns.tolist()}

    @cached_property
    def ratings(self) -> sparse.csr_matrix:
        """users x items explicit ratings (latest rating per pair); empty when there are none."""
        frame = self.interactions.dropna(subset=["rating"])
        if "timestamp" in frame:
            frame = frame.sort_values("timestamp", kind="stable")
        frame = frame.drop_duplicates(["user_id", "item_id"], keep="last")
        rows, cols = self.user_rows(frame["user_id"]), self.item_rows(frame["item_id"])
        values = frame["rating"].to_numpy(dtype=np.float32)
        return sparse.csr_matrix(
            (values, (rows, cols)), shape=(self.n_users, self.n_items), dtype=np.float32
        )

    @cached_property
    def event_names(self) -> list[str]:
        return sorted(str(e) for e in self.interactions["event"].unique())

    @cached_property
    def strongest_events(self) -> sparse.csr_matrix:
        """users x items: 1 + index into ``event_names`` of the strongest (highest-weight) event,
        for wording ("you bought" rather than "you viewed")."""
        frame = self.interactions.sort_values("weight", kind="stable")
        frame = frame.drop_duplicates(["user_id", "item_id"], keep="last")
        rows, cols = self.user_rows(frame["user_id"]), self.item_rows(frame["item_id"])
        codes = {name: k + 1 for k, name in enumerate(self.event_names)}
        values = frame["event"].map(codes).to_numpy(dtype=np.int32)
        matrix = sparse.csr_matrix(
            (values, (rows, cols)), shape=(self.n_users, self.n_items), dtype=np.int32
        )
        matrix.sort_indices()
        return matrix

    # --- reviews ----------------------------------------------------------------------------
    @property
    def has_reviews(self) -> bool:
        """Whether the interactions came with review text (a ``review`` column)."""
        return self._reviews is not None

    @property
    def n_reviews(self) -> int:
        return 0 if self._reviews is None else len(self._reviews)

    @cached_property
    def _review_map(self) -> dict[tuple[str, str], str]:
        if self._reviews is None:
            return {}
        frame = self._reviews
        return dict(zip(zip(frame["user_id"].tolist(), frame["item_id"].tolist(), strict=True),
                        frame["review"].tolist(), strict=True))

    def reviewed_items(self, user_id: str) -> list[str]:
        """Items the person wrote a review of, in file order (empty without reviews)."""
        return list(self._reviewed_by.get(str(user_id), []))

    @cached_property
    def _reviewed_by(self) -> dict[str, list[str]]:
        by_user: dict[str, list[str]] = {}
        for user, item in self._review_map:
            by_user.setdefault(user, []).append(item)
        return by_user

    def review(self, user_id: str, item_id: str) -> str | None:
        """The person's review of the item, scrubbed of personal data; ``None`` when none.

        Examples
        --------
        >>> import pandas as pd
        >>> data = Dataset(pd.DataFrame({"user_id": ["u"], "item_id": ["i"]}),
        ...                pd.DataFrame({"item_id": ["i"], "title": ["Tea"]}),
        ...                reviews=pd.DataFrame({"user_id": ["u"], "item_id": ["i"],
        ...                                      "review": ["Lovely. Mail me: ann@example.com"]}))
        >>> data.review("u", "i")
        'Lovely. Mail me: (email)'
        """
        raw = self._review_map.get((str(user_id), str(item_id)))
        if raw is None:
            return None
        return clean_text(raw, purpose="record", source="person")

    # --- convenience ------------------------------------------------------------------------
    def title(self, item_row: int) -> str:
        return str(self.items.at[item_row, "title"])

    def user_language(self, user_id: str, default: str = "en") -> str:
        """The person's language from the people table; ``default`` when unknown."""
        return self._user_languages.get(str(user_id)) or default

    @cached_property
    def _user_languages(self) -> dict[str, str]:
        # a dict, built once: the service asks for every request
        if "language" not in self.users.columns:
            return {}
        languages: dict[str, str] = {}
        for user, language in zip(self.users["user_id"].tolist(),
                                  self.users["language"].tolist(), strict=True):
            if isinstance(language, str) and language:
                languages.setdefault(str(user), language)
        return languages

    def subset(self, interactions: pd.DataFrame, name: str | None = None) -> Dataset:
        """Same catalog and people, other interactions (used for train/test splits)."""
        return Dataset(
            interactions,
            self.items,
            self.users,
            name=name or self.name,
            domain=self.domain,
            rating_scale=self.rating_scale,
            report=self.report,
            translations=self.translations,
            reviews=self._reviews,
            dislike_threshold=self.dislike_threshold,
            dislike_signal=self.dislike_signal,
        )

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "domain": self.domain,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "n_interactions": len(self.interactions),
            "events": {str(k): int(v) for k, v in
                       self.interactions["event"].value_counts().sort_index().items()},
            "validation": self.report.to_dict(),
        }

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, domain={self.domain!r}, users={self.n_users}, "
            f"items={self.n_items}, interactions={len(self.interactions)})"
        )
