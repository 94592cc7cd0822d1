"""``mag purge``: the sessions and programmes whose retention date is past are deleted.

A session's rows go (the foreign keys cascade; the search rows are deleted first so the
SQLite index follows), then its folder. Each one's id is written down
(``purged_sessions``), and nothing else of it, so a browser coming back to its
address is told it is gone.

A programme's rows go with everything it holds (:data:`PROGRAMME_ROWS`); its sessions are
only detached (:data:`PROGRAMME_DETACHED`): each has its own retention date.
"""

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import sessionmaker

from mag.archive.reading import folder_path
from mag.models import (
    BookletVersionRecord,
    FicheFormRecord,
    FicheRecord,
    ProgrammeMemberRecord,
    ProgrammeRecord,
    ProgrammeThemeRecord,
    PurgedSessionRecord,
    SearchEntryRecord,
    SessionRecord,
    utcnow,
)

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


# --- Programmes ------------------------------------------------------------------

# What purging a programme deletes: every row of these tables whose ``programme_id`` is
# the programme's, in this order, then the programme's own row. A table added later that
# refers to programmes goes in one of these two lists (tests/integration/test_programme_purge.py
# fails until it does).
PROGRAMME_ROWS = (
    FicheRecord,
    FicheFormRecord,
    ProgrammeMemberRecord,
    ProgrammeThemeRecord,
    BookletVersionRecord,
)
# ... and what it only detaches (``programme_id`` emptied): sessions keep their own retention.
PROGRAMME_DETACHED = (SessionRecord,)


@dataclass(frozen=True)
class PurgedProgramme:
    programme_id: str
    title: str
    retention_until: date
    fiches: int
    sessions: int  # detached, not deleted


def purge_programmes(
    sessions: sessionmaker, today: date, *, dry_run: bool = False
) -> list[PurgedProgramme]:
    """Delete every programme whose retention date is before ``today``, with its fiches,
    forms and team links; detach its sessions. With ``dry_run``, only list them."""
    with sessions() as db, db.begin():
        records = list(
            db.scalars(
                select(ProgrammeRecord)
                .where(
                    ProgrammeRecord.retention_until.is_not(None),
                    ProgrammeRecord.retention_until < today,
                )
                .order_by(ProgrammeRecord.retention_until, ProgrammeRecord.id)
            )
        )

        def count(model, programme_id: str) -> int:
            return db.scalar(
                select(func.count()).select_from(model).where(model.programme_id == programme_id)
            )

        found = [
            PurgedProgramme(
                r.id,
                r.title,
                r.retention_until,
                count(FicheRecord, r.id),
                count(SessionRecord, r.id),
            )
            for r in records
        ]
        if dry_run:
            return found
        for record in records:
            for model in PROGRAMME_DETACHED:
                db.execute(
                    update(model).where(model.programme_id == record.id).values(programme_id=None)
                )
            for model in PROGRAMME_ROWS:
                db.execute(delete(model).where(model.programme_id == record.id))
            db.execute(delete(ProgrammeRecord).where(ProgrammeRecord.id == record.id))
    return found
