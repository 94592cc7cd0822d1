"""SQLAlchemy 2 typed models.

The ``events`` table is the session's truth: append-only, one row per change,
numbered per session. The other tables hold only what the server must look up
without replaying a session: how to find it (join code), how to check a
secret, and which commands it already carried out.
"""

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC; always hand back timezone-aware datetimes, whatever the database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            return value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SessionRecord(Base):
    """One MAG session: its address, its protocol, its secrets' hashes."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    facilitator_secret_hash: Mapped[str] = mapped_column(String(64))
    # The protocol's TOML text as it was when the session was created, so a
    # session keeps its steps even if the protocol file changes later.
    protocol_source: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
    last_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The archive (mag.archive): when and where the session was written out for good,
    # the day it was held (the folder's date), how many took part, and the day after
    # which ``mag purge`` deletes it (kept in step with the session's settings).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    archive_folder: Mapped[str | None] = mapped_column(
        String(120), default=None, index=True, unique=True
    )
    # The title as exported (the replacement list applied to it).
    archive_title: Mapped[str | None] = mapped_column(String(200), default=None)
    held_on: Mapped[date | None] = mapped_column(Date(), default=None)
    participant_count: Mapped[int | None] = mapped_column(Integer(), default=None)
    retention_until: Mapped[date | None] = mapped_column(Date(), default=None, index=True)
    # The action-research programme the session belongs to, if any (mag.programmes).
    programme_id: Mapped[str | None] = mapped_column(
        ForeignKey("programmes.id"), default=None, index=True
    )


class ParticipantRecord(Base):
    """A participant's identity: the hash of their secret, for authentication."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("session_id", "pseudonym_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    # Case-folded pseudonym: the database refuses two alike in one session,
    # even if two servers raced past the domain's check.
    pseudonym_key: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MemberRecord(Base):
    """A team member the creator invited (animateur, rapporteur, observer screen)."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    # A value of mag.domain.roles.Role; the name given at invitation lives in the event log.
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventRecord(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommandRecord(Base):
    """A command already carried out: its retry gets the same answer, nothing more."""

    __tablename__ = "commands"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    command_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvaluationPoolRecord(Base):
    """A session's evaluation answers: one list, kept sorted by content, naming nobody.

    Apart from the log on purpose: nothing stored says which answer came when, or
    from whom (the log says only who answered).
    """

    __tablename__ = "evaluation_pools"

    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    answers: Mapped[list] = mapped_column(JSON)


class SearchEntryRecord(Base):
    """One archived text the archive search finds: a contribution, a récit, a board item.

    Filled when a session is archived, from its exportable material only. The
    full-text index over ``text`` is not an ORM column: an FTS5 table
    (``search_fts``) on SQLite, a ``tsv`` column with a GIN index on PostgreSQL
    (migration 0003; see :func:`include_name`).
    """

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    # The contribution's, proposal's or board item's id: the report's anchor is ``c-<ref>``.
    ref: Mapped[str] = mapped_column(String(64))
    step_number: Mapped[str] = mapped_column(String(20))
    step_title: Mapped[str] = mapped_column(String(200))
    recit: Mapped[str] = mapped_column(Text)
    # How exports name whoever said it (function, pseudonym or a researcher's role).
    speaker: Mapped[str] = mapped_column(String(200))
    # The participant's function descriptor, and the same case- and accent-folded for the filter.
    function: Mapped[str] = mapped_column(String(200))
    function_key: Mapped[str] = mapped_column(String(200))
    # Kinds of the board items it belongs to, space-separated ("convergence noeud").
    board_kinds: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    # The session's report language: PostgreSQL stems ``text`` with its rules.
    language: Mapped[str] = mapped_column(String(8), server_default="fr")


class PurgedSessionRecord(Base):
    """A session ``mag purge`` deleted: its id alone, so its addresses answer 410, not 404.

    Nothing of the session stays: no title, no date it was held, no one's name; the
    id was drawn at random when it was created.
    """

    __tablename__ = "purged_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ServerKeyRecord(Base):
    """A server-wide secret's hash, by name (``archive``: the key to the archive pages)."""

    __tablename__ = "server_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProgrammeRecord(Base):
    """An action-research programme: its team's secret's hash, what it studies, its lists.

    ``services`` (the list a fiche chooses from) and ``names`` (looked for in every fiche
    before it is saved) are the team's, as is ``consent_text``, which the public form shows.
    """

    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text)
    period_start: Mapped[date | None] = mapped_column(Date(), default=None)
    period_end: Mapped[date | None] = mapped_column(Date(), default=None)
    services: Mapped[list] = mapped_column(JSON)
    names: Mapped[list] = mapped_column(JSON)
    consent_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The day after which ``mag purge`` deletes the programme (mag.archive.purge).
    retention_until: Mapped[date | None] = mapped_column(Date(), default=None, index=True)
    # When the team revoked the creator's link (``secret_hash``), which then opens nothing.
    creator_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ProgrammeMemberRecord(Base):
    """A researcher the programme's team invited: the hash of their own link's secret.

    A revoked link keeps its row (and hash), so whoever opens it is told it was revoked.
    """

    __tablename__ = "programme_members"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class FicheFormRecord(Base):
    """An address of a programme's public fiche form; the open one has no ``closed_at``.

    Renewing closes the open address and makes another; a closed address is kept, so
    whoever opens it is told the form is closed (410) rather than that it never was.
    """

    __tablename__ = "fiche_forms"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ProgrammeThemeRecord(Base):
    """A theme of a programme's cross-analysis (mag.domain.cross_analysis.Theme).

    ``sources`` holds the keys of what it gathers (a session's board item or perspective, a
    fiche's tag, one fiche); ``proposals`` the team's own, as ``{id, level, text}``.
    """

    __tablename__ = "programme_themes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer())
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    sources: Mapped[list] = mapped_column(JSON)
    proposals: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookletVersionRecord(Base):
    """A saved version of a programme's booklet (mag.domain.booklet): numbered from 1.

    ``author`` is the team member's name, "" for the team as a whole; ``language`` the one
    the page was in when it was saved, which its exports are written in.
    """

    __tablename__ = "programme_booklet_versions"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer(), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))


class FicheRecord(Base):
    """A fiche incident, with the consent text its form showed and the warnings overridden."""

    __tablename__ = "fiches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    form_key: Mapped[str] = mapped_column(String(32))
    what_happened: Mapped[str] = mapped_column(Text)
    service: Mapped[str] = mapped_column(String(200))
    service_other: Mapped[str] = mapped_column(String(200))
    barrier: Mapped[str] = mapped_column(String(40))
    barrier_other: Mapped[str] = mapped_column(String(200))
    public: Mapped[str] = mapped_column(String(200))
    consequences: Mapped[list] = mapped_column(JSON)
    consequence_other: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(Text)
    function: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date())
    # The consent text the form showed, and the language the form was read in.
    consent_text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    # What looked like personal data when the person confirmed saving anyway: {field: [kind]}.
    warnings: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The researchers' reading: free themes the team reuses, and levels (mag.domain.state.Level).
    themes: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    levels: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))


# Parts of the schema the ORM does not describe: the full-text index, whose form
# depends on the database. Comparing the models with a migrated database
# (alembic ``compare_metadata``) must leave them out: pass ``include_name``.
FULL_TEXT_TABLE = "search_fts"


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: skip the full-text index's tables, column and index."""
    if type_ == "table":
        return not (name or "").startswith(FULL_TEXT_TABLE)
    if type_ == "column":
        return not (parent_names.get("table_name") == "search_entries" and name == "tsv")
    if type_ == "index":
        return name != "ix_search_entries_tsv"
    return True
