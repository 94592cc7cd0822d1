"""Team pages: invite a second animateur, the rapporteur or an observer screen, and the
projection view.

Each invited member receives a private link; opening it stores
``<member id>.<secret>`` in an HttpOnly cookie, like a participant's.
"""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mag import services
from mag.domain.commands import may
from mag.domain.i18n import DomainError
from mag.domain.roles import Role
from mag.domain.steps.session import INVITE_MEMBER
from mag.web.identity import member_cookie, set_identity, team_of_request

bp = Blueprint("team", __name__)


def role_labels() -> dict[str, str]:
    return {
        Role.ANIMATEUR.value: _("Co-animateur·rice"),
        Role.RAPPORTEUR.value: _("Rapporteur·rice"),
        Role.OBSERVATEUR.value: _("Écran de projection (observateur)"),
    }


@bp.post("/animer/<session_id>/equipe")
def invite(session_id: str):
    """Make a private link for a new team member (only animateurs may)."""
    _record, actor = team_of_request(session_id)
    if actor is None or not may(INVITE_MEMBER, actor):
        return _message(
            _("Invitation réservée à l'animation"),
            _(
                "Seuls l'animateur ou l'animatrice de la séance et les co-animateurs peuvent "
                "inviter l'équipe."
            ),
        )
    role = request.form.get("role", "")
    name = request.form.get("name", "")
    console_url = url_for("facilitator.console", session_id=session_id)
    try:
        member_id, secret = current_app.extensions["mag"].live.invite(session_id, actor, role, name)
    except DomainError as error:
        return (
            render_template("invited.html", error=error.message(_), console_url=console_url),
            400,
        )
    return render_template(
        "invited.html",
        error=None,
        role=role,
        role_label=role_labels()[role],
        name=name.strip(),
        member_url=url_for(
            "team.enter",
            session_id=session_id,
            member_id=member_id,
            secret=secret,
            _external=True,
        ),
        console_url=console_url,
    )


@bp.get("/equipe/<session_id>/<member_id>/<secret>")
def enter(session_id: str, member_id: str, secret: str):
    """A member's private link: remember it in a cookie, then drop the secret from the URL."""
    team_of_request(session_id)  # 404 if there is no such session
    with current_app.extensions["mag"].sessions() as db:
        member = services.member_for_secret(db, session_id, member_id, secret)
    if member is None:
        return _message(
            _("Lien d'équipe non valable"),
            _(
                "Ce lien d'équipe n'est pas (ou plus) valable. Demandez un nouveau lien à "
                "l'animateur ou l'animatrice de la séance."
            ),
        )
    if member.role == Role.OBSERVATEUR:
        response = redirect(url_for("team.projection", session_id=session_id))
    else:
        response = redirect(url_for("facilitator.console", session_id=session_id))
    set_identity(response, member_cookie(session_id), f"{member.id}.{secret}")
    return response


@bp.get("/projeter/<session_id>")
def projection(session_id: str):
    """The room's projection screen: an observer's link, or any staff member's browser."""
    _record, actor = team_of_request(session_id)
    if actor is None or not (actor.role.is_staff or actor.role is Role.OBSERVATEUR):
        return _message(
            _("Vue de projection non disponible"),
            _(
                "Cette vue s'ouvre avec le lien d'écran de projection remis par l'animation, "
                "ou depuis la console d'animation."
            ),
        )
    return render_template("projection.html", session_id=session_id)


def _message(heading: str, text: str):
    return render_template("message.html", heading=heading, text=text, status=403), 403
