"""The synthesis as a participant rereads it: the version open for validation, by section.

The text is read from the exportable :class:`~mag.report.material.Material`, never
from the live state: what a participant rereads is what will leave the server
(listed names replaced, a withdrawn participant's words taken out), rendered
through the Markdown allow-list, so nothing anyone typed becomes markup.
"""

from flask import Blueprint, Response, current_app, jsonify
from flask_babel import gettext as _

from mag.domain import events as ev
from mag.report import formats, markdown
from mag.web.identity import participant_of_request

bp = Blueprint("review", __name__)


def _refusal(status: int, code: str, message: str) -> tuple[Response, int]:
    response = jsonify({"ok": False, "error": {"code": code, "message": message}})
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/seance/<session_id>/synthese")
def draft(session_id: str):
    """``{version, sections: [{id, title, html}]}``: the version open for validation."""
    mag = current_app.extensions["mag"]
    pid = participant_of_request(session_id)
    if pid is None:
        return _refusal(
            403,
            "forbidden",
            _("Votre lien n'est plus valable. Rejoignez la séance avec son code."),
        )

    def look(state, protocol):
        participant = state.participants.get(pid)
        return (
            state.is_admitted_participant(pid),
            participant is not None and participant.withdrawn_at is not None,
            state.validation_version if state.is_validation_open else None,
        )

    admitted, withdrawn, version = mag.live.read(session_id, look)
    if not admitted:
        return _refusal(403, "consent_required", _("Acceptez d'abord la convention de travail."))
    if withdrawn:
        return _refusal(
            403,
            "withdrawn",
            _("Vous avez retiré votre participation : la synthèse ne vous est plus soumise."),
        )
    if version is None:
        return _refusal(
            409, "validation_not_open", _("La relecture de la synthèse n'est pas ouverte.")
        )

    with mag.sessions() as db:
        material = formats.load(db, session_id)
    text = next(
        (
            str(e.data["text"])
            for e in material.events
            if e.type == ev.SYNTHESIS_SAVED and e.data.get("version") == version
        ),
        None,
    )
    if text is None:  # pragma: no cover - a version opened for validation was saved first
        return _refusal(409, "unknown_version", _("Cette version de la synthèse n'existe pas."))
    response = jsonify(
        {
            "version": version,
            "sections": [
                {
                    "id": section.id,
                    "title": section.title or _("Introduction"),
                    "html": markdown.render(section.text),
                }
                for section in markdown.sections(text)
            ],
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
