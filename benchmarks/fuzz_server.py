"""Fuzz a real ``mag serve``: malformed Socket.IO messages and HTTP requests, at volume.

Run: .venv/bin/python benchmarks/fuzz_server.py [--messages 100000] [--requests 3000]
                                                [--seconds 600] [--seed 1]

Starts ``python -m mag serve --no-demo`` on a free port of 127.0.0.1 (SQLite in a temporary
folder; whichever worker ``mag serve`` runs), creates a session over HTTP, lets two
participants join (one accepts the convention, one not) and invites an observer screen. Four
python-socketio clients (the console, both participants, the observer) then send
``--messages`` malformed messages, most with an acknowledgement asked:

- events of any name (any JSON type, ``connect`` and ``disconnect`` included) with any
  number of arguments of any JSON type;
- commands with garbage ids, names and arguments, and command names the sender's role may not
  send (so that none can be carried out and the session must not change);
- ``sync`` with a garbage ``since`` (a valid one is answered ``ok``, and counted apart);
- raw Socket.IO frames: empty arrays, not-a-list data, bad JSON, binary events, unknown packet
  types, binary frames;
- messages over MAG_MAX_MESSAGE_BYTES (64 KB) and under engine.io's 1 MB ceiling, and at the
  end a few frames over the ceiling, which engine.io answers by closing the connection.

Then ``--requests`` malformed HTTP requests to every route (odd methods, garbage ids and
paths, bad JSON and forms, bodies over MAX_CONTENT_LENGTH), a few unparseable raw HTTP
requests (gunicorn answers those), and a few WebSocket frames that are not even engine.io
packets (below Socket.IO: engine.io raises on them, which the log shows).

Prints messages sent, answers with an error code, answers without one, tracebacks in the
server's log (per phase) and state changes (the session's last seq and the tables' rows,
before and after). Prints figures; asserts nothing. Only 127.0.0.1 is contacted, every wait
is bounded, and the server it started is stopped.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import socket
import sqlite3
import string
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import aiohttp
import socketio
from serving import stop_group
from yarl import URL

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mag.domain.commands import COMMANDS  # noqa: E402
from mag.domain.roles import Role  # noqa: E402
from mag.domain.steps.session import ADD_PARTICIPANT  # noqa: E402

READY_TIMEOUT = 60.0
CONNECT_TIMEOUT = 20.0
ACK_TIMEOUT = 20.0
IN_FLIGHT = 24  # messages awaiting their ack, per client
HTTP_IN_FLIGHT = 16
LARGE_MESSAGES = 100  # between 64 KB and the 1 MB ceiling
OVER_CEILING = 3  # frames over engine.io's ceiling
RAW_HTTP = 20  # unparseable HTTP requests on a raw socket
# WebSocket frames that are not engine.io packets (below Socket.IO), one connection each.
ENGINE_GARBAGE = ["x", "é", "", "[1]", "{", "9", "7junk"]
ROUTES = [
    "/",
    "/seances",
    "/rejoindre",
    "/rejoindre/{x}",
    "/s/{session}",
    "/animer/{session}",
    "/animer/{session}/{x}",
    "/animer/{session}/equipe",
    "/equipe/{session}/{x}/{x}",
    "/projeter/{session}",
    "/seance/{session}/synthese",
    "/animer/{session}/synthese/brouillon",
    "/animer/{session}/synthese/apercu",
    "/animer/{session}/synthese/versions/{x}/comparaison",
    "/animer/{session}/pseudonymisation/verification",
    "/animer/{session}/export/{x}",
    "/animer/{session}/archiver",
    "/animer/{session}/travaux/{x}",
    "/animer/{session}/travaux/{x}/fichier",
    "/archives",
    "/archives/cle/{x}",
    "/archives/{x}",
    "/archives/{x}/{x}",
    "/static/{x}",
    "/{x}",
]
FORM_FIELDS = ["title", "question", "protocol", "convention", "code", "pseudonym", "function"]
FORM_FIELDS += ["role", "name", "date_start", "date_end", "text"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the server


class Server:
    """``mag serve`` in its own process group, its output in a log file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = folder / "mag.sqlite3"
        self.log_path = folder / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            {
                "MAG_DATA_DIR": str(self.folder),
                # The 64 KB limit this fuzz was written for: frames between it and
                # engine.io's 1 MB ceiling must be answered too_large.
                "MAG_MAX_MESSAGE_BYTES": str(64 * 1024),
                "MAG_DATABASE_URL": f"sqlite:///{self.database}",
                "PYTHONUNBUFFERED": "1",
                "MAG_MAX_CONNECTIONS_PER_ADDRESS": "1000",  # every client is 127.0.0.1
            }
        )
        argv = [sys.executable, "-m", "mag", "serve", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--no-demo"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def wait_ready(self, http: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mag serve exited:\n{self.log()[-2000:]}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with http.get(self.base + "/rejoindre") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.25)
        raise RuntimeError(f"mag serve not ready after {READY_TIMEOUT:.0f} s")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        stop_group(self.process)

    def state(self, session_id: str) -> dict[str, int]:
        """What any change leaves behind: the session's last seq and every table's rows."""
        with contextlib.closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as db:
            figures = {
                "last seq": db.execute(
                    "SELECT last_seq FROM sessions WHERE id = ?", (session_id,)
                ).fetchone()[0]
            }
            for table in ("events", "commands", "participants", "members", "sessions"):
                figures[table] = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        return figures


# ---------------------------------------------------------------- garbage


class Garbage:
    """Random JSON values, names and frames, from one seeded generator."""

    TEXTS = [
        "",
        " ",
        "sync",
        "command",
        "connect",
        "disconnect",
        "events",
        "presence",
        "message",
        "*",
        "__init__",
        "on_sync",
        "\x00",
        "é" * 3,
        "🙂",
        "../../etc/passwd",
        "'; DROP TABLE events; --",
        "%s%n",
        "<script>alert(1)</script>",
        "\ud7ff\ue000",
        "a" * 1000,
    ]

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            return rng.choice(self.TEXTS)
        alphabet = string.printable + "éàçœ€\u2028\u200b🙂"
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))

    def scalar(self):
        rng = self.rng
        return rng.choice(
            [
                lambda: None,
                lambda: True,
                lambda: False,
                lambda: rng.randint(-5, 5),
                lambda: rng.choice([2**31, 2**63, 2**70, -(2**63) - 1, 10**30]),
                lambda: rng.uniform(-1e6, 1e6),
                lambda: rng.choice([0.0, -0.0, 1e308, 5e-324]),
                self.text,
            ]
        )()

    def value(self, depth: int = 0):
        rng = self.rng
        roll = rng.random()
        if depth >= 3 or roll < 0.55:
            return self.scalar()
        if roll < 0.8:
            return [self.value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {self.text(): self.value(depth + 1) for _ in range(rng.randint(0, 4))}

    def deep(self) -> str:
        """A deeply nested array, in JSON, up to past the decoder's recursion limit."""
        depth = self.rng.choice([50, 500, 5000])
        return "[" * depth + "]" * depth

    def event_name(self):
        roll = self.rng.random()
        if roll < 0.5:
            return self.text()
        return self.value()

    def command_id(self):
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            return uuid.uuid4().hex  # well formed, never used
        if roll < 0.5:
            return "abcdefgh\n"
        if roll < 0.8:
            return self.text()
        return self.value()

    def command(self, names: list[str]):
        rng = self.rng
        name = rng.choice(names) if names and rng.random() < 0.6 else self.event_name()
        args = (
            self.value()
            if rng.random() < 0.2
            else {
                rng.choice(
                    [
                        "from_index",
                        "version",
                        "proposal_id",
                        "title",
                        "body",
                        "text",
                        "recits",
                        "contribution_id",
                        "minutes",
                        "base_version",
                        "pseudonym",
                        self.text(),
                    ]
                ): self.value()
                for _ in range(rng.randint(0, 5))
            }
        )
        payload = {"id": self.command_id(), "name": name, "args": args}
        roll = rng.random()
        if roll < 0.1:
            payload.pop(rng.choice(["id", "name", "args"]))
        elif roll < 0.15:
            payload["extra"] = self.value()
        elif roll < 0.25:
            return (payload, self.value())  # two arguments
        elif roll < 0.3:
            return self.value()  # not an object at all
        return payload

    def since(self):
        roll = self.rng.random()
        if roll < 0.1:
            return {"since": self.rng.randint(0, 50)}  # valid: answered ok
        if roll < 0.2:
            return {"since": self.rng.choice([True, False, -1, 1.5, "3", None, [], {}])}
        if roll < 0.3:
            return {}
        if roll < 0.4:
            return ({"since": 0}, self.value())
        return {"since": self.value(), self.text(): self.value()}

    def frame_body(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(["[]", "{}", "null", "[[]]", '[""]', "[5]", '{"a":1}', "", "["])
        if roll < 0.3:
            return json.dumps([self.event_name(), *[self.value() for _ in range(3)]])[:-1]
        if roll < 0.5:
            return self.text()
        if roll < 0.55:
            return f"[{json.dumps(self.text())}, {self.deep()}]"
        return json.dumps([self.event_name(), *[self.value() for _ in range(rng.randint(0, 3))]])


# ---------------------------------------------------------------- the clients


@dataclass
class Tally:
    sent: int = 0
    expecting: int = 0  # sent with an ack asked
    without_ack: int = 0
    with_code: Counter = field(default_factory=Counter)
    ok: int = 0  # a valid sync's answer
    without_code: int = 0
    no_answer: int = 0
    examples_without_code: list = field(default_factory=list)
    examples_unanswered: list = field(default_factory=list)
    large: int = 0
    large_answered: Counter = field(default_factory=Counter)

    def answer(self, answer) -> None:
        if (
            isinstance(answer, dict)
            and answer.get("ok") is False
            and isinstance(answer.get("error"), dict)
            and isinstance(answer["error"].get("code"), str)
            and isinstance(answer["error"].get("message"), str)
            and answer["error"]["message"].strip()
        ):
            self.with_code[answer["error"]["code"]] += 1
        elif isinstance(answer, dict) and answer.get("ok") is True and "seq" in answer:
            self.ok += 1
        else:
            self.without_code += 1
            if len(self.examples_without_code) < 5:
                self.examples_without_code.append(repr(answer)[:200])


class Client:
    """One browser tab over a WebSocket, with its identity cookie."""

    def __init__(self, name: str, base: str, session_id: str, role: str, cookie: str) -> None:
        self.name = name
        self.base = base
        self.session_id = session_id
        self.role = role
        self.cookie = cookie
        self.sio: socketio.AsyncClient | None = None
        self.closed_by_server = 0
        self.connecting = asyncio.Lock()

    async def connect(self) -> None:
        await self._dispose()
        sio = self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)

        @sio.on("disconnect")
        def dropped(reason=None):
            if sio is self.sio and not getattr(sio, "_leaving", False):
                self.closed_by_server += 1

        await asyncio.wait_for(
            self.sio.connect(
                self.base,
                headers={"Cookie": self.cookie},
                auth={"session": self.session_id, "role": self.role},
                transports=["websocket"],
                wait_timeout=CONNECT_TIMEOUT,
            ),
            CONNECT_TIMEOUT + 5,
        )

    async def ensure(self) -> None:
        """Connect again if the server closed the connection."""
        async with self.connecting:
            if self.sio is None or not self.sio.connected:
                await self.connect()

    async def close(self) -> None:
        if self.sio is not None:
            self.sio._leaving = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.sio.disconnect(), 10)
        await self._dispose()

    async def _dispose(self) -> None:
        """Close the HTTP session of a client the server disconnected (it keeps it open)."""
        session = getattr(self.sio.eio, "http", None) if self.sio is not None else None
        if session is not None and not session.closed:
            await session.close()

    async def call(self, event, args: tuple):
        """Send ``event`` with ``args``; its ack's first value (or ``[]``), None on no answer."""
        return await self._await_ack(lambda cb: self.sio.emit(event, args, callback=cb))

    async def raw(self, frame, *, ack: bool):
        """Send one encoded Socket.IO packet; ``frame`` holds ``{id}`` where the ack id goes."""
        if not ack:
            await self.sio.eio.send(frame if isinstance(frame, bytes) else frame.format(id=""))
            return None

        async def send(cb):
            ack_id = self.sio._generate_ack_id("/", cb)
            await self.sio.eio.send(frame.format(id=ack_id))

        return await self._await_ack(send)

    async def _await_ack(self, send):
        loop = asyncio.get_running_loop()
        answered = loop.create_future()

        def callback(*values):
            if not answered.done():
                answered.set_result(values[0] if len(values) == 1 else list(values))

        await send(callback)
        try:
            return await asyncio.wait_for(answered, ACK_TIMEOUT)
        except TimeoutError:
            return None


def refusable_names(role: Role) -> list[str]:
    """Command names the role may not send at all: the domain must refuse every one."""
    names = [
        name
        for name, command in COMMANDS.items()
        if role not in command.roles and not (role.is_staff and command.on_behalf)
    ]
    if not role.is_staff:
        names.append(ADD_PARTICIPANT)
    return names


async def fuzz_client(client: Client, role: Role, tally: Tally, budget, garbage: Garbage):
    names = refusable_names(role)
    gate = asyncio.Semaphore(IN_FLIGHT)
    tasks = set()

    async def one(kind, make, what):
        async with gate:
            try:
                await client.ensure()
            except Exception:
                tally.no_answer += 1
                return
            try:
                answer = await make()
            except (socketio.exceptions.SocketIOError, ConnectionError, OSError):
                answer = None
            if kind == "no-ack":
                return
            if answer is None:
                tally.no_answer += 1
                if len(tally.examples_unanswered) < 5:
                    tally.examples_unanswered.append(f"{client.name}: {what[:150]}")
            elif kind == "large":
                tally.large_answered[
                    answer.get("error", {}).get("code") if isinstance(answer, dict) else "?"
                ] += 1
                tally.answer(answer)
            else:
                tally.answer(answer)

    while budget.take():
        roll = garbage.rng.random()
        ack = garbage.rng.random() < 0.9
        if roll < 0.3:
            event = garbage.event_name()
            args = tuple(garbage.value() for _ in range(garbage.rng.randint(0, 4)))
            if ack:
                make = lambda e=event, a=args: client.call(e, a)  # noqa: E731
            else:
                make = lambda e=event, a=args: client.sio.emit(e, a)  # noqa: E731
            what = f"event {event!r} {args!r}"
        elif roll < 0.55:
            payload = garbage.command(names)
            args = payload if isinstance(payload, tuple) else (payload,)
            make = lambda a=args: client.call("command", a)  # noqa: E731
            what = f"command {args!r}"
            ack = True
        elif roll < 0.7:
            payload = garbage.since()
            args = payload if isinstance(payload, tuple) else (payload,)
            make = lambda a=args: client.call("sync", a)  # noqa: E731
            what = f"sync {args!r}"
            ack = True
        elif roll < 0.99 or tally.large >= LARGE_MESSAGES:
            kind = garbage.rng.random()
            if kind < 0.05:
                frame = bytes(garbage.rng.getrandbits(8) for _ in range(garbage.rng.randint(1, 20)))
                ack = False
            else:
                prefix = garbage.rng.choice(["2", "2", "2", "51-", "3", "4", "7", "9", "x", ""])
                if prefix not in ("2", "51-"):
                    ack = False
                body = garbage.frame_body().replace("{", "{{").replace("}", "}}")
                if not prefix and body[:1].isdigit():
                    # A typed packet after all: a DISCONNECT (1) would really leave the
                    # namespace, and an event (2) could carry an ack id this client's
                    # python-socketio never made (an ack 0 even breaks its counter).
                    body = " " + body
                if prefix in ("2", "51-") and body[:1] in set(string.digits + "-"):
                    # Else its digits would read as an ack id, and the answer would go to
                    # another message's callback (or to none).
                    body = " " + body
                frame = prefix + ("{id}" if ack else "") + body
            make = lambda f=frame, a=ack: client.raw(f, ack=a)  # noqa: E731
            what = f"frame {frame!r}"
        else:
            size = garbage.rng.randint(66_000, 1_000_000)
            payload = {
                "id": uuid.uuid4().hex,
                "name": "submit_proposal",
                "args": {"proposal_id": "p1", "title": "T", "body": "x" * size},
            }
            tally.large += 1
            make = lambda p=payload: client.call("command", (p,))  # noqa: E731
            task = asyncio.ensure_future(one("large", make, "a large command"))
            tally.sent += 1
            tally.expecting += 1
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            continue
        tally.sent += 1
        if ack:
            tally.expecting += 1
        else:
            tally.without_ack += 1
        task = asyncio.ensure_future(one("ack" if ack else "no-ack", make, what))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        if len(tasks) >= IN_FLIGHT * 2:
            await asyncio.sleep(0)
            while len(tasks) >= IN_FLIGHT * 2:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    if tasks:
        await asyncio.wait(tasks)


class Budget:
    """How many messages are left to send, and until when."""

    def __init__(self, count: int, seconds: float) -> None:
        self.left = count
        self.deadline = time.monotonic() + seconds

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() > self.deadline:
            return False
        self.left -= 1
        return True


# ---------------------------------------------------------------- setting the room up


async def set_up(server: Server, http: aiohttp.ClientSession) -> tuple[str, dict[str, str]]:
    """Create a session, two participants and an observer; their cookies by name."""

    async def request(method, path, **kwargs):
        async with http.request(
            method, server.base + path, allow_redirects=False, **kwargs
        ) as response:
            return response.status, await response.text(), response.cookies

    status, page, _ = await request(
        "POST",
        "/seances",
        data={
            "title": "Fuzz",
            "question": "Qu'est-ce qui résiste ?",
            "protocol": "mag-court",
            "convention": "Ce qui se dit ici reste ici.",
        },
    )
    link = re.search(r"/animer/([^/\"]+)/([^/\"]+)\"", page)
    code = re.search(r'id="join-code"[^>]*value="([^"]+)"', page)
    if status != 201 or not link or not code:
        raise RuntimeError(f"POST /seances answered {status}")
    session_id = link.group(1)
    _, _, cookies = await request("GET", f"/animer/{session_id}/{link.group(2)}")
    facilitator = f"mag_a_{session_id}={cookies[f'mag_a_{session_id}'].value}"
    found = {"console": facilitator}
    for pseudonym in ("Amina", "Bruno"):
        _, _, cookies = await request(
            "POST", "/rejoindre", data={"code": code.group(1), "pseudonym": pseudonym}
        )
        found[pseudonym] = f"mag_p_{session_id}={cookies[f'mag_p_{session_id}'].value}"
    status, page, _ = await request(
        "POST",
        f"/animer/{session_id}/equipe",
        data={"role": "observateur", "name": "Écran"},
        headers={"Cookie": facilitator},
    )
    member = re.search(r'id="member-link"[^>]*value="[^"]*(/equipe/[^"]+)"', page)
    if status != 200 or not member:
        raise RuntimeError(f"inviting the observer answered {status}")
    _, _, cookies = await request("GET", member.group(1))
    found["observer"] = f"mag_m_{session_id}={cookies[f'mag_m_{session_id}'].value}"
    return session_id, found


# ---------------------------------------------------------------- HTTP


@dataclass
class HttpTally:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    clear: int = 0  # errors answered with a French page or a JSON error code
    unclear: int = 0
    server_errors: int = 0
    transport_errors: Counter = field(default_factory=Counter)
    examples: list = field(default_factory=list)
    raw: Counter = field(default_factory=Counter)


def garbage_segment(garbage: Garbage, session_id: str) -> str:
    rng = garbage.rng
    roll = rng.random()
    if roll < 0.3:
        return session_id
    if roll < 0.5:
        return rng.choice(["..", "%00", "%ff", "%C0%AF", "%2e%2e%2f", "a" * 1000, "-1"])
    return quote(garbage.text(), safe="")


async def fuzz_http(server: Server, http, session_id, cookie, count, garbage) -> HttpTally:
    tally = HttpTally()
    gate = asyncio.Semaphore(HTTP_IN_FLIGHT)
    rng = garbage.rng

    async def one(method, path, headers, body):
        async with gate:
            try:
                async with http.request(
                    method,
                    URL(server.base + path, encoded=True),
                    headers=headers,
                    allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=30),
                    **body,
                ) as response:
                    text = await response.text(errors="replace")
                    status = response.status
                    kind = response.content_type
            except (aiohttp.ClientError, TimeoutError) as error:
                tally.transport_errors[type(error).__name__] += 1
                return
        tally.statuses[status] += 1
        if status >= 500:
            tally.server_errors += 1
        if status < 400 or method == "HEAD":
            return
        if kind == "application/json":
            try:
                answer = json.loads(text)
                is_clear = bool(answer["error"]["code"]) and bool(answer["error"]["message"])
            except (ValueError, KeyError, TypeError):
                is_clear = False
        else:
            is_clear = '<html lang="fr">' in text and "<h1>" in text
        if is_clear:
            tally.clear += 1
        else:
            tally.unclear += 1
            if len(tally.examples) < 5:
                tally.examples.append(f"{method} {path[:60]} -> {status} {text[:80]!r}")

    tasks = []
    for n in range(count):
        path = rng.choice(ROUTES).format(
            session=garbage_segment(garbage, session_id), x=garbage_segment(garbage, session_id)
        )
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"])
        headers = {}
        accept = rng.choice(["text/html", "application/json", "*/*", None])
        if accept:
            headers["Accept"] = accept
        if rng.random() < 0.5:
            headers["Cookie"] = cookie
        roll = rng.random()
        if roll < 0.25:
            body = {}
        elif roll < 0.5:
            body = {"data": {rng.choice(FORM_FIELDS): garbage.text() for _ in range(3)}}
        elif roll < 0.75:
            body = {"data": json.dumps(garbage.value())}
            headers["Content-Type"] = "application/json"
        elif roll < 0.99 or n % 200:
            body = {"data": bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))}
            headers["Content-Type"] = rng.choice(
                [
                    "application/json",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x",
                    "text/plain",
                ]
            )
        else:  # over MAX_CONTENT_LENGTH (1 MB)
            body = {"data": b"x" * (1024 * 1024 + 1)}
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        tally.sent += 1
        tasks.append(asyncio.ensure_future(one(method, path, headers, body)))
    await asyncio.gather(*tasks)
    return tally


def raw_http(server: Server, garbage: Garbage, tally: HttpTally) -> None:
    """Requests gunicorn cannot parse: it answers them before mag sees anything."""
    lines = [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n",
        b"POST /seances HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"\x00\x01\x02\r\n\r\n",
    ]
    for n in range(RAW_HTTP):
        request = lines[n % len(lines)]
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                sock.sendall(request)
                answer = sock.recv(200)
            status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "none"
        except OSError as error:
            status = type(error).__name__
        tally.raw[status] += 1


async def engine_garbage(server: Server, http: aiohttp.ClientSession) -> Counter:
    """Frames a Socket.IO client never sends: what engine.io does with each."""
    outcome = Counter()
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    for frame in ENGINE_GARBAGE:
        try:
            async with http.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws:
                await asyncio.wait_for(ws.receive(), 5)  # engine.io's open packet
                await ws.send_str(frame)
                await ws.send_str("40")  # then connect to Socket.IO: is the link still up?
                reply = await asyncio.wait_for(ws.receive(), 5)
                outcome["kept" if reply.type == aiohttp.WSMsgType.TEXT else "closed"] += 1
        except (aiohttp.ClientError, TimeoutError):
            outcome["closed"] += 1
    return outcome


# ---------------------------------------------------------------- the run


def log_figures(text: str) -> dict[str, int]:
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "error lines": sum(
            1 for line in text.splitlines() if re.search(r"\bERROR\b|\bCRITICAL\b", line)
        ),
        "refusal warnings": text.count("refused a Socket.IO message"),
        "lines": len(text.splitlines()),
    }


async def run(options) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mag-fuzz-"))
    server = Server(folder)
    garbage = Garbage(options.seed)
    server.start()
    clients: list[Client] = []
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            await server.wait_ready(http)
            session_id, cookies = await set_up(server, http)
            roles = {
                "console": ("animateur", Role.ANIMATEUR),
                "Amina": ("participant", Role.PARTICIPANT),
                "Bruno": ("participant", Role.PARTICIPANT),
                "observer": ("observateur", Role.OBSERVATEUR),
            }
            for name, (page, _) in roles.items():
                client = Client(name, server.base, session_id, page, cookies[name])
                await client.connect()
                clients.append(client)
            accepted = await clients[1].call(
                "command",
                ({"id": uuid.uuid4().hex, "name": "accept_convention", "args": {"version": 1}},),
            )
            if not (isinstance(accepted, dict) and accepted.get("ok")):
                raise RuntimeError(f"Amina could not accept the convention: {accepted}")
            before = server.state(session_id)
            marks = [("set-up", log_figures(server.log()))]

            tally = Tally()
            budget = Budget(options.messages, options.seconds)
            started = time.perf_counter()
            await asyncio.gather(
                *(
                    fuzz_client(client, roles[client.name][1], tally, budget, garbage)
                    for client in clients
                )
            )
            seconds = time.perf_counter() - started
            await asyncio.sleep(1)
            marks.append(("Socket.IO messages", log_figures(server.log())))

            # Over engine.io's ceiling: nothing can answer, the connection is closed.
            ceiling = Client("tab", server.base, session_id, "participant", cookies["Amina"])
            ceiling_answers = Counter()
            for _ in range(OVER_CEILING):
                await ceiling.ensure()
                payload = {
                    "id": uuid.uuid4().hex,
                    "name": "submit_proposal",
                    "args": {"body": "x" * (1024 * 1024 + 10)},
                }
                try:
                    answer = await asyncio.wait_for(ceiling.call("command", (payload,)), 5)
                except (TimeoutError, socketio.exceptions.SocketIOError):
                    answer = None
                ceiling_answers["no answer" if answer is None else "answered"] += 1
                await asyncio.sleep(0.5)
            await ceiling.close()
            await asyncio.sleep(1)
            marks.append(("frames over the ceiling", log_figures(server.log())))

            still = Counter()
            for client in clients:
                await client.ensure()
                answer = await client.call("sync", ({"since": 0},))
                still["ok" if isinstance(answer, dict) and answer.get("ok") else "not ok"] += 1

            http_tally = await fuzz_http(
                server, http, session_id, cookies["console"], options.requests, garbage
            )
            raw_http(server, garbage, http_tally)
            await asyncio.sleep(1)
            marks.append(("HTTP requests", log_figures(server.log())))
            engine = await engine_garbage(server, http)
            await asyncio.sleep(1)
            marks.append(("engine.io garbage", log_figures(server.log())))
            after = server.state(session_id)
            for client in clients:
                await client.close()
    finally:
        server.stop()

    dropped = sum(client.closed_by_server for client in clients)
    answered = sum(tally.with_code.values()) + tally.ok + tally.without_code
    print(f"mag serve on 127.0.0.1:{server.port}, log {server.log_path}")
    print(f"Socket.IO messages sent               {tally.sent:>9,} in {seconds:.1f} s")
    print(f"  with an ack asked                   {tally.expecting:>9,}")
    print(f"  without (no answer expected)        {tally.without_ack:>9,}")
    print(f"answers                               {answered:>9,}")
    print(f"  with an error code                  {sum(tally.with_code.values()):>9,}")
    for code, count in tally.with_code.most_common():
        print(f"    {code:<33} {count:>9,}")
    print(f"  ok (a valid sync)                   {tally.ok:>9,}")
    print(f"  without an error code               {tally.without_code:>9,}")
    for example in tally.examples_without_code:
        print(f"    e.g. {example}")
    print(f"asked, never answered                 {tally.no_answer:>9,}")
    for example in tally.examples_unanswered:
        print(f"    e.g. {example}")
    print(
        f"over 64 KB, under the 1 MB ceiling    {tally.large:>9,}   answered: "
        + ", ".join(f"{k} {v}" for k, v in tally.large_answered.items())
    )
    print(
        f"over the 1 MB ceiling                 {OVER_CEILING:>9,}   "
        + ", ".join(f"{k} {v}" for k, v in ceiling_answers.items())
        + " (engine.io closes the connection)"
    )
    print(f"connections closed by the server      {dropped:>9,}   (during the fuzz)")
    print(
        "still answering sync afterwards       " + ", ".join(f"{k} {v}" for k, v in still.items())
    )
    print(f"HTTP requests sent                    {http_tally.sent:>9,}")
    print(
        "  statuses                            "
        + ", ".join(f"{status}: {count}" for status, count in sorted(http_tally.statuses.items()))
    )
    print(f"  5xx                                 {http_tally.server_errors:>9,}")
    print(f"  errors with a French page or a code {http_tally.clear:>9,}")
    print(f"  errors without                      {http_tally.unclear:>9,}")
    for example in http_tally.examples:
        print(f"    e.g. {example}")
    if http_tally.transport_errors:
        print(
            "  no response                         "
            + ", ".join(f"{k} {v}" for k, v in http_tally.transport_errors.items())
        )
    print(
        "  unparseable, answered by gunicorn   "
        + ", ".join(f"{k}: {v}" for k, v in sorted(http_tally.raw.items()))
    )
    print(
        f"engine.io garbage frames              {len(ENGINE_GARBAGE):>9,}   connection "
        + ", ".join(f"{k} {v}" for k, v in engine.items())
    )
    phases = [
        (name, {key: figures[key] - marks[n][1][key] for key in figures})
        for n, (name, figures) in enumerate(marks[1:])
    ]
    for key, label in (
        ("tracebacks", "tracebacks in the server log"),
        ("error lines", "ERROR lines in the server log"),
        ("refusal warnings", "one-line refusal warnings"),
    ):
        total = sum(figures[key] for _, figures in phases)
        detail = ", ".join(f"{name} {figures[key]}" for name, figures in phases if figures[key])
        print(f"{label:<38}{total:>9,}" + (f"   ({detail})" if detail else ""))
    changes = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    print(
        f"state changes                         {len(changes):>9,}   last seq before "
        f"{before['last seq']}, after {after['last seq']}"
        + ("".join(f"; {k}: {a} -> {b}" for k, (a, b) in changes.items()) if changes else "")
    )
    text = server.log()
    start = text.find("Traceback (most recent call last)", len(text) - len(text.lstrip()))
    if start >= 0:
        last = text[start:].split("\n\n")[0].splitlines()
        print("first traceback, its last line: " + (last[-1] if last else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3_000)
    parser.add_argument("--seconds", type=float, default=600.0, help="time for the messages")
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
