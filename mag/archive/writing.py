"""Archiving an ended session: every export and the consent records in a folder of its own.

The files are rendered first, next to their place, with no lock or transaction open
(rendering takes seconds, the session's commands must not wait); then one short
:meth:`mag.live.Live.write` checks that the session has not moved since, fills the
search index, renames the folder into place and appends ``session_archived``. The
folder is removed again if that transaction fails. The server runs it in a job
(:mod:`mag.jobs`), in its own process.
"""

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mag import services
from mag.archive.index import index_rows, replace_entries
from mag.domain import commands
from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Protocol
from mag.domain.roles import Actor
from mag.domain.state import SessionState
from mag.domain.steps import after
from mag.models import SessionRecord, utcnow
from mag.report import formats
from mag.report.folding import slug
from mag.report.material import Material

CONSENT_FILE = "consentements.csv"


# --- Text folding and folder names ----------------------------------------------


def _held_on(state: SessionState, record: SessionRecord) -> date:
    """The day the session was held: its first step's start, else its creation."""
    started = state.visits[0].started_at if state.visits else record.created_at
    return started.astimezone(formats.local_timezone()).date()


def _free_folder(db: Session, session_id: str, base: str, data_dir: Path) -> str:
    """``base``, or ``base-2``, ``base-3``… when another session (or a folder) has it."""
    number = 1
    while True:
        name = base if number == 1 else f"{base}-{number}"
        owner = db.scalar(select(SessionRecord.id).where(SessionRecord.archive_folder == name))
        if owner in (None, session_id) and not (data_dir / name).exists():
            return name
        number += 1


# --- Archiving ------------------------------------------------------------------

# How many times the files are rendered again when the session changed meanwhile.
ARCHIVE_ATTEMPTS = 3
# Called after each file written: (files done, files in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Archived:
    """Where a session was archived, and the seq of its ``session_archived`` event."""

    folder: str
    seq: int


@dataclass(frozen=True)
class _Prepared:
    """Everything rendered from the session as it stood at ``seq``, waiting to be placed."""

    seq: int
    base: str  # the folder name before any number is added
    folder: str
    temporary: Path
    title: str
    held_on: date
    participant_count: int
    rows: list[dict[str, str]]


class _SessionChanged(Exception):
    """The session moved past the seq the files were rendered from."""


def archive_session(mag, session_id: str, actor: Actor) -> str:
    """Archive the ended session ``session_id`` for ``actor`` (an animateur); return its folder.

    ``mag`` is ``current_app.extensions["mag"]``; needs an app context.
    """
    return write_archive(mag, session_id, actor).folder


def write_archive(mag, session_id: str, actor: Actor, progress: Progress | None = None) -> Archived:
    """Archive ``session_id``: render every file with no lock or transaction open, then
    place them, fill the search index and append ``session_archived`` in one short
    :meth:`~mag.live.Live.write` that first checks the session is still at the seq the
    files were made from (else they are rendered again, :data:`ARCHIVE_ATTEMPTS` times
    at most).

    Slow (every export format): :mod:`mag.jobs` runs it in its own process. Needs an
    app context.
    """
    commands.check_may(after.ARCHIVE, actor)
    data_dir = Path(current_app.config["MAG_DATA_DIR"])
    for _attempt in range(ARCHIVE_ATTEMPTS):
        prepared = _prepare(mag, session_id, data_dir, progress or (lambda done, total: None))
        try:
            return _place(mag, session_id, actor, prepared, data_dir)
        except _SessionChanged:
            continue
    raise DomainError(
        "session_changed",
        N_("La séance a changé pendant l'archivage, plusieurs fois de suite : réessayez."),
    )


def _prepare(mag, session_id: str, data_dir: Path, progress: Progress) -> _Prepared:
    """Render every file of the archive into a temporary folder beside its place."""

    def look(state: SessionState, protocol: Protocol) -> tuple[int, datetime | None]:
        after.archive(state, "-")  # refuses a session not ended, or archived, before any work
        return state.seq, state.visits[0].started_at if state.visits else None

    # The seq is read before the log, so the material holds at least what it says.
    seq, started = mag.live.read(session_id, look)
    with mag.sessions() as db:
        record = services.session_record(db, session_id)
        material = formats.load(db, session_id)
        day = (started or record.created_at).astimezone(formats.local_timezone()).date()
        base = f"{day.isoformat()}-{slug(material.state.title)}"
        folder = _free_folder(db, session_id, base, data_dir)
    makers: dict[str, Callable[[Material], bytes]] = {
        f"{folder}.{fmt.extension}": fmt.export for fmt in formats.FORMATS.values()
    }
    makers[CONSENT_FILE] = consent_csv
    progress(0, len(makers))
    temporary = _write_temporary(data_dir, folder, material, makers, progress)
    try:
        return _Prepared(
            seq=seq,
            base=base,
            folder=folder,
            temporary=temporary,
            title=material.state.title,
            held_on=day,
            participant_count=sum(
                1 for p in material.state.participants.values() if p.has_accepted
            ),
            rows=index_rows(material),
        )
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _place(mag, session_id: str, actor: Actor, prepared: _Prepared, data_dir: Path) -> Archived:
    """The short write: check the session did not move, index, rename into place, append."""
    placed: dict[str, Path] = {"temporary": prepared.temporary}
    folder = prepared.folder

    def make(db: Session, state: SessionState, protocol: Protocol) -> list[NewEvent]:
        new_events = after.archive(state, folder)  # ended and not archived meanwhile
        if state.seq != prepared.seq:
            raise _SessionChanged
        if _free_folder(db, session_id, prepared.base, data_dir) != folder:
            raise _SessionChanged  # another session took the name meanwhile
        record = services.session_record(db, session_id)
        replace_entries(db, session_id, prepared.rows)
        record.archived_at = utcnow()
        record.archive_folder = folder
        record.archive_title = prepared.title
        record.held_on = prepared.held_on
        record.participant_count = prepared.participant_count
        record.retention_until = services.as_date(state.settings.retention_until)
        db.flush()
        final = data_dir / folder
        if final.exists():  # pragma: no cover - another process took the name meanwhile
            raise DomainError(
                "conflict",
                N_("Conflit d'écriture : la commande n'a pas été enregistrée, réessayez."),
            )
        os.rename(placed.pop("temporary"), final)
        placed["final"] = final
        return new_events

    try:
        outcome = mag.live.write(session_id, actor, make)
    except BaseException:
        temporary = placed.get("temporary")
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
        final = placed.get("final")
        if final is not None and not _is_archived_in(mag.sessions, session_id, folder):
            shutil.rmtree(final, ignore_errors=True)
        raise
    return Archived(folder, outcome.seq)


def _is_archived_in(sessions: sessionmaker, session_id: str, folder: str) -> bool:
    """Whether the database says ``session_id`` is archived in ``folder`` (it committed)."""
    with sessions() as db:
        stored = db.scalar(
            select(SessionRecord.archive_folder).where(SessionRecord.id == session_id)
        )
    return stored == folder


def _write_temporary(
    data_dir: Path,
    folder: str,
    material: Material,
    makers: Mapping[str, Callable[[Material], bytes]],
    progress: Progress,
) -> Path:
    """Render each file of ``makers`` into a new hidden folder beside ``data_dir/folder``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder}.", suffix=".tmp", dir=data_dir))
    try:
        for done, (name, make) in enumerate(makers.items(), start=1):
            content = make(material)
            with open(temporary / name, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            progress(done, len(makers))
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return temporary


def consent_csv(material: Material) -> bytes:
    """Who accepted which version of the convention, when, and who withdrew, when (UTC).

    Only people who accepted: someone who joined and never accepted gave no consent.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _("participant"),
            _("version de la convention"),
            _("acceptée le"),
            _("consentement retiré le"),
        ]
    )
    people = sorted(
        (p for p in material.state.participants.values() if p.accepted_at is not None),
        key=lambda p: p.joined_at,
    )
    for person in people:
        writer.writerow(
            [
                material.speaker(person.id),
                "" if person.accepted_version is None else person.accepted_version,
                _iso(person.accepted_at),
                _iso(person.withdrawn_at),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _iso(at: datetime | None) -> str:
    return "" if at is None else at.astimezone(UTC).isoformat()
