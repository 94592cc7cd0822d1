"""Search entries carry their session's report language.

PostgreSQL stems each archived text with its language's rules (french, dutch, english)
and a search with each session's own; SQLite's index stays language-neutral. Entries
archived before are French, as every session was.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("search_entries") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="fr"))


def downgrade() -> None:
    with op.batch_alter_table("search_entries") as batch:
        batch.drop_column("language")
