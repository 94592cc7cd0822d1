"""The transcript as CSV: one row per contribution or proposal, for a spreadsheet.

RFC 4180 (comma, double quotes, CRLF), UTF-8 with a byte order mark so that
Excel opens the accents right. Times are ISO 8601 in UTC.
"""

import csv
import io

from flask_babel import gettext as _

from mag.report.document import kind_label, transcript_rows
from mag.report.material import Material


def header() -> list[str]:
    return [
        _("heure"),
        _("étape"),
        _("titre de l'étape"),
        _("tour"),
        _("récit"),
        _("intervenant·e"),
        _("saisi par"),
        _("type"),
        _("texte"),
    ]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def export(material: Material) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header())
    for row in transcript_rows(material):
        if row["kind"] == "board_item":
            continue
        writer.writerow(
            [
                row["at"],
                row["step"],
                row["step_title"],
                _text(row["round"]),
                _text(row["recit"]),
                row["speaker"],
                _text(row["entered_by"]),
                kind_label(str(row["kind"])),
                row["text"],
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
