"""The team's synthesis and report: draft, preview, versions, name check, exports, archive.

Every route is for the research team: the session's creator or an invited
animateur or rapporteur (archiving: animateurs only). Observer screens and
participants are refused. What the synthesis editor saves, and the validation
around it, go through socket commands like everything else; these routes only
read, and start jobs (:mod:`mag.jobs`): exports and the archive are rendered in
a process of their own, never in the one serving the live rooms. A job is
reached through its session, whose team is checked on every route.

HTML these routes answer is either sanitised Markdown (``markdown.render``) or
built here with every piece of text escaped.
"""

from difflib import SequenceMatcher
from html import escape

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from mag import jobs, services
from mag.domain.i18n import DomainError
from mag.domain.roles import Actor, Role
from mag.domain.steps import after
from mag.domain.steps.after import SYNTHESIS_MAX
from mag.report import check, formats, markdown, synthesis
from mag.web.identity import team_of_request
from mag.web.job_answers import (
    finished_file,
    job_answer,
    json_answer,
    owned_job,
    refusal,
    unknown_job,
    waited_file,
)

bp = Blueprint("report", __name__)

DIFF_CONTEXT = 3  # unchanged lines shown around each change


@bp.app_context_processor
def export_formats() -> dict[str, object]:
    """The export formats, for the console's links (labels are msgids)."""
    return {"export_formats": list(formats.FORMATS.values())}


def _team(session_id: str, *, steering: bool = False) -> Actor | None:
    """The staff member behind this request (404 for an unknown session), or None."""
    _record, actor = team_of_request(session_id)
    if actor is None or not actor.role.is_staff:
        return None
    if steering and actor.role is not Role.ANIMATEUR:
        return None
    return actor


def _forbidden() -> tuple[Response, int]:
    return refusal(
        403,
        "forbidden",
        _("Réservé à l'équipe d'animation : ouvrez la console avec votre lien privé."),
    )


def _material(session_id: str):
    with current_app.extensions["mag"].sessions() as db:
        return formats.load(db, session_id)


@bp.get("/animer/<session_id>/synthese/brouillon")
def draft(session_id: str):
    """``{text}``: the synthesis generated from the session, before anyone edits it."""
    if _team(session_id) is None:
        return _forbidden()
    with force_locale(_report_language(session_id)):
        return json_answer({"text": synthesis.draft(_material(session_id))})


@bp.post("/animer/<session_id>/synthese/apercu")
def preview(session_id: str):
    """``{text}`` → ``{html}``: the Markdown as every export will show it, sanitised."""
    if _team(session_id) is None:
        return _forbidden()
    payload = request.get_json(silent=True)
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return refusal(400, "malformed", _("Requête mal formée."))
    if len(text) > SYNTHESIS_MAX:
        return refusal(
            400,
            "text_too_long",
            _(
                "Le champ « %(field)s » dépasse %(limit)s caractères (%(length)s).",
                field=_("Synthèse"),
                limit=SYNTHESIS_MAX,
                length=len(text),
            ),
        )
    return json_answer({"html": markdown.render(text)})


@bp.get("/animer/<session_id>/synthese/versions/<int:version>/comparaison")
def comparison(session_id: str, version: int):
    """An HTML fragment: what changed, line by line, from the previous version to ``version``."""
    if _team(session_id) is None:
        return _forbidden()
    mag = current_app.extensions["mag"]
    seqs = mag.live.read(
        session_id, lambda state, protocol: {v.version: v.seq for v in state.synthesis_versions}
    )
    if version not in seqs:
        abort(404)
    with mag.sessions() as db:
        texts = {}
        for number in (version - 1, version):
            event = services.event_at(db, session_id, seqs[number]) if number in seqs else None
            texts[number] = str(event.data.get("text", "")) if event is not None else ""
    html = diff_html(texts[version - 1], texts[version], version - 1, version)
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def diff_html(old: str, new: str, old_version: int, new_version: int) -> str:
    """A line diff of two texts as HTML; every line is escaped."""
    a, b = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    if old_version < 1:
        title = _("Version %(version)s : première version", version=new_version)
    else:
        title = _("Version %(new)s comparée à la version %(old)s", new=new_version, old=old_version)
    summary = ", ".join(
        (
            ngettext("%(num)s ligne ajoutée", "%(num)s lignes ajoutées", added),
            ngettext("%(num)s ligne retirée", "%(num)s lignes retirées", removed),
        )
    )
    out = [
        '<div class="report-diff">',
        f'<h4 class="report-diff-title">{escape(title)}</h4>',
        f'<p class="meta">{escape(summary)}</p>',
    ]
    if not added and not removed:
        none = escape(_("Aucune différence."))
        out.append(f"<p>{none}</p></div>")
        return "".join(out)
    omitted = escape(_("lignes inchangées omises"))
    gap = f'<li class="report-diff-gap"><span aria-hidden="true">…</span><span class="report-sr">{omitted}</span></li>'
    minus = escape(_("Retiré : "))
    plus = escape(_("Ajouté : "))
    out.append(f'<ol class="report-diff-lines" aria-label="{escape(title)}">')
    groups = list(matcher.get_grouped_opcodes(DIFF_CONTEXT))
    for number, group in enumerate(groups):
        first = group[0]  # (tag, i1, i2, j1, j2)
        if number or first[1] > 0 or first[3] > 0:
            out.append(gap)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(
                    f'<li class="report-diff-same"><span class="report-diff-sign" aria-hidden="true"> </span>{escape(line)}</li>'
                    for line in a[i1:i2]
                )
                continue
            out.extend(
                f'<li class="report-diff-del"><span class="report-diff-sign" aria-hidden="true">−</span><del><span class="report-sr">{minus}</span>{escape(line)}</del></li>'
                for line in a[i1:i2]
            )
            out.extend(
                f'<li class="report-diff-ins"><span class="report-diff-sign" aria-hidden="true">+</span><ins><span class="report-sr">{plus}</span>{escape(line)}</ins></li>'
                for line in b[j1:j2]
            )
    last = groups[-1][-1]
    if last[2] < len(a) or last[4] < len(b):
        out.append(gap)
    out.append("</ol></div>")
    return "".join(out)


@bp.get("/animer/<session_id>/pseudonymisation/verification")
def verification(session_id: str):
    """``[hit…]``: words of the exported texts that still look like a listed name."""
    if _team(session_id) is None:
        return _forbidden()
    mag = current_app.extensions["mag"]
    replacements = mag.live.read(session_id, lambda state, protocol: state.replacement_list)
    hits = check.check(_material(session_id), replacements)
    return json_answer([hit.to_json() for hit in hits])


def _export_refused() -> tuple[str, int]:
    return (
        render_template(
            "message.html",
            heading=_("Export réservé à l'équipe"),
            text=_(
                "Les exports de la séance sont réservés à l'équipe d'animation : ouvrez la "
                "console avec votre lien privé."
            ),
        ),
        403,
    )


def _runner() -> jobs.Jobs:
    return jobs.runner(current_app._get_current_object())


def _report_language(session_id: str) -> str:
    """The language the session's report is written in, whatever the console's."""
    return current_app.extensions["mag"].live.read(
        session_id, lambda state, protocol: state.settings.language
    )


@bp.get("/animer/<session_id>/export/<name>")
def export(session_id: str, name: str):
    """The session in one of :data:`formats.FORMATS`, as an attachment, once rendered.

    The console starts a job instead (``POST``) and shows its progress; this link
    waits for the same job, rendered in its own process all the same.
    """
    actor = _team(session_id)
    if actor is None:
        return _export_refused()
    if name not in formats.FORMATS:
        abort(404)
    started = _runner().start(
        jobs.EXPORT, session_id, actor, fmt=name, locale=_report_language(session_id)
    )
    return waited_file(_runner(), started, formats.FORMATS[name].mimetype)


@bp.post("/animer/<session_id>/export/<name>")
def start_export(session_id: str, name: str):
    """Start rendering an export (or join the one under way): 202 ``{ok, job}``."""
    actor = _team(session_id)
    if actor is None:
        return _forbidden()
    if name not in formats.FORMATS:
        return refusal(404, "unknown_format", _("Ce format d'export n'existe pas."))
    status = _runner().start(
        jobs.EXPORT, session_id, actor, fmt=name, locale=_report_language(session_id)
    )
    return job_answer(status, "report.job", 202, session_id=session_id)


@bp.post("/animer/<session_id>/archiver")
def archive(session_id: str):
    """Start closing the session for good and writing its archive folder: 202 ``{ok, job}``.

    What would refuse it (a session not ended, or archived) is answered at once;
    the job's result (``folder``) comes with its status once done.
    """
    actor = _team(session_id, steering=True)
    if actor is None:
        return refusal(
            403,
            "forbidden",
            _("Seul l'animateur ou l'animatrice peut archiver la séance."),
        )
    try:
        current_app.extensions["mag"].live.read(
            session_id, lambda state, protocol: after.archive(state, "-")
        )
    except DomainError as error:
        return refusal(400, error.code, error.message(_))
    status = _runner().start(jobs.ARCHIVE, session_id, actor, locale=_report_language(session_id))
    return job_answer(status, "report.job", 202, session_id=session_id)


@bp.get("/animer/<session_id>/travaux/<job_id>")
def job(session_id: str, job_id: str):
    """``{ok, job}``: where an export or archive job of this session stands."""
    status = _team_job(session_id, job_id)
    if not isinstance(status, dict):
        return status  # a refusal
    return job_answer(status, "report.job", session_id=session_id)


@bp.get("/animer/<session_id>/travaux/<job_id>/fichier")
def job_file(session_id: str, job_id: str):
    """The file a finished export job made, as an attachment."""
    status = _team_job(session_id, job_id)
    if not isinstance(status, dict):
        return status  # a refusal
    return finished_file(_runner(), status, formats.FORMATS[status["format"]].mimetype)


def _team_job(session_id: str, job_id: str) -> jobs.Status | tuple[Response, int]:
    """The job ``job_id`` of this session for its team, or the refusal to answer."""
    if _team(session_id) is None:
        return _forbidden()
    status = owned_job(_runner(), job_id, session_id=session_id)
    return unknown_job() if status is None else status
