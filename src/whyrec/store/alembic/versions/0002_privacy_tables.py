"""Privacy budget and released statistics (the hand-written store's version 2).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "privacy_budget",
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("budget", sa.Float(), nullable=False),
        sa.Column("spent", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("dataset"),
    )
    op.create_table(
        "privacy_releases",
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=450), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "key"),
    )


def downgrade() -> None:
    op.drop_table("privacy_releases")
    op.drop_table("privacy_budget")
