"""Programme pages: create one, open it with the team's private link, and the public fiche form.

The programme's page and everything that changes it are its research team's alone: each
route checks the team's cookie (``mag_r_<programme>``) on the server. The fiche form is
public (no account), at an address the team can close or renew.
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
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from mag import programmes
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
from mag.domain.protocol import builtin_protocols
from mag.domain.state import Level
from mag.web.facilitator import created_page, default_convention
from mag.web.identity import programme_cookie, set_identity, team_programme

bp = Blueprint("programme", __name__)


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
        }
    }


LEVELS = {
    Level.PRATIQUE.value: N_("Pratique professionnelle"),
    Level.INSTITUTION.value: N_("Institution"),
    Level.POLITIQUE.value: N_("Politique et secteur"),
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


@bp.get("/programme/<programme_id>/<secret>")
def enter(programme_id: str, secret: str):
    """The team's private link: remember the secret in a cookie, then drop it from the URL."""
    with current_app.extensions["mag"].sessions() as db:
        try:
            record = programmes.programme_record(db, programme_id)
        except DomainError:
            abort(404)
        if not programmes.is_team(record, secret):
            abort(403)
    response = redirect(url_for("programme.page", programme_id=programme_id))
    set_identity(response, programme_cookie(programme_id), secret)
    return response


@bp.get("/programme/<programme_id>")
def page(
    programme_id: str,
    *,
    settings_error: str | None = None,
    error: str | None = None,
    status: int = 200,
):
    record = team_programme(programme_id)
    mag = current_app.extensions["mag"]
    with mag.sessions() as db:
        form = programmes.open_form(db, programme_id)
        every_fiche = programmes.fiches(db, programme_id)
        sessions = programmes.programme_sessions(db, programme_id)
    views = [programmes.session_view(mag.live, session) for session in sessions]
    chosen = FicheFilter.from_args(request.args)
    fiches = [fiche for fiche in every_fiche if chosen.keeps(fiche)]
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
        fiche_count=len(every_fiche),
        chosen=chosen,
        themes=themes_in_use(every_fiche),
        sessions=views,
        targets=[view for view in views if view.is_proposing and view.participants],
        protocols=builtin_protocols(),
        error=error,
        proposed=request.args.get("proposed") == "1",
        labels=LABELS,
        settings={
            "services": settings["services"] if settings else "\n".join(record.services),
            "names": settings["names"] if settings else "\n".join(record.names),
            "consent": settings["consent"] if settings else record.consent_text,
        },
        settings_error=settings_error,
        **_lists(),
    ), status


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
            abort(404)
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
            abort(404)
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
