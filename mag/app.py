"""The application factory: configuration, database, Babel, Socket.IO, pages."""

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_socketio import SocketIO
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from mag import realtime, web
from mag.config import ROOT, default_config
from mag.db import make_engine, make_sessionmaker, upgrade
from mag.extensions import babel
from mag.live import Live

# Flask-SocketIO runs in "threading" mode: see ARCHITECTURE.md for why.
ASYNC_MODE = "threading"


@dataclass
class Mag:
    """What the web and socket edges need, reachable as ``current_app.extensions["mag"]``."""

    engine: Engine
    sessions: sessionmaker
    live: Live
    socketio: SocketIO


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(default_config())
    if config:
        app.config.update(config)

    engine = make_engine(str(app.config["MAG_DATABASE_URL"]))
    upgrade(engine)

    babel.init_app(app, locale_selector=lambda: _locale(app))
    app.jinja_env.globals["get_locale"] = get_locale
    socketio = SocketIO(
        app,
        async_mode=ASYNC_MODE,
        max_http_buffer_size=int(app.config["MAG_MAX_MESSAGE_BYTES"]),
    )

    sessions = make_sessionmaker(engine)
    mag = Mag(engine, sessions, Live(sessions, realtime.publisher(socketio)), socketio)
    app.extensions["mag"] = mag
    realtime.register(socketio, mag)
    web.register(app)
    return app


def _locale(app: Flask) -> str:
    languages = list(app.config["MAG_LANGUAGES"])
    if not has_request_context():
        return str(app.config["BABEL_DEFAULT_LOCALE"])
    chosen = request.args.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or app.config["BABEL_DEFAULT_LOCALE"]
