"""HTTP edge: pages to create, join and run a session. Thin: services do the work."""

from flask import Flask

from mag.domain.commands import browser_table
from mag.web import archive, errors, facilitator, participant, report, review, team


def register(app: Flask) -> None:
    app.register_blueprint(facilitator.bp)
    app.register_blueprint(participant.bp)
    app.register_blueprint(team.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(archive.bp)
    errors.register(app)

    @app.context_processor
    def method() -> dict[str, object]:
        """The method's limits and lists, for templates and (as JSON) the scripts."""
        return {"method": browser_table()}

    @app.after_request
    def headers(response):
        # Secrets travel in some URLs: never leak them to another site.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' ws: wss:; frame-ancestors 'none'",
        )
        return response
