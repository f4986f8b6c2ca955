"""The tables as the latest migration leaves them: queries import them from here.

A test migrates an empty database and compares it with these definitions, so the two never drift.
Times are UNIX seconds (float) and JSON is stored as text: the same on SQLite and PostgreSQL.
"""

from whyrec.store.migrations import (
    conversation_turns,
    explanation_cache,
    explanations,
    feedback_events,
    metadata,
    schema_migrations,
    user_preferences,
)

__all__ = ["conversation_turns", "explanation_cache", "explanations", "feedback_events",
           "metadata", "schema_migrations", "user_preferences"]
