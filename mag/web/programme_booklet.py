"""A programme's booklet: the team generates its draft, edits it, saves versions, exports it.

Every route is the programme's research team's: each checks the team's cookie on the server
(``programme.team_programme``), nothing else opens them. The page works with plain forms;
a small script (static/js/booklet.js) follows the export jobs and keeps unsaved text from
being left behind by mistake.

A save names the version the text started from: made on an older one, it is refused with
the latest version in the editor and the person's own text beside it, so nothing is
overwritten unseen (as a session's synthesis). Exports are rendered by a job
(:mod:`mag.jobs`, kind ``booklet``), never in the server process.
"""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _

from mag import booklets, dates, jobs, programmes
from mag.domain.booklet import BOOKLET_MAX
from mag.domain.i18n import DomainError
from mag.report import markdown
from mag.report.booklet import author_label
from mag.report.formats import FORMATS, local_timezone
from mag.web.job_answers import (
    finished_file,
    job_answer,
    owned_job,
    refusal,
    unknown_job,
    waited_file,
)
from mag.web.programme import team_link, team_programme
from mag.web.report import diff_html

bp = Blueprint("programme_booklet", __name__)


def _when(at) -> str:
    return dates.day_and_clock(at.astimezone(local_timezone()))


def _locale() -> str:
    return str(get_locale() or "fr")


# The page --------------------------------------------------------------------------------------


def _page(
    programme,
    *,
    text: str | None = None,
    base: int | None = None,
    notice: str | None = None,
    error: str | None = None,
    kept: str | None = None,
    shown: tuple[int, str] | None = None,
    comparison: str | None = None,
    compared: tuple[int, int] | None = None,
    status: int = 200,
):
    with current_app.extensions["mag"].sessions() as db:
        saved = booklets.versions(db, programme.id)
        last = booklets.latest(db, programme.id) if text is None else None
    latest = saved[-1].version if saved else 0
    if text is None:
        text, base = (last.text, last.version) if last is not None else ("", 0)
    rows = [
        {"version": v.version, "when": _when(v.saved_at), "author": author_label(v.author)}
        for v in reversed(saved)
    ]
    if compared is None and latest:
        compared = (max(latest - 1, 1), latest)
    return render_template(
        "programme_booklet.html",
        programme=programme,
        text=text,
        base=latest if base is None else base,
        latest=latest,
        versions=rows,
        notice=notice,
        error=error,
        kept=kept,
        shown=shown,
        comparison=comparison,
        compared=compared,
        formats=[FORMATS[name] for name in booklets.BOOKLET_FORMATS],
        limit=BOOKLET_MAX,
        limit_shown=format_number(BOOKLET_MAX),
    ), status


@bp.get("/programme/<programme_id>/livret")
def page(programme_id: str):
    """The booklet's page: the latest version in the editor, or the draft when asked for."""
    programme = team_programme(programme_id)
    just_saved = request.args.get("enregistre", "")
    notice = (
        _("Version %(version)s enregistrée.", version=just_saved)
        if just_saved.isdigit() and len(just_saved) <= 9
        else None
    )
    if request.args.get("brouillon") != "1":
        return _page(programme, notice=notice)
    with current_app.extensions["mag"].sessions() as db:
        draft = booklets.gather(db, programme).draft()
        saved = booklets.versions(db, programme_id)
    latest = saved[-1].version if saved else 0
    if latest:
        notice = _(
            "Brouillon généré à partir du tableau du programme, de ses groupes et de ses fiches. "
            "Il n'est pas enregistré : la version %(version)s reste telle quelle. Enregistrez "
            "ce texte pour en faire la version %(next)s.",
            version=latest,
            next=latest + 1,
        )
    else:
        notice = _(
            "Brouillon généré à partir du tableau du programme, de ses groupes et de ses fiches. "
            "Il n'est pas enregistré : relisez-le, puis enregistrez-le pour en faire la version 1."
        )
    return _page(programme, text=draft, base=latest, notice=notice)


@bp.post("/programme/<programme_id>/livret")
def save(programme_id: str):
    """Save the editor's text as the next version, if it started from the latest one."""
    programme, link = team_link(programme_id)
    text = request.form.get("text", "")
    base = request.form.get("base_version", "")
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            author = programmes.link_name(db, programme_id, link)
            number = booklets.save(
                db, programme_id, text=text, base=base, author=author, language=_locale()
            )
    except DomainError as refused:
        if refused.code == "booklet_changed":
            # The latest version in the editor, the person's text beside it to take from.
            return _page(programme, error=refused.message(_), kept=text, status=409)
        given = int(base) if base.strip().isdigit() and len(base.strip()) <= 9 else None
        return _page(programme, text=text, base=given, error=refused.message(_), status=400)
    return redirect(url_for("programme_booklet.page", programme_id=programme_id, enregistre=number))


def _demoted(html: str, levels: int = 2) -> str:
    """Sanitised HTML with its headings ``levels`` lower (none above h6): under the page's."""
    return re.sub(
        r"<(/?)h([1-6])\b",
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + levels, 6)}",
        html,
    )


@bp.get("/programme/<programme_id>/livret/versions/<int:number>")
def show_version(programme_id: str, number: int):
    """A saved version as every export shows it (sanitised HTML)."""
    programme = team_programme(programme_id)
    with current_app.extensions["mag"].sessions() as db:
        try:
            found = booklets.version(db, programme_id, number)
        except DomainError:
            abort(404)
        html = _demoted(markdown.render(found.text))
    return _page(programme, shown=(number, html))


@bp.get("/programme/<programme_id>/livret/comparaison")
def compare(programme_id: str):
    """Two saved versions compared line by line (``de``: the older, ``a``: the newer)."""
    programme = team_programme(programme_id)
    numbers = [request.args.get(name, "") for name in ("de", "a")]
    if not all(n.isdigit() and len(n) <= 9 for n in numbers):
        return _page(programme, error=_("Choisissez deux versions à comparer."), status=400)
    old, new = (int(n) for n in numbers)
    with current_app.extensions["mag"].sessions() as db:
        try:
            texts = [booklets.version(db, programme_id, n).text for n in (old, new)]
        except DomainError as refused:
            return _page(programme, error=refused.message(_), status=404)
    html = diff_html(texts[0], texts[1], old, new)
    return _page(programme, comparison=html, compared=(old, new))


# Exports ---------------------------------------------------------------------------------------


def _runner() -> jobs.Jobs:
    return jobs.runner(current_app._get_current_object())


def _start(programme_id: str, name: str) -> jobs.Status:
    with current_app.extensions["mag"].sessions() as db:
        language = booklets.booklet_language(db, programme_id, _locale())
    return _runner().start_booklet(programme_id, name, language)


@bp.get("/programme/<programme_id>/livret/export/<name>")
def export(programme_id: str, name: str):
    """The booklet in one format, as an attachment, once its job has rendered it (the page's
    script starts the job with ``POST`` instead and shows its progress)."""
    team_programme(programme_id)
    if name not in booklets.BOOKLET_FORMATS:
        abort(404)
    return waited_file(_runner(), _start(programme_id, name), FORMATS[name].mimetype)


@bp.post("/programme/<programme_id>/livret/export/<name>")
def start_export(programme_id: str, name: str):
    """Start rendering the booklet in one format (or join the job under way): 202 ``{ok, job}``."""
    team_programme(programme_id)
    if name not in booklets.BOOKLET_FORMATS:
        return refusal(404, "unknown_format", _("Ce format d'export n'existe pas."))
    return job_answer(
        _start(programme_id, name), "programme_booklet.job", 202, programme_id=programme_id
    )


@bp.get("/programme/<programme_id>/livret/travaux/<job_id>")
def job(programme_id: str, job_id: str):
    """``{ok, job}``: where an export of the booklet stands."""
    status = _team_job(programme_id, job_id)
    if not isinstance(status, dict):
        return status
    return job_answer(status, "programme_booklet.job", programme_id=programme_id)


@bp.get("/programme/<programme_id>/livret/travaux/<job_id>/fichier")
def job_file(programme_id: str, job_id: str):
    """The file a finished export of the booklet made, as an attachment."""
    status = _team_job(programme_id, job_id)
    if not isinstance(status, dict):
        return status
    return finished_file(_runner(), status, FORMATS[status["format"]].mimetype)


def _team_job(programme_id: str, job_id: str):
    """The booklet job ``job_id`` of this programme for its team, or the refusal to answer."""
    team_programme(programme_id)
    status = owned_job(_runner(), job_id, kind=jobs.BOOKLET, programme_id=programme_id)
    return unknown_job() if status is None else status
