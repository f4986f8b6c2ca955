"""Faithfulness to the *model*: do the history items an explanation cites really drive the score?

For a recommendation of item ``i`` to person ``u`` whose explanation cites history items ``C``:

* **necessity** -- remove ``C`` from ``u``'s history, re-score every item with the same model:
  the explanation is *necessary* when ``i`` drops out of the top ``k``;
* **sufficiency** -- keep only ``C`` as ``u``'s history: the explanation is *sufficient* when
  ``i`` stays in the top ``k``.

PN (probability of necessity) and PS (probability of sufficiency) are the shares of explained
recommendations that are necessary / sufficient, and ``F_NS = 2 PN PS / (PN + PS)`` their
harmonic mean, as defined by J. Tan, S. Xu, Y. Ge, Y. Li, X. Chen, Y. Zhang, *Counterfactual
Explainable Recommendation* (CounteR), CIKM 2021, and J. Tan et al., *Learning and Evaluating
Graph Neural Network Explanations based on Counterfactual and Factual Reasoning*, WWW 2022.

Re-scoring uses the model's own public path, ``Recommender.recommend(user, k, history=row,
exclude=…)``, with a history row that keeps the person's event weights. The candidates stay
those of the original recommendation: items taken out of the history are excluded from the
ranking (the person still has them; only their influence on the scores is removed), so an item
drops out only because it lost score, never because a removed item took its place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from whyrec.models.base import Recommender
from whyrec.types import Explanation, HistoryItem, Recommendation


@dataclass(frozen=True)
class CounterfactualCase:
    """One explained recommendation: person, item, and the history items its text cites."""

    user_id: str
    item_id: str
    cited_items: tuple[str, ...]


def cited_history_items(rec: Recommendation, explanation: Explanation) -> tuple[str, ...]:
    """Item ids of the single history-item facts the explanation cites (the remainder fact,
    which stands for many items, is not a citation of any one of them).

    Examples
    --------
    >>> from whyrec.types import HistoryItem, Recommendation, Explanation
    >>> fact = HistoryItem(id="hist:a", item_id="a", title="A", score_share=1.0)
    >>> rec = Recommendation("u", "b", "B", 1.0, 1, "itemknn", [fact])
    >>> cited_history_items(rec, Explanation("u", "b", "…", "en", ["hist:a"], "template"))
    ('a',)
    """
    cited = set(explanation.cited_ids)
    return tuple(e.item_id for e in rec.evidence
                 if isinstance(e, HistoryItem) and e.id in cited and e.item_id
                 and e.n_items == 1)


def _row_with(history: sparse.csr_matrix, columns: np.ndarray, keep: bool) -> sparse.csr_matrix:
    """``history`` with only (``keep``) or without the given item columns, weights kept."""
    mask = np.isin(history.indices, columns)
    if not keep:
        mask = ~mask
    indices = history.indices[mask]
    indptr = np.asarray([0, indices.size], dtype=history.indptr.dtype)
    return sparse.csr_matrix((history.data[mask], indices, indptr), shape=history.shape)


def necessity_sufficiency(
    model: Recommender, case: CounterfactualCase, k: int,
    memo: dict[tuple[str, frozenset[str], bool], list[str]] | None = None,
) -> tuple[bool, bool] | None:
    """``(necessary, sufficient)`` for one case; ``None`` when it cannot be tested (no cited
    history item, an unknown person, or cited items not in the person's history).

    Examples
    --------
    >>> necessity_sufficiency(model, CounterfactualCase("u1", "i9", ("i3",)), 10)  # doctest: +SKIP
    (True, True)

    ``memo`` keeps the re-scored top-k lists: a person's explanations often cite the same
    history items, so each altered history is scored once.
    """
    if not case.cited_items or case.user_id not in model.user_index:
        return None
    history = model.history_row(case.user_id)
    columns = np.asarray([model.item_index[i] for i in case.cited_items
                          if i in model.item_index], dtype=history.indices.dtype)
    if columns.size == 0 or not np.isin(columns, history.indices).all():
        return None
    memo = {} if memo is None else memo
    cited = frozenset(case.cited_items)
    top = []
    for keep in (False, True):
        key = (case.user_id, cited, keep)
        if key not in memo:
            row = _row_with(history, columns, keep)
            removed = np.setdiff1d(history.indices, row.indices)
            excluded = [str(i) for i in model.item_ids[removed].tolist()]
            recs = model.recommend(case.user_id, k, history=row, exclude=excluded,
                                   max_shares=1)
            memo[key] = [r.item_id for r in recs]
        top.append(memo[key])
    return case.item_id not in top[0], case.item_id in top[1]


def counterfactual_fidelity(
    model: Recommender, cases: Iterable[CounterfactualCase], k: int = 10
) -> dict[str, float | int]:
    """PN, PS and their harmonic mean ``fns`` over the testable cases.

    Parameters
    ----------
    model : the fitted recommender that made the recommendations.
    cases : explained recommendations with their cited history items.
    k : the top-k cut-off ("drops out of the top k").

    Returns
    -------
    dict with ``pn``, ``ps``, ``fns`` (each in [0, 1]), ``n`` (tested) and ``skipped``.
    """
    necessary = sufficient = n = skipped = 0
    memo: dict[tuple[str, frozenset[str], bool], list[str]] = {}
    for case in cases:
        outcome = necessity_sufficiency(model, case, k, memo)
        if outcome is None:
            skipped += 1
            continue
        n += 1
        necessary += outcome[0]
        sufficient += outcome[1]
    pn = necessary / n if n else 0.0
    ps = sufficient / n if n else 0.0
    return {"pn": pn, "ps": ps, "fns": harmonic_mean(pn, ps), "n": n, "skipped": skipped,
            "k": k}


def harmonic_mean(a: float, b: float) -> float:
    """``2ab / (a + b)``, 0 when both are 0.

    Examples
    --------
    >>> harmonic_mean(0.5, 1.0)
    0.6666666666666666
    """
    return 2 * a * b / (a + b) if a + b > 0 else 0.0


def cases_from(
    pairs: Sequence[tuple[Recommendation, Explanation]],
) -> list[CounterfactualCase]:
    """One case per explained recommendation."""
    return [CounterfactualCase(rec.user_id, rec.item_id, cited_history_items(rec, e))
            for rec, e in pairs]
