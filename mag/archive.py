"""The archive: a session written out for good, searched across sessions, deleted in time.

Archiving an ended session writes every export format and the consent records
into ``MAG_DATA_DIR/<folder>/``, fills the search index with what the exportable
:class:`~mag.report.material.Material` contains (names replaced, withdrawn words
out) and appends ``session_archived``. The files are rendered first, next to
their place, with no lock or transaction open (rendering takes seconds, the
session's commands must not wait); then one short :meth:`mag.live.Live.write`
checks that the session has not moved since, fills the index, renames the
folder into place and appends the event. The folder is removed again if that
transaction fails. The server runs it in a job (:mod:`mag.jobs`), in its own
process.

The search index (migration 0003) is an FTS5 table on SQLite and a tsvector
column on PostgreSQL; both find words whatever their accents, and the words
people type are never handed to the database as query syntax.

``mag purge`` deletes the sessions whose retention date is past: their rows
(the foreign keys cascade; the search rows are deleted first so the SQLite
index follows) and their folder.
"""

import csv
import hmac
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from mag import services
from mag.domain import commands
from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Protocol
from mag.domain.roles import Actor
from mag.domain.state import BoardKind, SessionState
from mag.models import SearchEntryRecord, ServerKeyRecord, SessionRecord, utcnow
from mag.report import formats
from mag.report.document import anchor_id, transcript_rows
from mag.report.folding import fold, slug
from mag.report.material import Material

ARCHIVE_KEY = "archive"
CONSENT_FILE = "consentements.csv"
# What a folder name looks like: a date, then the title's slug (and a number).
FOLDER_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
# Markers around matched words in FTS5 snippets: control characters nobody types
# (and taken out of every indexed text), so a participant cannot forge a <mark>.
_OPEN, _CLOSE = "\x02", "\x03"
_SNIPPET_TOKENS = 24
_MAX_TERMS = 12
_TOKEN = re.compile(r"[^\W_]+")


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
    commands.check_may(commands.ARCHIVE, actor)
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
        commands.archive(state, "-")  # refuses a session not ended, or archived, before any work
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
        new_events = commands.archive(state, folder)  # ended and not archived meanwhile
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


# --- The search index -----------------------------------------------------------


def index_rows(material: Material) -> list[dict[str, str]]:
    """What the search finds in a session: the transcript's rows (contributions, récits
    proposed, board items), from the exportable material only.

    A withdrawn participant's words are already replaced by the marker (lines
    holding only the marker are not indexed) or gone.
    """
    authors = {c.id: c.author_id for c in material.state.contributions.values()}
    authors.update({p.id: p.author_id for p in material.state.proposals.values()})
    rows: list[dict[str, str]] = []
    for row in transcript_rows(material):
        body = _indexed_text(str(row["text"] or "").split("\n"), material.marker)
        if not body:
            continue
        recit = row.get("recit")
        ref = str(row["id"])
        rows.append(
            {
                "ref": ref,
                "step_number": str(row.get("step") or ""),
                "step_title": str(row.get("step_title") or ""),
                "recit": material.recit_title(int(recit) - 1) if recit else "",  # type: ignore[arg-type]
                "speaker": str(row.get("speaker") or ""),
                "function": _function(material, authors.get(ref)),
                "board_kinds": " ".join(str(k) for k in row.get("board_kinds") or ()),  # type: ignore[union-attr]
                "kind": str(row.get("kind") or ""),
                "text": body,
            }
        )
    return rows


def _function(material: Material, participant_id: str | None) -> str:
    participant = material.state.participants.get(participant_id or "")
    if participant is None or participant.withdrawn_at is not None:
        return ""
    return participant.function


def _indexed_text(parts: Iterable[str], marker: str) -> str:
    kept = [p.strip() for p in parts if p and p.strip() and p.strip() != marker]
    return "\n".join(kept).replace(_OPEN, "").replace(_CLOSE, "")


_ENTRY_COLUMNS = (
    "session_id",
    "ref",
    "step_number",
    "step_title",
    "recit",
    "speaker",
    "function",
    "function_key",
    "board_kinds",
    "kind",
    "text",
)


def replace_entries(db: Session, session_id: str, rows: Sequence[Mapping[str, str]]) -> None:
    """Make ``rows`` the session's whole part of the search index."""
    db.execute(delete(SearchEntryRecord).where(SearchEntryRecord.session_id == session_id))
    if not rows:
        return
    names = ", ".join(_ENTRY_COLUMNS)
    values = ", ".join(f":{column}" for column in _ENTRY_COLUMNS)
    if _is_postgresql(db):
        names += ", tsv"
        values += ", to_tsvector('french', :folded)"
    params = [
        {
            **{column: row.get(column, "") for column in _ENTRY_COLUMNS},
            "session_id": session_id,
            "function_key": fold(row.get("function", "")),
            "folded": index_words(row["text"]),
        }
        for row in rows
    ]
    db.execute(text(f"INSERT INTO search_entries ({names}) VALUES ({values})"), params)


def index_words(body: str) -> str:
    """The words of ``body``, folded, separated by spaces: what PostgreSQL indexes.

    Everything else is left out, as FTS5's tokenizer does, so PostgreSQL's parser
    sees no tag (it would skip a ``<script>``'s content), address or e-mail.
    """
    return " ".join(_TOKEN.findall(fold(body)))


def _is_postgresql(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


@dataclass(frozen=True)
class Hit:
    """One text the search found, with its context (``snippet``, safe HTML)."""

    session_id: str
    title: str
    folder: str
    ref: str
    step_number: str
    step_title: str
    recit: str
    speaker: str
    kind: str
    snippet: Markup

    @property
    def anchor(self) -> str:
        """The id of its entry in the archived report (``c-<ref>``)."""
        return anchor_id(self.ref)


def terms_of(words: str) -> list[str]:
    """The words to look for: letters and digits only, folded, never query syntax."""
    found = [fold(w) for w in _TOKEN.findall(words or "")]
    longer = [w for w in found if len(w) > 1]
    terms = longer or found
    return list(dict.fromkeys(terms))[:_MAX_TERMS]


def search(
    db: Session,
    words: str,
    step: str | None = None,
    function: str | None = None,
    board_kind: str | None = None,
    limit: int = 50,
) -> list[Hit]:
    """Archived texts holding every word of ``words`` (as word beginnings), best first.

    ``step`` is a step number ("2.1"), ``function`` part of a function descriptor,
    ``board_kind`` a kind of board item. With no words, the filters alone choose
    (at least one is needed).
    """
    terms = terms_of(words)
    where: list[str] = ["s.archive_folder IS NOT NULL"]
    params: dict[str, object] = {"limit": max(1, min(int(limit), 500))}
    if step:
        where.append("e.step_number = :step")
        params["step"] = step
    folded_function = fold(function or "").strip()
    if folded_function:
        where.append("e.function_key LIKE :function ESCAPE '!'")
        params["function"] = "%" + re.sub(r"([!%_])", r"!\1", folded_function) + "%"
    if board_kind in {k.value for k in BoardKind}:
        where.append("(' ' || e.board_kinds || ' ') LIKE :board_kind")
        params["board_kind"] = f"% {board_kind} %"
    if not terms and len(where) == 1:
        return []
    columns = (
        "e.session_id, COALESCE(s.archive_title, s.title) AS title, s.archive_folder, e.ref, "
        "e.step_number, e.step_title, e.recit, e.speaker, e.kind, e.text"
    )
    postgresql = _is_postgresql(db)
    if not terms:
        sql = (
            f"SELECT {columns}, NULL AS marked FROM search_entries e "
            "JOIN sessions s ON s.id = e.session_id "
            f"WHERE {' AND '.join(where)} ORDER BY s.archived_at DESC, e.id LIMIT :limit"
        )
    elif postgresql:
        params["query"] = " & ".join(f"{term}:*" for term in terms)
        where.append("e.tsv @@ to_tsquery('french', :query)")
        sql = (
            f"SELECT {columns}, NULL AS marked FROM search_entries e "
            "JOIN sessions s ON s.id = e.session_id "
            f"WHERE {' AND '.join(where)} "
            "ORDER BY ts_rank(e.tsv, to_tsquery('french', :query)) DESC, e.id LIMIT :limit"
        )
    else:
        # Each term is quoted: an FTS5 string of letters and digits, then * (prefix).
        params["match"] = " ".join(f'"{term}"*' for term in terms)
        params["open"], params["close"] = _OPEN, _CLOSE
        where.append("search_fts MATCH :match")
        sql = (
            f"SELECT {columns}, "
            f"snippet(search_fts, 0, :open, :close, '…', {_SNIPPET_TOKENS}) AS marked "
            "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
            "JOIN sessions s ON s.id = e.session_id "
            f"WHERE {' AND '.join(where)} ORDER BY bm25(search_fts), e.id LIMIT :limit"
        )
    hits = []
    for row in db.execute(text(sql), params).mappings():
        marked = row["marked"]
        snippet = _from_markers(marked) if marked is not None else highlight(row["text"], terms)
        hits.append(
            Hit(
                session_id=row["session_id"],
                title=row["title"],
                folder=row["archive_folder"],
                ref=row["ref"],
                step_number=row["step_number"],
                step_title=row["step_title"],
                recit=row["recit"],
                speaker=row["speaker"],
                kind=row["kind"],
                snippet=snippet,
            )
        )
    return hits


def _from_markers(marked: str) -> Markup:
    """An FTS5 snippet as HTML: the marked words in <mark>, everything else escaped."""
    out: list[str] = []
    for piece in re.split(f"({_OPEN}|{_CLOSE})", marked):
        if piece == _OPEN:
            out.append("<mark>")
        elif piece == _CLOSE:
            out.append("</mark>")
        else:
            out.append(str(escape(piece)))
    return Markup("".join(out))


def _stem(term: str) -> str:
    """A rough French stem, to mark "équipe" when "équipes" was asked (PostgreSQL stems)."""
    term = term.rstrip("sx") or term
    return term[:-1] if len(term) > 4 and term.endswith("e") else term


def highlight(body: str, terms: Sequence[str], width: int = _SNIPPET_TOKENS) -> Markup:
    """A window of ``body`` around the first word beginning with one of ``terms``, marked."""
    tokens = list(_TOKEN.finditer(body))
    if not tokens:
        return Markup(escape(body[:200]))
    stems = [_stem(t) for t in terms]
    hits = [i for i, m in enumerate(tokens) if any(fold(m.group()).startswith(s) for s in stems)]
    first = hits[0] if hits else 0
    start = max(0, first - width // 3)
    end = min(len(tokens), start + width)
    begin = tokens[start].start() if start > 0 else 0
    finish = tokens[end - 1].end() if end < len(tokens) else len(body)
    out = ["…" if begin > 0 else ""]
    position = begin
    for index in hits:
        if start <= index < end:
            match = tokens[index]
            out.append(str(escape(body[position : match.start()])))
            out.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    out.append(str(escape(body[position:finish])))
    out.append("…" if finish < len(body) else "")
    return Markup("".join(out))


@dataclass(frozen=True)
class SearchOptions:
    steps: list[tuple[str, str]]  # (number, label)
    functions: list[str]
    board_kinds: list[str]


def search_options(db: Session) -> SearchOptions:
    """The choices the search form offers: the steps and functions found in the archive."""
    titles: dict[str, list[str]] = {}
    for number, title in db.execute(
        select(SearchEntryRecord.step_number, SearchEntryRecord.step_title)
        .where(SearchEntryRecord.step_number != "")
        .distinct()
    ):
        titles.setdefault(number, [])
        if title not in titles[number]:
            titles[number].append(title)
    steps = [
        (number, f"{number} {' / '.join(sorted(titles[number]))}")
        for number in sorted(titles, key=_step_order)
    ]
    functions = sorted(
        {f for f in db.scalars(select(SearchEntryRecord.function).distinct()) if f and f.strip()},
        key=fold,
    )
    return SearchOptions(steps, functions, [k.value for k in BoardKind])


def _step_order(number: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


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
    for gone in found:
        path = folder_path(data_dir, gone.folder)
        if path is not None and path.is_dir():
            shutil.rmtree(path)
    return found
