"""A programme's cross-analysis as stored: its themes, and the board they are read on.

Like mag.programmes: functions take a SQLAlchemy session and flush, never commit; the rules
are mag.domain.cross_analysis's. A session's sources are read from its exportable material
(the replacement list applied, withdrawn words gone), built once per session and seq and kept
in a small cache (with what the booklet says of the group), so a board or a booklet seen again
after an edit of a theme folds no log.
"""

from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mag.domain.booklet import GroupFacts
from mag.domain.cross_analysis import (
    Board,
    Group,
    Source,
    Theme,
    ThemeProposal,
    board,
    check_new_theme,
    clean_theme_proposal,
    clean_theme_summary,
    clean_theme_title,
    session_sources,
    with_proposal,
    with_sources,
    without_source,
)
from mag.domain.i18n import N_, DomainError
from mag.domain.steps.base import client_id
from mag.models import ProgrammeRecord, ProgrammeThemeRecord, SessionRecord, utcnow
from mag.programmes import fiche_rows, programme_record, programme_sessions
from mag.services import is_id, new_id

_CACHE_SIZE = 256  # sessions' readings kept: a few programmes' worth
_cache: OrderedDict[tuple[str, int, str], tuple[list[Source], GroupFacts]] = OrderedDict()
_cache_lock = Lock()


def read_session(db: Session, record: SessionRecord) -> tuple[list[Source], GroupFacts]:
    """A session's board items and perspectives, and what the booklet says of its group, read
    from one material at the session's current seq, in the language of the moment (needs an
    app context). Kept until the session moves on, so a board or a booklet seen again folds
    no log."""
    key = (record.id, record.last_seq, str(get_locale()))
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    from mag.report.booklet import group_facts
    from mag.report.formats import load

    material = load(db, record.id)
    found = (session_sources(record.id, material.state), group_facts(material, record.title))
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def themes(db: Session, programme_id: str) -> list[Theme]:
    return [_theme(record) for record in _records(db, programme_id)]


def read_programme(
    db: Session, programme: ProgrammeRecord, fiches=None, progress=lambda done, total: None
) -> tuple[Board, list[GroupFacts]]:
    """The programme's board as it stands, and each group's facts, in the programme's order.

    ``fiches``: the programme's fiches if the caller has read them already (rows will do);
    ``progress(done, total)`` is told after each session is read.
    """
    records = programme_sessions(db, programme.id)
    groups: list[Group] = []
    sources: list[Source] = []
    facts: list[GroupFacts] = []
    for done, record in enumerate(records, start=1):
        found, fact = read_session(db, record)
        groups.append(Group(record.id, record.title))
        sources.extend(found)
        facts.append(fact)
        progress(done, len(records))
    if fiches is None:
        fiches = fiche_rows(db, programme.id)
    made = board(themes(db, programme.id), groups, sources, fiches, programme.names)
    return made, facts


def programme_board(db: Session, programme: ProgrammeRecord, fiches=None) -> Board:
    """The programme's board as it stands: every theme resolved against what exists now."""
    return read_programme(db, programme, fiches)[0]


def add_theme(db: Session, programme_id: str, title: object) -> str:
    programme_record(db, programme_id)
    cleaned = clean_theme_title(title)
    check_new_theme(themes(db, programme_id), cleaned)
    position = db.scalar(
        select(func.coalesce(func.max(ProgrammeThemeRecord.position), -1)).where(
            ProgrammeThemeRecord.programme_id == programme_id
        )
    )
    record = ProgrammeThemeRecord(
        id=new_id(), programme_id=programme_id, position=position + 1, title=cleaned,
        summary="", sources=[], proposals=[], created_at=utcnow(), updated_at=utcnow(),
    )  # fmt: skip
    db.add(record)
    db.flush()
    return record.id


def edit_theme(
    db: Session, programme_id: str, theme_id: str, *, title: object, summary: object
) -> None:
    record = _locked(db, programme_id, theme_id)
    cleaned = clean_theme_title(title)
    others = [t for t in themes(db, programme_id) if t.id != theme_id]
    if cleaned.casefold() != record.title.casefold():
        check_new_theme(others, cleaned)
    record.title, record.summary = cleaned, clean_theme_summary(summary)
    _touch(db, record)


def delete_theme(db: Session, programme_id: str, theme_id: str) -> None:
    db.delete(_locked(db, programme_id, theme_id))
    db.flush()


def move_theme(db: Session, programme_id: str, theme_id: str, offset: int) -> None:
    """Move a theme up (-1) or down (+1) in the programme's order."""
    records = list(_records(db, programme_id, lock=True))
    index = next((i for i, r in enumerate(records) if r.id == theme_id), None)
    if index is None:
        raise _unknown_theme()
    target = index + offset
    if 0 <= target < len(records):
        records[index], records[target] = records[target], records[index]
        for position, record in enumerate(records):
            record.position = position
        db.flush()


def add_sources(
    db: Session, programme: ProgrammeRecord, theme_id: str, keys: Iterable[object]
) -> None:
    record = _locked(db, programme.id, theme_id)
    known = programme_board(db, programme).keys
    record.sources = list(with_sources(_theme(record), keys, known).sources)
    _touch(db, record)


def remove_source(db: Session, programme_id: str, theme_id: str, key: object) -> None:
    record = _locked(db, programme_id, theme_id)
    record.sources = list(without_source(_theme(record), str(key)).sources)
    _touch(db, record)


def add_proposal(
    db: Session, programme_id: str, theme_id: str, *, proposal_id: object, level: object,
    text: object,
) -> None:  # fmt: skip
    """A proposal of the team's for the theme; the same ``proposal_id`` again replaces it."""
    record = _locked(db, programme_id, theme_id)
    level, cleaned = clean_theme_proposal(level, text)
    proposal = ThemeProposal(client_id(proposal_id), level, cleaned)
    record.proposals = [vars(p) for p in with_proposal(_theme(record), proposal).proposals]
    _touch(db, record)


def remove_proposal(db: Session, programme_id: str, theme_id: str, proposal_id: object) -> None:
    record = _locked(db, programme_id, theme_id)
    record.proposals = [p for p in record.proposals if p["id"] != proposal_id]
    _touch(db, record)


# ------------------------------------------------------------------------------------------------


def _records(db: Session, programme_id: str, *, lock: bool = False):
    query = (
        select(ProgrammeThemeRecord)
        .where(ProgrammeThemeRecord.programme_id == programme_id)
        .order_by(ProgrammeThemeRecord.position, ProgrammeThemeRecord.id)
    )
    return db.scalars(query.with_for_update() if lock else query).all()


def _theme(record: ProgrammeThemeRecord) -> Theme:
    return Theme(
        id=record.id,
        title=record.title,
        summary=record.summary,
        sources=tuple(record.sources),
        proposals=tuple(ThemeProposal(**p) for p in record.proposals),
    )


def _locked(db: Session, programme_id: str, theme_id: str) -> ProgrammeThemeRecord:
    record = (
        db.scalar(
            select(ProgrammeThemeRecord)
            .where(ProgrammeThemeRecord.id == theme_id)
            .with_for_update()
        )
        if is_id(theme_id)
        else None
    )
    if record is None or record.programme_id != programme_id:
        raise _unknown_theme()
    return record


def _touch(db: Session, record: ProgrammeThemeRecord) -> None:
    record.updated_at = utcnow()
    db.flush()


def _unknown_theme() -> DomainError:
    return DomainError("unknown_theme", N_("Ce thème n'existe plus : rechargez la page."))
