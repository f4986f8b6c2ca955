"""A persistent explanation cache: SQLite (WAL), keyed by user, item, evidence, language, style
and model, so a repeated request costs a lookup instead of a model call.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from whyrec.types import Explanation

SCHEMA = """
CREATE TABLE IF NOT EXISTS explanation_cache (
    key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL DEFAULT (julianday('now'))
)
"""


def default_cache_path() -> Path:
    """``$WHYREC_HOME/cache.sqlite``; ``WHYREC_HOME`` defaults to ``~/.cache/whyrec``."""
    home = os.environ.get("WHYREC_HOME") or Path.home() / ".cache" / "whyrec"
    return Path(home) / "cache.sqlite"


def cache_key(*parts: Any) -> str:
    """A stable digest of the parts (JSON with sorted keys, so dict order never matters)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class ExplanationCache:
    """Delivered explanations by key; ``path=None`` keeps them in memory for this process.

    Examples
    --------
    >>> cache = ExplanationCache()
    >>> cache.get("missing") is None
    True
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        target = ":memory:" if path is None else str(path)
        if path is not None:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(SCHEMA)

    def get(self, key: str) -> Explanation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT payload FROM explanation_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else Explanation.from_dict(json.loads(row[0]))

    def put(self, key: str, explanation: Explanation) -> None:
        payload = json.dumps(explanation.to_dict(), ensure_ascii=False)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO explanation_cache (key, user_id, item_id, payload) "
                "VALUES (?, ?, ?, ?)", (key, explanation.user_id, explanation.item_id, payload))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM explanation_cache").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
