"""Each person in their own language: the switch on every page, remembered by their browser.

The interface's language is, in order: one a link asks for (``?lang=nl``), the one the person
chose with the switch (a cookie of their browser), their browser's preferred one among
``MAG_LANGUAGES``, French.
"""

from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask_babel import get_locale

bp = Blueprint("language", __name__)

COOKIE = "mag_lang"
YEAR = 365 * 24 * 3600


def choose(app: Flask) -> str:
    """The Flask-Babel locale selector."""
    languages = list(app.config["MAG_LANGUAGES"])
    for chosen in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if chosen in languages:  # this once (a link); or as remembered
            return chosen
    return request.accept_languages.best_match(languages) or app.config["BABEL_DEFAULT_LOCALE"]


def _back() -> str:
    """The page the switch was used on (the browser says it, to this site only: pages are
    served with ``Referrer-Policy: same-origin``); the join form otherwise."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return url_for("participant.join_form")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.get("/langue/<language>")
def switch(language: str):
    """Remember ``language`` for this browser and go back to the page."""
    response = redirect(_back())
    if language in current_app.config["MAG_LANGUAGES"]:
        response.set_cookie(
            COOKIE,
            language,
            max_age=YEAR,
            path="/",
            samesite="Lax",
            secure=bool(current_app.config["MAG_COOKIE_SECURE"]),
        )
    return response


def register(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def languages() -> dict[str, object]:
        """The switch's choices: each language named in itself."""
        current = str(get_locale())
        return {
            "languages": [
                {
                    "code": code,
                    "name": Locale.parse(code).get_display_name(code).capitalize(),
                    "current": code == current,
                }
                for code in app.config["MAG_LANGUAGES"]
            ]
        }
