"""Per-caller rate limits on the ``limits`` library, in a storage every worker can share.

``rate`` requests a minute with bursts of about a tenth of that: each caller may make a tenth
of its rate per six seconds (rounded to whole requests, the window stretched so the rate a
minute holds), counted by limits' sliding-window counter. Why that strategy: it is the one
limits has on memory, Redis *and* Memcached (the moving window has no Memcached storage); it
keeps two counters a caller whatever the rate (the moving window keeps one timestamp a request);
and unlike a fixed window it does not let a caller spend two bursts back to back across a
window's edge (the previous window's count still weighs by how much of it overlaps).

``rate_limit_storage`` says where the counts live: ``memory://`` (the default; each process
counts alone, so N workers allow N times the rate), or ``redis://host:6379/0`` /
``memcached://host:11211`` for one limit across every worker and machine (the clients come with
the ``shared-limits`` extra). A storage that cannot be used is a one-line error at start-up; one
that fails later lets requests through (logged): a cache outage must not take the API down.
"""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache
from urllib.parse import urlsplit

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.errors import ConfigurationError, StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from whyrec.errors import ConfigError

log = logging.getLogger("whyrec.service")
#: storages this limiter works with (limits' synchronous ones with a sliding-window counter)
SCHEMES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster",
           "memcached")
#: a shared storage that hangs must not hang requests: a second to connect, a second a call
TIMEOUTS = {"redis": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
            "memcached": {"connect_timeout": 1.0, "timeout": 1.0}}
PACKAGES = {"redis": "redis", "memcached": "pymemcache"}
#: seconds between two warnings that the storage failed (once per request would flood the log)
WARN_EVERY = 60.0


class RateLimiter:
    """``allow(caller, rate)`` counts one request of ``caller`` or says how long to wait."""

    def __init__(self, storage_uri: str = "memory://") -> None:
        self.storage_uri = storage_uri
        self.storage = open_storage(storage_uri)
        self._limiter = SlidingWindowCounterRateLimiter(self.storage)
        self._warned_at = -math.inf

    def allow(self, caller: str, rate_per_minute: int) -> float:
        """0.0 when the request may go ahead, else the seconds until it may."""
        item = window(rate_per_minute)
        try:
            if self._limiter.hit(item, caller):
                return 0.0
            reset_at = self._limiter.get_window_stats(item, caller).reset_time
        except StorageError as exc:
            self._warn(exc)
            return 0.0
        # a hair past the reset: at the reset itself the previous window still weighs in full
        return max(0.01, reset_at - time.time() + 0.01)

    def _warn(self, exc: StorageError) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            log.warning("rate limit storage %s failed (%s: %s); requests go unlimited until "
                        "it answers", shown(self.storage_uri),
                        type(exc.storage_error).__name__, exc.storage_error)


@lru_cache(maxsize=1024)
def window(rate_per_minute: int) -> RateLimitItem:
    """``rate_per_minute`` as "a tenth of it per ~6 s" (at least 1 request per whole seconds)."""
    amount = max(1, round(rate_per_minute / 10))
    seconds = max(1, round(60 * amount / rate_per_minute))
    return RateLimitItemPerSecond(amount, seconds, namespace="whyrec")


def open_storage(uri: str) -> Storage:
    """The storage named by ``uri``, checked to answer; one-line :class:`ConfigError` if not."""
    where = f"rate_limit_storage {shown(uri)}"
    scheme = urlsplit(uri).scheme
    if scheme not in SCHEMES:
        raise ConfigError(f"{where}: unknown storage; use one of "
                          f"{', '.join(s + '://' for s in SCHEMES)}")
    family = "memcached" if scheme == "memcached" else "redis" if "redis" in scheme else ""
    try:
        storage = storage_from_string(uri, wrap_exceptions=True, **TIMEOUTS.get(family, {}))
    except ConfigurationError as exc:
        if "prerequisite" in str(exc):
            raise ConfigError(f"{where}: needs the {PACKAGES[family]} package: pip install "
                              "'whyrec[shared-limits]'") from None
        raise ConfigError(f"{where}: {exc}") from None
    except Exception as exc:  # the client's own parsing of host, port, database…
        raise ConfigError(f"{where}: invalid ({type(exc).__name__}: {exc})") from None
    if not isinstance(storage, Storage):  # pragma: no cover - async schemes are refused above
        raise ConfigError(f"{where}: not a synchronous storage")
    if not storage.check():
        raise ConfigError(f"{where}: cannot reach it")
    return storage


def shown(uri: str) -> str:
    """``uri`` without its password, fit for logs and errors."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{host}").geturl()
