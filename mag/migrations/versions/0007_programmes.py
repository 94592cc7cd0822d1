"""Programmes of action-research, their public fiche forms' addresses and their fiches.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fiche_forms",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column(
            "programme_id",
            sa.String(32),
            sa.ForeignKey("programmes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_fiche_forms_programme_id", "fiche_forms", ["programme_id"])
    op.create_table(
        "fiches",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "programme_id",
            sa.String(32),
            sa.ForeignKey("programmes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("form_key", sa.String(32), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("service_other", sa.String(200), nullable=False),
        sa.Column("barrier", sa.String(40), nullable=False),
        sa.Column("barrier_other", sa.String(200), nullable=False),
        sa.Column("public", sa.String(200), nullable=False),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("consequence_other", sa.String(200), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("function", sa.String(200), nullable=False),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fiches_programme_id", "fiches", ["programme_id"])
    op.create_index("ix_fiches_created_at", "fiches", ["created_at"])


def downgrade() -> None:
    op.drop_table("fiches")
    op.drop_table("fiche_forms")
    op.drop_table("programmes")
