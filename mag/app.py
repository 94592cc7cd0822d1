"""The application factory: configuration, database, Babel, Socket.IO, pages."""

import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask, has_request_context
from flask_babel import get_locale
from flask_compress import Compress
from flask_socketio import SocketIO
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from mag import dates, programme_realtime, realtime, web
from mag.bus import Bus
from mag.config import ROOT, default_config
from mag.db import SQLITE_SYNCHRONOUS, Writes, make_engine, make_sessionmaker, upgrade
from mag.extensions import babel
from mag.fanout import Fanout
from mag.live import Live
from mag.presence import Presence
from mag.web import language

log = logging.getLogger(__name__)


def async_mode() -> str:
    """gevent under ``mag serve`` (which patched the standard library), threads otherwise.

    The tests' Socket.IO clients and the command line run unpatched; the browser
    tests run ``mag serve``, so they meet the production mode. See ARCHITECTURE.md.
    """
    monkey = sys.modules.get("gevent.monkey")
    return "gevent" if monkey is not None and monkey.is_module_patched("socket") else "threading"


@dataclass
class Mag:
    """What the web and socket edges need, reachable as ``current_app.extensions["mag"]``."""

    engine: Engine
    sessions: sessionmaker
    live: Live
    socketio: SocketIO
    fanout: Fanout
    # Who is connected: this process's counts, or all processes' through Redis.
    presence: Presence | Bus
    catch_up_seconds: float = 0.0
    namespace: "realtime.SessionNamespace | None" = None
    programmes: "programme_realtime.ProgrammeNamespace | None" = None

    @property
    def bus(self) -> Bus | None:
        return self.fanout.bus

    def start_background(self) -> None:
        """Start what a serving process runs besides requests: the catch-up, the bus."""
        if self.catch_up_seconds > 0:
            self.socketio.start_background_task(self._catch_up_forever)
        if self.bus is not None and self.namespace is not None and self.programmes is not None:
            self.bus.heartbeat()
            self.socketio.start_background_task(
                self.bus.listen,
                self.fanout.poke,
                self.namespace.send_presence,
                self.fanout.catch_up,
                on_programme=self.programmes.send_changed,
            )

    def programme_changed(self, programme_id: str) -> None:
        """A change to a programme's board was committed: its team's pages are told."""
        if self.programmes is not None:
            self.programmes.changed(programme_id)

    def _catch_up_forever(self) -> None:
        while True:
            self.socketio.sleep(self.catch_up_seconds)
            try:
                self.fanout.catch_up()
                if self.bus is not None and self.namespace is not None:
                    self.bus.heartbeat()
                    for session_id in self.fanout.watched():
                        self.namespace.send_presence(session_id, only_if_changed=True)
            except Exception as error:  # the next round tries again
                log.warning("catch-up failed: %s", error)


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=None,  # served under hashed names by mag.web.assets
    )
    app.config.update(default_config())
    if config:
        app.config.update(config)

    engine = make_engine(str(app.config["MAG_DATABASE_URL"]))
    synchronous = str(app.config["MAG_SQLITE_SYNCHRONOUS"]).upper()
    if synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"MAG_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {synchronous!r}")
    upgrade(engine)

    babel.init_app(app, locale_selector=lambda: _locale(app))
    # Pages and JSON answers, compressed per response. The Socket.IO traffic never
    # reaches Flask's after_request (python-engineio answers /socket.io/ in front of the
    # Flask app, and compresses its long-polling answers itself); static files and the
    # messages come compressed already (Content-Encoding set, so left alone).
    Compress(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["day"] = dates.local_day
    app.jinja_env.filters["day_and_clock"] = dates.local_day_and_clock
    socketio = SocketIO(
        app,
        async_mode=async_mode(),
        max_http_buffer_size=int(app.config["MAG_MAX_MESSAGE_BYTES"]),
    )
    hops = int(app.config["MAG_PROXY_HOPS"])
    if hops:  # behind a reverse proxy: the browser's address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    sessions = make_sessionmaker(engine)
    queue = str(app.config["MAG_MESSAGE_QUEUE"])
    bus = Bus(queue) if queue else None
    fanout = Fanout(sessions, realtime.sender(socketio), bus)
    mag = Mag(
        engine,
        sessions,
        Live(sessions, fanout.committed, Writes(engine, durable=synchronous == "FULL")),
        socketio,
        fanout,
        bus or Presence(),
        float(app.config["MAG_CATCH_UP_SECONDS"]),
    )
    app.extensions["mag"] = mag
    mag.namespace = realtime.register(socketio, mag)
    mag.programmes = programme_realtime.register(socketio, mag)
    web.register(app)
    # Flask-SocketIO runs each Socket.IO message in a request context made from the
    # connection's request. With no rule for its path, every message would build a
    # NotFound exception whose traceback holds a cycle of frames, left for the garbage
    # collector: under load, its pauses. The view never runs (engine.io answers there).
    for websocket, methods in ((False, ["GET", "POST"]), (True, ["GET"])):
        app.add_url_rule(
            "/socket.io/",
            f"socketio_{'websocket' if websocket else 'polling'}",
            _not_found,
            methods=methods,
            strict_slashes=False,
            websocket=websocket,
        )
    return app


def _not_found():
    return "", 404


def _locale(app: Flask) -> str:
    if not has_request_context():
        return str(app.config["BABEL_DEFAULT_LOCALE"])
    return language.choose(app)
