"""API keys of the HTTP service: created by ``whyrec keys``, stored hashed, checked per request.

A key reads ``wr_<key id>_<secret>``. Only the SHA-256 of the secret is stored, so a copy of the
database gives no working key; the key id finds the row without scanning. Scopes nest:
``read`` (recommendations and explanations), ``write`` (+ feedback, preferences, chat turns),
``admin`` (+ metrics and forgetting people).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from whyrec.errors import ConfigError
from whyrec.store.engine import Store
from whyrec.store.schema import api_keys

SCOPES = ("read", "write", "admin")
PREFIX = "wr_"
DEFAULT_RATE_PER_MINUTE = 600
#: how long a checked key is trusted before the store is asked again (revocation delay)
TRUST_SECONDS = 5.0


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    key_id: str
    name: str
    scope: str
    rate_per_minute: int
    created_at: float
    revoked_at: float | None = None

    def allows(self, scope: str) -> bool:
        """Whether this key's scope includes ``scope``."""
        return SCOPES.index(self.scope) >= SCOPES.index(scope)

    def to_dict(self) -> dict[str, object]:
        return {"key_id": self.key_id, "name": self.name, "scope": self.scope,
                "rate_per_minute": self.rate_per_minute, "created_at": self.created_at,
                "revoked": self.revoked_at is not None}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(store: Store, name: str, scope: str = "read", *,
               rate_per_minute: int = DEFAULT_RATE_PER_MINUTE) -> tuple[ApiKey, str]:
    """Store a new key; returns it and the token, which is shown once and never stored."""
    if scope not in SCOPES:
        raise ConfigError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    if not name.strip() or len(name) > 100:
        raise ConfigError("a key needs a name of 1..100 characters")
    if rate_per_minute <= 0:
        raise ConfigError(f"rate limit must be above 0 requests a minute, got {rate_per_minute}")
    key = ApiKey(key_id=secrets.token_hex(8), name=name.strip(), scope=scope,
                 rate_per_minute=rate_per_minute, created_at=time.time())
    secret = secrets.token_urlsafe(32)
    row = {**key.to_dict(), "secret_hash": _hash(secret), "revoked_at": None}
    del row["revoked"]
    store.run_write(lambda connection: connection.execute(api_keys.insert().values(**row)))
    return key, f"{PREFIX}{key.key_id}_{secret}"


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, oldest first, revoked ones included."""
    with store.read() as connection:
        rows = connection.execute(select(api_keys).order_by(api_keys.c.created_at)).mappings()
        return [_key(dict(row)) for row in rows]


def revoke_key(store: Store, key_id: str) -> bool:
    """Revoke ``key_id``; ``False`` when there is no such active key."""
    def work(connection: Connection) -> int:
        result = connection.execute(
            update(api_keys).where(api_keys.c.key_id == key_id,
                                   api_keys.c.revoked_at.is_(None)).values(revoked_at=time.time()))
        return int(result.rowcount or 0)
    return bool(store.run_write(work))


class KeyChecker:
    """Finds the key a token belongs to; remembers good answers for :data:`TRUST_SECONDS`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # by the token itself: a trusted key costs a dict lookup, not a hash, per request
        self._trusted: dict[str, tuple[float, ApiKey]] = {}
        self._lock = threading.Lock()

    def trusted(self, token: str) -> ApiKey | None:
        """The key ``token`` names if it was checked in the last :data:`TRUST_SECONDS` (no
        store read: fit for the event loop), else ``None`` (then :meth:`check` it)."""
        found = self._trusted.get(token)
        if found is not None and time.monotonic() - found[0] < TRUST_SECONDS:
            return found[1]
        return None

    def check(self, token: str) -> ApiKey | None:
        """The active key ``token`` names, or ``None`` (malformed, unknown, wrong, revoked)."""
        key_id, secret = _split(token)
        if not key_id:
            return None
        now = time.monotonic()
        trusted = self.trusted(token)
        if trusted is not None:
            return trusted
        digest = _hash(secret)
        with self.store.read() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.key_id == key_id)
                                     ).mappings().first()
        if row is None or row["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(str(row["secret_hash"]), digest):
            return None
        key = _key(dict(row))
        with self._lock:
            if len(self._trusted) > 10_000:  # old entries of many keys: start over
                self._trusted.clear()
            self._trusted[token] = (now, key)
        return key


def _split(token: str) -> tuple[str, str]:
    if not token.startswith(PREFIX) or len(token) > 200:
        return "", ""
    key_id, sep, secret = token[len(PREFIX):].partition("_")
    return (key_id, secret) if sep and key_id and secret else ("", "")


def _key(row: dict[str, object]) -> ApiKey:
    return ApiKey(key_id=str(row["key_id"]), name=str(row["name"]), scope=str(row["scope"]),
                  rate_per_minute=int(row["rate_per_minute"]),  # type: ignore[call-overload]
                  created_at=float(row["created_at"]),  # type: ignore[arg-type]
                  revoked_at=None if row.get("revoked_at") is None
                  else float(row["revoked_at"]))  # type: ignore[arg-type]
