"""HTTP edge: pages to create, join and run a session. Thin: services do the work."""

from flask import Flask, request, url_for

from mag.domain.commands import browser_table
from mag.web import (
    archive,
    assets,
    errors,
    facilitator,
    language,
    participant,
    programme,
    programme_admin,
    programme_board,
    programme_booklet,
    programme_exports,
    report,
    review,
    team,
)


def register(app: Flask) -> None:
    assets.register(app)
    language.register(app)
    app.register_blueprint(facilitator.bp)
    app.register_blueprint(participant.bp)
    app.register_blueprint(team.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(archive.bp)
    app.register_blueprint(programme.bp)
    app.register_blueprint(programme_admin.bp)
    app.register_blueprint(programme_board.bp)
    app.register_blueprint(programme_exports.bp)
    app.register_blueprint(programme_booklet.bp)
    errors.register(app)

    @app.context_processor
    def method() -> dict[str, object]:
        """The method's limits and lists, for templates and (as JSON) the scripts.

        With the address of each kind's screens (static/js/kinds/<kind>.js, under its
        hashed name), which static/js/kinds.js imports.
        """
        table = browser_table()
        table["kind_scripts"] = {
            kind: url_for("static", filename=f"js/kinds/{kind}.js")
            for kind in table["kind_modules"]
        }
        return {"method": table}

    @app.after_request
    def headers(response):
        if request.endpoint in assets.ENDPOINTS:
            # A file, not a document: no policy to carry (a few hundred bytes saved on
            # each of the twenty files a page loads on a slow network).
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            return response
        # Secrets travel in some URLs: never leak them to another site (this site's own
        # language switch reads where it was used from).
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Pages and answers are made for one person at one moment: never kept. Static
        # files and the messages say otherwise (mag/web/assets.py).
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'",
        )
        return response
