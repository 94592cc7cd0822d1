"""The transcript as CSV: one row per contribution, proposal and board item, for a spreadsheet.

Semicolons and a byte order mark, as French and Belgian spreadsheets open a CSV
without asking; quotes and CRLF as in RFC 4180. Times are the organisation's local
time, to the second, as in the documents. Each participant has a stable
pseudonymous id (P01, P02… in the order they joined), so a researcher can count
and cross rows by person without a name. The columns are described in
docs/archive-format.md.

:func:`rows` gives the same rows as values (times, numbers, empty cells): the
XLSX export's Contributions sheet is those rows, and its other sheets are built
from them.
"""

import csv
import io
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _

from mag.report.document import kind_label, transcript_rows
from mag.report.material import Material
from mag.report.synthesis import level_label

DELIMITER = ";"


def header() -> list[str]:
    return [
        _("heure"),
        _("étape"),
        _("titre de l'étape"),
        _("tour"),
        _("récit"),
        _("participant"),
        _("intervenant·e"),
        _("saisi par"),
        _("type"),
        _("texte"),
        _("niveau"),
        _("soutiens"),
        _("en réponse à"),
        _("éléments du tableau liés"),
        _("identifiant"),
    ]


class Row(NamedTuple):
    """One row of the transcript, its values in the order of :func:`header` (None: empty)."""

    at: datetime  # in the organisation's time zone
    step: str
    step_title: str
    round: int | None
    recit: int | None
    participant: str | None  # P01, P02…
    speaker: str
    entered_by: str | None
    kind: str  # in words
    text: str
    level: str | None  # in words
    supports: int | None  # None when nobody supports it
    replies_to: str | None
    board_items: str | None
    id: str


def participant_ids(material: Material) -> dict[str, str]:
    """Each participant's stable pseudonymous id: P01, P02… in the order they joined."""
    joined = sorted(material.state.participants.values(), key=lambda p: p.joined_at)
    return {p.id: f"P{n:02d}" for n, p in enumerate(joined, start=1)}


def rows(material: Material) -> list[Row]:
    """The transcript's rows, in time order: contributions, proposals and board items."""
    state = material.state
    pseudonymous = participant_ids(material)
    titles = {item_id: item.title for item_id, item in state.board.items()}
    found = []
    for row in transcript_rows(material):
        entry_id = str(row["id"])
        contribution = state.contributions.get(entry_id)
        entry = contribution or state.proposals.get(entry_id)  # None: a board item
        author = entry.author_id if entry else None
        linked = [titles[i] for i in material.board_links.get(entry_id, ()) if i in titles]
        found.append(
            Row(
                at=material.local(datetime.fromisoformat(str(row["at"]))),
                step=str(row["step"]),
                step_title=str(row["step_title"]),
                round=row["round"],  # type: ignore[arg-type]
                recit=row["recit"],  # type: ignore[arg-type]
                participant=pseudonymous.get(author or ""),
                speaker=str(row["speaker"]),
                entered_by=row["entered_by"],  # type: ignore[arg-type]
                kind=kind_label(str(row["kind"])),
                text=str(row["text"]),
                level=level_label(contribution.level)
                if contribution and contribution.level
                else None,
                supports=len(contribution.supporters)
                if contribution and contribution.supporters
                else None,
                replies_to=" ".join(contribution.replies_to)
                if contribution and contribution.replies_to
                else None,
                board_items=" | ".join(linked) or None,
                id=entry_id,
            )
        )
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def export(material: Material) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header())
    writer.writerows([_text(value) for value in row] for row in rows(material))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
