"""Exports and archiving, off the live path: each job runs in its own OS process.

Rendering a large session's PDF takes seconds of CPU, and archiving renders
every format. Done in the server process, that would stall every live room it
serves (under gevent, one greenlet computing holds up all the others). So the
server only starts a job: ``python -m mag.jobs <folder>``, at a lower priority
(``nice``), at most ``MAG_EXPORT_WORKERS`` at once per server process. Waiting
for a free slot (a ``threading`` semaphore) and for the process (``subprocess``)
both yield under gevent, as they do under threads.

A job is a folder ``MAG_DATA_DIR/.jobs/<id>/`` holding ``job.json`` (what it
does; its state: queued, running, done or failed; its progress; why it failed)
and, for an export, the file. The job's own process writes its state as it
goes, so any server process sharing the data folder can report it and serve
the file, and a job finishes even if the server process that started it
stops. A job whose process is gone before it finished reads as failed. Asking
again for the same session and format while a job runs gives that job.
Folders older than :data:`MAX_AGE` are removed when a job starts.

A programme's exports (its REFI-QDA project, its JSON archive) and its booklet are jobs
too, of their own kinds (:data:`PROGRAMME_EXPORT`, :data:`BOOKLET`), with ``programme_id``
where a session's job has its ``session_id``.

The routes (``mag/web/report.py``, ``mag/web/programme_exports.py``,
``mag/web/programme_booklet.py``) check that whoever asks is in the session's or the
programme's team; a job's id (``secrets.token_urlsafe``) cannot be guessed.
"""

import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mag.domain.i18n import N_, DomainError
from mag.domain.roles import Actor, Role

log = logging.getLogger(__name__)

JOBS_FOLDER = ".jobs"
STATUS_FILE = "job.json"
LOCK_FILE = ".lock"
# The server's configuration, handed to the job's process (JSON).
CONFIG_ENV = "MAG_JOB_CONFIG"
# Finished jobs (and their files) are removed after this long.
MAX_AGE = timedelta(hours=6)
# A job still running after this long is stopped.
TIMEOUT_SECONDS = 3600
NICENESS = 10

EXPORT, ARCHIVE, BOOKLET = "export", "archive", "booklet"
PROGRAMME_EXPORT = "programme_export"
FILE_KINDS = frozenset({EXPORT, PROGRAMME_EXPORT, BOOKLET})  # the jobs that make a file
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = frozenset({QUEUED, RUNNING})
_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

# Why a job failed when no domain rule refused it (msgids, translated where shown).
UNEXPECTED = N_(
    "La préparation a échoué à cause d'une erreur inattendue. Réessayez ; si cela se "
    "reproduit, prévenez la personne qui gère le serveur."
)
INTERRUPTED = N_(
    "La préparation s'est interrompue (le serveur a peut-être redémarré) : relancez-la."
)
TOO_LONG = N_("La préparation a pris trop de temps et a été arrêtée : réessayez plus tard.")

Status = dict[str, Any]


# --- A job's folder -----------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def read_status(folder: Path) -> Status | None:
    """The job's ``job.json``, or None when there is none (yet, or any more)."""
    try:
        return json.loads((folder / STATUS_FILE).read_text("utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None


def write_status(folder: Path, status: Status) -> None:
    """Replace the job's ``job.json`` at once: a reader sees the old one or the new one."""
    status["updated_at"] = _now().isoformat()
    partial = folder / f".{STATUS_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    partial.write_text(json.dumps(status, ensure_ascii=False), "utf-8")
    os.replace(partial, folder / STATUS_FILE)


def failure(code: str, msgid: str, params: Mapping[str, object] | None = None) -> dict[str, Any]:
    """Why a job failed: the msgid and its parameters (translated when shown) and the
    French text (the source language), for whoever reads the folder."""
    params = dict(params or {})
    return {
        "code": code,
        "msgid": msgid,
        "params": params,
        "message": msgid % params if params else msgid,
    }


def _owner_is_alive(status: Status) -> bool:
    """Whether the process answering for the job (the server while it waits for a slot,
    then the job's own process) still exists. A process on another machine is trusted."""
    if status.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(status["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, TypeError, ValueError):
        return True
    return True


def effective(status: Status) -> Status:
    """``status`` as it stands: a job whose process is gone, or that ran far too long,
    failed whatever its file says."""
    if status.get("state") not in ACTIVE:
        return status
    if not _owner_is_alive(status):
        return {**status, "state": FAILED, "error": failure("job_failed", INTERRUPTED)}
    updated = datetime.fromisoformat(status["updated_at"])
    if _now() - updated > timedelta(seconds=TIMEOUT_SECONDS * 2):
        return {**status, "state": FAILED, "error": failure("job_failed", TOO_LONG)}
    return status


# --- The server's side ----------------------------------------------------------------


class Jobs:
    """Starts jobs (bounded, one OS process each) and reads any job of the data folder."""

    def __init__(
        self,
        data_dir: Path,
        workers: int,
        config: Mapping[str, object],
        finished: Callable[[Status], None] | None = None,
    ) -> None:
        self.root = Path(data_dir) / JOBS_FOLDER
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._guard = threading.Lock()
        self._config = json.dumps(portable_config(config))
        self._finished = finished or (lambda status: None)

    def start(
        self, kind: str, session_id: str, actor: Actor, *, fmt: str = "", locale: str = "fr"
    ) -> Status:
        """Start a job (``kind`` is :data:`EXPORT`, with ``fmt``, or :data:`ARCHIVE`), or
        return the one already running for the same session and format."""
        subject = {"session_id": session_id, "programme_id": None}
        by = {"role": actor.role.value, "member_id": actor.member_id}
        return self._start(kind, subject, by, fmt, locale)

    def start_programme_export(self, programme_id: str, fmt: str, *, locale: str = "fr") -> Status:
        """Start exporting a programme in ``fmt``, or return the job already doing it."""
        subject = {"session_id": None, "programme_id": programme_id}
        return self._start(PROGRAMME_EXPORT, subject, None, fmt, locale)

    def start_booklet(self, programme_id: str, fmt: str, locale: str) -> Status:
        """Start exporting a programme's booklet in ``fmt`` (a document format), or return
        the export of it under way. Its routes check the programme's team."""
        subject = {"session_id": None, "programme_id": programme_id}
        return self._start(BOOKLET, subject, None, fmt, locale)

    def _start(
        self, kind: str, subject: dict[str, str | None], actor: dict | None, fmt: str, locale: str
    ) -> Status:
        # The thread lock first: under gevent, a greenlet blocked in flock would
        # block the whole process, the one holding the file lock included.
        with self._guard, self._locked():
            self._remove_old()
            wanted = (kind, subject["session_id"], subject["programme_id"], fmt)
            for status in self._statuses():
                same = (
                    status.get("kind"),
                    status.get("session_id"),
                    status.get("programme_id"),
                    status.get("format"),
                )
                if same == wanted and effective(status)["state"] in ACTIVE:
                    return status
            job_id = secrets.token_urlsafe(24)
            folder = self.root / job_id
            folder.mkdir()
            now = _now().isoformat()
            status: Status = {
                "id": job_id,
                "kind": kind,
                **subject,
                "format": fmt,
                "actor": actor,
                "locale": locale,
                "state": QUEUED,
                "progress": {"done": 0, "total": 0},
                "file_name": None,
                "folder": None,
                "seq": None,
                "error": None,
                "created_at": now,
                "pid": os.getpid(),
                "host": socket.gethostname(),
            }
            write_status(folder, status)
        worker = threading.Thread(
            target=self._run, args=(folder,), name=f"mag-job-{job_id[:8]}", daemon=True
        )
        worker.start()
        return status

    def get(self, job_id: str) -> Status | None:
        """The job ``job_id`` as it stands, or None (unknown, removed, or not an id)."""
        if not isinstance(job_id, str) or not _ID.match(job_id):
            return None
        status = read_status(self.root / job_id)
        return None if status is None else effective(status)

    def wait(self, status: Status, poll_seconds: float = 0.2) -> Status:
        """Wait for the job ``status`` to end (another process's too); return its end."""
        deadline = time.monotonic() + TIMEOUT_SECONDS * 2
        while status["state"] in ACTIVE and time.monotonic() < deadline:
            time.sleep(poll_seconds)  # yields under gevent
            status = self.get(status["id"]) or {
                **status,
                "state": FAILED,
                "error": failure("job_failed", INTERRUPTED),
            }
        return status

    def file(self, status: Status) -> Path | None:
        """The file a finished export job made, if it is still there."""
        name = status.get("file_name")
        if status.get("state") != DONE or status.get("kind") not in FILE_KINDS or not name:
            return None
        path = self.root / status["id"] / name
        return path if path.is_file() else None

    # -- running

    def _run(self, folder: Path) -> None:
        """Wait for a slot, run the job's process, make sure its end is written."""
        with self._slots:
            status = read_status(folder)
            if status is None:
                return
            status["state"] = RUNNING  # a slot is ours: no longer waiting
            write_status(folder, status)
            error = failure("job_failed", UNEXPECTED)
            try:
                process = subprocess.Popen(
                    [sys.executable, "-m", "mag.jobs", str(folder)],
                    env={**os.environ, CONFIG_ENV: self._config},
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # it finishes even if this server stops
                )
            except OSError:
                log.exception("could not start the job in %s", folder)
            else:
                try:
                    process.wait(timeout=TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    error = failure("job_failed", TOO_LONG)
            status = read_status(folder)
            if status is None:
                return
            if status["state"] in ACTIVE:  # the process died before writing its end
                status.update(state=FAILED, error=error, pid=os.getpid(), host=socket.gethostname())
                write_status(folder, status)
        try:
            self._finished(status)
        except Exception:
            log.exception("after the job in %s", folder)

    # -- the folder of all jobs

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the jobs folder against the other server processes sharing it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _statuses(self) -> Iterator[Status]:
        for folder in self.root.iterdir():
            status = read_status(folder) if folder.is_dir() else None
            if status is not None:
                yield status

    def _remove_old(self) -> None:
        """Remove the folders of jobs that ended (or died) more than :data:`MAX_AGE` ago."""
        oldest = _now() - MAX_AGE
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            status = read_status(folder)
            if status is None:
                made = datetime.fromtimestamp(folder.stat().st_mtime, UTC)
                is_old = made < oldest  # a folder whose job was never written
            else:
                is_old = (
                    effective(status)["state"] not in ACTIVE
                    and datetime.fromisoformat(status["updated_at"]) < oldest
                )
            if is_old:
                shutil.rmtree(folder, ignore_errors=True)


def portable_config(config: Mapping[str, object]) -> dict[str, object]:
    """The app's own settings (``MAG_*``, ``BABEL_*``, ``TESTING``) as JSON values."""
    kept: dict[str, object] = {}
    for key, value in config.items():
        if not key.startswith(("MAG_", "BABEL_")) and key != "TESTING":
            continue
        if isinstance(value, Path):
            value = str(value)
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            continue
        kept[key] = value
    return kept


_runners_guard = threading.Lock()


def runner(app) -> Jobs:
    """The :class:`Jobs` of this server process's ``app``."""
    with _runners_guard:
        jobs = app.extensions.get("mag_jobs")
        if jobs is None:
            jobs = Jobs(
                Path(app.config["MAG_DATA_DIR"]),
                int(app.config.get("MAG_EXPORT_WORKERS", 2)),
                app.config,
                finished=lambda status: _announce(app, status),
            )
            app.extensions["mag_jobs"] = jobs
        return jobs


def _announce(app, status: Status) -> None:
    """After an archive: have this process's browsers receive ``session_archived``.

    The job's process appended it with a ``Live`` of its own, which reaches no
    browser here; the fan-out reads what they miss from the log (and its sweep
    would find it within seconds anyway).
    """
    if status.get("kind") != ARCHIVE or status.get("state") != DONE:
        return
    fanout = getattr(app.extensions["mag"], "fanout", None)
    if fanout is not None:
        with app.app_context():
            fanout.poke(status["session_id"], status.get("seq"))


# --- The job's own process ------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m mag.jobs <folder>``: do the job described there, writing its state."""
    folder = Path((sys.argv[1:] if argv is None else argv)[0])
    with suppress(OSError):  # not allowed here: run at the same priority
        os.nice(NICENESS)
    status = read_status(folder)
    if status is None:
        return 2
    status.update(state=RUNNING, pid=os.getpid(), host=socket.gethostname())
    write_status(folder, status)
    try:
        _do(folder, status)
        status.update(state=DONE)
    except DomainError as error:
        status.update(state=FAILED, error=failure(error.code, error.msgid, error.params))
    except Exception:
        log.exception(
            "the %s job of %s failed",
            status["kind"],
            status.get("session_id") or status.get("programme_id"),
        )
        status.update(state=FAILED, error=failure("job_failed", UNEXPECTED))
    write_status(folder, status)
    return 0 if status["state"] == DONE else 1


def _do(folder: Path, status: Status) -> None:
    from flask_babel import force_locale

    from mag import create_app

    config = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    if "MAG_DATA_DIR" in config:
        config["MAG_DATA_DIR"] = Path(config["MAG_DATA_DIR"])
    app = create_app(config)
    mag = app.extensions["mag"]

    def progress(done: int, total: int) -> None:
        status["progress"] = {"done": done, "total": total}
        write_status(folder, status)

    try:
        with app.app_context(), force_locale(status.get("locale") or "fr"):
            if status["kind"] == EXPORT:
                status["file_name"] = _export(mag, folder, status, progress)
            elif status["kind"] == PROGRAMME_EXPORT:
                status["file_name"] = _programme_export(mag, folder, status, progress)
            elif status["kind"] == BOOKLET:
                status["file_name"] = _booklet(mag, folder, status, progress)
            elif status["kind"] == ARCHIVE:
                actor = status["actor"]
                done = _archive(
                    mag,
                    status["session_id"],
                    Actor(Role(actor["role"]), member_id=actor["member_id"]),
                    progress,
                )
                status.update(folder=done.folder, seq=done.seq)
            else:
                raise ValueError(f"unknown job kind {status['kind']!r}")
    finally:
        mag.engine.dispose()


def _export(mag, folder: Path, status: Status, progress: Callable[[int, int], None]) -> str:
    """Render one export into the job's folder; return its file name."""
    from mag.report import formats

    fmt = formats.FORMATS[status["format"]]
    progress(0, 2)
    with mag.sessions() as db:
        material = formats.load(db, status["session_id"])
    progress(1, 2)
    content = fmt.export(material)
    name = formats.file_name(material, fmt)
    _write(folder, name, content)
    progress(2, 2)
    return name


def _programme_export(
    mag, folder: Path, status: Status, progress: Callable[[int, int], None]
) -> str:
    """Render a programme's export into the job's folder: a step per session, then the file."""
    from mag.report import programme

    fmt = programme.PROGRAMME_FORMATS[status["format"]]
    with mag.sessions() as db:
        loaded = programme.load(db, status["programme_id"], progress)
    total = len(loaded.sessions) + 2
    content = fmt.export(loaded)
    name = programme.file_name(loaded, fmt)
    _write(folder, name, content)
    progress(total, total)
    return name


def _booklet(mag, folder: Path, status: Status, progress: Callable[[int, int], None]) -> str:
    """Render a programme's booklet into the job's folder; return its file name."""
    from mag.booklets import booklet_export

    content, name = booklet_export(mag, status["programme_id"], status["format"], progress)
    _write(folder, name, content)
    return name


def _write(folder: Path, name: str, content: bytes) -> None:
    """The file whole or not at all: written aside, then renamed into place."""
    partial = folder / f".{name}.tmp"
    partial.write_bytes(content)
    os.replace(partial, folder / name)


def _archive(mag, session_id: str, actor: Actor, progress: Callable[[int, int], None]):
    from mag.archive import write_archive

    return write_archive(mag, session_id, actor, progress)


if __name__ == "__main__":
    sys.exit(main())
