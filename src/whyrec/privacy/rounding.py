"""How a statistic with differential-privacy noise is stated: rounded, never precise."""

from __future__ import annotations


def approximate_percent(share: float) -> int:
    """How a noisy share is stated: to the nearest 10 % ("about 60%"), to the nearest 1 %
    below 10 %, never 0.

    Examples
    --------
    >>> approximate_percent(0.62), approximate_percent(0.048), approximate_percent(0.001)
    (60, 5, 1)
    """
    percent = share * 100.0
    if percent < 10:
        return max(1, round(percent))
    return int(round(percent / 10.0) * 10)
