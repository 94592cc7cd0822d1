"""A programme's sessions, and the themes and levels its researchers give each fiche.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-15
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns added in place, never by copying the table (SQLite's batch mode): dropping the
    # old ``sessions`` would cascade to every table that refers to it. SQLite takes a column's
    # reference inline only, which alembic does not write for it (and SQLAlchemy reflects it
    # without its ON DELETE: programmes are not deleted, so none is set).
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE sessions ADD COLUMN programme_id VARCHAR(32) REFERENCES programmes (id)"
        )
    else:
        op.add_column(
            "sessions",
            sa.Column(
                "programme_id",
                sa.String(32),
                sa.ForeignKey("programmes.id"),
                nullable=True,
            ),
        )
    op.create_index("ix_sessions_programme_id", "sessions", ["programme_id"])
    for name in ("themes", "levels"):
        op.add_column(
            "fiches", sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("fiches") as batch:
        batch.drop_column("levels")
        batch.drop_column("themes")
    op.drop_index("ix_sessions_programme_id", "sessions")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("programme_id")
