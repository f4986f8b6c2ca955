"""Differential privacy for cohort statistics: discrete Laplace noise on counts, paid for from a
per-dataset privacy budget (epsilon) that is tracked and never overspent.

A cohort fact states two counts: people who had the anchor item, and people who had both. One
person changes each count by at most 1, so each released count costs ``epsilon_per_count``
(sequential composition; OpenDP's own privacy map computes the cost). A released count is
remembered and reused, which costs nothing more (post-processing), so the same fact reads the
same on every run. When the next release would spend more than the budget,
:class:`~whyrec.errors.PrivacyBudgetError` says so and nothing is released.

The noise comes from OpenDP (``opendp``, the ``privacy`` extra): its discrete Laplace
(geometric) sampler, with the library's own secure randomness.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, select

from whyrec.errors import ConfigError, PrivacyBudgetError
from whyrec.store.engine import Store
from whyrec.store.schema import privacy_budget, privacy_releases

#: floating-point slack when comparing spent epsilon with the budget
EPS_SLACK = 1e-9


class BudgetAccountant:
    """How much epsilon a dataset has spent, and the counts already released for it.

    Parameters
    ----------
    dataset : the name the budget is kept under (one budget per dataset).
    budget : the total epsilon the dataset may spend.
    store : keep the spending and the released counts in this store (shared by every process
        using it); ``None`` keeps them in memory for this object only.

    Examples
    --------
    >>> accountant = BudgetAccountant("shop", budget=1.0)
    >>> accountant.pay(0.75, {"n:i1": 12})
    >>> accountant.pay(0.5, {"n:i2": 9})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    whyrec.errors.PrivacyBudgetError: privacy budget of dataset 'shop' is spent: ...
    """

    def __init__(self, dataset: str, budget: float, store: Store | None = None) -> None:
        if not budget > 0:
            raise ConfigError(f"the privacy budget (epsilon) must be above 0, got {budget}")
        self.dataset = str(dataset)
        self.budget = float(budget)
        self.store = store
        self._spent = 0.0
        self._released: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def spent(self) -> float:
        """Epsilon spent so far."""
        if self.store is None:
            return self._spent
        with self.store.read() as connection:
            value = connection.execute(select(privacy_budget.c.spent).where(
                privacy_budget.c.dataset == self.dataset)).scalar()
        return float(value or 0.0)

    @property
    def remaining(self) -> float:
        return max(0.0, self.budget - self.spent)

    def released(self, keys: Sequence[str]) -> dict[str, int]:
        """The counts among ``keys`` released before (free to state again)."""
        if self.store is None:
            return {k: self._released[k] for k in keys if k in self._released}
        found: dict[str, int] = {}
        wanted = list(dict.fromkeys(keys))
        with self.store.read() as connection:
            for start in range(0, len(wanted), 500):
                rows = connection.execute(select(privacy_releases.c.key, privacy_releases.c.value)
                                          .where(privacy_releases.c.dataset == self.dataset,
                                                 privacy_releases.c.key.in_(
                                                     wanted[start:start + 500])))
                found.update({key: int(value) for key, value in rows})
        return found

    def pay(self, epsilon: float, releases: dict[str, int]) -> None:
        """Spend ``epsilon`` and remember ``releases``, or raise and change nothing."""
        if self.store is None:
            with self._lock:
                self._check(self._spent, epsilon)
                self._spent += epsilon
                self._released.update(releases)
            return
        self.store.run_write(lambda connection: self._pay_in(connection, epsilon, releases))

    def forget_releases(self) -> int:
        """Drop every remembered count (after data changed: a person was forgotten); the
        epsilon already spent stays spent. Returns how many were dropped."""
        if self.store is None:
            with self._lock:
                dropped = len(self._released)
                self._released.clear()
            return dropped
        return int(self.store.run_write(lambda connection: connection.execute(
            delete(privacy_releases).where(privacy_releases.c.dataset == self.dataset))
        ).rowcount or 0)

    def _pay_in(self, connection: Connection, epsilon: float, releases: dict[str, int]) -> None:
        spent = connection.execute(select(privacy_budget.c.spent).where(
            privacy_budget.c.dataset == self.dataset)).scalar()
        now = time.time()
        self._check(float(spent or 0.0), epsilon)
        if spent is None:
            connection.execute(privacy_budget.insert().values(
                dataset=self.dataset, budget=self.budget, spent=epsilon, updated_at=now))
        else:
            connection.execute(privacy_budget.update().where(
                privacy_budget.c.dataset == self.dataset).values(
                    budget=self.budget, spent=float(spent) + epsilon, updated_at=now))
        if releases:
            known = set(connection.execute(select(privacy_releases.c.key).where(
                privacy_releases.c.dataset == self.dataset,
                privacy_releases.c.key.in_(list(releases)))).scalars())
            rows = [{"dataset": self.dataset, "key": k, "value": int(v), "created_at": now}
                    for k, v in releases.items() if k not in known]
            if rows:
                connection.execute(privacy_releases.insert(), rows)

    def _check(self, spent: float, epsilon: float) -> None:
        if spent + epsilon > self.budget + EPS_SLACK:
            raise PrivacyBudgetError(
                f"privacy budget of dataset {self.dataset!r} is spent: {spent:.4g} of "
                f"{self.budget:.4g} used, these statistics need {epsilon:.4g} more (raise the "
                "budget or turn differential privacy off)")


class NoisyCounts:
    """Releases counts with discrete Laplace noise, paid for from a :class:`BudgetAccountant`.

    Parameters
    ----------
    epsilon_per_count : privacy cost of one released count (noise scale ``1 / epsilon``).
    accountant : the dataset's budget.

    Examples
    --------
    >>> counts = NoisyCounts(0.5, BudgetAccountant("shop", budget=2.0))  # doctest: +SKIP
    >>> counts.release({"n:i1": 40, "co:i1:i2": 25})                   # doctest: +SKIP
    {'n:i1': 41, 'co:i1:i2': 23}
    """

    def __init__(self, epsilon_per_count: float, accountant: BudgetAccountant) -> None:
        if not epsilon_per_count > 0:
            raise ConfigError(f"epsilon per count must be above 0, got {epsilon_per_count}")
        self.epsilon_per_count = float(epsilon_per_count)
        self.accountant = accountant
        self.scale = 1.0 / self.epsilon_per_count

    def release(self, true_counts: dict[str, int]) -> dict[str, int]:
        """Noisy counts (never below 0) for the keys; counts released before are reused."""
        known = self.accountant.released(list(true_counts))
        fresh = {k: int(v) for k, v in true_counts.items() if k not in known}
        if not fresh:
            return {k: known[k] for k in true_counts}
        measurement = self._measurement()
        keys = list(fresh)
        # one person changes each count by at most 1: L1 distance len(keys) between neighbours
        epsilon = float(measurement.map(len(keys)))
        noisy = [max(0, int(v)) for v in measurement([fresh[k] for k in keys])]
        released = dict(zip(keys, noisy, strict=True))
        self.accountant.pay(epsilon, released)
        return {k: known.get(k, released.get(k, 0)) for k in true_counts}

    def sample(self, value: int, n: int) -> list[int]:
        """``n`` independent noisy copies of ``value``, spending nothing (for checking the
        noise itself; never use it on real statistics)."""
        return [int(v) for v in self._measurement()([int(value)] * n)]

    def _measurement(self) -> Any:
        try:
            import opendp.prelude as dp
        except ImportError:
            raise ConfigError("differential privacy needs OpenDP: "
                              "pip install 'whyrec[privacy]'") from None
        dp.enable_features("contrib")
        space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
        return space >> dp.m.then_laplace(scale=self.scale)


def discrete_laplace_variance(scale: float) -> float:
    """The variance of OpenDP's discrete Laplace with ``scale`` (``2a / (1-a)^2``,
    ``a = exp(-1/scale)``): what the noise is checked against."""
    import math

    a = math.exp(-1.0 / scale)
    return 2.0 * a / (1.0 - a) ** 2
