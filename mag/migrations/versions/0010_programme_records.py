"""A programme's retention date, its team members' own links, and its creator's link revoked.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place (never by copying ``programmes``: dropping it would cascade to
    # its fiches), nullable, so every existing programme keeps no retention date and its
    # creator's link.
    op.add_column("programmes", sa.Column("retention_until", sa.Date(), nullable=True))
    op.create_index("ix_programmes_retention_until", "programmes", ["retention_until"])
    op.add_column(
        "programmes", sa.Column("creator_revoked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "programme_members",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "programme_id",
            sa.String(32),
            sa.ForeignKey("programmes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_programme_members_programme_id", "programme_members", ["programme_id"])


def downgrade() -> None:
    op.drop_table("programme_members")
    op.drop_index("ix_programmes_retention_until", "programmes")
    # In place again: SQLite (3.35 and later) drops a column itself, without a copy.
    op.drop_column("programmes", "creator_revoked_at")
    op.drop_column("programmes", "retention_until")
