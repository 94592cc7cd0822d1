"""``mag purge``: the sessions whose retention date is past are deleted.

Their rows go (the foreign keys cascade; the search rows are deleted first so the
SQLite index follows), then their folder. Each one's id is written down
(``purged_sessions``), and nothing else of it, so a browser coming back to its
address is told it is gone.
"""

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import sessionmaker

from mag.archive.reading import folder_path
from mag.models import PurgedSessionRecord, SearchEntryRecord, SessionRecord, utcnow

# --- Purge ----------------------------------------------------------------------


@dataclass(frozen=True)
class Purged:
    session_id: str
    title: str
    folder: str | None
    retention_until: date


def purge(
    sessions: sessionmaker, data_dir: Path, today: date, *, dry_run: bool = False
) -> list[Purged]:
    """Delete every session whose retention date is before ``today``: rows, index, folder.

    Sessions without a retention date are kept. With ``dry_run``, only list them.
    """
    with sessions() as db, db.begin():
        records = list(
            db.scalars(
                select(SessionRecord)
                .where(
                    SessionRecord.retention_until.is_not(None),
                    SessionRecord.retention_until < today,
                )
                .order_by(SessionRecord.retention_until, SessionRecord.id)
            )
        )
        found = [
            Purged(r.id, r.archive_title or r.title, r.archive_folder, r.retention_until)
            for r in records
        ]
        if dry_run:
            return found
        for record in records:
            # The search rows first: on SQLite their trigger takes them out of the FTS5 index.
            db.execute(delete(SearchEntryRecord).where(SearchEntryRecord.session_id == record.id))
            # Events, participants, members and commands follow by ON DELETE CASCADE.
            db.execute(delete(SessionRecord).where(SessionRecord.id == record.id))
            # Its id alone stays, so its addresses say « supprimée » (410) rather than 404.
            db.execute(insert(PurgedSessionRecord).values(id=record.id, purged_at=utcnow()))
    for gone in found:
        path = folder_path(data_dir, gone.folder)
        if path is not None and path.is_dir():
            shutil.rmtree(path)
    return found
