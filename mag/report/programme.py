"""A programme as its exports read it: its lists, its form's addresses, its fiches, its sessions.

The programme's two exports (``to_programme_qdpx``: the REFI-QDA project for analysis
tools; ``to_programme_json``: the team's archive, which ``mag import`` restores) read a
:class:`ProgrammeFile`, loaded at once from the database, never the live tables: the
fiches as stored (the QDPX applies the programme's names itself) and each session as
its :class:`~mag.report.material.Material`, so a session leaves the server as its own
exports make it (its replacement list applied, withdrawn words out).

Needs an app context, as building a session's material does.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mag import cross_analysis, programmes
from mag.domain.cross_analysis import BOARD_KINDS, Group, Theme, board, session_sources
from mag.domain.i18n import N_
from mag.models import BookletVersionRecord, FicheFormRecord
from mag.report.folding import slug
from mag.report.formats import Format, local_timezone
from mag.report.formats import load as load_session
from mag.report.material import Material


@dataclass(frozen=True)
class FormFile:
    """An address of the public form: numbered from 1 in the order they were opened.

    The address itself does not travel (an open one would take fiches from whoever
    holds the file); a restored programme gets new ones.
    """

    number: int
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class FicheFile:
    """A fiche as stored: what the practitioner wrote, and the researchers' tags."""

    id: str
    form: int  # the number of the address it came through
    what_happened: str
    service: str
    service_other: str
    barrier: str
    barrier_other: str
    public: str
    consequences: tuple[str, ...]
    consequence_other: str
    action: str
    function: str
    region: str
    occurred_on: date
    consent_text: str
    language: str
    warnings: dict[str, list[str]]
    created_at: datetime
    themes: tuple[str, ...]
    levels: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeTheme:
    """A theme of the programme's cross-analysis, and where it comes from.

    ``items``: (session id, board item id) of the convergences, divergences and nœuds it
    gathers; the words linked to them are coded with it in the REFI-QDA project.
    ``fiche_ids``: the fiches it gathers. What no longer exists (a removed item, a deleted
    fiche) is left out.
    """

    title: str
    items: Sequence[tuple[str, str]] = ()
    fiche_ids: Sequence[str] = ()
    description: str = ""
    id: str = ""  # its own id, if it has one: its code's GUID, whatever the themes' order


@dataclass(frozen=True)
class BookletVersionFile:
    version: int
    text: str
    saved_at: datetime
    author: str
    language: str


@dataclass(frozen=True)
class ProgrammeFile:
    id: str
    title: str
    question: str
    period_start: date | None
    period_end: date | None
    services: tuple[str, ...]
    names: tuple[str, ...]  # looked for in every fiche; replaced in what analysis tools read
    consent_text: str
    created_at: datetime
    forms: list[FormFile]
    fiches: list[FicheFile]  # oldest first
    sessions: list[Material]  # oldest first
    # The cross-analysis's themes as its exports code them (what still exists), and as the
    # team keeps them (every key and proposal: what the archive restores).
    themes: tuple[ProgrammeTheme, ...] = ()
    board: tuple[Theme, ...] = ()
    retention_until: date | None = None
    booklet: tuple[BookletVersionFile, ...] = ()  # its saved versions, oldest first

    @property
    def last_changed(self) -> datetime:
        """When the programme last changed, as far as its exports show: the zip's date."""
        moments = [self.created_at]
        moments += [form.closed_at or form.created_at for form in self.forms]
        moments += [fiche.created_at for fiche in self.fiches]
        moments += [material.last_changed for material in self.sessions]
        return max(moments)


def load(
    db: Session, programme_id: str, progress: Callable[[int, int], None] | None = None
) -> ProgrammeFile:
    """The programme ``programme_id`` as its exports read it (raises ``unknown_programme``).

    ``progress(done, total)`` is told after each session's material is built (the long
    part); ``total`` counts one more step, the export's own writing.
    """
    record = programmes.programme_record(db, programme_id)
    sessions = programmes.programme_sessions(db, programme_id)
    total = len(sessions) + 2
    tell = progress or (lambda done, total: None)
    tell(0, total)
    forms = db.scalars(
        select(FicheFormRecord)
        .where(FicheFormRecord.programme_id == programme_id)
        .order_by(FicheFormRecord.created_at, FicheFormRecord.key)
    ).all()
    numbers = {form.key: number for number, form in enumerate(forms, start=1)}
    stored_fiches = programmes.fiches(db, programme_id)
    fiches = [
        FicheFile(
            id=fiche.id,
            form=numbers[fiche.form_key],
            what_happened=fiche.what_happened,
            service=fiche.service,
            service_other=fiche.service_other,
            barrier=fiche.barrier,
            barrier_other=fiche.barrier_other,
            public=fiche.public,
            consequences=tuple(fiche.consequences),
            consequence_other=fiche.consequence_other,
            action=fiche.action,
            function=fiche.function,
            region=fiche.region,
            occurred_on=fiche.occurred_on,
            consent_text=fiche.consent_text,
            language=fiche.language,
            warnings={name: list(kinds) for name, kinds in fiche.warnings.items()},
            created_at=fiche.created_at,
            themes=tuple(fiche.themes),
            levels=tuple(fiche.levels),
        )
        for fiche in reversed(stored_fiches)
    ]
    tell(1, total)
    materials = []
    for done, session in enumerate(sessions, start=2):
        materials.append(load_session(db, session.id))
        tell(done, total)
    stored = cross_analysis.themes(db, programme_id)
    found = board(
        stored,
        [Group(m.session_id, m.state.title) for m in materials],
        [source for m in materials for source in session_sources(m.session_id, m.state)],
        stored_fiches,
        record.names,
    )
    return ProgrammeFile(
        id=record.id,
        title=record.title,
        question=record.question,
        period_start=record.period_start,
        period_end=record.period_end,
        services=tuple(record.services),
        names=tuple(record.names),
        consent_text=record.consent_text,
        created_at=record.created_at,
        forms=[FormFile(numbers[f.key], f.created_at, f.closed_at) for f in forms],
        fiches=fiches,
        sessions=materials,
        themes=tuple(
            ProgrammeTheme(
                title=view.theme.title,
                items=[
                    (str(s.session_id), s.key.rsplit(":", 1)[1])
                    for s in view.sources
                    if s.kind in BOARD_KINDS
                ],
                fiche_ids=view.fiche_ids,
                description=view.theme.summary,
                id=view.theme.id,
            )
            for view in found.themes
        ),
        board=tuple(stored),
        retention_until=record.retention_until,
        booklet=tuple(
            BookletVersionFile(v.version, v.text, v.saved_at, v.author, v.language)
            for v in db.scalars(
                select(BookletVersionRecord)
                .where(BookletVersionRecord.programme_id == programme_id)
                .order_by(BookletVersionRecord.version)
            )
        ),
    )


# The formats --------------------------------------------------------------------------------


PROGRAMME_FORMATS = {
    f.name: f
    for f in (
        Format(
            "qdpx",
            "qdpx",
            "application/zip",
            N_("Projet REFI-QDA (.qdpx)"),
            "mag.report.to_programme_qdpx",
        ),
        Format(
            "json",
            "json",
            "application/json",
            N_("Archive JSON (sauvegarde complète)"),
            "mag.report.to_programme_json",
        ),
    )
}


def file_name(programme: ProgrammeFile, fmt: Format) -> str:
    """``<YYYY-MM-DD>-<title>.<ext>``: the programme's creation date and its title, as a slug."""
    day = programme.created_at.astimezone(local_timezone()).date().isoformat()
    return f"{day}-{slug(programme.title)}.{fmt.extension}"
