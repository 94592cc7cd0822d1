"""The transcript as CSV: one row per contribution, proposal and board item, for a spreadsheet.

Semicolons and a byte order mark, as French and Belgian spreadsheets open a CSV
without asking; quotes and CRLF as in RFC 4180. Times are the organisation's local
time, to the second, as in the documents. Each participant has a stable
pseudonymous id (P01, P02… in the order they joined), so a researcher can count
and cross rows by person without a name. The columns are described in
docs/archive-format.md.
"""

import csv
import io
from datetime import datetime

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


def _text(value: object) -> str:
    return "" if value is None else str(value)


def export(material: Material) -> bytes:
    state = material.state
    joined = sorted(state.participants.values(), key=lambda p: p.joined_at)
    pseudonymous = {p.id: f"P{n:02d}" for n, p in enumerate(joined, start=1)}
    titles = {item_id: item.title for item_id, item in state.board.items()}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header())
    for row in transcript_rows(material):
        entry_id = str(row["id"])
        contribution = state.contributions.get(entry_id)
        entry = contribution or state.proposals.get(entry_id)  # None: a board item
        author = entry.author_id if entry else None
        at = material.local(datetime.fromisoformat(str(row["at"])))
        writer.writerow(
            [
                at.strftime("%Y-%m-%d %H:%M:%S"),
                row["step"],
                row["step_title"],
                _text(row["round"]),
                _text(row["recit"]),
                pseudonymous.get(author or "", ""),
                row["speaker"],
                _text(row["entered_by"]),
                kind_label(str(row["kind"])),
                row["text"],
                level_label(contribution.level) if contribution and contribution.level else "",
                len(contribution.supporters) if contribution and contribution.supporters else "",
                " ".join(contribution.replies_to) if contribution else "",
                " | ".join(
                    titles[i] for i in material.board_links.get(entry_id, ()) if i in titles
                ),
                entry_id,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
