""""Don't show me things like this": the person's later recommendations down-weight items that
share catalog features with the ones they turned down.

``adjusted = score * prod_a (1 - 0.5 * w_a * overlap(a, item))`` over turned-down items ``a``,
where ``w_a`` is the feedback's decayed weight and ``overlap`` the share of ``a``'s features the
item also has: an item just like a fresh refusal scores half; unrelated items keep their score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from whyrec.data.dataset import Dataset
from whyrec.models.evidence import catalog_features
from whyrec.types import Recommendation

#: at full weight and full overlap an item keeps this share of its score
KEEP_AT_FULL_OVERLAP = 0.5


def features_of(dataset: Dataset, item_id: str) -> set[tuple[str, str]]:
    """The item's (kind, value) catalog features; empty for an unknown item."""
    try:
        row = dataset.items.iloc[dataset.item_row(item_id)]
    except Exception:  # unknown item: nothing to compare with
        return set()
    return set(catalog_features(row["category"], row["tags"], row["brand"]))


def down_weight(candidates: Sequence[Recommendation], avoid: Mapping[str, float],
                dataset: Dataset, n: int) -> list[Recommendation]:
    """The top ``n`` of ``candidates`` after the penalty, re-ranked; avoided items removed.

    ``score`` stays the model's score (its evidence shares still add up to it); only the order
    changes.
    """
    turned_down = {item: features_of(dataset, item) for item in avoid}
    ranked = []
    for rec in candidates:
        if rec.item_id in avoid:
            continue
        factor = 1.0
        mine = features_of(dataset, rec.item_id)
        for item, features in turned_down.items():
            if features:
                overlap = len(features & mine) / len(features)
                factor *= 1.0 - (1.0 - KEEP_AT_FULL_OVERLAP) * avoid[item] * overlap
        ranked.append((rec.score * factor, rec))
    ranked.sort(key=lambda pair: -pair[0])
    kept = [rec for _, rec in ranked[:n]]
    for rank, rec in enumerate(kept, 1):
        rec.rank = rank
    return kept
