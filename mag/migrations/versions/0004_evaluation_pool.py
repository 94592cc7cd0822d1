"""Evaluation answers kept apart from the log, in no order, linked to nobody.

Until now each answer was an event of the log (its actor anonymous), stored at the
seq just before the event saying who had answered, at the same time, with a
``commands`` row naming the sender and that seq: a reader of the database could
pair them. From here the answers of a session live in one row of
``evaluation_pools``, a list kept sorted by content; the log keeps only who
answered. Existing answers move there, and their events keep their seq with no
content.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation_pools",
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
    )
    bind = op.get_bind()
    events = sa.table(
        "events",
        sa.column("id", sa.Integer),
        sa.column("session_id", sa.String),
        sa.column("type", sa.String),
        sa.column("data", sa.JSON),
    )
    pools = sa.table(
        "evaluation_pools", sa.column("session_id", sa.String), sa.column("answers", sa.JSON)
    )
    found: dict[str, list] = {}
    rows = bind.execute(
        sa.select(events.c.id, events.c.session_id, events.c.data).where(
            events.c.type == "evaluation_answered"
        )
    ).all()
    for row in rows:
        answers = (row.data or {}).get("answers")
        if answers is not None:
            found.setdefault(row.session_id, []).append(answers)
        bind.execute(sa.update(events).where(events.c.id == row.id).values(data={}))
    for session_id, answers in found.items():
        bind.execute(
            sa.insert(pools).values(session_id=session_id, answers=sorted_answers(answers))
        )


def sorted_answers(answers: list) -> list:
    """The answers in an order that says nothing of when each was given."""
    return sorted(answers, key=lambda a: json.dumps(a, sort_keys=True, ensure_ascii=False))


def downgrade() -> None:
    op.drop_table("evaluation_pools")
