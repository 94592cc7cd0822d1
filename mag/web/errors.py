"""HTTP errors in the user's language: a page for a browser, JSON for the scripts.

Every refused request (bad method, unknown address or id, unreadable or too
large body) and every failure (500) is answered here rather than by
Werkzeug's English pages. A request that sent JSON or asks for it (the
console's and the review page's ``fetch`` calls) gets
``{"ok": false, "error": {"code", "message"}}`` like the Socket.IO answers;
anyone else gets ``message.html``: the app's page, in the user's language,
with a way back (the join page, and the team's home). A 500's traceback is
logged by Flask before it gets here, as it should be: it is a bug; the page
never shows it. A 410 is a session that is over: archived (for a browser that
was not in it) or purged (``mag purge`` keeps its id alone).
"""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.exceptions import HTTPException


def _explained(status: int) -> tuple[str, str, str]:
    """The stable code, the page's heading and its sentence for an HTTP status."""
    if status == 400:
        return (
            "malformed",
            _("Requête mal formée"),
            _("Le serveur n'a pas pu lire cette requête. Revenez en arrière et réessayez."),
        )
    if status == 403:
        return (
            "forbidden",
            _("Accès refusé"),
            _("Cette page est réservée : ouvrez-la avec votre lien privé."),
        )
    if status == 404:
        return (
            "not_found",
            _("Page introuvable"),
            _(
                "Cette adresse ne mène à rien : vérifiez le lien, ou rejoignez la séance "
                "avec son code."
            ),
        )
    if status == 410:
        return (
            "gone",
            _("Séance terminée"),
            _(
                "Cette séance est terminée : elle a été archivée, ou supprimée au terme de sa "
                "durée de conservation, et cette adresse ne sert plus. Pour une autre séance, "
                "rejoignez-la avec son code."
            ),
        )
    if status == 405:
        return (
            "method_not_allowed",
            _("Action impossible ici"),
            _("Cette adresse n'accepte pas cette action. Revenez en arrière et réessayez."),
        )
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return (
            "too_large",
            _("Envoi trop volumineux"),
            _(
                "Ce que vous avez envoyé dépasse %(limit)s Ko : raccourcissez le texte "
                "ou choisissez un fichier plus petit.",
                limit=int(limit) // 1024,
            ),
        )
    if status >= 500:
        return (
            "internal",
            _("Erreur du serveur"),
            _("Erreur du serveur : réessayez dans un instant."),
        )
    return (
        "refused",
        _("Requête refusée"),
        _("Le serveur ne peut pas répondre à cette requête (erreur %(status)s).", status=status),
    )


def _wants_json() -> bool:
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def answer(error: HTTPException):
    """The French answer to an HTTP error (``error.code`` kept as the status)."""
    status = error.code or 500
    if status < 400:
        return error  # not an error (a redirect made by routing)
    code, heading, text = _explained(status)
    if _wants_json():
        response = jsonify({"ok": False, "error": {"code": code, "message": text}})
        response.headers["Cache-Control"] = "no-store"
    else:
        response = current_app.make_response(_page(status, heading, text))
    response.status_code = status
    methods = getattr(error, "valid_methods", None)  # a 405 says what the address accepts
    if methods:
        response.headers["Allow"] = ", ".join(methods)
    return response


def _page(status: int, heading: str, text: str) -> str:
    """The error page; if the failure is in rendering pages itself, a bare one saying the same."""
    try:
        return render_template("message.html", heading=heading, text=text, status=status)
    except Exception:
        if status < 500:
            raise
        current_app.logger.exception("The error page could not be rendered")
        lang = escape(str(get_locale() or "fr"))
        back = escape(_("Rejoindre une séance avec son code"))
        return (
            f'<!doctype html><html lang="{lang}"><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(heading)}</title><h1>{escape(heading)}</h1><p>{escape(text)}</p>"
            f'<p><a href="/rejoindre">{back}</a></p></html>'
        )


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, answer)
