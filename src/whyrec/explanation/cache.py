"""The explanation cache, a table of the store: keyed by user, item, evidence, language, style
and model, so a repeated request costs a lookup instead of a model call.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from whyrec.store.engine import Store, whyrec_home
from whyrec.store.schema import explanation_cache as table
from whyrec.types import Explanation


def default_cache_path() -> Path:
    """The default store's file (``$WHYREC_HOME/whyrec.sqlite``), unless ``WHYREC_DB_URL``."""
    return whyrec_home() / "whyrec.sqlite"


def cache_key(*parts: Any) -> str:
    """A stable digest of the parts (JSON with sorted keys, so dict order never matters)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class ExplanationCache:
    """Delivered explanations by key, in a :class:`~whyrec.store.Store`.

    ``source`` is a store, a SQLite path or database URL, or ``None`` for a private in-memory
    store (this process only).

    Examples
    --------
    >>> cache = ExplanationCache()
    >>> cache.get("missing") is None
    True
    """

    def __init__(self, source: Store | str | os.PathLike[str] | None = None) -> None:
        self.store = source if isinstance(source, Store) else Store(source or "sqlite://")

    def get(self, key: str) -> Explanation | None:
        with self.store.read() as connection:
            payload = connection.execute(
                select(table.c.payload).where(table.c.key == key)).scalar()
        return None if payload is None else Explanation.from_dict(json.loads(payload))

    def put(self, key: str, explanation: Explanation) -> None:
        row = {"user_id": explanation.user_id, "item_id": explanation.item_id,
               "payload": json.dumps(explanation.to_dict(), ensure_ascii=False),
               "created_at": time.time()}

        def upsert(connection: Any) -> None:
            updated = connection.execute(table.update().where(table.c.key == key).values(**row))
            if updated.rowcount == 0:
                connection.execute(table.insert().values(key=key, **row))

        # IntegrityError: another process stored the same key first (the same content)
        with contextlib.suppress(IntegrityError):
            self.store.run_write(upsert)

    def __len__(self) -> int:
        with self.store.read() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)

    def close(self) -> None:
        self.store.close()
