"""A real `mag serve` in a process of its own, for the tests that need one."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    """One `mag serve` command (which may itself run several processes)."""

    env: dict[str, str]
    log_path: Path
    extra: list[str] = field(default_factory=list)
    # How Python runs mag: ``-m mag``, or ``-c`` code that prepares something first.
    launcher: list[str] = field(default_factory=lambda: ["-m", "mag"])
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                *self.launcher,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-demo",
                *self.extra,
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while not answers(f"{self.url}/rejoindre"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                self.wait()
                raise AssertionError(f"`mag serve` did not start. Its output:\n{self.output()}")
            time.sleep(0.1)
        return self

    def workers(self) -> list[int]:
        """The gunicorn worker processes' ids."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def live_connections(self) -> dict[int, int]:
        """Each worker's established connections on the server's port."""
        counts = {}
        for pid in self.workers():
            connections = psutil.Process(pid).net_connections(kind="tcp")
            counts[pid] = sum(
                1
                for c in connections
                if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == self.port
            )
        return counts

    def kill(self) -> None:
        """Kill the whole server at once, as a crash would (no graceful shutdown)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """Ask for a quick shutdown (SIGINT); :meth:`wait` for it."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)

    def wait(self) -> None:
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")
