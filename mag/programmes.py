"""Operations on stored programmes: create, authenticate, the public form's address, fiches.

Like mag.services: functions take a SQLAlchemy session and flush, never commit; the edge
owns the transaction (``Live.transaction``). The rules are the domain's
(mag.domain.programme); here they are only applied and stored.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mag.domain.i18n import N_, DomainError
from mag.domain.programme import (
    Fiche,
    Warnings,
    clean_consent,
    clean_list,
    clean_programme,
    clean_tags,
    fiche_data,
    proposal_from_fiche,
)
from mag.domain.protocol import Protocol, StepKind
from mag.domain.roles import FACILITATOR
from mag.domain.state import SessionState, Status
from mag.domain.steps.proposals import PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX
from mag.live import Live, Outcome
from mag.models import FicheFormRecord, FicheRecord, ProgrammeRecord, SessionRecord, utcnow
from mag.services import (
    CreatedSession,
    _secret_matches,
    create_session,
    hash_secret,
    is_id,
    new_id,
    new_secret,
)


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


def fiche_record(db: Session, programme_id: str, fiche_id: str) -> FicheRecord:
    """The fiche ``fiche_id`` of this programme; another programme's is unknown here."""
    record = db.get(FicheRecord, fiche_id) if is_id(fiche_id) else None
    if record is None or record.programme_id != programme_id:
        raise DomainError("unknown_fiche", N_("Cette fiche n'existe pas."))
    return record


def tag_fiche(
    db: Session, programme_id: str, fiche_id: str, *, themes: object, levels: object
) -> None:
    """Give a fiche the researchers' themes and levels (those it had are replaced)."""
    record = fiche_record(db, programme_id, fiche_id)
    record.themes, record.levels = clean_tags(themes, levels)
    db.flush()


# The programme's sessions ----------------------------------------------------------------------


def create_programme_session(db: Session, programme_id: str, **fields) -> CreatedSession:
    """A new session attached to the programme (``fields`` as for services.create_session)."""
    programme_record(db, programme_id)
    created = create_session(db, **fields)
    db.get(SessionRecord, created.session_id).programme_id = programme_id
    db.flush()
    return created


def programme_sessions(db: Session, programme_id: str) -> Sequence[SessionRecord]:
    """The programme's sessions, oldest first."""
    return db.scalars(
        select(SessionRecord)
        .where(SessionRecord.programme_id == programme_id)
        .order_by(SessionRecord.created_at, SessionRecord.id)
    ).all()


@dataclass(frozen=True)
class SessionView:
    """What the programme page shows of one of its sessions."""

    session_id: str
    title: str
    step: str  # the current step's title, or "" before and after
    is_proposing: bool  # at a step of récit proposals: a fiche may be proposed there
    participants: list[tuple[str, str]]  # (id, pseudonym) of those who may propose


def session_view(live: Live, record: SessionRecord) -> SessionView:
    def look(state: SessionState, protocol: Protocol) -> SessionView:
        step = (
            protocol.steps[state.step_index]
            if state.status is Status.RUNNING and state.step_index is not None
            else None
        )
        return SessionView(
            session_id=record.id,
            title=record.title,
            step=step.title if step is not None else "",
            is_proposing=step is not None and step.kind == StepKind.PROPOSALS,
            participants=[
                (p.id, p.pseudonym) for p in state.participants.values() if p.withdrawn_at is None
            ],
        )

    return live.read(record.id, look)


def propose_fiche(
    live: Live, programme_id: str, fiche_id: str, session_id: str, participant_id: str
) -> Outcome:
    """Make a fiche a récit proposal in a session of the programme, for one of its participants.

    The proposal carries the fiche's text with the replacement lists applied (the session's,
    then the programme's names, which become « […] »), is marked with the fiche's id, and goes
    through the session's usual write path as entered by the team. Refused, changing nothing,
    unless the session is the programme's and at its step of récit proposals.
    """
    with live.transaction() as db:
        programme = programme_record(db, programme_id)
        fiche = fiche_record(db, programme_id, fiche_id)
        session = db.get(SessionRecord, session_id) if is_id(session_id) else None
        if session is None or session.programme_id != programme_id:
            raise DomainError(
                "not_programme_session",
                N_(
                    "Cette séance n'appartient pas à ce programme : la fiche n'y a pas été proposée."
                ),
            )
        what_happened, names = fiche.what_happened, list(programme.names)

    def replacements(state: SessionState, protocol: Protocol) -> list[tuple[str, str]]:
        return list(state.replacement_list)

    view = session_view(live, session)
    if not view.is_proposing:
        raise DomainError(
            "not_proposing",
            N_(
                "Cette séance n'est pas à l'étape des propositions de récits : "
                "la fiche n'y a pas été proposée."
            ),
        )
    listed = live.read(session_id, replacements) + [(name, "") for name in names]
    title, body = proposal_from_fiche(
        what_happened, listed, title_max=PROPOSAL_TITLE_MAX, body_max=PROPOSAL_BODY_MAX
    )
    return live.execute(
        session_id,
        FACILITATOR,
        "submit_proposal",
        {
            "proposal_id": new_id(),
            "title": title,
            "body": body,
            "on_behalf_of": participant_id,
            "fiche_id": fiche_id,
        },
        new_id(),
    )


# The command line's list ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeSummary:
    """What ``mag programme list`` says of a programme."""

    programme_id: str
    title: str
    created_at: datetime
    period_start: date | None
    period_end: date | None
    fiche_count: int
    session_count: int


def summaries(db: Session) -> list[ProgrammeSummary]:
    """Every programme of this installation, oldest first, with its numbers of fiches and
    sessions."""
    fiche_counts = dict(
        db.execute(
            select(FicheRecord.programme_id, func.count()).group_by(FicheRecord.programme_id)
        ).all()
    )
    session_counts = dict(
        db.execute(
            select(SessionRecord.programme_id, func.count())
            .where(SessionRecord.programme_id.is_not(None))
            .group_by(SessionRecord.programme_id)
        ).all()
    )
    return [
        ProgrammeSummary(
            record.id,
            record.title,
            record.created_at,
            record.period_start,
            record.period_end,
            fiche_counts.get(record.id, 0),
            session_counts.get(record.id, 0),
        )
        for record in db.scalars(
            select(ProgrammeRecord).order_by(ProgrammeRecord.created_at, ProgrammeRecord.id)
        )
    ]
