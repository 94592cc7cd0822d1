"""The XLSX export: what a researcher checks when the workbook opens in a spreadsheet."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from story import PLACE, REAL_NAME, SCRIPT, WITHDRAWN_WORDS, Story, material_of

from mag.report import to_csv, to_xlsx
from mag.report.formats import FORMATS

SHEETS = ["Contributions", "Tableau", "Perspectives", "Participants", "Évaluation"]
FUNCTIONS = ("AS en CPAS", "éducateur de rue", "médiatrice numérique")


def workbook(material):
    return load_workbook(io.BytesIO(to_xlsx.export(material)))


def table(sheet: Worksheet, top: int = 1) -> list[dict[str, object]]:
    """The sheet's rows below its header, keyed by the header's names."""
    rows = list(sheet.iter_rows(min_row=top, values_only=True))
    names = rows[0]
    return [dict(zip(names, row, strict=True)) for row in rows[1:]]


def every_cell(book) -> list[str]:
    return [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]


def as_csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


@pytest.fixture
def book(material):
    return workbook(material)


def test_one_sheet_per_kind_each_a_table_with_a_frozen_bold_header_and_a_filter(book):
    assert book.sheetnames == SHEETS
    for sheet in book:
        top = 3 if sheet.title == "Évaluation" else 1  # below the number of respondents
        header = [c for c in sheet[top] if c.value is not None]
        assert header and all(c.font.bold for c in header), sheet.title
        assert sheet.freeze_panes == f"A{top + 1}", sheet.title
        last = header[-1].column_letter
        assert sheet.auto_filter.ref == f"A{top}:{last}{sheet.max_row}", sheet.title
        for letter in (c.column_letter for c in header):
            assert 5 < sheet.column_dimensions[letter].width <= to_xlsx.WIDEST + 2, sheet.title


def test_contributions_are_the_csv_rows_with_real_dates_and_numbers(material, book):
    expected = list(
        csv.reader(io.StringIO(to_csv.export(material).decode("utf-8-sig")), delimiter=";")
    )
    sheet = book["Contributions"]
    found = [[as_csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert found == expected
    script = next(r for r in sheet.iter_rows(min_row=2) if SCRIPT in str(r[9].value))
    at, round_, recit = script[0], script[3], script[4]
    assert at.is_date and isinstance(at.value, datetime) and "yyyy" in at.number_format
    assert (round_.value, recit.value) == (1, 1) and round_.data_type == "n"
    short = next(r for r in sheet.iter_rows(min_row=2) if r[9].value == "Qui a installé la borne ?")
    assert not short[9].alignment.wrap_text and short[9].alignment.vertical == "top"
    long = next(r for r in sheet.iter_rows(min_row=2) if "\n" in str(r[9].value))
    assert long[9].alignment.wrap_text


def test_times_are_spreadsheet_dates_in_the_organisation_time_zone(app_context, played):
    book = workbook(material_of(played, ZoneInfo("Europe/Brussels")))
    first = book["Contributions"]["A2"]
    assert first.value == datetime(2026, 12, 1, 10, 40)  # 09:40 UTC
    assert first.is_date
    perspective = table(book["Perspectives"])[0]
    assert perspective["heure"] == datetime(2026, 12, 1, 12, 14)  # 11:14 UTC


def test_board_sheet_lists_each_item_with_the_contributions_behind_it(material, book):
    items = table(book["Tableau"])
    assert [i["identifiant"] for i in items] == ["item-0001", "item-0002", "item-0003"]
    assert [i["type"] for i in items] == ["convergence", "divergence", "nœud"]
    contributions = {r["identifiant"]: r for r in table(book["Contributions"])}
    for item in items:
        board_item = material.state.board[item["identifiant"]]
        assert (item["titre"], item["formulation"]) == (board_item.title, board_item.formulation)
        linked = str(item["contributions liées"] or "").split()
        assert item["nombre de contributions liées"] == len(linked) >= 1
        for contribution_id in linked:  # the same links, read from either sheet
            assert item["titre"] in contributions[contribution_id]["éléments du tableau liés"]
        said = str(item["propos liés"]).split("\n")
        assert len(said) == len(linked)
    invisible = items[0]
    interpretations = set(material.state.board["item-0001"].links)
    assert interpretations < set(str(invisible["contributions liées"]).split())
    assert "« L'aide numérique devient un travail invisible. » — médiatrice numérique" in str(
        invisible["propos liés"]
    )
    assert items[0]["récit"] == 1 and isinstance(items[0]["heure"], datetime)


def test_perspectives_by_level_with_their_supports_as_numbers(book):
    rows = table(book["Perspectives"])
    assert [(r["niveau"], r["soutiens"]) for r in rows] == [
        ("Institution", 1),
        ("Politique et secteur", 0),
    ]
    assert rows[0]["texte"] == "Un temps d'aide numérique reconnu dans la charge de travail."
    assert (rows[0]["participant"], rows[0]["intervenant·e"]) == ("P01", "AS en CPAS")


def test_participants_are_counted_as_the_contributions_sheet_shows_them(book):
    people = table(book["Participants"])
    contributions = table(book["Contributions"])
    assert [p["participant"] for p in people] == ["P01", "P02", "P03", "P04"]
    for person in people:
        rows = [r for r in contributions if r["participant"] == person["participant"]]
        assert person["contributions"] == len(rows) and isinstance(person["contributions"], int)
        assert {r["intervenant·e"] for r in rows} == {person["intervenant·e"]}
    assert [p["fonction"] for p in people] == [*FUNCTIONS, None]  # the withdrawn: no function
    assert people[3]["intervenant·e"] == "participant·e retiré·e"


def test_named_by_pseudonym_no_function_is_paired_with_anyone(app_context, played):
    played.steer("change_settings", attribution="pseudonym")
    book = workbook(material_of(played))
    people = table(book["Participants"])
    assert [p["intervenant·e"] for p in people] == [
        "Awa",
        "Bruno",
        "Chloé",
        "participant·e retiré·e",
    ]
    assert all(p["fonction"] is None for p in people)
    cells = every_cell(book)
    for function in FUNCTIONS:
        assert not any(function in cell for cell in cells), function


def test_evaluation_is_the_summary_in_counts_linked_to_nobody(material, book):
    sheet = book["Évaluation"]
    assert sheet["A1"].value == "4 personnes ont répondu à l'évaluation."
    rows = table(sheet, top=3)
    summary = material.state.evaluation_summary
    method = [r for r in rows if str(r["question"]).startswith("La méthode")]
    assert [(r["valeur"], r["nombre"]) for r in method] == [(1, 0), (2, 0), (3, 1), (4, 2), (5, 1)]
    assert {(r["type"], r["réponses"], r["moyenne"]) for r in method} == {
        ("échelle de 1 à 5", 4, 4)
    }
    assert sheet.cell(row=4, column=4).number_format == to_xlsx.MEAN
    assert {r["question"] for r in rows} == {q["text"] for q in summary["questions"]}
    useful = [r for r in rows if r["type"] == "réponse libre" and r["valeur"]]
    assert sum(r["nombre"] for r in useful) == 4  # identical answers counted together
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    people = [*FUNCTIONS, "Awa", "Bruno", "Chloé", "Emma", "p-1", "p-2"]
    assert not any(re.fullmatch(r"P\d\d", cell) for cell in cells)
    assert not any(name in cell for cell in cells for name in people)


def test_an_evaluation_not_held_says_so(app_context):
    story = Story()
    story.group(2)
    story.go_to_kind("proposals")
    sheet = workbook(material_of(story))["Évaluation"]
    assert sheet["A1"].value == "Étape non réalisée."
    assert [c.value for c in sheet[3]] == [
        "question",
        "type",
        "réponses",
        "moyenne",
        "valeur",
        "nombre",
    ]
    assert sheet.max_row == 3


@pytest.mark.parametrize("withdrawal", ["replace", "remove"])
def test_withdrawn_words_and_listed_names_are_in_no_cell(app_context, played, withdrawal):
    played.steer("change_settings", withdrawal=withdrawal)
    cells = every_cell(workbook(material_of(played)))
    for forbidden in (*WITHDRAWN_WORDS, "Emma", "stagiaire assistante sociale", REAL_NAME, PLACE):
        assert not any(forbidden in cell for cell in cells), forbidden
    assert any("contribution retirée" in cell for cell in cells) is (withdrawal == "replace")


def test_withdrawn_participant_removed_is_not_listed(app_context, played):
    played.steer("change_settings", withdrawal="remove")
    book = workbook(material_of(played))
    assert [p["participant"] for p in table(book["Participants"])] == ["P01", "P02", "P03"]
    assert "P04" not in {r["participant"] for r in table(book["Contributions"])}


def test_text_typed_as_a_formula_stays_text(app_context):
    story = Story()
    awa, bruno = story.group(2)
    story.go_to_kind("proposals")
    story.propose(awa, '=HYPERLINK("http://exemple.org";"ici")')
    proposal = story.propose(bruno, "Un titre")
    story.do(bruno, "edit_proposal", proposal_id=proposal, title="#N/A", body="#N/A")
    sheet = load_workbook(io.BytesIO(to_xlsx.export(material_of(story))))["Contributions"]
    texts = {c.value: c.data_type for c in sheet["J"][1:]}
    assert texts == {
        '=HYPERLINK("http://exemple.org";"ici")\nIl était une fois.': "s",
        "#N/A": "s",
    }


def test_same_session_same_bytes_dated_by_the_session(material, book):
    data = to_xlsx.export(material)
    assert FORMATS["xlsx"].export(material) == data
    properties = book.properties
    assert properties.title == "Numérique et travail social"
    assert (properties.language, properties.creator) == ("fr", "mag")
    assert properties.created == datetime(2026, 12, 1, 8, 30)  # the session's creation, UTC
    assert properties.modified == material.events[-1].at.replace(tzinfo=None)
