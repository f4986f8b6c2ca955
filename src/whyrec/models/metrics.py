"""Top-K ranking metrics with binary relevance."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def recall_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant items found in the top ``k``.

    >>> recall_at_k(["a", "b", "c"], {"a", "z"}, 2)
    0.5
    """
    if not relevant:
        return 0.0
    hits = sum(1 for item in recommended[:k] if item in relevant)
    return hits / len(relevant)


def ndcg_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Normalised discounted cumulative gain of the top ``k`` (1.0 = ideal order).

    >>> round(ndcg_at_k(["x", "a"], {"a"}, 2), 4)
    0.6309
    """
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 2) for rank, item in enumerate(recommended[:k])
              if item in relevant)
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return dcg / ideal


def hit_rate_at_k(recommended: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 when any relevant item is in the top ``k``."""
    return 1.0 if any(item in relevant for item in recommended[:k]) else 0.0
