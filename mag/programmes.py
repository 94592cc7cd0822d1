"""Operations on stored programmes: create, authenticate, the public form's address, fiches.

Like mag.services: functions take a SQLAlchemy session and flush, never commit; the edge
owns the transaction (``Live.transaction``). The rules are the domain's
(mag.domain.programme); here they are only applied and stored.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mag.domain.i18n import N_, DomainError
from mag.domain.programme import (
    Fiche,
    Warnings,
    clean_consent,
    clean_list,
    clean_programme,
    fiche_data,
)
from mag.models import FicheFormRecord, FicheRecord, ProgrammeRecord, utcnow
from mag.services import _secret_matches, hash_secret, is_id, new_id, new_secret


def new_form_key() -> str:
    """A public form's address: unguessable, short enough for a QR code read by an old phone."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True)
class CreatedProgramme:
    programme_id: str
    secret: str
    form_key: str


def create_programme(
    db: Session,
    *,
    title: object,
    question: object,
    period_start: object,
    period_end: object,
    services: object,
    names: object,
    consent_text: object,
) -> CreatedProgramme:
    """Create a programme with an open fiche form; return its id, team secret and form key."""
    programme = clean_programme(title, question, period_start, period_end)
    secret = new_secret()
    record = ProgrammeRecord(
        id=new_id(),
        secret_hash=hash_secret(secret),
        title=programme.title,
        question=programme.question,
        period_start=programme.period_start,
        period_end=programme.period_end,
        services=clean_list(services, N_("Services et administrations")),
        names=clean_list(names, N_("Noms à repérer")),
        consent_text=clean_consent(consent_text),
        created_at=utcnow(),
    )
    db.add(record)
    db.flush()
    return CreatedProgramme(record.id, secret, open_new_form(db, record.id))


def programme_record(db: Session, programme_id: str) -> ProgrammeRecord:
    record = db.get(ProgrammeRecord, programme_id) if is_id(programme_id) else None
    if record is None:
        raise DomainError("unknown_programme", N_("Ce programme n'existe pas."))
    return record


def is_team(record: ProgrammeRecord, secret: str | None) -> bool:
    return _secret_matches(secret, record.secret_hash)


def change_settings(
    db: Session, record: ProgrammeRecord, *, services: object, names: object, consent_text: object
) -> None:
    """The team's lists and consent text (fiches already saved keep the text they showed)."""
    cleaned = (
        clean_list(services, N_("Services et administrations")),
        clean_list(names, N_("Noms à repérer")),
        clean_consent(consent_text),
    )
    record.services, record.names, record.consent_text = cleaned
    db.flush()


# The public form's address --------------------------------------------------------------------


def open_form(db: Session, programme_id: str) -> FicheFormRecord | None:
    return db.scalar(
        select(FicheFormRecord).where(
            FicheFormRecord.programme_id == programme_id, FicheFormRecord.closed_at.is_(None)
        )
    )


def open_new_form(db: Session, programme_id: str) -> str:
    """Close the open address, if any, and open a new one; return its key."""
    close_form(db, programme_id)
    key = new_form_key()
    db.add(FicheFormRecord(key=key, programme_id=programme_id, created_at=utcnow()))
    db.flush()
    return key


def close_form(db: Session, programme_id: str) -> None:
    form = open_form(db, programme_id)
    if form is not None:
        form.closed_at = utcnow()
        db.flush()


def form_for_key(db: Session, key: str) -> tuple[FicheFormRecord, ProgrammeRecord] | None:
    """The address ``key`` names (open or closed) and its programme, None if none."""
    if not isinstance(key, str) or not 8 <= len(key) <= 32:
        return None
    form = db.get(FicheFormRecord, key)
    if form is None:
        return None
    return form, db.get(ProgrammeRecord, form.programme_id)


# Fiches --------------------------------------------------------------------------------------


def add_fiche(
    db: Session,
    form: FicheFormRecord,
    fiche: Fiche,
    *,
    consent_text: str,
    language: str,
    warnings: Warnings,
) -> str:
    """Store ``fiche`` as received through ``form``; the form must still be open."""
    current = db.scalar(
        select(FicheFormRecord).where(FicheFormRecord.key == form.key).with_for_update()
    )
    if current is None or current.closed_at is not None:
        raise DomainError(
            "form_closed", N_("Ce formulaire est fermé : la fiche n'a pas été enregistrée.")
        )
    record = FicheRecord(
        id=new_id(),
        programme_id=form.programme_id,
        form_key=form.key,
        consent_text=consent_text,
        language=language,
        warnings=warnings.as_data(),
        created_at=utcnow(),
        **fiche_data(fiche) | {"occurred_on": fiche.occurred_on},
    )
    db.add(record)
    db.flush()
    return record.id


def fiches(db: Session, programme_id: str) -> Sequence[FicheRecord]:
    """The programme's fiches, newest first."""
    return db.scalars(
        select(FicheRecord)
        .where(FicheRecord.programme_id == programme_id)
        .order_by(FicheRecord.created_at.desc(), FicheRecord.id)
    ).all()
