"""Helpers to run several real `mag serve` processes on one Redis and one PostgreSQL.

Each test gets a fresh PostgreSQL database and its own `redis-server` (started
here, so a test may stop and restart it). Browsers are python-socketio clients
over WebSocket, carrying the cookies a real browser would hold.
"""

import re
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from threading import Lock, Thread
from typing import TypeVar

import requests
import socketio
from servers import free_port

T = TypeVar("T")
REDIS_SERVER = Path("/usr/bin/redis-server")


def wait_until(check: Callable[[], bool], seconds: float = 10, message: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"not true within {seconds} s")
        time.sleep(0.05)


def in_own_thread(function: Callable[[], T]) -> T:
    """``function()`` in a thread of its own, its result or its exception returned here.

    The browser tests keep Playwright's event loop running in the main thread for the
    whole run, where neither asyncio.run nor another Playwright can start.
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = function()
        except BaseException as error:  # handed to the caller
            outcome["error"] = error

    thread = Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


class Redis:
    """A throwaway redis-server that a test may stop and start again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(REDIS_SERVER),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, 10, "redis-server did not start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


# -- people in a session, over HTTP and WebSocket


def create_session(base_url: str, protocol: str = "mag-court") -> tuple[str, str, dict]:
    """Create a session; return its id, join code and the facilitator's cookies."""
    http = requests.Session()
    page = http.post(
        f"{base_url}/seances",
        data={
            "title": "Séance à plusieurs processus",
            "question": "Q ?",
            "protocol": protocol,
            "convention": "Convention.",
        },
        timeout=10,
    ).text
    session_id, secret = re.search(r"/animer/([0-9a-f]+)/([\w-]+)", page).groups()
    code = re.search(r'id="join-code"[^>]*value="([A-Z0-9]+)"', page).group(1)
    http.get(f"{base_url}/animer/{session_id}/{secret}", timeout=10)
    return session_id, code, http.cookies.get_dict()


def join(base_url: str, code: str, pseudonym: str) -> dict:
    http = requests.Session()
    response = http.post(
        f"{base_url}/rejoindre", data={"code": code, "pseudonym": pseudonym}, timeout=10
    )
    assert response.ok, response.text
    return http.cookies.get_dict()


class Screen:
    """A browser's live connection: the events and presence it received, in order."""

    def __init__(self, base_url: str, session_id: str, cookies: dict, role: str) -> None:
        self.session_id = session_id
        self.cookies = cookies
        self.role = role
        self.events: list[dict] = []
        self.presence: list[list[str]] = []
        self._lock = Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("events", self._on_events)
        self.client.on("presence", lambda data: self.presence.append(data["connected"]))
        self.connect(base_url)

    def connect(self, base_url: str) -> None:
        self.client.connect(
            base_url,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
            auth={"session": self.session_id, "role": self.role},
            transports=["websocket"],
            wait_timeout=10,
        )
        answer = self.client.call("sync", {"since": 0}, timeout=10)
        assert answer["ok"], answer
        with self._lock:
            self.seq = answer["seq"]

    def _on_events(self, events: list[dict]) -> None:
        with self._lock:
            self.events.extend(events)

    def seqs(self) -> list[int]:
        with self._lock:
            return [e["seq"] for e in self.events]

    def send(self, name: str, command_id: str | None = None, **args) -> dict:
        payload = {"id": command_id or uuid.uuid4().hex, "name": name, "args": args}
        return self.client.call("command", payload, timeout=10)

    def close(self) -> None:
        self.client.disconnect()


# -- a programme's team, its board page's live connection


def create_programme(base_url: str) -> tuple[str, dict]:
    """Create a programme; return its id and its research team's cookies."""
    http = requests.Session()
    page = http.post(
        f"{base_url}/programmes",
        data={"title": "Programme à plusieurs processus", "question": "Q ?", "consent": "C."},
        timeout=10,
    ).text
    programme_id, secret = re.search(r"/programme/([0-9a-f]+)/([\w-]+)", page).groups()
    http.get(f"{base_url}/programme/{programme_id}/{secret}", timeout=10)
    return programme_id, http.cookies.get_dict()


class BoardScreen:
    """A board page's live connection (namespace /programme): each ``board_changed`` heard."""

    def __init__(self, base_url: str, programme_id: str, cookies: dict) -> None:
        self.heard: list[dict] = []
        self.client = socketio.Client(reconnection=False)
        self.client.on("board_changed", self.heard.append, namespace="/programme")
        self.client.connect(
            base_url,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
            auth={"programme_id": programme_id},
            namespaces=["/programme"],
            transports=["websocket"],
            wait_timeout=10,
        )

    def close(self) -> None:
        self.client.disconnect()
