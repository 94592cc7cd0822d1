"""The session as a workbook: one sheet per kind of record, for Excel or LibreOffice.

- **Contributions**: the CSV's rows and columns (:func:`mag.report.to_csv.rows`);
- **Tableau**: the analysis board, each item with the contributions linked to it;
- **Perspectives**: the practical perspectives by level, with their supports;
- **Participants**: each person's pseudonymous id, how the exports name them, and
  how many rows of theirs the Contributions sheet holds;
- **Évaluation**: the summary the group was shown, counts only, linked to nobody.

Every sheet reads what the CSV reads, so a withdrawn participant's words, the
replacement list and the session's way of naming people apply the same way.
Times are spreadsheet dates in the organisation's local time; numbers are numbers;
nobody's text is ever read as a formula. The zip entries and the document's
properties are dated by the session, so the same session gives the same bytes.
The sheets and columns are described in docs/archive-format.md.
"""

import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from mag.domain.state import BoardKind, ContributionKind, Level
from mag.report import zipped
from mag.report.material import Material
from mag.report.synthesis import board_kind_label, evaluation_lead
from mag.report.to_csv import Row, header, participant_ids, rows

DATE_TIME = "dd/mm/yyyy hh:mm:ss"
MEAN = "0.0"
WIDEST = 60  # characters: longer text wraps
CELL_MAX = 32767  # the most a spreadsheet cell holds
_BOLD = Font(bold=True)
_TOP = Alignment(vertical="top")
_WRAPPED = Alignment(vertical="top", wrap_text=True)


def export(material: Material) -> bytes:
    rows_ = rows(material)
    workbook = Workbook()
    _sheet(workbook.active, _("Contributions"), header(), rows_)
    _sheet(workbook.create_sheet(), _("Tableau"), *_board(material, rows_))
    _sheet(workbook.create_sheet(), _("Perspectives"), *_perspectives(material, rows_))
    _sheet(workbook.create_sheet(), _("Participants"), *_participants(material, rows_))
    _sheet(
        workbook.create_sheet(),
        _("Évaluation"),
        *_evaluation(material),
        lead=evaluation_lead(material).strip("*"),
    )
    _properties(workbook, material)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not workbook.save(): it dates the file now
    return zipped.restamped(out.getvalue(), material.last_changed)


# ---------------------------------------------------------------- the sheets


def _board(material: Material, rows_: Sequence[Row]) -> tuple[list[str], list[list[object]]]:
    """One row per board item, with the contributions behind it (those the CSV shows)."""
    shown = {row.id: row for row in rows_}
    behind: dict[str, list[Row]] = {}
    for row in rows_:
        for item_id in material.board_links.get(row.id, ()):
            behind.setdefault(item_id, []).append(row)
    kinds = list(BoardKind)
    items = sorted(
        material.state.board.values(),
        key=lambda i: (i.recit is None, i.recit or 0, kinds.index(i.kind), i.position),
    )
    table = []
    for item in items:
        linked = behind.get(item.id, [])
        table.append(
            [
                shown[item.id].at if item.id in shown else material.local(item.at),
                None if item.recit is None else item.recit + 1,
                board_kind_label(item.kind),
                item.title,
                item.formulation,
                len(linked),
                " ".join(row.id for row in linked),
                "\n".join(f"« {' '.join(row.text.split())} » — {row.speaker}" for row in linked),
                item.id,
            ]
        )
    columns = [
        _("heure"),
        _("récit"),
        _("type"),
        _("titre"),
        _("formulation"),
        _("nombre de contributions liées"),
        _("contributions liées"),
        _("propos liés"),
        _("identifiant"),
    ]
    return columns, table


def _perspectives(material: Material, rows_: Sequence[Row]) -> tuple[list[str], list[list[object]]]:
    """The practical perspectives by level, the most supported first, as the report lists them."""
    contributions = material.state.contributions
    levels = [level.value for level in Level]

    def rank(row: Row) -> tuple[int, str, int]:
        level = contributions[row.id].level or ""
        known = levels.index(level) if level in levels else len(levels) + (not level)
        return (known, level, -(row.supports or 0))

    found = [
        row
        for row in rows_
        if row.id in contributions and contributions[row.id].kind is ContributionKind.PERSPECTIVE
    ]
    table = [
        [
            row.level,
            row.text,
            row.supports or 0,
            row.participant,
            row.speaker,
            row.entered_by,
            row.at,
            row.id,
        ]
        for row in sorted(found, key=rank)  # stable: equal support keeps time order
    ]
    columns = [
        _("niveau"),
        _("texte"),
        _("soutiens"),
        _("participant"),
        _("intervenant·e"),
        _("saisi par"),
        _("heure"),
        _("identifiant"),
    ]
    return columns, table


def _participants(material: Material, rows_: Sequence[Row]) -> tuple[list[str], list[list[object]]]:
    """Who took part, as the CSV names them; the function only when people are named by it."""
    state = material.state
    counts = Counter(row.participant for row in rows_ if row.participant)
    by_function = state.settings.attribution == "function"
    table = []
    for participant_id, pseudonymous in participant_ids(material).items():
        person = state.participants[participant_id]
        if not material.shows(participant_id):
            continue
        if not person.has_accepted and not counts[pseudonymous]:
            continue  # joined, never agreed, never wrote: in no export
        table.append(
            [
                pseudonymous,
                material.speaker(participant_id),
                (person.function or None) if by_function else None,
                counts[pseudonymous],
            ]
        )
    columns = [_("participant"), _("intervenant·e"), _("fonction"), _("contributions")]
    return columns, table


def _evaluation(material: Material) -> tuple[list[str], list[list[object]]]:
    """The summary shown to the group: per scale a row per value, per open question its answers."""
    summary = material.state.evaluation_summary or {}
    table: list[list[object]] = []
    for question in summary.get("questions", []):  # type: ignore[attr-defined]
        text = str(question.get("text", ""))
        count = int(question.get("count", 0))
        if question.get("kind") == "scale":
            kind = _(
                "échelle de %(min)s à %(max)s", min=question.get("min"), max=question.get("max")
            )
            mean = question.get("mean")
            values: Iterable[tuple[object, int]] = (
                (int(value), int(times))
                for value, times in dict(question.get("distribution", {})).items()
            )
        else:
            kind = _("réponse libre")
            mean = None
            values = Counter(str(a) for a in question.get("answers", [])).items()
        values = list(values) or [(None, None)]
        for value, times in values:
            table.append([text, kind, count, mean, value, times])
    columns = [_("question"), _("type"), _("réponses"), _("moyenne"), _("valeur"), _("nombre")]
    return columns, table


# ---------------------------------------------------------------- writing a sheet


def _sheet(
    sheet: Worksheet,
    title: str,
    columns: Sequence[str],
    table: Iterable[Sequence[object]],
    *,
    lead: str = "",
) -> None:
    """A table with a bold, frozen header and a filter; ``lead``, a sentence above it."""
    sheet.title = _sheet_title(title)
    top = 1
    if lead:
        sheet.cell(row=1, column=1, value=_value(lead))
        top = 3  # a blank row between the sentence and the table
    for column, name in enumerate(columns, start=1):
        sheet.cell(row=top, column=column, value=_value(name)).font = _BOLD
    for number, values in enumerate(table, start=top + 1):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=_value(value))
    widths = [len(name) + 3 for name in columns]  # room for the filter's button
    for row in sheet.iter_rows(min_row=top + 1):
        for cell in row:
            if cell.data_type in ("f", "e"):
                cell.data_type = "s"  # someone's « =… » or « #N/A » stays what they typed
            if isinstance(cell.value, datetime):
                cell.number_format = DATE_TIME
            elif isinstance(cell.value, float):
                cell.number_format = MEAN
            shown = _shown(cell.value)
            widths[cell.column - 1] = max(widths[cell.column - 1], shown)
            long = isinstance(cell.value, str) and (shown > WIDEST or "\n" in cell.value)
            cell.alignment = _WRAPPED if long else _TOP
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, WIDEST) + 2
    last = get_column_letter(len(columns))
    sheet.freeze_panes = f"A{top + 1}"
    sheet.auto_filter.ref = f"A{top}:{last}{max(sheet.max_row, top)}"


def _sheet_title(title: str) -> str:
    """A sheet's name as spreadsheets accept it: 31 characters, none of ``[]:*?/\\``."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31]


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # already local: spreadsheets know no time zones
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…"
    return value


def _shown(value: object) -> int:
    """About how many characters wide a value shows."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("00/00/0000 00:00:00")
    return max(len(line) for line in str(value).split("\n"))


# ---------------------------------------------------------------- the same bytes every time


def _properties(workbook: Workbook, material: Material) -> None:
    properties = workbook.properties
    properties.title = material.state.title
    properties.creator = "mag"
    properties.lastModifiedBy = None
    properties.language = str(get_locale())
    # openpyxl writes naive datetimes as UTC
    properties.created = material.session.created_at.astimezone(UTC).replace(tzinfo=None)
    properties.modified = material.last_changed.astimezone(UTC).replace(tzinfo=None)
