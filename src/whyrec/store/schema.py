"""The tables as the latest Alembic revision leaves them: queries import them from here.

The revisions in ``store/alembic/versions/`` build this schema step by step; a test upgrades an
empty database to head and compares it with these definitions (Alembic's ``compare_metadata``),
so the two never drift. A schema change is a change here plus a new revision
(``alembic revision --autogenerate``, see docs/architecture.md).
Times are UNIX seconds (float) and JSON is stored as text: the same on SQLite and PostgreSQL.
"""

from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

# --- revision 0001: the tables as first released ---------------------------------------------
explanations = Table(
    "explanations", metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("language", String(16), nullable=False),
    Column("style", String(200), nullable=False),
    Column("backend", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

feedback_events = Table(
    "feedback_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    # the caller's idempotency key: a retried write never stores an event twice
    Column("event_id", String(64), nullable=False, unique=True),
    Column("explanation_id", String(32), ForeignKey("explanations.id"), nullable=False,
           index=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("item_id", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("aspect", String(64)),
    Column("comment", Text),
    Column("created_at", Float, nullable=False),
)

user_preferences = Table(
    "user_preferences", metadata,
    Column("user_id", String(200), primary_key=True),
    # feedback older than this is ignored (a reset keeps the events for the record)
    Column("reset_at", Float),
    Column("updated_at", Float, nullable=False),
)

explanation_cache = Table(
    "explanation_cache", metadata,
    Column("key", String(64), primary_key=True),
    Column("user_id", String(200), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

conversation_turns = Table(
    "conversation_turns", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("user_id", String(200), nullable=False),
    Column("item_id", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # "person" | "whyrec"
    Column("intent", String(32)),
    Column("text", Text, nullable=False),
    Column("payload", Text),
    Column("created_at", Float, nullable=False),
)

# --- revision 0002: differential-privacy budgets and released statistics ----------------------
privacy_budget = Table(
    "privacy_budget", metadata,
    Column("dataset", String(200), primary_key=True),
    Column("budget", Float, nullable=False),  # epsilon the dataset may spend in all
    Column("spent", Float, nullable=False),  # epsilon spent so far
    Column("updated_at", Float, nullable=False),
)

privacy_releases = Table(
    "privacy_releases", metadata,
    Column("dataset", String(200), primary_key=True),
    # what was released ("co:ANCHOR:ITEM", "n:ANCHOR"); reusing it costs nothing more
    Column("key", String(450), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
)

# --- revision 0003: API keys of the HTTP service ---------------------------------------------
api_keys = Table(
    "api_keys", metadata,
    Column("key_id", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    # SHA-256 of the secret: keys are long random tokens, so a fast hash is enough, and the
    # secret itself is never stored
    Column("secret_hash", String(64), nullable=False),
    Column("scope", String(16), nullable=False),  # read | write | admin
    Column("rate_per_minute", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
)

__all__ = ["api_keys", "conversation_turns", "explanation_cache", "explanations", "feedback_events",
           "metadata", "privacy_budget", "privacy_releases", "user_preferences"]
