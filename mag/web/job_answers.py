"""How the web answers about a job (mag.jobs), whoever's it is: a session's export or archive,
a programme's export or booklet. The routes check who asks; here only the answers are made.
"""

from pathlib import Path

from flask import Response, jsonify, render_template, url_for
from flask_babel import gettext as _

from mag import jobs


def json_answer(payload: object, status: int = 200) -> tuple[Response, int]:
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response, status


def refusal(status: int, code: str, message: str) -> tuple[Response, int]:
    return json_answer({"ok": False, "error": {"code": code, "message": message}}, status)


def unknown_job() -> tuple[Response, int]:
    return refusal(404, "unknown_job", _("Cette préparation n'existe pas ou plus."))


def describe(status: jobs.Status, endpoint: str, **route: str) -> dict[str, object]:
    """What a page needs of a job: no process ids, the error in the reader's language.

    ``endpoint`` is the blueprint's job route (its file's is ``<endpoint>_file``), ``route``
    the arguments naming whose job it is.
    """
    answer: dict[str, object] = {
        "id": status["id"],
        "kind": status["kind"],
        "format": status["format"],
        "state": status["state"],
        "progress": status.get("progress") or {"done": 0, "total": 0},
        "url": url_for(endpoint, job_id=status["id"], **route),
    }
    if status["state"] == jobs.DONE and status.get("file_name"):
        answer["file_name"] = status["file_name"]
        answer["file_url"] = url_for(f"{endpoint}_file", job_id=status["id"], **route)
    if status["state"] == jobs.DONE and status.get("folder"):
        answer["folder"] = status["folder"]
    error = status.get("error")
    if status["state"] == jobs.FAILED and error:
        answer["error"] = {
            "code": error["code"],
            "message": _(error["msgid"], **error.get("params", {})),
        }
    return answer


def job_answer(
    status: jobs.Status, endpoint: str, http_status: int = 200, **route: str
) -> tuple[Response, int]:
    """``{ok, job}``: the job :func:`describe` says, 202 for one just started."""
    return json_answer({"ok": True, "job": describe(status, endpoint, **route)}, http_status)


def owned_job(
    runner: jobs.Jobs, job_id: str, *, kind: str | None = None, **owner: str
) -> jobs.Status | None:
    """The job ``job_id`` if it is ``owner``'s (its ``session_id`` or ``programme_id``) and of
    ``kind``, if given; None for an unknown job or anyone else's."""
    status = runner.get(job_id)
    if status is None or (kind is not None and status.get("kind") != kind):
        return None
    return status if all(status.get(key) == value for key, value in owner.items()) else None


def attachment(path: Path, status: jobs.Status, mimetype: str) -> Response:
    """A job's file, with the name and type a direct export has."""
    response = Response(path.read_bytes(), content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{status["file_name"]}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def finished_file(runner: jobs.Jobs, status: jobs.Status, mimetype: str):
    """The file of a job asked for by its id: 409 while it runs, 404 once gone or failed."""
    path = runner.file(status)
    if path is None:
        if status["state"] in jobs.ACTIVE:
            return refusal(409, "job_not_ready", _("Le fichier n'est pas encore prêt."))
        return refusal(404, "no_file", _("Ce fichier n'est plus disponible : relancez l'export."))
    return attachment(path, status, mimetype)


def waited_file(runner: jobs.Jobs, started: jobs.Status, mimetype: str):
    """The file of a job the request waits for (the export link that works without
    JavaScript), or a page saying why there is none."""
    status = runner.wait(started)
    path = runner.file(status)
    if path is None:
        error = status.get("error")
        message = _(error["msgid"], **error.get("params", {})) if error else _(jobs.UNEXPECTED)
        return render_template("message.html", heading=_("Export impossible"), text=message), 500
    return attachment(path, status, mimetype)
