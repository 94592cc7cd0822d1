"""Where a browser keeps who it is: HttpOnly cookies holding a secret.

Identity is never kept in Flask's session: the secret's hash lives in the
database, the secret itself only in the browser of the person it belongs to.
Three cookies per session: the creator's (``mag_a_``), a participant's
(``mag_p_``) and an invited team member's (``mag_m_``); one per programme, its research
team's (``mag_r_``).
"""

from collections.abc import Mapping

from flask import Response, abort, current_app, request
from sqlalchemy.orm import Session

from mag import programmes, services
from mag.domain.i18n import DomainError
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.models import ProgrammeRecord, SessionRecord


def facilitator_cookie(session_id: str) -> str:
    return f"mag_a_{session_id}"


def participant_cookie(session_id: str) -> str:
    return f"mag_p_{session_id}"


def member_cookie(session_id: str) -> str:
    return f"mag_m_{session_id}"


def programme_cookie(programme_id: str) -> str:
    """A programme's research team: the secret of its private link (``mag_r_``)."""
    return f"mag_r_{programme_id}"


def split_id_cookie(value: str | None) -> tuple[str | None, str | None]:
    """Split ``<id>.<secret>`` (a participant's or a member's cookie)."""
    if not value or "." not in value:
        return None, None
    some_id, _, secret = value.partition(".")
    return some_id, secret


split_participant_cookie = split_id_cookie
split_member_cookie = split_id_cookie


def member_actor(db: Session, record: SessionRecord, cookies: Mapping[str, str]) -> Actor | None:
    """The invited team member the cookies prove, or None."""
    member_id, secret = split_member_cookie(cookies.get(member_cookie(record.id)))
    member = services.member_for_secret(db, record.id, member_id, secret)
    return Actor(Role(member.role), member_id=member.id) if member is not None else None


def team_actor(db: Session, record: SessionRecord, cookies: Mapping[str, str]) -> Actor | None:
    """The creator (their cookie first), else an invited team member, else None."""
    if services.is_facilitator(record, cookies.get(facilitator_cookie(record.id))):
        return FACILITATOR
    return member_actor(db, record, cookies)


def session_or_abort(db: Session, session_id: str) -> SessionRecord:
    """The session; else 410 if ``mag purge`` deleted it, 404 if there never was one."""
    try:
        return services.session_record(db, session_id)
    except DomainError:
        abort(410 if services.was_purged(db, session_id) else 404)


def team_of_request(session_id: str) -> tuple[SessionRecord, Actor | None]:
    """The session (404 or 410, see above) and who this request's cookies say is in its team."""
    with current_app.extensions["mag"].sessions() as db:
        record = session_or_abort(db, session_id)
        return record, team_actor(db, record, request.cookies)


def participant_of_request(session_id: str) -> str | None:
    """The id of the participant this request's cookie proves (404 or 410 without a session).

    A browser that is not one of an archived session's participants is told the
    session is over (410): it could not join it any more.
    """
    pid, secret = split_participant_cookie(request.cookies.get(participant_cookie(session_id)))
    with current_app.extensions["mag"].sessions() as db:
        record = session_or_abort(db, session_id)
        participant = services.participant_for_secret(db, session_id, pid, secret)
        if participant is None and record.archived_at is not None:
            abort(410)
    return participant.id if participant is not None else None


def programme_team(
    db: Session, programme_id: object, cookies: Mapping[str, str]
) -> ProgrammeRecord | None:
    """The programme, if ``cookies`` hold a link of its research team not revoked; else None."""
    if not isinstance(programme_id, str):
        return None
    try:
        record = programmes.programme_record(db, programme_id)
    except DomainError:
        return None
    link = programmes.team_link(db, record, cookies.get(programme_cookie(record.id)))
    return record if link is not None and not link.is_revoked else None


def set_identity(response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(current_app.config["MAG_COOKIE_MAX_AGE"]),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["MAG_COOKIE_SECURE"]),
    )
