"""Engine and migrations.

SQLite (the default, in ``sessions/``) is set up for durability: WAL so readers
never block the writer, ``synchronous=FULL`` so an acknowledged command
survives a power cut, foreign keys on, and a busy timeout. Any other database
comes from ``MAG_DATABASE_URL``; nothing else in the code depends on SQLite.
"""

import sqlite3
import sys
import threading
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


SQLITE_SYNCHRONOUS = ("FULL", "NORMAL")


def make_engine(url: str, *, sqlite_synchronous: str = "FULL") -> Engine:
    """The engine for ``url``; on SQLite, commits synced to disk as ``sqlite_synchronous`` says."""
    if url.startswith("sqlite"):
        synchronous = sqlite_synchronous.upper()
        if synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(f"MAG_SQLITE_SYNCHRONOUS must be FULL or NORMAL, not {synchronous!r}")
        if url.startswith("sqlite:///"):
            # The data folder may be new on a fresh clone.
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False, "factory": _SQLiteConnection},
        )
        event.listen(engine, "connect", partial(_sqlite_pragmas, synchronous))
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(synchronous: str, dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _native_threads():
    """gevent's pool of native threads when the process runs under gevent, else None."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("socket"):
        return None
    import gevent

    return gevent.get_hub().threadpool


class _SQLiteConnection(sqlite3.Connection):
    """sqlite3's connection, whose commit waits for the disk in a native thread under gevent.

    With ``synchronous=FULL`` a commit ends with an fsync, milliseconds on a busy disk.
    sqlite3 releases the GIL meanwhile, so running it in gevent's thread pool keeps
    every other connection of the process served while the disk works.
    """

    def commit(self) -> None:
        threads = _native_threads()
        if threads is None:
            return super().commit()
        return threads.apply(sqlite3.Connection.commit, (self,))


def write_lock(engine: Engine) -> AbstractContextManager:
    """What a process holds while it writes: one writer at a time on SQLite.

    SQLite has one writer per database; a second writer in the same process would
    wait for the lock in C, stopping the whole process under gevent. Queued on this
    lock instead, it waits alone. PostgreSQL locks rows, not the database: no lock.
    """
    return threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
