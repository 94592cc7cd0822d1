"""Operations on stored programmes: create, authenticate, the team's links, the public form's
address, fiches, sessions attached and detached.

Like mag.services: functions take a SQLAlchemy session and flush, never commit; the edge
owns the transaction (``Live.transaction``). The rules are the domain's
(mag.domain.programme); here they are only applied and stored.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mag.domain.i18n import N_, DomainError
from mag.domain.programme import (
    Fiche,
    Warnings,
    clean_consent,
    clean_list,
    clean_programme,
    clean_retention,
    clean_tags,
    fiche_data,
    proposal_from_fiche,
)
from mag.domain.programme_links import (
    CREATOR,
    check_attachment,
    check_invitation,
    check_revocation,
    clean_member_name,
    facilitator_link,
)
from mag.domain.protocol import Protocol, StepKind
from mag.domain.roles import FACILITATOR
from mag.domain.state import SessionState, Status
from mag.domain.steps.proposals import PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX
from mag.live import Live, Outcome
from mag.models import (
    FicheFormRecord,
    FicheRecord,
    ProgrammeMemberRecord,
    ProgrammeRecord,
    SessionRecord,
    utcnow,
)
from mag.services import (
    CreatedSession,
    _secret_matches,
    create_session,
    hash_secret,
    is_facilitator,
    is_id,
    new_id,
    new_secret,
    session_record,
    was_purged,
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
    retention_until: object = None,
) -> CreatedProgramme:
    """Create a programme with an open fiche form; return its id, team secret and form key.

    The secret is the creator's link, the team's first (see :func:`team_link`).
    """
    programme = clean_programme(title, question, period_start, period_end)
    retention = clean_retention(retention_until)
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
        retention_until=retention,
    )
    db.add(record)
    db.flush()
    return CreatedProgramme(record.id, secret, open_new_form(db, record.id))


def programme_record(
    db: Session, programme_id: str, *, for_update: bool = False
) -> ProgrammeRecord:
    """The programme; ``for_update`` locks its row (PostgreSQL) until the commit."""
    record = None
    if is_id(programme_id) and for_update:
        record = db.scalar(
            select(ProgrammeRecord)
            .where(ProgrammeRecord.id == programme_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    elif is_id(programme_id):
        record = db.get(ProgrammeRecord, programme_id)
    if record is None:
        raise DomainError("unknown_programme", N_("Ce programme n'existe pas."))
    return record


def change_settings(
    db: Session,
    record: ProgrammeRecord,
    *,
    services: object,
    names: object,
    consent_text: object,
    retention_until: object = None,
) -> None:
    """The team's lists, consent text and retention date (fiches already saved keep the
    consent text they showed)."""
    cleaned = (
        clean_list(services, N_("Services et administrations")),
        clean_list(names, N_("Noms à repérer")),
        clean_consent(consent_text),
        clean_retention(retention_until),
    )
    record.services, record.names, record.consent_text, record.retention_until = cleaned
    db.flush()


# The team's links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamLink:
    """A link of the programme's team that a secret proved: whose, and whether it was revoked.

    ``holder``: the invited member's id, or :data:`CREATOR` for the creator's link.
    """

    holder: str
    is_revoked: bool


def team_link(db: Session, record: ProgrammeRecord, value: str | None) -> TeamLink | None:
    """The team's link ``value`` proves (a cookie's, or a link's secret), None if none.

    The creator's link holds its secret alone; an invited member's ``<member id>.<secret>``
    (the secrets, from ``secrets.token_urlsafe``, never hold a dot). A member of another
    programme proves nothing here.
    """
    if not value:
        return None
    member_id, dot, secret = value.partition(".")
    if not dot:
        if not _secret_matches(value, record.secret_hash):
            return None
        return TeamLink(CREATOR, record.creator_revoked_at is not None)
    member = db.get(ProgrammeMemberRecord, member_id) if is_id(member_id) else None
    if member is None or member.programme_id != record.id:
        return None
    if not _secret_matches(secret, member.secret_hash):
        return None
    return TeamLink(member.id, member.revoked_at is not None)


def member_cookie_value(member_id: str, secret: str) -> str:
    return f"{member_id}.{secret}"


def team_members(db: Session, programme_id: str) -> Sequence[ProgrammeMemberRecord]:
    """The links the team gave, revoked ones too, oldest first (the creator's apart)."""
    return db.scalars(
        select(ProgrammeMemberRecord)
        .where(ProgrammeMemberRecord.programme_id == programme_id)
        .order_by(ProgrammeMemberRecord.created_at, ProgrammeMemberRecord.id)
    ).all()


def link_name(db: Session, programme_id: str, link: TeamLink) -> str:
    """The name the team gave a member's link; "" for the creator's (« l'équipe »)."""
    if link.holder == CREATOR:
        return ""
    member = db.get(ProgrammeMemberRecord, link.holder)
    return member.name if member is not None and member.programme_id == programme_id else ""


def invite_member(db: Session, programme_id: str, name: object) -> tuple[str, str]:
    """A new private link for a named member: their id and the secret, shown once."""
    clean_name = clean_member_name(name)
    programme_record(db, programme_id, for_update=True)
    check_invitation(
        db.scalar(
            select(func.count())
            .select_from(ProgrammeMemberRecord)
            .where(
                ProgrammeMemberRecord.programme_id == programme_id,
                ProgrammeMemberRecord.revoked_at.is_(None),
            )
        )
    )
    secret = new_secret()
    member = ProgrammeMemberRecord(
        id=new_id(),
        programme_id=programme_id,
        name=clean_name,
        secret_hash=hash_secret(secret),
        created_at=utcnow(),
    )
    db.add(member)
    db.flush()
    return member.id, secret


def revoke_link(db: Session, programme_id: str, target: str, by: str) -> None:
    """Revoke the team's link ``target`` (a member's id, or CREATOR) for the link ``by``.

    The programme's row is locked first, so two researchers revoking each other's link at
    once are taken in turn: the second finds their own link revoked, and nothing changes.
    """
    record = programme_record(db, programme_id, for_update=True)
    if not _still_active(db, record, by):
        raise DomainError("link_revoked", N_("Votre lien d'équipe a été révoqué."))
    if target == CREATOR:
        check_revocation(target, by, is_revoked=record.creator_revoked_at is not None)
        record.creator_revoked_at = utcnow()
    else:
        member = db.get(ProgrammeMemberRecord, target) if is_id(target) else None
        if member is None or member.programme_id != programme_id:
            raise DomainError("unknown_member", N_("Ce lien d'équipe n'existe pas."))
        check_revocation(target, by, is_revoked=member.revoked_at is not None)
        member.revoked_at = utcnow()
    db.flush()


def _still_active(db: Session, record: ProgrammeRecord, holder: str) -> bool:
    if holder == CREATOR:
        return record.creator_revoked_at is None
    member = db.get(ProgrammeMemberRecord, holder) if is_id(holder) else None
    return member is not None and member.programme_id == record.id and member.revoked_at is None


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


# What a list, a filter, a count and the board read of every fiche: rows, not objects, so a
# programme of thousands of fiches is read in one light query (the page shows fifty whole).
_READ = (
    FicheRecord.id, FicheRecord.what_happened, FicheRecord.service, FicheRecord.service_other,
    FicheRecord.barrier, FicheRecord.consequences, FicheRecord.function, FicheRecord.region,
    FicheRecord.occurred_on, FicheRecord.themes, FicheRecord.levels,
)  # fmt: skip


def fiche_rows(db: Session, programme_id: str) -> Sequence:
    """Every fiche of the programme as a row of :data:`_READ`'s fields, newest first."""
    return db.execute(
        select(*_READ)
        .where(FicheRecord.programme_id == programme_id)
        .order_by(FicheRecord.created_at.desc(), FicheRecord.id)
    ).all()


def fiches_by_id(db: Session, programme_id: str, ids: Sequence[str]) -> list[FicheRecord]:
    """The fiches ``ids`` of the programme, whole, in the order given."""
    found = {
        record.id: record
        for record in db.scalars(
            select(FicheRecord).where(
                FicheRecord.programme_id == programme_id, FicheRecord.id.in_(ids)
            )
        )
    }
    return [found[fiche_id] for fiche_id in ids if fiche_id in found]


def fiche_record(db: Session, programme_id: str, fiche_id: str) -> FicheRecord:
    """The fiche ``fiche_id`` of this programme; another programme's is unknown here."""
    record = db.get(FicheRecord, fiche_id) if is_id(fiche_id) else None
    if record is None or record.programme_id != programme_id:
        raise DomainError("unknown_fiche", N_("Cette fiche n'existe pas."))
    return record


def delete_fiche(db: Session, programme_id: str, fiche_id: str) -> None:
    """Erase a fiche: its row goes, so no view, filter, count or export finds it again.

    Not flagged but deleted (SQLite overwrites what it deletes, ``secure_delete``). A récit
    proposal already made from it stays in its session: it is the participant's now.
    """
    fiche_record(db, programme_id, fiche_id)
    db.execute(
        delete(FicheRecord).where(
            FicheRecord.id == fiche_id, FicheRecord.programme_id == programme_id
        )
    )
    db.flush()


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


def attach_session(db: Session, programme_id: str, link: object) -> SessionRecord:
    """Attach an existing session to the programme, on its facilitator link's proof.

    Any session but a purged one: in its lobby, running, ended or archived. The secret is
    checked before anything is said of the session's programme, so a link that proves
    nothing tells nothing. Refused, changing nothing, if it belongs to a programme already.
    """
    programme_record(db, programme_id)
    found = facilitator_link(link)
    if was_purged(db, found.session_id):
        raise DomainError(
            "purged_session",
            N_(
                "Cette séance a été supprimée au terme de sa durée de conservation : elle ne "
                "peut plus être rattachée."
            ),
        )
    try:
        session = session_record(db, found.session_id, for_update=True)
    except DomainError:
        raise DomainError(
            "unknown_session",
            N_(
                "Aucune séance ne correspond à ce lien : vérifiez-le, ou copiez-le à nouveau "
                "depuis la page reçue à la création de la séance."
            ),
        ) from None
    if not is_facilitator(session, found.secret):
        raise DomainError(
            "wrong_secret",
            N_(
                "Ce lien d'animation n'est pas (ou plus) valable : la séance n'a pas été "
                "rattachée. Collez le lien privé reçu à la création de la séance."
            ),
        )
    check_attachment(session.programme_id, programme_id)
    session.programme_id = programme_id
    db.flush()
    return session


def detach_session(db: Session, programme_id: str, session_id: str) -> SessionRecord:
    """The session leaves the programme; everything it holds stays, as a session of its own."""
    session = programme_session(db, programme_id, session_id)
    session.programme_id = None
    db.flush()
    return session


def programme_session(db: Session, programme_id: str, session_id: str) -> SessionRecord:
    """A session of this programme; any other is unknown here."""
    session = db.get(SessionRecord, session_id) if is_id(session_id) else None
    if session is None or session.programme_id != programme_id:
        raise DomainError(
            "unknown_programme_session", N_("Cette séance ne fait pas partie de ce programme.")
        )
    return session


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
