"""Engine and migrations.

SQLite (the default, in ``sessions/``) is set up for durability: WAL so readers
never block the writer, an acknowledged command on the disk before it is
acknowledged (:class:`Writes`: commits synced together), foreign keys on, and a
busy timeout. Any other database comes from ``MAG_DATABASE_URL``; nothing else
in the code depends on SQLite.
"""

import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Dialect, Engine, create_engine, event, exc
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql.base import Executable

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///"):
            # The data folder may be new on a fresh clone.
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # The WAL is synced at checkpoints only; Writes syncs it before acknowledging.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A commit only appends to the WAL: Writes copies it into the database beside the
    # writers (a checkpoint inside a commit would hold every writer behind its fsyncs).
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute("PRAGMA foreign_keys=ON")
    # What is deleted or rewritten is zeroed in the file, not left in free space: an
    # evaluation pool rewritten or withdrawn words erased leave no earlier copy behind.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _native_threads():
    """gevent's pool of native threads when the process runs under gevent, else None."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("socket"):
        return None
    import gevent

    return gevent.get_hub().threadpool


# The WAL is copied into the database every so many commits, beside the writers; a WAL
# that has not started over after this many frames is copied between two writers.
CHECKPOINT_EVERY = 100
WAL_FRAMES_LIMIT = 20_000
# Under gevent, an fsync is made in place while the recent ones took less than this (a
# handoff to a native thread and back costs about as much as a quick disk's fsync), and
# in a native thread when the disk is slower, so that the process never waits on it.
QUICK_FSYNC_SECONDS = 0.001


class Writes:
    """How one process writes: one writer at a time, each commit on disk before it is answered.

    SQLite has one writer per database; a second writer in the same process would
    wait for it inside C, stopping the whole process under gevent. Queued on
    :meth:`turn`'s lock instead, it waits alone.

    Durability is a group commit: SQLite commits without waiting for the disk
    (``synchronous=NORMAL``), then :meth:`turn` waits, after giving the lock to the
    next writer, until an fsync of the WAL that began after this commit has
    ended. Every command committed while one fsync runs shares the next, so the
    disk's wait is paid once per group, not once per command, and an acknowledged
    command is on the disk as with ``synchronous=FULL``. Under gevent the fsync runs
    in a native thread, unless the disk has been answering within
    ``QUICK_FSYNC_SECONDS``: then in place, cheaper than the handoff. ``durable=False``
    (``MAG_SQLITE_SYNCHRONOUS=NORMAL``) skips the fsync: commands then survive a
    crash of mag, not a power cut. PostgreSQL needs neither the lock nor the fsync.

    A commit only appends to the WAL (``wal_autocheckpoint=0``). Every
    ``CHECKPOINT_EVERY`` commits, a passive checkpoint copies the WAL into the
    database on a connection of its own, in a native thread under gevent, while
    the writers go on; the WAL starts over once all of it is copied.
    """

    def __init__(self, engine: Engine, *, durable: bool = True) -> None:
        is_sqlite = engine.dialect.name == "sqlite"
        database = engine.url.database if is_sqlite else None
        self._database = database or None  # None: PostgreSQL, or SQLite in memory
        self._lock = threading.Lock() if is_sqlite else nullcontext()
        self._wal = Path(f"{database}-wal") if durable and database else None
        self._guard = threading.Lock()
        self._sync_lock = threading.Lock()
        self._committed = 0  # commits so far, in order
        self._synced = 0  # commits known to be on disk
        self._copied_at = 0  # commits when the last checkpoint began
        self._copying = False
        self._wal_frames = 0  # the WAL's length at the last checkpoint
        self.syncs = 0  # fsyncs made (the benchmark and the tests read it)
        self.fsync_seconds = 0.0  # how long the recent fsyncs took (a moving average)
        self.checkpoints = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the process's write turn; on leaving without error, wait until durable."""
        with self._lock:
            yield
            with self._guard:
                self._committed += 1
                ticket = self._committed
                due = (
                    self._database is not None
                    and not self._copying
                    and ticket - self._copied_at >= CHECKPOINT_EVERY
                )
                if due:
                    self._copying, self._copied_at = True, ticket
        if self._wal is not None:
            self._wait_for_disk(ticket)
        if due:
            self._checkpoint()

    def _wait_for_disk(self, ticket: int) -> None:
        with self._sync_lock:
            if self._synced >= ticket:
                return  # an fsync that began after this commit has ended
            with self._guard:
                covered = self._committed
            threads = _native_threads()
            started = time.perf_counter()
            if threads is None or self.fsync_seconds < QUICK_FSYNC_SECONDS:
                _fsync(self._wal)
            else:
                threads.apply(_fsync, (self._wal,))
            self.fsync_seconds += (time.perf_counter() - started - self.fsync_seconds) / 5
            self.syncs += 1
            self._synced = covered

    def _checkpoint(self) -> None:
        """Copy the WAL into the database, beside the writers (between two, if it keeps growing)."""
        threads = _native_threads()
        if self._wal_frames > WAL_FRAMES_LIMIT:
            # Writers kept adding to it while it was copied, so it never started over.
            with self._lock:
                self._copy_wal() if threads is None else threads.apply(self._copy_wal)
        elif threads is None:
            self._copy_wal()
        else:
            threads.spawn(self._copy_wal)  # not waited for

    def _copy_wal(self) -> None:
        try:
            connection = sqlite3.connect(self._database, timeout=30)
            try:
                _busy, frames, _copied = connection.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
            finally:
                connection.close()
            self._wal_frames = frames
            self.checkpoints += 1
        except sqlite3.Error as error:  # the next one tries again
            log.warning("checkpoint of the WAL failed: %s", error)
        finally:
            self._copying = False


def _fsync(path: Path) -> None:
    """Flush ``path``'s written data to the disk (any descriptor of the file will do)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # no WAL: nothing was written since the last checkpoint removed it
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Prepared:
    """A Core statement compiled once per dialect, then run on the driver's own cursor.

    For the statements every command runs. SQLAlchemy's execution around each one (an
    execution context, its parameters processed, a result object) cost more CPU than
    the database's own work on them: in a profile of the server under load, half of
    the write path's time. Here the statement is compiled once for the connection's
    dialect (an INSERT with the columns its rows name), each parameter goes through
    its column type's own bind processor (so what is stored is what Core would store,
    and Core reads it back), and the driver runs it inside the connection's
    transaction. A constraint the database refuses raises SQLAlchemy's
    ``IntegrityError``, as through Core. Every row given must name the same keys.
    """

    def __init__(self, statement: Executable) -> None:
        self._statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def run(self, connection: Connection, rows: Mapping[str, object] | list) -> int:
        """Run with one row of parameters, or a list of them; returns the rows changed."""
        rows = [rows] if isinstance(rows, Mapping) else rows
        compiled = self._compiled.get(connection.dialect.name)
        if compiled is None:
            keys = list(rows[0]) if self._statement.is_insert else None
            compiled = self._compiled[connection.dialect.name] = _Compiled(
                self._statement, connection.dialect, keys
            )
        cursor = connection.connection.cursor()
        try:
            if len(rows) == 1:
                cursor.execute(compiled.sql, compiled.parameters(rows[0]))
            else:
                cursor.executemany(compiled.sql, [compiled.parameters(row) for row in rows])
            return cursor.rowcount
        except connection.dialect.loaded_dbapi.IntegrityError as error:
            raise exc.IntegrityError(compiled.sql, None, error) from error
        finally:
            cursor.close()


class _Compiled:
    """A statement's SQL for one dialect, and how to turn a row into its parameters."""

    def __init__(self, statement: Executable, dialect: Dialect, keys: list[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        self.sql = str(compiled)
        self._processors = {  # what Core applies: the type as the dialect implements it
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        # qmark and numeric styles take a tuple, in this order; the others a mapping.
        self._order = compiled.positiontup

    def parameters(self, row: Mapping[str, object]) -> tuple | dict:
        processed = {}
        for name, process in self._processors.items():
            processed[name] = row[name] if process is None else process(row[name])
        if self._order is None:
            return processed
        return tuple(processed[name] for name in self._order)


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
