"""The search index across archived sessions, and how its hits are shown.

Migration 0003 makes it an FTS5 table on SQLite and a tsvector column on PostgreSQL;
both find words whatever their accents, and the words people type are never handed
to the database as query syntax.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from mag.domain.state import BoardKind
from mag.models import SearchEntryRecord
from mag.report.document import anchor_id, transcript_rows
from mag.report.folding import fold
from mag.report.material import Material

# Markers around matched words in FTS5 snippets: control characters nobody types
# (and taken out of every indexed text), so a participant cannot forge a <mark>.
_OPEN, _CLOSE = "\x02", "\x03"
_SNIPPET_TOKENS = 24
_MAX_TERMS = 12
_TOKEN = re.compile(r"[^\W_]+")


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
                "language": material.state.settings.language,
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
    "language",
)

# PostgreSQL's text search configuration for each language mag speaks: a text is stemmed
# with its session's (« gesprekken » finds « gesprek » in Dutch). SQLite's FTS5 index is
# language-neutral: words, folded case and accents, and their beginnings.
TEXT_SEARCH = {"fr": "french", "nl": "dutch", "en": "english"}


def replace_entries(db: Session, session_id: str, rows: Sequence[Mapping[str, str]]) -> None:
    """Make ``rows`` the session's whole part of the search index."""
    db.execute(delete(SearchEntryRecord).where(SearchEntryRecord.session_id == session_id))
    if not rows:
        return
    names = ", ".join(_ENTRY_COLUMNS)
    values = ", ".join(f":{column}" for column in _ENTRY_COLUMNS)
    if _is_postgresql(db):
        names += ", tsv"
        values += ", to_tsvector(CAST(:config AS regconfig), :folded)"
    params = [
        {
            **{column: row.get(column, "") for column in _ENTRY_COLUMNS},
            "session_id": session_id,
            "function_key": fold(row.get("function", "")),
            "folded": index_words(row["text"]),
            "config": TEXT_SEARCH.get(row.get("language", "fr"), "simple"),
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
        # Each session's texts with its own language's rules; each arm can use the index.
        where.append(
            "("
            + " OR ".join(
                f"(e.language = '{language}' AND e.tsv @@ to_tsquery('{config}', :query))"
                for language, config in TEXT_SEARCH.items()
            )
            + ")"
        )
        config_of_entry = (
            "CASE e.language "
            + " ".join(f"WHEN '{lang}' THEN '{config}'" for lang, config in TEXT_SEARCH.items())
            + " ELSE 'simple' END"
        )
        sql = (
            f"SELECT {columns}, NULL AS marked FROM search_entries e "
            "JOIN sessions s ON s.id = e.session_id "
            f"WHERE {' AND '.join(where)} "
            f"ORDER BY ts_rank(e.tsv, to_tsquery(CAST({config_of_entry} AS regconfig), :query)) "
            "DESC, e.id LIMIT :limit"
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
