"""The tables as the latest migration leaves them: queries import them from here.

A test migrates an empty database and compares it with these definitions, so the two never drift.
Times are UNIX seconds (float) and JSON is stored as text: the same on SQLite and PostgreSQL.
"""

from sqlalchemy import MetaData

from whyrec.store.migrations import (
    api_keys,
    conversation_turns,
    explanation_cache,
    explanations,
    feedback_events,
    metadata_v2,
    metadata_v3,
    privacy_budget,
    privacy_releases,
    schema_migrations,
    user_preferences,
)
from whyrec.store.migrations import metadata as metadata_v1

#: every table of the latest schema (each migration's metadata, copied into one)
metadata = MetaData()
for _table in (*metadata_v1.sorted_tables, *metadata_v2.sorted_tables,
               *metadata_v3.sorted_tables):
    _table.to_metadata(metadata)

__all__ = ["api_keys", "conversation_turns", "explanation_cache", "explanations", "feedback_events",
           "metadata", "privacy_budget", "privacy_releases", "schema_migrations",
           "user_preferences"]
