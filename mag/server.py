"""Run the app under gunicorn's gevent worker: thousands of idle connections per process.

Each live browser holds one WebSocket for as long as its page is open. Under
gevent a connection costs a greenlet (a few kilobytes) rather than a thread, so
one process holds thousands of them; the standard library is patched before
anything else is imported (``mag/__main__.py``), so SQLAlchemy, the database
drivers and Redis yield while they wait. See ARCHITECTURE.md for the figures.

Several worker processes (``processes > 1``) need a message queue
(``MAG_MESSAGE_QUEUE``): each keeps its own browsers and reads what the others
committed from the database (``mag.fanout``).
"""

import ctypes
import ctypes.util
import gc
import os
import resource
import signal
import sys
from dataclasses import dataclass

import gevent
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

# Connections gunicorn accepts beyond the live sockets mag admits, so the join
# form, the pages and a refusal still get through when the sockets are full.
HTTP_HEADROOM = 500
# Open files a process needs besides its connections: database, Redis, exports, logs.
FILE_RESERVE = 200
_PR_SET_PDEATHSIG = 1
_LEAVE_SECONDS = 1.0


@dataclass(frozen=True)
class Capacity:
    """How many live connections one process will hold, and why."""

    connections: int
    file_limit: int


def raise_file_limit() -> int:
    """Raise this process's open-files limit to its hard limit; return the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 20)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def capacity(wanted: int) -> Capacity:
    """The connections one process can hold: ``wanted``, or less if open files run short."""
    limit = raise_file_limit()
    return Capacity(max(1, min(wanted, limit - FILE_RESERVE - HTTP_HEADROOM)), limit)


def _die_with_master() -> None:
    """Have the kernel stop this worker when the gunicorn master dies (Linux).

    Without it a worker whose master was killed keeps the port until it notices
    (gunicorn checks its parent once a second, only while its loop runs).
    """
    libc_name = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc_name:
        ctypes.CDLL(libc_name, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _post_fork(server, worker) -> None:
    _die_with_master()


GC_THRESHOLDS = (10_000, 20, 50)


def _post_worker_init(worker) -> None:
    """Start the worker's background work (catch-up, Redis listener) once it serves.

    What the app loaded at start lives as long as the process: it is moved out of
    the garbage collector's reach. With thousands of connections, a collection of
    the older generations walks every live object (about 280,000 at 1,500 screens,
    150 ms and more, with every room waiting): the young generation is collected
    every 10,000 allocations instead of 700, so that a command's short-lived objects
    are freed before they are promoted, and the older ones far less often.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    app = worker.wsgi
    mag = getattr(app, "extensions", {}).get("mag")
    if mag is not None:
        mag.start_background()


class Worker(GeventWorker):
    """gunicorn's gevent worker, whose shutdown leaves no traceback behind.

    On SIGTERM, SIGINT or SIGQUIT it stops accepting, gives requests in flight a
    second, and leaves. Live WebSockets never end by themselves, so waiting for
    them (gunicorn's graceful timeout) would only end in killing their greenlets
    mid-read. Nothing acknowledged is lost: a command is acknowledged after its
    commit, and browsers reconnect elsewhere and resend what was not.
    """

    def handle_exit(self, sig, frame) -> None:
        self.alive = False
        gevent.spawn_later(_LEAVE_SECONDS, _leave)

    handle_quit = handle_exit


def _leave() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class _Server(BaseApplication):
    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from mag import create_app

        return create_app()


def run(host: str, port: int, *, processes: int, connections: int) -> None:
    _Server(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": processes,
            "worker_class": "mag.server.Worker",
            "worker_connections": connections + HTTP_HEADROOM,
            "timeout": 60,
            "graceful_timeout": 10,
            "keepalive": 5,
            "backlog": 2048,
            "post_fork": _post_fork,
            "post_worker_init": _post_worker_init,
            "accesslog": None,
            "loglevel": "warning",
        }
    ).run()
