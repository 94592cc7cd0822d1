"""Participant pages: join with the room's code, then follow the session live."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from mag import services
from mag.domain.i18n import DomainError
from mag.web.i18n_client import client_messages
from mag.web.i18n_plain import plain_words
from mag.web.identity import participant_cookie, participant_of_request, set_identity

bp = Blueprint("participant", __name__)


@bp.context_processor
def plain() -> dict[str, object]:
    """The method's terms in plain words, which the session's page shows (templates/_plain.html)."""
    return {"plain": plain_words()}


@bp.get("/rejoindre")
@bp.get("/rejoindre/<code>")
def join_form(code: str = ""):
    form = {"code": code or request.args.get("code", ""), "pseudonym": "", "function": ""}
    error = None
    if request.args.get("inconnu"):
        # Sent here from a session page this browser is not (or no longer) part of.
        error = _(
            "Ce navigateur n'est pas inscrit à cette séance, ou son inscription n'est plus "
            "valable. Rejoignez-la avec son code."
        )
    return render_template("join.html", form=form, error=error)


@bp.post("/rejoindre")
def join():
    form = {key: request.form.get(key, "") for key in ("code", "pseudonym", "function")}
    mag = current_app.extensions["mag"]
    try:
        with mag.sessions() as db:
            session_id = services.find_by_join_code(db, form["code"]).id
        participant_id, secret = mag.live.join(session_id, form["pseudonym"], form["function"])
    except DomainError as error:
        message = error.message(_)
        return render_template(
            "join.html", form=form, error=message, error_field=_join_field(error)
        ), 400
    response = redirect(url_for("participant.room", session_id=session_id))
    set_identity(response, participant_cookie(session_id), f"{participant_id}.{secret}")
    return response


def _join_field(error: DomainError) -> str:
    """The join form's field a refusal is about, shown beside it ("": the whole form)."""
    if error.code == "unknown_join_code":
        return "code"
    if error.code == "pseudonym_taken":
        return "pseudonym"
    return {"Pseudonyme": "pseudonym", "Fonction": "function"}.get(error.params.get("field"), "")


@bp.get("/s/<session_id>")
def room(session_id: str):
    if participant_of_request(session_id) is None:
        return redirect(url_for("participant.join_form", inconnu=1))
    return render_template(
        "participant.html", session_id=session_id, messages=client_messages("participant")
    )
