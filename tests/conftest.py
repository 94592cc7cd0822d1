"""Fixtures shared by the service, integration and browser tests."""

import itertools
import re
import shutil

import pytest
from databases import BACKENDS, POSTGRESQL_URL, fresh_postgresql_database
from sqlalchemy.engine import make_url

from mag import create_app
from mag.db import make_engine, upgrade

_ids = itertools.count(1)


def command_id() -> str:
    return f"cmd-{next(_ids):08d}"


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Databases migrated once for the whole run, which each test copies (see ``db_url``).

    SQLite: a file; PostgreSQL: a database used as a template. The migrations
    themselves run from an empty database in tests/services (``fresh_engine``).
    """
    path = tmp_path_factory.mktemp("migrated") / "mag.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    if not POSTGRESQL_URL:
        yield {"sqlite": path}
        return
    with fresh_postgresql_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield {"sqlite": path, "postgresql": make_url(url).database}


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, migrated):
    """A database at the current schema, each test its own."""
    if request.param == "sqlite":
        shutil.copyfile(migrated["sqlite"], tmp_path / "mag.sqlite3")
        yield f"sqlite:///{tmp_path / 'mag.sqlite3'}"
        return
    with fresh_postgresql_database(template=migrated["postgresql"]) as url:
        yield url


@pytest.fixture
def app(db_url, tmp_path):
    app = create_app({"TESTING": True, "MAG_DATABASE_URL": db_url, "MAG_DATA_DIR": tmp_path})
    yield app
    app.extensions["mag"].engine.dispose()


@pytest.fixture
def mag(app):
    return app.extensions["mag"]


class Person:
    """Someone in the room: a browser (HTTP client with its cookies) and a live socket."""

    def __init__(self, room: "Room", http, role: str) -> None:
        self.room = room
        self.http = http
        self.role = role
        self.socket = None
        self.participant_id: str | None = None
        self.member_id: str | None = None
        self.link: str | None = None  # a team member's private link

    def connect(self):
        socketio = self.room.app.extensions["mag"].socketio
        self.socket = socketio.test_client(
            self.room.app,
            flask_test_client=self.http,
            auth={"session": self.room.session_id, "role": self.role},
        )
        return self.socket

    def sync(self, since: int = 0) -> dict:
        return self.socket.emit("sync", {"since": since}, callback=True)

    def send(self, name: str, *, cid: str | None = None, **args) -> dict:
        payload = {"id": cid or command_id(), "name": name, "args": args}
        return self.socket.emit("command", payload, callback=True)

    def received_events(self) -> list[dict]:
        """Events pushed to this socket since the last call, in order."""
        return [
            event
            for message in self.socket.get_received()
            if message["name"] == "events"
            for event in message["args"][0]
        ]


class Room:
    """A session driven through its real HTTP pages and Socket.IO events.

    ``http``, ``path`` and ``data``: another way to create it (a programme's page).
    """

    def __init__(
        self, app, protocol: str = "mag-complet", *, http=None, path="/seances", data=None
    ) -> None:
        self.app = app
        self.facilitator = Person(self, http or app.test_client(), "animateur")
        response = self.facilitator.http.post(
            path,
            data=data
            or {
                "title": "Numérique et travail social",
                "question": "Qu'est-ce que la numérisation change à l'accompagnement ?",
                "protocol": protocol,
                "date_start": "2026-12-01",
                "date_end": "2026-12-03",
                "convention": "On s'écoute et on ne juge pas.",
            },
        )
        assert response.status_code == 201, response.text
        html = response.text
        self.join_code = re.search(r'id="join-code"[^>]*value="(\w+)"', html).group(1)
        self.facilitator_link = re.search(r'value="(http://[^"]+/animer/[^"]+)"', html).group(1)
        self.session_id = self.facilitator_link.rsplit("/", 2)[-2]
        self.facilitator.connect()

    def join(self, pseudonym: str, function: str = "", *, accept: bool = True) -> Person:
        person = Person(self, self.app.test_client(), "participant")
        response = person.http.post(
            "/rejoindre",
            data={"code": self.join_code, "pseudonym": pseudonym, "function": function},
        )
        assert response.status_code == 302, response.text
        person.connect()
        person.participant_id = person.sync()["state"]["me"]["participant_id"]
        if accept:
            assert person.send("accept_convention", version=1)["ok"]
        person.socket.get_received()
        return person

    def invite(self, role: str, name: str = "", *, by: Person | None = None) -> Person:
        """Invite a team member from the console, open their link in a new browser, connect.

        Animateurs and rapporteurs connect as the console does ("animateur"),
        observers as the projection does ("observateur").
        """
        inviter = by or self.facilitator
        response = inviter.http.post(
            f"/animer/{self.session_id}/equipe", data={"role": role, "name": name}
        )
        assert response.status_code == 200, response.text
        link = re.search(r'id="member-link"[^>]*value="([^"]+)"', response.text).group(1)
        person = Person(
            self, self.app.test_client(), "observateur" if role == "observateur" else "animateur"
        )
        person.member_id = link.rsplit("/", 2)[-2]
        person.link = link
        entered = person.http.get(link.split("localhost", 1)[1])
        assert entered.status_code == 302, entered.text
        person.connect()
        person.socket.get_received()
        return person

    def steer(self, name: str, **args) -> dict:
        answer = self.facilitator.send(name, **args)
        assert answer["ok"], answer
        return answer

    def go_to(self, kind: str) -> None:
        from mag.domain.protocol import builtin_protocol

        if self.facilitator.sync()["state"]["session"]["status"] == "lobby":
            self.steer("start_session")
        steps = builtin_protocol("mag-complet").steps
        index = self.facilitator.sync()["state"]["session"]["step_index"]
        while steps[index].kind.value != kind:
            self.steer("next_step", from_index=index)
            index += 1


@pytest.fixture
def room(app) -> Room:
    return Room(app)


@pytest.fixture
def make_room(app):
    """Another session, created by ``http`` at ``path`` (``/seances`` by default)."""

    def make(http, path: str = "/seances", data=None) -> Room:
        return Room(app, http=http, path=path, data=data)

    return make
