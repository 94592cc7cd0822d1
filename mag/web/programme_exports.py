"""A programme's exports from its team's page: its REFI-QDA project and its JSON archive.

Rendering them reads every session of the programme, seconds of work: like a session's
exports, each runs as a job in a process of its own (:mod:`mag.jobs`, kind
``programme_export``), never in the process serving the live rooms. The page starts one,
follows its progress and offers the file once it is ready; without JavaScript, the
button's link waits for the same job and answers the file.

Every route checks the team's cookie (``mag_r_<programme>``) on the server; a job is
reached through its programme, and another programme's job is unknown here.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from mag import jobs, programmes
from mag.domain.i18n import DomainError
from mag.report.programme import PROGRAMME_FORMATS
from mag.web.identity import programme_team
from mag.web.job_answers import (
    finished_file,
    job_answer,
    owned_job,
    refusal,
    unknown_job,
    waited_file,
)

bp = Blueprint("programme_exports", __name__)


@bp.app_context_processor
def programme_formats() -> dict[str, object]:
    """The programme's export formats, for its page's buttons (labels are msgids)."""
    return {"programme_formats": list(PROGRAMME_FORMATS.values())}


def _is_team(programme_id: str) -> bool:
    """Whether this request's cookie is a link of the programme's team; 404 for no programme."""
    with current_app.extensions["mag"].sessions() as db:
        try:
            programmes.programme_record(db, programme_id)
        except DomainError:
            abort(404)
        return programme_team(db, programme_id, request.cookies) is not None


def _forbidden() -> tuple[Response, int]:
    return refusal(
        403,
        "forbidden",
        _("Réservé à l'équipe du programme : ouvrez sa page avec votre lien privé."),
    )


def _runner() -> jobs.Jobs:
    return jobs.runner(current_app._get_current_object())


def _start(programme_id: str, name: str) -> jobs.Status:
    return _runner().start_programme_export(programme_id, name, locale=str(get_locale()))


@bp.get("/programme/<programme_id>/export/<name>")
def export(programme_id: str, name: str):
    """The export as an attachment, once its job is done (the link without JavaScript)."""
    if not _is_team(programme_id):
        return (
            render_template(
                "message.html",
                heading=_("Export réservé à l'équipe"),
                text=_(
                    "Les exports du programme sont réservés à son équipe de recherche : "
                    "ouvrez sa page avec votre lien privé."
                ),
            ),
            403,
        )
    if name not in PROGRAMME_FORMATS:
        abort(404)
    return waited_file(_runner(), _start(programme_id, name), PROGRAMME_FORMATS[name].mimetype)


@bp.post("/programme/<programme_id>/export/<name>")
def start_export(programme_id: str, name: str):
    """Start rendering an export (or join the one under way): 202 ``{ok, job}``."""
    if not _is_team(programme_id):
        return _forbidden()
    if name not in PROGRAMME_FORMATS:
        return refusal(404, "unknown_format", _("Ce format d'export n'existe pas."))
    return job_answer(
        _start(programme_id, name), "programme_exports.job", 202, programme_id=programme_id
    )


@bp.get("/programme/<programme_id>/travaux/<job_id>")
def job(programme_id: str, job_id: str):
    """``{ok, job}``: where an export job of this programme stands."""
    status = _team_job(programme_id, job_id)
    if not isinstance(status, dict):
        return status  # a refusal
    return job_answer(status, "programme_exports.job", programme_id=programme_id)


@bp.get("/programme/<programme_id>/travaux/<job_id>/fichier")
def job_file(programme_id: str, job_id: str):
    """The file a finished export job made, as an attachment."""
    status = _team_job(programme_id, job_id)
    if not isinstance(status, dict):
        return status  # a refusal
    return finished_file(_runner(), status, PROGRAMME_FORMATS[status["format"]].mimetype)


def _team_job(programme_id: str, job_id: str) -> jobs.Status | tuple[Response, int]:
    """The job ``job_id`` of this programme for its team, or the refusal to answer."""
    if not _is_team(programme_id):
        return _forbidden()
    status = owned_job(_runner(), job_id, kind=jobs.PROGRAMME_EXPORT, programme_id=programme_id)
    return unknown_job() if status is None else status
