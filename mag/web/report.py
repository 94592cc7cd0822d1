"""The team's synthesis and report: draft, preview, versions, name check, exports, archive.

Every route is for the research team: the session's creator or an invited
animateur or rapporteur (archiving: animateurs only). Observer screens and
participants are refused. What the synthesis editor saves, and the validation
around it, go through socket commands like everything else; these routes only
read (and archive, which writes a folder as well as an event).

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
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from mag import services
from mag.archive import archive_session
from mag.domain.commands import SYNTHESIS_MAX
from mag.domain.i18n import DomainError
from mag.domain.roles import Actor, Role
from mag.report import check, formats, markdown, synthesis
from mag.web.identity import team_of_request

bp = Blueprint("report", __name__)

DIFF_CONTEXT = 3  # unchanged lines shown around each change


@bp.app_context_processor
def export_formats() -> dict[str, object]:
    """The export formats, for the console's links (labels are msgids)."""
    return {"export_formats": list(formats.FORMATS.values())}


def _refusal(status: int, code: str, message: str) -> tuple[Response, int]:
    response = jsonify({"ok": False, "error": {"code": code, "message": message}})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def _json(payload: object) -> Response:
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


def _team(session_id: str, *, steering: bool = False) -> Actor | None:
    """The staff member behind this request (404 for an unknown session), or None."""
    _record, actor = team_of_request(session_id)
    if actor is None or not actor.role.is_staff:
        return None
    if steering and actor.role is not Role.ANIMATEUR:
        return None
    return actor


def _forbidden() -> tuple[Response, int]:
    return _refusal(
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
    return _json({"text": synthesis.draft(_material(session_id))})


@bp.post("/animer/<session_id>/synthese/apercu")
def preview(session_id: str):
    """``{text}`` → ``{html}``: the Markdown as every export will show it, sanitised."""
    if _team(session_id) is None:
        return _forbidden()
    payload = request.get_json(silent=True)
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return _refusal(400, "malformed", _("Requête mal formée."))
    if len(text) > SYNTHESIS_MAX:
        return _refusal(
            400,
            "text_too_long",
            _(
                "Le champ « %(field)s » dépasse %(limit)s caractères (%(length)s).",
                field=_("Synthèse"),
                limit=SYNTHESIS_MAX,
                length=len(text),
            ),
        )
    return _json({"html": markdown.render(text)})


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
        out.append(f"<p>{escape(_('Aucune différence.'))}</p></div>")
        return "".join(out)
    gap = f'<li class="report-diff-gap"><span aria-hidden="true">…</span><span class="report-sr">{escape(_("lignes inchangées omises"))}</span></li>'
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
    replacements = mag.live.read(session_id, lambda state, protocol: list(state.replacements))
    hits = check.check(_material(session_id), replacements)
    return _json([hit.to_json() for hit in hits])


@bp.get("/animer/<session_id>/export/<name>")
def export(session_id: str, name: str):
    """The session in one of :data:`formats.FORMATS`, as an attachment."""
    if _team(session_id) is None:
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
    fmt = formats.FORMATS.get(name)
    if fmt is None:
        abort(404)
    material = _material(session_id)
    filename = formats.file_name(material, fmt)
    response = Response(fmt.export(material), content_type=fmt.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/animer/<session_id>/archiver")
def archive(session_id: str):
    """Close the session for good and write its archive folder: ``{folder}``."""
    actor = _team(session_id, steering=True)
    if actor is None:
        return _refusal(
            403,
            "forbidden",
            _("Seul l'animateur ou l'animatrice peut archiver la séance."),
        )
    try:
        folder = archive_session(current_app.extensions["mag"], session_id, actor)
    except DomainError as error:
        return _refusal(400, error.code, _(error.msgid, **error.params))
    return _json({"ok": True, "folder": folder})
