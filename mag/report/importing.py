"""``mag import``: restore a session exported as JSON into this installation.

The file is checked against the format's schema, its protocol is parsed and
its events are folded once before anything is stored, so a malformed file is
refused with the reason and changes nothing. The restored session gets a new
join code and a new facilitator link; participants' own links do not travel.
"""

import json
from dataclasses import replace
from datetime import datetime

import jsonschema
from sqlalchemy.orm import Session

from mag import services
from mag.domain import events as ev
from mag.domain.events import Event
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import parse_protocol
from mag.models import SessionRecord
from mag.report.material import fold
from mag.report.to_json import schema

_SEQ_ORDER = N_("les numéros d'ordre (seq) des événements doivent croître.")


def _invalid(reason: str) -> DomainError:
    return DomainError(
        "invalid_archive",
        N_("Ce fichier n'est pas une séance exportée par mag : %(reason)s"),
        reason=reason,
    )


def read(raw: bytes) -> dict:
    """The document in ``raw``, checked against the schema."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _invalid(str(error)) from None
    try:
        jsonschema.validate(document, schema(), format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "/"
        raise _invalid(f"{where} : {error.message}") from None
    return document


def import_session(db: Session, raw: bytes) -> services.CreatedSession:
    document = read(raw)
    meta = document["session"]
    if db.get(SessionRecord, meta["id"]) is not None:
        raise DomainError(
            "session_exists",
            N_("La séance %(id)s existe déjà dans cette installation."),
            id=meta["id"],
        )
    parse_protocol(meta["protocol_source"])  # raises ProtocolInvalid with every problem
    events = [
        Event(
            seq=item["seq"],
            type=item["type"],
            data=item["data"],
            actor=item["actor"],
            at=datetime.fromisoformat(item["at"]),
            audience=item["audience"],
        )
        for item in document["events"]
    ]
    seqs = [e.seq for e in events]
    if seqs != sorted(set(seqs)):
        raise _invalid(_SEQ_ORDER)
    try:
        fold(meta["id"], events)
    except (KeyError, ValueError, TypeError, IndexError, AssertionError) as error:
        raise _invalid(f"{type(error).__name__}: {error}") from None
    secret = services.new_secret()
    record = SessionRecord(
        id=meta["id"],
        join_code=services.free_join_code(db),
        facilitator_secret_hash=services.hash_secret(secret),
        protocol_source=meta["protocol_source"],
        title=meta["title"],
        last_seq=seqs[-1],
        created_at=datetime.fromisoformat(meta["created_at"]),
    )
    db.add(record)
    db.flush()
    # Evaluation answers go to the session's pool, linked to nobody (ev.KEPT_APART).
    apart = [e.data["answers"] for e in events if e.type in ev.KEPT_APART and "answers" in e.data]
    events = [replace(e, data={}) if e.type in ev.KEPT_APART else e for e in events]
    db.add_all(services.event_record(record.id, e) for e in events)
    db.flush()
    if apart:
        services.pool_answers(db, record.id, apart)
    return services.CreatedSession(record.id, record.join_code, secret)
