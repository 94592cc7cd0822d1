"""SQLAlchemy 2 typed models.

The ``events`` table is the session's truth: append-only, one row per change,
numbered per session. The other tables hold only what the server must look up
without replaying a session: how to find it (join code), how to check a
secret, and which commands it already carried out.
"""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
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
