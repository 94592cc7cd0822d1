"""Programme pages: create one, open it with the team's private link, and the public fiche form.

The programme's page and everything that changes it are its research team's alone: each
route checks the team's cookie (``mag_r_<programme>``: the creator's link, or an invited
member's) on the server, and a revoked link opens nothing. The fiche form is public (no
account), at an address the team can close or renew.
"""

import hashlib
from datetime import date

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from mag import cross_analysis, dates, programmes
from mag.domain.figures import count_fiches
from mag.domain.i18n import N_, DomainError
from mag.domain.personal_data import LABELS
from mag.domain.programme import (
    BARRIERS,
    CONSENT_MAX,
    CONSEQUENCES,
    DEFAULT_CONSENT,
    DEFAULT_SERVICES,
    FREE_TEXTS,
    FUNCTION_MAX,
    LEVELS,
    PROGRAMME_QUESTION_MAX,
    PROGRAMME_TITLE_MAX,
    REGIONS,
    SHORT_MAX,
    STORY_MAX,
    FicheFilter,
    FicheRefused,
    clean_fiche,
    may_save,
    personal_data_warnings,
    texts_digest,
    themes_in_use,
)
from mag.domain.programme_links import CREATOR, MEMBER_NAME_MAX
from mag.domain.protocol import builtin_protocols
from mag.models import ProgrammeRecord
from mag.report.figures import charts_html, fiche_charts, theme_chart
from mag.web.facilitator import created_page, default_convention
from mag.web.identity import programme_cookie, set_identity

bp = Blueprint("programme", __name__)

FICHES_PER_PAGE = 50  # a page a phone opens at once, whatever the programme holds


@bp.context_processor
def limits() -> dict[str, object]:
    """The domain's limits, which the forms' ``maxlength`` repeat (the server checks them)."""
    return {
        "limits": {
            "title": PROGRAMME_TITLE_MAX,
            "question": PROGRAMME_QUESTION_MAX,
            "consent": CONSENT_MAX,
            "story": STORY_MAX,
            "short": SHORT_MAX,
            "function": FUNCTION_MAX,
            "member_name": MEMBER_NAME_MAX,
        }
    }


def _lists() -> dict[str, object]:
    return {
        "barriers": BARRIERS,
        "consequences": CONSEQUENCES,
        "regions": REGIONS,
        "levels": LEVELS,
    }


# Creating a programme -------------------------------------------------------------------------


def _creation_defaults() -> dict[str, str]:
    return {
        "title": "",
        "question": "",
        "period_start": "",
        "period_end": "",
        "services": "\n".join(_(service) for service in DEFAULT_SERVICES),
        "names": "",
        "consent": _(DEFAULT_CONSENT),
        "retention_until": "",
    }


@bp.get("/programmes/nouveau")
def new():
    return render_template("programme_new.html", form=_creation_defaults(), error=None)


@bp.post("/programmes")
def create():
    form = _creation_defaults()
    form.update((k, v) for k, v in request.form.items() if k in form)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            created = programmes.create_programme(
                db,
                title=form["title"],
                question=form["question"],
                period_start=form["period_start"],
                period_end=form["period_end"],
                services=form["services"],
                names=form["names"],
                consent_text=form["consent"],
                retention_until=form["retention_until"],
            )
    except DomainError as error:
        message = error.message(_)
        return render_template("programme_new.html", form=form, error=message), 400
    response = make_response(
        render_template(
            "programme_created.html",
            title=form["title"].strip(),
            private_url=url_for(
                "programme.enter",
                programme_id=created.programme_id,
                secret=created.secret,
                _external=True,
            ),
            page_url=url_for("programme.page", programme_id=created.programme_id),
        ),
        201,
    )
    set_identity(response, programme_cookie(created.programme_id), created.secret)
    return response


# The team's pages ------------------------------------------------------------------------------


def team_link(programme_id: str) -> tuple[ProgrammeRecord, programmes.TeamLink]:
    """The programme and the team's link this request's cookie proves.

    404 without such a programme; 403 without a link of its team, and a page saying so
    for a link the team revoked.
    """
    record, link = _proved(programme_id, request.cookies.get(programme_cookie(programme_id)))
    if link is None:
        abort(403)
    return record, link


def team_programme(programme_id: str) -> ProgrammeRecord:
    """The programme, if this request's cookie is its team's (see :func:`team_link`)."""
    return team_link(programme_id)[0]


def _proved(
    programme_id: str, value: str | None
) -> tuple[ProgrammeRecord, programmes.TeamLink | None]:
    """The programme (else 404) and the link of its team ``value`` proves (a revoked one: 403)."""
    with current_app.extensions["mag"].sessions() as db:
        try:
            record = programmes.programme_record(db, programme_id)
        except DomainError:
            abort(404)
        link = programmes.team_link(db, record, value)
    if link is not None and link.is_revoked:
        abort(
            _refusal(
                _("Lien d'équipe révoqué"),
                _(
                    "L'équipe de recherche a révoqué ce lien : il n'ouvre plus le programme. "
                    "Si vous en faites toujours partie, demandez-lui un nouveau lien."
                ),
            )
        )
    return record, link


def _refusal(heading: str, text: str):
    return make_response(
        render_template("message.html", heading=heading, text=text, status=403), 403
    )


def enter_with(programme_id: str, value: str):
    """Remember a team's link in this browser's cookie, then show the page without it."""
    _record, link = _proved(programme_id, value)
    if link is None:
        return _refusal(
            _("Lien d'équipe non valable"),
            _(
                "Ce lien n'ouvre pas ce programme : vérifiez qu'il est complet, ou demandez "
                "un nouveau lien à l'équipe de recherche."
            ),
        )
    response = redirect(url_for("programme.page", programme_id=programme_id))
    set_identity(response, programme_cookie(programme_id), value)
    return response


@bp.get("/programme/<programme_id>/<secret>")
def enter(programme_id: str, secret: str):
    """The creator's private link (an invited member's is ``/membre/<id>/<secret>``)."""
    if "." in secret:
        secret = ""  # a member's value, which only their own link sets
    return enter_with(programme_id, secret)


@bp.get("/programme/<programme_id>")
def page(
    programme_id: str,
    *,
    settings_error: str | None = None,
    error: str | None = None,
    beside: dict[str, str] | None = None,
    status: int = 200,
):
    """The programme's page; ``beside``: a refusal to show beside one of its parts
    (``attach``, ``member``: its form, which keeps what was typed; ``team``: the links)."""
    record, link = team_link(programme_id)
    mag = current_app.extensions["mag"]
    with mag.sessions() as db:
        form = programmes.open_form(db, programme_id)
        every_fiche = programmes.fiche_rows(db, programme_id)
        sessions = programmes.programme_sessions(db, programme_id)
        # The board's sources are read only once the team has themes to count.
        if cross_analysis.themes(db, programme_id):
            board = cross_analysis.programme_board(db, record, every_fiche)
            groups = board.groups_per_theme()
        else:
            groups = {}
        members = programmes.team_members(db, programme_id)
        chosen = FicheFilter.from_args(request.args)
        matching = [fiche.id for fiche in every_fiche if chosen.keeps(fiche)]
        pages = max(1, -(-len(matching) // FICHES_PER_PAGE))
        number = min(max(request.args.get("page", 1, type=int), 1), pages)
        shown = matching[(number - 1) * FICHES_PER_PAGE : number * FICHES_PER_PAGE]
        fiches = programmes.fiches_by_id(db, programme_id, shown)
    views = [programmes.session_view(mag.live, session) for session in sessions]
    form_url = (
        url_for("programme.fiche_form", key=form.key, _external=True) if form is not None else None
    )
    settings = request.form if settings_error else None
    return render_template(
        "programme.html",
        programme=record,
        form_url=form_url,
        qr_code=_qr_code(form_url) if form_url else None,
        fiches=fiches,
        matching=len(matching),
        fiche_page=number,
        fiche_pages=pages,
        page_url=lambda n: url_for(
            "programme.page", programme_id=programme_id, **{**request.args, "page": n}
        ),
        fiche_count=len(every_fiche),
        # The figures are the whole programme's, whatever the list's filter.
        charts=charts_html(
            [
                *fiche_charts(count_fiches(every_fiche, record.services)),
                *([theme_chart(groups)] if groups else []),
            ]
        ),
        fiche_total=format_number(len(every_fiche)),
        chosen=chosen,
        themes=themes_in_use(every_fiche),
        sessions=views,
        targets=[view for view in views if view.is_proposing and view.participants],
        protocols=builtin_protocols(),
        error=error,
        proposed=request.args.get("proposed") == "1",
        done=_(DONE[request.args["fait"]]) if request.args.get("fait") in DONE else None,
        labels=LABELS,
        settings={
            "services": settings["services"] if settings else "\n".join(record.services),
            "names": settings["names"] if settings else "\n".join(record.names),
            "consent": settings["consent"] if settings else record.consent_text,
            "retention_until": settings.get("retention_until", "")
            if settings
            else (record.retention_until.isoformat() if record.retention_until else ""),
        },
        settings_error=settings_error,
        retention=dates.day(record.retention_until) if record.retention_until else None,
        archived={session.id for session in sessions if session.archived_at is not None},
        team=_team_rows(record, members, link),
        beside=beside or {},
        typed=request.form if beside else {},
        **_lists(),
    ), status


# What the page says once an action of its team is done (``?fait=``).
DONE = {
    "fiche-supprimee": N_(
        "La fiche a été supprimée : elle n'est plus nulle part dans le programme."
    ),
    "seance-rattachee": N_("La séance fait maintenant partie du programme."),
    "seance-detachee": N_(
        "La séance a quitté le programme : elle garde tout ce qu'elle contient, et son lien "
        "d'animation la rattache de nouveau."
    ),
    "lien-revoque": N_("Le lien est révoqué : il n'ouvre plus le programme."),
}


def _team_rows(record: ProgrammeRecord, members, link: programmes.TeamLink) -> list[dict]:
    """The team's links as the page lists them: the creator's first, then each member's."""
    rows = [
        {
            "holder": CREATOR,
            "name": _("Lien de création du programme"),
            "created": dates.day(record.created_at),
            "revoked": dates.day(record.creator_revoked_at) if record.creator_revoked_at else None,
        }
    ] + [
        {
            "holder": member.id,
            "name": member.name,
            "created": dates.day(member.created_at),
            "revoked": dates.day(member.revoked_at) if member.revoked_at else None,
        }
        for member in members
    ]
    for row in rows:
        row["is_yours"] = row["holder"] == link.holder
    return rows


def _qr_code(url: str) -> Markup:
    """The form's address as an SVG QR code, inline: printed with the page, no request made."""
    svg = segno.make(url, error="m").svg_inline(
        scale=6, border=4, light="#fff", title=_("Code QR du formulaire des fiches"), svgclass="qr"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


@bp.post("/programme/<programme_id>/reglages")
def settings(programme_id: str):
    team_programme(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.change_settings(
                db,
                programmes.programme_record(db, programme_id),
                services=request.form.get("services", ""),
                names=request.form.get("names", ""),
                consent_text=request.form.get("consent", ""),
                retention_until=request.form.get("retention_until", ""),
            )
    except DomainError as error:
        return page(
            programme_id,
            settings_error=error.message(_),
            status=400,
        )
    current_app.extensions["mag"].programme_changed(programme_id)  # the names hidden in fiches
    return redirect(url_for("programme.page", programme_id=programme_id))


@bp.post("/programme/<programme_id>/seances")
def create_session(programme_id: str):
    """A new session of the programme: its facilitator link, as for any session."""
    record = team_programme(programme_id)
    protocols = builtin_protocols()
    name = request.form.get("protocol", "")
    try:
        if name not in protocols:
            raise DomainError("no_protocol", N_("Choisissez un protocole."))
        with current_app.extensions["mag"].live.transaction() as db:
            created = programmes.create_programme_session(
                db,
                programme_id,
                title=request.form.get("title", ""),
                question=request.form.get("question", "") or record.question,
                protocol_source=protocols[name].source,
                planned_dates=[],
                convention_text=default_convention(),
                convention_language=str(get_locale()),
                language=str(get_locale()),
            )
    except DomainError as refused:
        return page(programme_id, error=refused.message(_), status=400)
    current_app.extensions["mag"].programme_changed(programme_id)  # a new group on the board
    return created_page(request.form.get("title", "").strip(), created)


def unknown_fiche(programme_id: str):
    """A fiche this programme does not have (any more): said plainly, as a 404."""
    return (
        render_template(
            "message.html",
            heading=_("Fiche introuvable"),
            text=_("Cette fiche n'existe pas, ou plus : elle a peut-être été supprimée."),
            status=404,
            back_url=url_for("programme.page", programme_id=programme_id) + "#fiches-heading",
            back_label=_("Revenir à la page du programme"),
        ),
        404,
    )


@bp.post("/programme/<programme_id>/fiches/<fiche_id>/etiquettes")
def tag_fiche(programme_id: str, fiche_id: str):
    team_programme(programme_id)
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.tag_fiche(
                db,
                programme_id,
                fiche_id,
                themes=request.form.get("themes", ""),
                levels=request.form.getlist("levels"),
            )
    except DomainError as refused:
        if refused.code == "unknown_fiche":
            return unknown_fiche(programme_id)
        return page(programme_id, error=refused.message(_), status=400)
    current_app.extensions["mag"].programme_changed(programme_id)  # the fiches' themes
    return redirect(url_for("programme.page", programme_id=programme_id) + f"#fiche-{fiche_id}")


@bp.post("/programme/<programme_id>/fiches/<fiche_id>/recit")
def propose_fiche(programme_id: str, fiche_id: str):
    """The fiche becomes a récit proposal in a session of the programme, for a participant."""
    team_programme(programme_id)
    session_id, _sep, participant_id = request.form.get("target", "").partition(":")
    try:
        programmes.propose_fiche(
            current_app.extensions["mag"].live, programme_id, fiche_id, session_id, participant_id
        )
    except DomainError as refused:
        if refused.code == "unknown_fiche":
            return unknown_fiche(programme_id)
        return page(programme_id, error=refused.message(_), status=400)
    return redirect(url_for("programme.page", programme_id=programme_id, proposed="1"))


@bp.post("/programme/<programme_id>/formulaire/fermer")
def close_form(programme_id: str):
    team_programme(programme_id)
    with current_app.extensions["mag"].live.transaction() as db:
        programmes.close_form(db, programme_id)
    return redirect(url_for("programme.page", programme_id=programme_id))


@bp.post("/programme/<programme_id>/formulaire/renouveler")
def renew_form(programme_id: str):
    team_programme(programme_id)
    with current_app.extensions["mag"].live.transaction() as db:
        programmes.open_new_form(db, programme_id)
    return redirect(url_for("programme.page", programme_id=programme_id))


# The public fiche form ------------------------------------------------------------------------


def _open_form_or_closed(key: str):
    """The open address ``key`` and its programme; a closed one answers 410 with a page."""
    with current_app.extensions["mag"].sessions() as db:
        found = programmes.form_for_key(db, key)
    if found is None:
        abort(404)
    form, programme = found
    if form.closed_at is not None:
        return None, None
    return form, programme


def _closed_page():
    return (
        render_template(
            "message.html",
            heading=_("Ce formulaire est fermé"),
            text=_(
                "L'équipe de recherche a fermé cette adresse : elle ne reçoit plus de fiches, "
                "et rien de ce que vous enverriez ne serait enregistré. Si l'on vous a demandé "
                "de remplir une fiche, demandez la nouvelle adresse à l'équipe."
            ),
            status=410,
        ),
        410,
    )


def _consent_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fiche_defaults() -> dict[str, object]:
    return {
        **{name: "" for name in FREE_TEXTS},
        "service": "",
        "barrier": "",
        "consequences": [],
        "region": "",
        "occurred_on": date.today().isoformat(),
        "consent": "",
    }


def _render_fiche_form(programme, key, *, form, errors=None, warnings=None, digest="", status=200):
    return (
        render_template(
            "fiche_form.html",
            programme=programme,
            key=key,
            form=form,
            errors=errors or {},
            warnings=warnings or {},
            confirm_digest=digest,
            consent_digest=_consent_digest(programme.consent_text),
            today=date.today().isoformat(),
            **_lists(),
        ),
        status,
    )


@bp.get("/fiche/<key>")
def fiche_form(key: str):
    form, programme = _open_form_or_closed(key)
    if form is None:
        return _closed_page()
    return _render_fiche_form(programme, key, form=_fiche_defaults())


@bp.post("/fiche/<key>")
def file_fiche(key: str):
    """Check a fiche, warn about personal data, save it only when it may be."""
    form_record, programme = _open_form_or_closed(key)
    if form_record is None:
        return _closed_page()
    typed = _fiche_defaults()
    typed.update((k, v) for k, v in request.form.items() if k in typed and k != "consequences")
    typed["consequences"] = request.form.getlist("consequences")
    errors: dict[str, str] = {}
    fiche = None
    try:
        fiche = clean_fiche(typed, services=programme.services, today=date.today())
    except FicheRefused as refused:
        errors = {name: error.message(_) for name, error in refused.errors.items()}
    if request.form.get("consent_digest") != _consent_digest(programme.consent_text):
        errors["consent"] = _(
            "Le texte de consentement a changé depuis que vous avez ouvert ce formulaire : "
            "relisez-le, puis cochez la case."
        )
    elif request.form.get("consent") != "yes":
        errors["consent"] = _("Cochez la case pour dire que vous avez lu ce texte et l'acceptez.")
    if errors:
        return _render_fiche_form(programme, key, form=typed, errors=errors, status=400)
    warnings = personal_data_warnings(fiche, programme.names)
    if not may_save(warnings, fiche, request.form.get("confirm_digest")):
        return _render_fiche_form(
            programme,
            key,
            form=typed,
            warnings={name: _warning(kinds) for name, kinds in warnings.by_field.items()},
            digest=texts_digest(fiche),
        )
    try:
        with current_app.extensions["mag"].live.transaction() as db:
            programmes.add_fiche(
                db,
                form_record,
                fiche,
                consent_text=programme.consent_text,
                language=str(get_locale()),
                warnings=warnings,
            )
    except DomainError as error:
        if error.code == "form_closed":
            return _closed_page()
        raise
    current_app.extensions["mag"].programme_changed(form_record.programme_id)
    return redirect(url_for("programme.fiche_filed", key=key))


def _warning(kinds) -> str:
    return _(
        "Ce texte semble contenir %(what)s. Retirez-le avant d'enregistrer : une fiche ne "
        "doit permettre de reconnaître personne.",
        what=", ".join(_(LABELS[kind]) for kind in kinds),
    )


@bp.get("/fiche/<key>/merci")
def fiche_filed(key: str):
    form, programme = _open_form_or_closed(key)
    if form is None:
        return _closed_page()
    return render_template("fiche_filed.html", programme=programme, key=key)
