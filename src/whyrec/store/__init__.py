"""One store behind SQLAlchemy for everything whyrec remembers: delivered explanations, feedback
events, per-person preferences, the explanation cache and conversation turns.

SQLite (WAL) at ``$WHYREC_HOME/whyrec.sqlite`` by default, PostgreSQL (or any SQLAlchemy URL)
through ``WHYREC_DB_URL``; Alembic migrations are applied when the store opens.
"""

from whyrec.store.engine import Store, default_url, open_store

__all__ = ["Store", "default_url", "open_store"]
