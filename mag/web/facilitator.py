"""Facilitator pages: create a session, open it with the private link, run it."""

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from mag import services
from mag.domain.i18n import LANGUAGES, DomainError
from mag.domain.protocol import ProtocolInvalid, builtin_protocols
from mag.web.identity import (
    facilitator_cookie,
    session_or_abort,
    set_identity,
    team_of_request,
)

bp = Blueprint("facilitator", __name__)


def default_convention() -> str:
    return _(
        "Nous analysons ensemble des situations vécues, pas des personnes.\n\n"
        "1. Chacun et chacune parle en son nom, à partir de son expérience ; toutes les positions "
        "ont la même valeur, quels que soient le titre ou la fonction.\n"
        "2. On ne coupe pas la parole. Pendant les tours de table, chacun parle à son tour ; "
        "on peut passer et revenir à la fin du tour.\n"
        "3. Ce qui est dit dans le groupe reste dans le groupe. Les noms des personnes, services "
        "et lieux cités sont remplacés dans les comptes rendus.\n"
        "4. Les chercheurs prennent des notes et l'outil garde une trace écrite des contributions. "
        "Elles servent à rédiger une synthèse que le groupe relira, amendera et validera avant "
        "toute diffusion.\n"
        "5. Les documents de la séance sont archivés par l'équipe de recherche, sous pseudonyme "
        "ou fonction. Vous pouvez retirer votre consentement avant l'archivage : vos propos "
        "seront alors retirés."
    )


def _form_defaults() -> dict[str, str]:
    return {
        "title": "",
        "question": "",
        "protocol": "mag-complet",
        "date_start": "",
        "date_end": "",
        "convention": default_convention(),
        # The report's language: the one the team works in, unless they choose another.
        "language": str(get_locale()),
        **{f"convention_{language}": "" for language in LANGUAGES},
    }


@bp.get("/")
def home():
    return render_template(
        "home.html", form=_form_defaults(), protocols=builtin_protocols(), errors=[]
    )


@bp.post("/seances")
def create():
    form = _form_defaults()
    form.update((k, v) for k, v in request.form.items() if k in form)
    errors: list[str] = []
    source = _protocol_source(form["protocol"], errors)
    if not errors:
        mag = current_app.extensions["mag"]
        try:
            with mag.live.transaction() as db:
                created = services.create_session(
                    db,
                    title=form["title"],
                    question=form["question"],
                    protocol_source=source,
                    planned_dates=[form["date_start"], form["date_end"]],
                    convention_text=form["convention"],
                    convention_language=str(get_locale()),
                    convention_translations={
                        language: form[f"convention_{language}"] for language in LANGUAGES
                    },
                    language=form["language"],
                )
        except ProtocolInvalid as error:
            errors.extend(p.format(_) for p in error.problems)
        except DomainError as error:
            errors.append(error.message(_))
    if errors:
        return (
            render_template("home.html", form=form, protocols=builtin_protocols(), errors=errors),
            400,
        )
    return created_page(form["title"], created)


def created_page(title: str, created: services.CreatedSession):
    """The page a new session's creator gets: its links and code, and the facilitator's cookie."""
    response = make_response(
        render_template(
            "created.html",
            title=title,
            facilitator_url=url_for(
                "facilitator.enter",
                session_id=created.session_id,
                secret=created.facilitator_secret,
                _external=True,
            ),
            console_url=url_for("facilitator.console", session_id=created.session_id),
            join_url=url_for("participant.join_form", _external=True),
            join_code=created.join_code,
        ),
        201,
    )
    set_identity(response, facilitator_cookie(created.session_id), created.facilitator_secret)
    return response


def _protocol_source(name: str, errors: list[str]) -> str:
    upload = request.files.get("protocol_file")
    if upload is not None and upload.filename:
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            errors.append(_("Le fichier de protocole doit être un texte TOML encodé en UTF-8."))
            return ""
    protocols = builtin_protocols()
    if name not in protocols:
        errors.append(_("Choisissez un protocole."))
        return ""
    return protocols[name].source


def _facilitated_session(session_id: str, secret: str | None):
    """The session ``secret`` lets one run, None if it does not; 404 or 410 without one."""
    with current_app.extensions["mag"].sessions() as db:
        record = session_or_abort(db, session_id)
        return record if services.is_facilitator(record, secret) else None


@bp.get("/animer/<session_id>/<secret>")
def enter(session_id: str, secret: str):
    """The private facilitator link: remember the secret in a cookie, then drop it from the URL."""
    if _facilitated_session(session_id, secret) is None:
        return _refused()
    response = redirect(url_for("facilitator.console", session_id=session_id))
    set_identity(response, facilitator_cookie(session_id), secret)
    return response


@bp.get("/animer/<session_id>")
def console(session_id: str):
    """The console, for the creator and the team members they invited to run the session."""
    record, actor = team_of_request(session_id)
    if actor is None or not actor.role.is_staff:
        return _refused()
    return render_template(
        "facilitator.html",
        session_id=session_id,
        role=actor.role,
        join_code=record.join_code,
        join_url=url_for("participant.join_form", _external=True),
    )


def _refused():
    return (
        render_template(
            "message.html",
            heading=_("Lien d'animation non valable"),
            text=_(
                "Ce lien d'animation n'est pas (ou plus) valable. Utilisez le lien privé reçu "
                "à la création de la séance, ou celui que l'animation vous a transmis."
            ),
            status=403,
        ),
        403,
    )
