"""Per-caller token buckets: ``rate`` requests a minute, bursts up to a tenth of a minute's worth.

In memory, per process: a deployment with several processes gives each its own buckets.
"""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """``allow(caller, rate)`` spends one token from the caller's bucket or says how long to
    wait."""

    def __init__(self, burst_share: float = 0.1) -> None:
        self.burst_share = burst_share
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, last refill)
        self._lock = threading.Lock()

    def allow(self, caller: str, rate_per_minute: int) -> float:
        """0.0 when the request may go ahead, else the seconds until it may."""
        per_second = rate_per_minute / 60.0
        capacity = max(1.0, rate_per_minute * self.burst_share)
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(caller, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * per_second)
            if tokens >= 1.0:
                self._buckets[caller] = (tokens - 1.0, now)
                return 0.0
            self._buckets[caller] = (tokens, now)
            return (1.0 - tokens) / per_second
