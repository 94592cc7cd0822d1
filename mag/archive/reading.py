"""Reading the archive: the archived sessions, their folders, the key to the archive pages."""

import hmac
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mag import services
from mag.models import ServerKeyRecord, SessionRecord, utcnow

ARCHIVE_KEY = "archive"
# What a folder name looks like: a date, then the title's slug (and a number).
FOLDER_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- Reading the archive --------------------------------------------------------


def archived_sessions(db: Session) -> list[SessionRecord]:
    return list(
        db.scalars(
            select(SessionRecord)
            .where(SessionRecord.archive_folder.is_not(None))
            .order_by(SessionRecord.held_on.desc(), SessionRecord.archived_at.desc())
        )
    )


def folder_path(data_dir: Path, folder: str | None) -> Path | None:
    """The archive folder ``folder`` inside ``data_dir``, if the name is one mag writes."""
    if not folder or not FOLDER_PATTERN.match(folder):
        return None
    return Path(data_dir) / folder


def folder_files(data_dir: Path, folder: str | None) -> list[str]:
    """The files of an archive folder (no sub-folders, no hidden files), by name."""
    path = folder_path(data_dir, folder)
    if path is None or not path.is_dir():
        return []
    return sorted(p.name for p in path.iterdir() if p.is_file() and not p.name.startswith("."))


# --- The key to the archive pages -------------------------------------------------


def rotate_archive_secret(sessions: sessionmaker) -> str:
    """Issue a new secret for the archive pages (``/archives/cle/<secret>``); the old one stops."""
    secret = services.new_secret()
    with sessions() as db, db.begin():
        record = db.get(ServerKeyRecord, ARCHIVE_KEY)
        if record is None:
            db.add(ServerKeyRecord(name=ARCHIVE_KEY, secret_hash=services.hash_secret(secret)))
        else:
            record.secret_hash = services.hash_secret(secret)
            record.created_at = utcnow()
    return secret


def archive_secret_matches(db: Session, secret: str | None) -> bool:
    record = db.get(ServerKeyRecord, ARCHIVE_KEY)
    return (
        record is not None
        and bool(secret)
        and hmac.compare_digest(services.hash_secret(secret), record.secret_hash)
    )
