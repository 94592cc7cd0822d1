"""A programme's booklet as stored: its saved versions, and what its draft is made from.

Like mag.programmes: functions take a SQLAlchemy session and flush, never commit; the
rules are mag.domain.booklet's, the Markdown mag.report.booklet's. Reading a group's
facts folds its exportable material (once per session, seq and language: a small cache,
as the cross-analysis keeps its sources), so a draft asked for again folds no log.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mag.cross_analysis import read_programme
from mag.domain.booklet import AUTHOR_MAX, GroupFacts, base_version, check_save, clean_booklet
from mag.domain.cross_analysis import Board
from mag.domain.i18n import N_, DomainError
from mag.domain.programme import apply_replacements
from mag.models import BookletVersionRecord, FicheRecord, ProgrammeRecord, utcnow
from mag.programmes import fiches
from mag.report import booklet
from mag.report.markdown import escape
from mag.services import redact_booklet

# Saved versions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    """A saved version without its text: what the list of versions shows."""

    version: int
    saved_at: datetime
    author: str
    language: str


def versions(db: Session, programme_id: str) -> list[VersionInfo]:
    """The programme's saved versions, oldest first (their texts are not read)."""
    rows = db.execute(
        select(
            BookletVersionRecord.version,
            BookletVersionRecord.saved_at,
            BookletVersionRecord.author,
            BookletVersionRecord.language,
        )
        .where(BookletVersionRecord.programme_id == programme_id)
        .order_by(BookletVersionRecord.version)
    ).all()
    return [VersionInfo(*row) for row in rows]


def latest(db: Session, programme_id: str) -> BookletVersionRecord | None:
    return db.scalar(
        select(BookletVersionRecord)
        .where(BookletVersionRecord.programme_id == programme_id)
        .order_by(BookletVersionRecord.version.desc())
        .limit(1)
    )


def version(db: Session, programme_id: str, number: object) -> BookletVersionRecord:
    found = (
        db.get(BookletVersionRecord, (programme_id, number))
        if isinstance(number, int) and 0 < number < 2**31
        else None
    )
    if found is None:
        raise DomainError("unknown_version", N_("Cette version du livret n'existe pas."))
    return found


def save(
    db: Session, programme_id: str, *, text: object, base: object, author: str = "",
    language: str = "fr",
) -> int:  # fmt: skip
    """Keep ``text`` as the next version, if ``base`` is the latest; return its number.

    The programme's row is locked first, so two saves on the same version are decided one
    after the other: the second is refused as made on an older version.
    """
    cleaned = clean_booklet(text)
    started_from = base_version(base)
    db.scalar(
        select(ProgrammeRecord.id).where(ProgrammeRecord.id == programme_id).with_for_update()
    )
    last = latest(db, programme_id)
    number = last.version if last is not None else 0
    check_save(cleaned, started_from, number, last.text if last is not None else None)
    db.add(
        BookletVersionRecord(
            programme_id=programme_id,
            version=number + 1,
            text=cleaned,
            saved_at=utcnow(),
            author=author[:AUTHOR_MAX],
            language=language,
        )
    )
    db.flush()
    return number + 1


def forget_fiche(db: Session, programme: ProgrammeRecord, fiche: FicheRecord) -> int:
    """The saved versions without a fiche being deleted: its words, as typed or as the draft
    quoted them (the programme's names replaced, escaped, cut), become « […] ».

    For the fiche's deletion, in its transaction. A passage the team rewrote by hand, or
    in which a participant's pseudonym was replaced, is not recognised.
    """
    texts = []
    for raw in (fiche.what_happened, fiche.action):
        for base in {raw, apply_replacements(raw, [(name, "") for name in programme.names])}:
            for text in (base, booklet.excerpt(base)):
                texts += [text, escape(text), escape(text).replace("\n", "\n> ")]
    return redact_booklet(db, programme.id, texts)


# What the draft is made from ----------------------------------------------------------------


@dataclass(frozen=True)
class Gathered:
    """Everything the booklet's draft is made from, read from storage."""

    programme: ProgrammeRecord
    board: Board
    fiches: list[FicheRecord]
    groups: list[GroupFacts]

    def draft(self) -> str:
        programme = self.programme
        return booklet.draft(
            programme, self.board, self.fiches, self.groups, programme.names, programme.services
        )


def gather(db: Session, programme: ProgrammeRecord, progress=lambda done, total: None) -> Gathered:
    """The programme's board, fiches and groups as they stand (needs an app context).

    ``progress(done, total)`` is told after each session is read.
    """
    every_fiche = list(fiches(db, programme.id))
    made, facts = read_programme(db, programme, every_fiche, progress)
    return Gathered(programme, made, every_fiche, facts)


# Exports ------------------------------------------------------------------------------------

# The formats a booklet is exported in: those of a document (a session's other formats are
# records of its transcript).
BOOKLET_FORMATS = ("md", "html", "pdf", "docx")


def booklet_language(db: Session, programme_id: str, default: str) -> str:
    """The language of the booklet's exports: its latest version's, else ``default``."""
    last = versions(db, programme_id)
    return last[-1].language if last else default


def booklet_export(mag, programme_id: str, fmt_name: str, progress) -> tuple[bytes, str]:
    """The booklet in ``fmt_name`` and its file name (run by its job, in an app context).

    The latest saved version, else the draft generated now (the file says which).
    """
    from importlib import import_module

    from mag.report.folding import slug
    from mag.report.formats import FORMATS, local_timezone

    if fmt_name not in BOOKLET_FORMATS:
        raise DomainError("unknown_format", N_("Ce format d'export n'existe pas."))
    fmt = FORMATS[fmt_name]
    with mag.sessions() as db:
        programme = db.get(ProgrammeRecord, programme_id)
        if programme is None:
            raise DomainError("unknown_programme", N_("Ce programme n'existe pas."))
        last = latest(db, programme_id)
        saved = (
            booklet.SavedVersion(last.version, last.text, last.saved_at, last.author)
            if last is not None
            else None
        )
        gathered = gather(db, programme, lambda done, total: progress(done, total + 2))
        total = len(gathered.groups) + 2
        progress(total - 1, total)
        zone = local_timezone()
        paper = booklet.paper(
            programme.title,
            gathered.draft() if saved is None else None,
            saved,
            now=utcnow(),
            created_at=programme.created_at,
            local=lambda at: at.astimezone(zone),
            fragments=booklet.figure_fragments(
                gathered.fiches, gathered.board, programme.services, programme.names
            ),
        )
    content = import_module(fmt.module).export_paper(paper)
    progress(total, total)
    day = paper.changed_at.astimezone(zone).date().isoformat()
    return content, f"{day}-{slug(programme.title)}-livret.{fmt.extension}"
