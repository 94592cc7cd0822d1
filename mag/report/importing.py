"""``mag import``: restore a session, or a whole programme, exported as JSON.

A session's file is checked against the format's schema, its protocol is parsed and
its events are folded once before anything is stored, so a malformed file is
refused with the reason and changes nothing. The restored session gets a new
join code and a new facilitator link; participants' own links do not travel.

A programme's archive (``to_programme_json``) is checked against its own schema, which
holds each session's; its programme gets a new id, a new team secret and new form
addresses, its fiches keep their ids (the sessions' proposals made from a fiche name
it), and each session is restored as above and attached to it. All of it is stored in
the caller's one transaction, so a file refused halfway leaves nothing behind.
"""

import json
from dataclasses import dataclass, replace
from datetime import date, datetime

import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session

from mag import programmes, services
from mag.domain import events as ev
from mag.domain.events import Event
from mag.domain.i18n import N_, DomainError
from mag.domain.programme import clean_programme
from mag.domain.protocol import parse_protocol
from mag.models import (
    BookletVersionRecord,
    FicheFormRecord,
    FicheRecord,
    ProgrammeRecord,
    ProgrammeThemeRecord,
    SessionRecord,
    utcnow,
)
from mag.report import to_programme_json
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
    return restore_session(db, read(raw))


def restore_session(db: Session, document: dict) -> services.CreatedSession:
    """Store the session ``document`` (checked against the schema already)."""
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


# A programme's archive ---------------------------------------------------------------------


def _not_programme(reason: str) -> DomainError:
    return DomainError(
        "invalid_archive",
        N_("Ce fichier n'est pas un programme exporté par mag : %(reason)s"),
        reason=reason,
    )


def is_programme(raw: bytes) -> bool:
    """Whether ``raw`` says it is a programme's archive (whether it holds together is
    :func:`read_programme`'s to say)."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(document, dict) and document.get("format") == to_programme_json.FORMAT


def read_programme(raw: bytes) -> dict:
    """The archive in ``raw``, checked against its schema (each session's included)."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _not_programme(str(error)) from None
    validator = jsonschema.Draft202012Validator(
        to_programme_json.schema(),
        registry=to_programme_json.registry(),
        format_checker=jsonschema.FormatChecker(),
    )
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "/"
        raise _not_programme(f"{where} : {error.message}")
    return document


@dataclass(frozen=True)
class RestoredProgramme:
    programme_id: str
    title: str
    secret: str
    form_key: str | None  # its open address, if the archived programme had one open
    sessions: list[tuple[str, services.CreatedSession]]  # (title, the restored session)


def import_programme(db: Session, raw: bytes) -> RestoredProgramme:
    """Restore a programme's archive: a new id, team secret and form addresses; its fiches
    and sessions as they were. Flushes, never commits: refused, the caller rolls back."""
    document = read_programme(raw)
    meta, forms, fiches = document["programme"], document["forms"], document["fiches"]
    cleaned = clean_programme(
        meta["title"], meta["question"], meta["period_start"] or "", meta["period_end"] or ""
    )
    if [form["number"] for form in forms] != list(range(1, len(forms) + 1)):
        raise DomainError(
            "invalid_archive",
            N_(
                "Ce fichier n'est pas un programme exporté par mag : les adresses du "
                "formulaire (forms) doivent être numérotées 1, 2, 3… dans l'ordre."
            ),
        )
    if sum(form["closed_at"] is None for form in forms) > 1:
        raise DomainError(
            "invalid_archive",
            N_(
                "Ce fichier n'est pas un programme exporté par mag : une seule adresse du "
                "formulaire peut être ouverte."
            ),
        )
    ids = [fiche["id"] for fiche in fiches]
    for fiche in fiches:
        if fiche["form"] > len(forms) or ids.count(fiche["id"]) > 1:
            raise DomainError(
                "invalid_archive",
                N_(
                    "Ce fichier n'est pas un programme exporté par mag : la fiche %(id)s "
                    "y est deux fois, ou vient d'une adresse du formulaire qu'il n'a pas."
                ),
                id=fiche["id"],
            )
    present = db.scalar(select(FicheRecord.id).where(FicheRecord.id.in_(ids)).limit(1))
    if present is not None:
        raise DomainError(
            "programme_exists",
            N_(
                "Ce programme est déjà dans cette installation : sa fiche %(id)s y est. "
                "Restaurez-le dans une autre installation."
            ),
            id=present,
        )
    secret = services.new_secret()
    record = ProgrammeRecord(
        id=services.new_id(),
        secret_hash=services.hash_secret(secret),
        title=cleaned.title,
        question=cleaned.question,
        period_start=cleaned.period_start,
        period_end=cleaned.period_end,
        services=list(meta["services"]),
        names=list(meta["names"]),
        consent_text=meta["consent_text"],
        created_at=datetime.fromisoformat(meta["created_at"]),
        retention_until=date.fromisoformat(meta["retention_until"])
        if meta.get("retention_until")
        else None,
    )
    db.add(record)
    db.flush()
    keys: dict[int, str] = {}
    open_key = None
    for form in forms:
        keys[form["number"]] = key = programmes.new_form_key()
        closed_at = form["closed_at"]
        db.add(
            FicheFormRecord(
                key=key,
                programme_id=record.id,
                created_at=datetime.fromisoformat(form["created_at"]),
                closed_at=datetime.fromisoformat(closed_at) if closed_at else None,
            )
        )
        if closed_at is None:
            open_key = key
    db.flush()
    for fiche in fiches:
        fields = {key: value for key, value in fiche.items() if key != "form"}
        fields["occurred_on"] = date.fromisoformat(fiche["occurred_on"])
        fields["created_at"] = datetime.fromisoformat(fiche["created_at"])
        db.add(FicheRecord(programme_id=record.id, form_key=keys[fiche["form"]], **fields))
    db.flush()
    restored = []
    for index, session in enumerate(document["sessions"]):
        try:
            created = restore_session(db, session)
        except DomainError as error:
            if error.code != "invalid_archive":
                raise
            raise _not_programme(f"sessions/{index} : {error.params['reason']}") from None
        db.get(SessionRecord, created.session_id).programme_id = record.id
        restored.append((session["session"]["title"], created))
    # The cross-analysis, as the team kept it: its keys name the same sessions and fiches.
    for position, theme in enumerate(document.get("themes", [])):
        db.add(
            ProgrammeThemeRecord(
                id=services.new_id(), programme_id=record.id, position=position,
                title=theme["title"], summary=theme["summary"], sources=theme["sources"],
                proposals=theme["proposals"], created_at=utcnow(), updated_at=utcnow(),
            )
        )  # fmt: skip
    booklet = document.get("booklet", [])
    for number, version in enumerate(booklet, start=1):
        if version["version"] != number:  # numbered 1, 2, 3… in order
            raise _not_programme(f"booklet/{number - 1}/version")
    for version in booklet:
        db.add(
            BookletVersionRecord(
                programme_id=record.id, version=version["version"], text=version["text"],
                saved_at=datetime.fromisoformat(version["saved_at"]), author=version["author"],
                language=version["language"],
            )
        )  # fmt: skip
    db.flush()
    return RestoredProgramme(record.id, record.title, secret, open_key, restored)
