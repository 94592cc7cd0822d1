"""The archive pages: archived sessions, a search across them, each one's report and files.

The archive spans sessions, so it has its own key: ``mag serve`` prints a private
link ``/archives/cle/<secret>`` (the secret's hash is in ``server_keys``); opening
it stores the secret in an HttpOnly cookie limited to ``/archives``. Every other
archive page checks that cookie.
"""

from datetime import date, datetime
from pathlib import Path

import nh3
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from lxml import html as lxml_html
from markupsafe import Markup, escape

from mag import archive, dates, services
from mag.models import SessionRecord
from mag.report.formats import FORMATS

bp = Blueprint("archive", __name__, url_prefix="/archives")

ARCHIVE_COOKIE = "mag_archive"
# What the archived HTML report may keep when shown inside the page (it is ours,
# already sanitised; this is a second line): ids for the ``c-<id>`` anchors.
_REPORT_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "main", "tfoot"}
_REPORT_ATTRIBUTES = {
    tag: set(attributes) | {"id", "class", "lang"}
    for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()
}
_REPORT_ATTRIBUTES["*"] = {"id", "class", "lang", "title"}
_REPORT_ATTRIBUTES.setdefault("time", set()).add("datetime")


def board_kind_labels() -> dict[str, str]:
    return {
        "convergence": _("Convergence"),
        "divergence": _("Divergence"),
        "noeud": _("Nœud"),
    }


def _mag():
    return current_app.extensions["mag"]


def _data_dir() -> Path:
    return Path(current_app.config["MAG_DATA_DIR"])


def _denied():
    return render_template("archive_denied.html"), 403


@bp.before_request
def check_key():
    """Every archive page but the key's own needs the archive cookie."""
    if request.endpoint == "archive.enter":
        return None
    with _mag().sessions() as db:
        if not archive.archive_secret_matches(db, request.cookies.get(ARCHIVE_COOKIE)):
            return _denied()
    return None


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cle/<secret>")
def enter(secret: str):
    """The private link ``mag serve`` prints: keep its secret in a cookie, open the archive."""
    with _mag().sessions() as db:
        if not archive.archive_secret_matches(db, secret):
            return _denied()
    response = redirect(url_for("archive.index"))
    response.set_cookie(
        ARCHIVE_COOKIE,
        secret,
        max_age=int(current_app.config["MAG_COOKIE_MAX_AGE"]),
        path=url_for("archive.index"),
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["MAG_COOKIE_SECURE"]),
    )
    return response


@bp.get("")
def index():
    """The archived sessions, and the search form with its results."""
    form = {
        "q": request.args.get("q", "").strip()[:200],
        "step": request.args.get("step", "").strip()[:20],
        "function": request.args.get("function", "").strip()[:200],
        "kind": request.args.get("kind", "").strip()[:20],
    }
    searched = any(form.values())
    with _mag().sessions() as db:
        sessions = archive.archived_sessions(db)
        options = archive.search_options(db)
        hits = (
            archive.search(
                db,
                form["q"],
                step=form["step"] or None,
                function=form["function"] or None,
                board_kind=form["kind"] or None,
            )
            if searched
            else []
        )
    return render_template(
        "archive.html",
        sessions=sessions,
        options=options,
        kind_labels=board_kind_labels(),
        form=form,
        searched=searched,
        hits=hits,
        day=_day,
    )


@bp.get("/<session_id>")
def session(session_id: str):
    """One archived session: its HTML report (anchors ``c-<id>``) and its files."""
    record = _archived(session_id)
    folder = str(record.archive_folder)
    files = archive.folder_files(_data_dir(), folder)
    report = None
    html_name = f"{folder}.{FORMATS['html'].extension}"
    if html_name in files:
        report = _report_body((_data_dir() / folder / html_name).read_bytes())
    return render_template(
        "archive_session.html",
        record=record,
        title=record.archive_title or record.title,
        files=[(name, _file_label(folder, name)) for name in files],
        report=report,
        day=_day,
    )


@bp.get("/<session_id>/<filename>")
def download(session_id: str, filename: str):
    """A file of the session's archive folder; only names found in that folder."""
    record = _archived(session_id)
    folder = str(record.archive_folder)
    if filename not in archive.folder_files(_data_dir(), folder):
        abort(404)
    return send_file(
        _data_dir() / folder / filename,
        mimetype=_mimetype(filename),
        as_attachment=True,
        download_name=filename,
    )


def _archived(session_id: str):
    """The archived session; 410 once ``mag purge`` deleted it, else 404 if there is none."""
    with _mag().sessions() as db:
        record = db.get(SessionRecord, session_id)
        if record is None and services.was_purged(db, session_id):
            abort(410)
    if record is None or not record.archive_folder:
        abort(404)
    return record


def _report_body(content: bytes) -> Markup:
    """The body of the archived HTML report, sanitised again, to show inside the page."""
    document = lxml_html.document_fromstring(content)
    body = document.find("body")
    inner = "".join(
        lxml_html.tostring(child, encoding="unicode")
        for child in (body if body is not None else [])
    )
    if body is not None and body.text:
        inner = str(escape(body.text)) + inner
    return Markup(
        nh3.clean(
            str(inner),
            tags=_REPORT_TAGS,
            attributes=_REPORT_ATTRIBUTES,
            link_rel="noopener noreferrer",
        )
    )


def _file_label(folder: str, name: str) -> str:
    if name == archive.CONSENT_FILE:
        return _("Consentements (CSV)")
    for fmt in FORMATS.values():
        if name == f"{folder}.{fmt.extension}":
            return _(fmt.label)
    return name


def _mimetype(name: str) -> str:
    if name == archive.CONSENT_FILE:
        return "text/csv; charset=utf-8"
    extension = name.rsplit(".", 1)[-1]
    for fmt in FORMATS.values():
        if fmt.extension == extension:
            return fmt.mimetype
    return "application/octet-stream"


def _day(value: date | datetime | None) -> str:
    return "" if value is None else dates.local_day(value)
