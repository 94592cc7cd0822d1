"""Purged sessions: the id of each session ``mag purge`` deleted, and when.

A browser that comes back to a purged session's address is told the session is
gone (410) rather than that the address never existed (404). Only the id is
kept: it was drawn at random and says nothing of the session.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purged_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("purged_sessions")
