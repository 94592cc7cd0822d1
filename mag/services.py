"""Operations on stored sessions: create, find, authenticate, append and read events.

Functions take a SQLAlchemy session and flush; they never commit. The edge
(mag.live) owns the transaction, so a command is acknowledged only once
everything it wrote is committed.
"""

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from mag.db import Prepared
from mag.domain import events as ev
from mag.domain import redaction
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import LANGUAGES, N_, DomainError
from mag.domain.protocol import Protocol, parse_protocol
from mag.domain.steps.base import DATE_MAX, clean_text
from mag.domain.steps.session import CONVENTION_MAX, QUESTION_MAX, SESSION_TITLE_MAX
from mag.models import (
    BookletVersionRecord,
    CommandRecord,
    EvaluationPoolRecord,
    EventRecord,
    MemberRecord,
    ParticipantRecord,
    PurgedSessionRecord,
    SessionRecord,
    utcnow,
)
from mag.report.markdown import escape

JOIN_CODE_ALPHABET = (
    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud, typed on a phone
)
JOIN_CODE_LENGTH = 6
MAX_PLANNED_DATES = 10


def new_id() -> str:
    return secrets.token_hex(8)


# What an id may look like (new_id's, or an imported session's: the JSON export's schema):
# anything else names nothing, and is not handed to the database (PostgreSQL refuses a NUL
# character with an error).
_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def is_id(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _secret_matches(secret: str | None, stored_hash: str) -> bool:
    return bool(secret) and hmac.compare_digest(hash_secret(secret), stored_hash)


def normalize_join_code(code: str) -> str:
    """Accept what people type: lower case, spaces, a dash in the middle."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class CreatedSession:
    session_id: str
    join_code: str
    facilitator_secret: str


def create_session(
    db: Session,
    *,
    title: object,
    question: object,
    protocol_source: str,
    planned_dates: Sequence[object],
    convention_text: object,
    convention_translations: Mapping[str, object] | None = None,
    language: object = "fr",
    convention_language: object = "fr",
    is_demo: bool = False,
    at: datetime | None = None,
) -> CreatedSession:
    """Create a session in its lobby; return its id, join code and facilitator secret.

    ``language``: the report's (mag.domain.i18n.LANGUAGES); ``convention_language``: the one
    ``convention_text`` is written in, ``convention_translations`` the same convention in
    others (empty ones left out). ``at``: when it was created, now unless said (the demo
    dates its example session).
    """
    if language not in LANGUAGES or convention_language not in LANGUAGES:
        raise DomainError(
            "invalid_language", N_("Langue inconnue : choisissez-en une de la liste.")
        )
    translations = {
        other: clean_text(text, N_("Convention de travail"), CONVENTION_MAX)
        for other, text in (convention_translations or {}).items()
        if other in LANGUAGES
        and other != convention_language
        and isinstance(text, str)
        and text.strip()
    }
    clean_title = clean_text(title, N_("Titre"), SESSION_TITLE_MAX)
    fields = {
        "title": clean_title,
        "question": clean_text(question, N_("Question ou thème"), QUESTION_MAX),
        "planned_dates": [
            clean_text(d, N_("Dates prévues"), DATE_MAX)
            for d in planned_dates[:MAX_PLANNED_DATES]
            if isinstance(d, str) and d.strip()
        ],
        "convention": {
            "version": 1,
            "text": clean_text(convention_text, N_("Convention de travail"), CONVENTION_MAX),
            "language": convention_language,
            **({"translations": translations} if translations else {}),
        },
        "language": language,
    }
    protocol = parse_protocol(protocol_source)
    secret = new_secret()
    record = SessionRecord(
        id=new_id(),
        join_code=free_join_code(db),
        facilitator_secret_hash=hash_secret(secret),
        protocol_source=protocol_source,
        title=clean_title,
        is_demo=is_demo,
        last_seq=0,
        created_at=at or utcnow(),
    )
    db.add(record)
    db.flush()
    append(
        db,
        record,
        "animateur",
        [NewEvent(ev.SESSION_CREATED, {**fields, "protocol": protocol.name})],
        at=record.created_at,
    )
    return CreatedSession(record.id, record.join_code, secret)


def free_join_code(db: Session) -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.scalar(select(SessionRecord.id).where(SessionRecord.join_code == code)) is None:
            return code


def rotate_facilitator_secret(db: Session, record: SessionRecord) -> str:
    """Issue a new facilitator link for ``record``; the old one stops working."""
    secret = new_secret()
    record.facilitator_secret_hash = hash_secret(secret)
    db.flush()
    return secret


def find_by_join_code(db: Session, code: str) -> SessionRecord:
    record = db.scalar(
        select(SessionRecord).where(SessionRecord.join_code == normalize_join_code(code))
    )
    if record is None:
        raise DomainError(
            "unknown_join_code",
            N_(
                "Aucune séance ne correspond au code « %(code)s ». Vérifiez-le auprès de l'animateur."
            ),
            code=code.strip()[:20],
        )
    return record


def session_record(db: Session, session_id: str, *, for_update: bool = False) -> SessionRecord:
    if not is_id(session_id):
        raise DomainError("unknown_session", N_("Cette séance n'existe pas."))
    query = select(SessionRecord).where(SessionRecord.id == session_id)
    if for_update:
        query = query.with_for_update()
    record = db.scalar(query)
    if record is None:
        raise DomainError("unknown_session", N_("Cette séance n'existe pas."))
    return record


def was_purged(db: Session, session_id: str) -> bool:
    """Whether ``mag purge`` deleted this session (its address is gone, not mistyped)."""
    if not is_id(session_id):
        return False
    return db.get(PurgedSessionRecord, session_id) is not None


def protocol_of(record: SessionRecord) -> Protocol:
    return parse_protocol(record.protocol_source)


def is_facilitator(record: SessionRecord, secret: str | None) -> bool:
    return _secret_matches(secret, record.facilitator_secret_hash)


def participant_for_secret(
    db: Session, session_id: str, participant_id: str | None, secret: str | None
) -> ParticipantRecord | None:
    if not is_id(participant_id):
        return None
    record = db.get(ParticipantRecord, participant_id)
    if record is None or record.session_id != session_id:
        return None
    return record if _secret_matches(secret, record.secret_hash) else None


def add_participant(db: Session, session_id: str, participant_id: str, pseudonym: str) -> str:
    """Store a participant's identity; return the secret their browser will hold."""
    secret = new_secret()
    db.add(
        ParticipantRecord(
            id=participant_id,
            session_id=session_id,
            pseudonym_key=pseudonym.casefold(),
            secret_hash=hash_secret(secret),
        )
    )
    db.flush()
    return secret


def add_member(db: Session, session_id: str, member_id: str, role: str) -> str:
    """Store an invited team member's identity; return the secret their link carries."""
    secret = new_secret()
    db.add(
        MemberRecord(
            id=member_id, session_id=session_id, role=role, secret_hash=hash_secret(secret)
        )
    )
    db.flush()
    return secret


def member_for_secret(
    db: Session, session_id: str, member_id: str | None, secret: str | None
) -> MemberRecord | None:
    if not is_id(member_id):
        return None
    record = db.get(MemberRecord, member_id)
    if record is None or record.session_id != session_id:
        return None
    return record if _secret_matches(secret, record.secret_hash) else None


def append(
    db: Session,
    record: SessionRecord,
    actor: str,
    new_events: Sequence[NewEvent],
    at: datetime | None = None,
) -> list[Event]:
    """Number ``new_events`` after the session's last one and store them."""
    stored = append_after(db, record.id, record.last_seq, actor, new_events, at)
    record.last_seq += len(stored)
    return stored


def append_after(
    db: Session | Connection,
    session_id: str,
    last_seq: int,
    actor: str,
    new_events: Sequence[NewEvent],
    at: datetime | None = None,
) -> list[Event]:
    """Store ``new_events`` numbered from ``last_seq + 1`` and move the session's ``last_seq``.

    One UPDATE and one multi-row INSERT, prepared once (this runs for every command).
    The UPDATE moves ``last_seq`` only from ``last_seq``: when another writer moved it
    first, nothing is written and :class:`SeqMoved` is raised. The unique (session,
    seq) constraint refuses a number another process took first all the same.
    """
    at = at or utcnow()
    stored = [
        Event(
            seq=last_seq + n,
            type=new.type,
            data=dict(new.data),
            actor=new.actor or actor,
            at=at,
            audience=new.audience,
        )
        for n, new in enumerate(new_events, start=1)
    ]
    if not stored:
        return stored
    connection = _connection(db)
    moved = _MOVE_LAST_SEQ.run(
        connection, {"b_id": session_id, "b_from": last_seq, "b_seq": stored[-1].seq}
    )
    if moved != 1:
        raise SeqMoved(session_id)
    _INSERT_EVENTS.run(connection, [event_row(session_id, event) for event in stored])
    return stored


class SeqMoved(Exception):
    """A session's last seq was not the one a write started from: someone wrote meanwhile."""


def event_row(session_id: str, event: Event) -> dict[str, object]:
    return {
        "session_id": session_id,
        "seq": event.seq,
        "type": event.type,
        "actor": event.actor,
        "audience": event.audience,
        "data": dict(event.data),
        "at": event.at,
    }


def event_record(session_id: str, event: Event) -> EventRecord:
    return EventRecord(**event_row(session_id, event))


# The statements every command runs, built once on the tables and run on the driver's
# cursor (mag.db.Prepared); the others go through Core.
_EVENTS = EventRecord.__table__
_COMMANDS = CommandRecord.__table__
_SESSIONS = SessionRecord.__table__
_INSERT_EVENTS = Prepared(insert(_EVENTS))
_MOVE_LAST_SEQ = Prepared(
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("b_id"), _SESSIONS.c.last_seq == bindparam("b_from"))
    .values(last_seq=bindparam("b_seq"))
)
_EVENTS_AFTER = (
    select(
        _EVENTS.c.seq,
        _EVENTS.c.type,
        _EVENTS.c.data,
        _EVENTS.c.actor,
        _EVENTS.c.at,
        _EVENTS.c.audience,
    )
    .where(_EVENTS.c.session_id == bindparam("b_id"), _EVENTS.c.seq > bindparam("b_after"))
    .order_by(_EVENTS.c.seq)
)
_COMMAND_SEQ = select(_COMMANDS.c.seq, _COMMANDS.c.actor).where(
    _COMMANDS.c.session_id == bindparam("b_id"), _COMMANDS.c.command_id == bindparam("b_command")
)
_INSERT_COMMAND = Prepared(insert(_COMMANDS))
_LAST_SEQ = select(_SESSIONS.c.last_seq).where(_SESSIONS.c.id == bindparam("b_id"))
_LAST_SEQ_FOR_UPDATE = _LAST_SEQ.with_for_update()
_POOLS = EvaluationPoolRecord.__table__
_POOL = select(_POOLS.c.answers).where(_POOLS.c.session_id == bindparam("b_id"))
_PROTOCOL_SOURCE = select(_SESSIONS.c.protocol_source).where(_SESSIONS.c.id == bindparam("b_id"))


def _connection(db: Session | Connection) -> Connection:
    """The connection to run a prebuilt Core statement on (the write path passes its own)."""
    return db.connection() if isinstance(db, Session) else db


def events_after(db: Session | Connection, session_id: str, seq: int) -> list[Event]:
    """The session's events numbered after ``seq``, in order."""
    rows = _connection(db).execute(_EVENTS_AFTER, {"b_id": session_id, "b_after": seq})
    return [
        Event(seq=r.seq, type=r.type, data=r.data, actor=r.actor, at=r.at, audience=r.audience)
        for r in rows
    ]


def event_at(db: Session, session_id: str, seq: int) -> Event | None:
    """The event numbered ``seq`` of a session (a synthesis version's text, say), or None."""
    r = db.scalars(
        select(EventRecord).where(EventRecord.session_id == session_id, EventRecord.seq == seq)
    ).first()
    if r is None:
        return None
    return Event(seq=r.seq, type=r.type, data=r.data, actor=r.actor, at=r.at, audience=r.audience)


def command_seq(
    db: Session | Connection, session_id: str, command_id: str
) -> tuple[int, str] | None:
    """The seq a command already carried out reached and who sent it, or None.

    One indexed lookup: a retry is recognised here, whichever process it reaches.
    """
    row = (
        _connection(db).execute(_COMMAND_SEQ, {"b_id": session_id, "b_command": command_id}).first()
    )
    return (row.seq, row.actor) if row is not None else None


def record_command(
    db: Session | Connection, session_id: str, command_id: str, actor: str, name: str, seq: int
) -> None:
    """Remember a command's id; its primary key refuses a second copy from another process."""
    _INSERT_COMMAND.run(
        _connection(db),
        {
            "session_id": session_id,
            "command_id": command_id,
            "actor": actor,
            "name": name,
            "seq": seq,
            "at": utcnow(),
        },
    )


def last_seq(db: Session | Connection, session_id: str, *, for_update: bool = False) -> int:
    """The session's last seq; ``for_update`` locks its row (PostgreSQL) until the commit."""
    query = _LAST_SEQ_FOR_UPDATE if for_update else _LAST_SEQ
    seq = _connection(db).execute(query, {"b_id": session_id}).scalar()
    if seq is None:
        raise DomainError("unknown_session", N_("Cette séance n'existe pas."))
    return seq


def protocol_source(db: Session | Connection, session_id: str) -> str:
    return _connection(db).execute(_PROTOCOL_SOURCE, {"b_id": session_id}).scalar_one()


def last_seqs(db: Session, session_ids: Sequence[str]) -> dict[str, int]:
    """Each session's last seq, in one query (sessions purged meanwhile are left out)."""
    rows = db.execute(
        select(SessionRecord.id, SessionRecord.last_seq).where(SessionRecord.id.in_(session_ids))
    )
    return {row.id: row.last_seq for row in rows}


def as_date(value: object) -> date | None:
    """A ``YYYY-MM-DD`` setting as a date (None when unset)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def redact_words(db: Session | Connection, session_id: str, words: redaction.Words) -> int:
    """Rewrite the session's stored log without a withdrawn person's ``words``.

    A pass over the whole log (the synthesis and notes may quote them): a
    withdrawal is rare. Returns how many rows were rewritten.
    """
    connection = _connection(db)
    rows = connection.execute(
        select(_EVENTS.c.id, _EVENTS.c.type, _EVENTS.c.data).where(
            _EVENTS.c.session_id == session_id
        )
    ).all()
    changed = 0
    for row in rows:
        cleaned = redaction.redacted(row.type, row.data, words)
        if cleaned is not None:
            connection.execute(update(_EVENTS).where(_EVENTS.c.id == row.id).values(data=cleaned))
            changed += 1
    return changed + _redact_booklet(connection, session_id, words)


_BOOKLET_VERSIONS = BookletVersionRecord.__table__


def _redact_booklet(connection: Connection, session_id: str, words: redaction.Words) -> int:
    """The saved versions of the session's programme's booklet without the person's words.

    The booklet quotes them as Markdown (escaped, as its draft writes them, a quote of
    several lines in a blockquote) or as typed: each form becomes « […] », as in the
    session's own synthesis.
    """
    programme_id = connection.execute(
        select(_SESSIONS.c.programme_id).where(_SESSIONS.c.id == session_id)
    ).scalar()
    if programme_id is None or not words.quotes:
        return 0
    written = [(q, escape(q), escape(q).replace("\n", "\n> ")) for q in words.quotes]
    return redact_booklet(connection, programme_id, [f for found in written for f in found])


def redact_booklet(db: Session | Connection, programme_id: str, texts: Sequence[str]) -> int:
    """Every saved version of the programme's booklet with each of ``texts`` (longest first)
    replaced by « […] »; returns how many versions changed."""
    forms = sorted({text for text in texts if len(text) >= redaction.QUOTE_MIN}, key=len)[::-1]
    if not forms:
        return 0
    connection = _connection(db)
    versions = _BOOKLET_VERSIONS.c
    rows = connection.execute(
        select(versions.version, versions.text).where(versions.programme_id == programme_id)
    ).all()
    changed = 0
    for row in rows:
        text = row.text
        for form in forms:
            text = text.replace(form, redaction.OMITTED)
        if text != row.text:
            connection.execute(
                update(_BOOKLET_VERSIONS)
                .where(versions.programme_id == programme_id, versions.version == row.version)
                .values(text=text)
            )
            changed += 1
    return changed


def pooled_answers(db: Session | Connection, session_id: str) -> list[dict]:
    """The session's evaluation answers (see :class:`mag.models.EvaluationPoolRecord`)."""
    answers = _connection(db).execute(_POOL, {"b_id": session_id}).scalar()
    return list(answers or [])


def pool_answers(db: Session | Connection, session_id: str, answers: Sequence[dict]) -> None:
    """Add evaluation answers to the session's pool, which stays sorted by content."""
    connection = _connection(db)
    pooled = pooled_answers(connection, session_id)
    merged = sorted(
        [*pooled, *answers], key=lambda a: json.dumps(a, sort_keys=True, ensure_ascii=False)
    )
    values = {"session_id": session_id, "answers": merged}
    if pooled:
        connection.execute(update(_POOLS).where(_POOLS.c.session_id == session_id), values)
    else:
        connection.execute(insert(_POOLS), values)


def keep_retention(db: Session, session_id: str, new_events: Sequence[NewEvent]) -> None:
    """Copy a new retention date onto the session's row, where `mag purge` looks for it."""
    for new in new_events:
        if new.type == ev.SETTINGS_CHANGED and "retention_until" in new.data:
            db.execute(
                update(SessionRecord)
                .where(SessionRecord.id == session_id)
                .values(retention_until=as_date(new.data["retention_until"]))
            )
