"""The archive: where a session was archived, its retention date, the search index, server keys.

The full-text index depends on the database:

- SQLite: an FTS5 table ``search_fts`` over ``search_entries.text`` (external
  content, ``unicode61 remove_diacritics 2``: "equipe" finds "équipe"), kept in
  step by triggers, so a row deleted from ``search_entries`` (by hand or by the
  cascade from ``sessions``) leaves the index too;
- PostgreSQL: a ``tsv`` tsvector column (French stemming over the text with its
  accents taken off, filled by mag.archive on insert) and a GIN index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "text, content='search_entries', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("sessions", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("sessions", sa.Column("archive_folder", sa.String(120), nullable=True))
    op.add_column("sessions", sa.Column("archive_title", sa.String(200), nullable=True))
    op.add_column("sessions", sa.Column("held_on", sa.Date(), nullable=True))
    op.add_column("sessions", sa.Column("participant_count", sa.Integer(), nullable=True))
    op.add_column("sessions", sa.Column("retention_until", sa.Date(), nullable=True))
    op.create_index("ix_sessions_archive_folder", "sessions", ["archive_folder"], unique=True)
    op.create_index("ix_sessions_retention_until", "sessions", ["retention_until"])

    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("step_number", sa.String(20), nullable=False),
        sa.Column("step_title", sa.String(200), nullable=False),
        sa.Column("recit", sa.Text(), nullable=False),
        sa.Column("speaker", sa.String(200), nullable=False),
        sa.Column("function", sa.String(200), nullable=False),
        sa.Column("function_key", sa.String(200), nullable=False),
        sa.Column("board_kinds", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_search_entries_session_id", "search_entries", ["session_id"])
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("ALTER TABLE search_entries ADD COLUMN tsv tsvector")
        op.execute("CREATE INDEX ix_search_entries_tsv ON search_entries USING GIN (tsv)")

    op.create_table(
        "server_keys",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("server_keys")
    if dialect == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("search_entries")
    op.drop_index("ix_sessions_retention_until", "sessions")
    op.drop_index("ix_sessions_archive_folder", "sessions")
    with op.batch_alter_table("sessions") as batch:
        for column in (
            "retention_until",
            "participant_count",
            "held_on",
            "archive_title",
            "archive_folder",
            "archived_at",
        ):
            batch.drop_column(column)
