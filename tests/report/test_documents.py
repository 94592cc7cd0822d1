"""The report documents: the synthesis draft, the full report and its exports.

Golden files in tests/report/golden hold the expected output of the played
session (a fixed clock, UTC). After a deliberate change, look at the new
output, then regenerate them with ``MAG_UPDATE_GOLDEN=1 pytest tests/report``.
"""

import csv
import io
import os
import re
import textwrap
import zipfile
from html import escape as escape_html
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from pypdf import PdfReader
from story import PLACE, REAL_NAME, SCRIPT, WITHDRAWN_WORDS, Story, material_of

from mag.domain.roles import Actor, Role
from mag.report import (
    document,
    markdown,
    synthesis,
    to_csv,
    to_docx,
    to_html,
    to_json,
    to_markdown,
    to_pdf,
    to_qdpx,
)
from mag.report.formats import FORMATS

GOLDEN = Path(__file__).parent / "golden"
RAPPORTEUR = Actor(Role.RAPPORTEUR, member_id="member-001")
CHLOE_WORDS = "L'aide numérique devient un travail invisible."

DRAFT_SECTIONS = [
    "Contexte et question",
    "Participants",
    "Récits",
    "Questions d'information",
    "Interprétations",
    "Convergences, divergences et nœuds",
    "Apports théoriques",
    "Hypothèses",
    "Perspectives pratiques",
    "Évaluation",
    "Note de méthode",
]


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("MAG_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"{path} is missing: run the tests once with MAG_UPDATE_GOLDEN=1"
    assert data.decode("utf-8") == path.read_bytes().decode("utf-8")


def docx_structure(data: bytes) -> str:
    """A DOCX as text: one ``style | text`` line per paragraph, then each table's cells."""
    doc = Document(io.BytesIO(data))
    lines = [f"{p.style.name} | {p.text}" for p in doc.paragraphs]
    for number, table in enumerate(doc.tables, start=1):
        lines.append(f"table {number}")
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def docx_text(data: bytes) -> str:
    return docx_structure(data)


def pdf_text(data: bytes) -> str:
    """The PDF's words in order, page numbers left out, rewrapped: where lines and pages break
    depends on the fonts installed, what the PDF says does not."""
    reader = PdfReader(io.BytesIO(data))
    words: list[str] = []
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            line = " ".join(line.replace("•", " ").split())  # list bullets land anywhere
            if not re.fullmatch(r"\d+ / \d+", line):
                words.extend(line.split())
    return textwrap.fill(" ".join(words), 100) + "\n"


def without_draft(played: Story) -> Story:
    """The played session as it was before any synthesis was saved."""
    played.log = [e for e in played.log if e.type != "synthesis_saved"]
    return played


@pytest.fixture
def exports(material):
    return {
        "md": to_markdown.export(material),
        "html": to_html.export(material),
        "pdf": to_pdf.export(material),
        "docx": to_docx.export(material),
        "csv": to_csv.export(material),
    }


def readable(exports) -> dict[str, str]:
    """Every export as the text a reader would see."""
    return {
        "md": exports["md"].decode("utf-8"),
        "html": exports["html"].decode("utf-8"),
        "pdf": pdf_text(exports["pdf"]),
        "docx": docx_text(exports["docx"]),
        "csv": exports["csv"].decode("utf-8-sig"),
    }


# ---------------------------------------------------------------- golden files


def test_markdown_report_is_as_expected(exports):
    check_golden("report.md", exports["md"])


def test_html_report_is_as_expected(exports):
    check_golden("report.html", exports["html"])


def test_csv_transcript_is_as_expected(exports):
    check_golden("transcript.csv", exports["csv"])


def test_docx_report_is_as_expected(exports):
    check_golden("report.docx.txt", docx_structure(exports["docx"]).encode("utf-8"))


def test_pdf_report_is_as_expected(exports):
    check_golden("report.pdf.txt", pdf_text(exports["pdf"]).encode("utf-8"))


def test_draft_is_as_expected(app_context, played):
    check_golden("draft.md", synthesis.draft(material_of(played)).encode("utf-8"))


def test_draft_report_in_word_is_as_expected(app_context, played):
    data = to_docx.export(material_of(without_draft(played)))
    check_golden("draft-report.docx.txt", docx_structure(data).encode("utf-8"))


def test_exports_are_the_same_bytes_every_time(material, exports):
    """Through the format table too: an archived file can be checked against a new export."""
    for name in ("md", "html", "pdf", "docx", "csv"):
        assert FORMATS[name].export(material) == exports[name], name


# ---------------------------------------------------------------- the draft


def test_draft_has_every_section_in_order(material):
    draft = synthesis.draft(material)
    assert draft.startswith("# Numérique et travail social\n")
    titles = [s.title for s in markdown.sections(draft) if s.title]
    assert titles == DRAFT_SECTIONS


def test_draft_says_when_a_step_left_nothing(app_context):
    story = Story()
    awa, _bruno = story.group(2)
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "Un récit"))
    story.go_to_kind("questions")
    story.wait(minutes=5)
    story.next()
    sections = {s.title: s.text for s in markdown.sections(synthesis.draft(material_of(story)))}
    assert [t for t in sections if t] == DRAFT_SECTIONS
    assert "*Aucune contribution.*" in sections["Questions d'information"]
    assert "*Étape non réalisée.*" in sections["Hypothèses"]
    assert "*Étape non réalisée.*" in sections["Évaluation"]
    assert "la séance n'est pas terminée" in sections["Note de méthode"]


def test_draft_puts_each_answer_under_its_question(app_context):
    story = Story()
    awa, bruno = story.group(2)
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "Un récit"))
    story.go_to_kind("questions")
    story.do(bruno, "contribute", contribution_id="q-000001", body="Qui tenait le guichet ?")
    story.do(bruno, "contribute", contribution_id="q-000002", body="Et ensuite ?")
    story.do(
        awa, "answer_question", contribution_id="a-000001", question_id="q-000001", body="Personne."
    )
    text = {s.title: s.text for s in markdown.sections(synthesis.draft(material_of(story)))}[
        "Questions d'information"
    ]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    asked = next(n for n, line in enumerate(lines) if "Qui tenait le guichet ?" in line)
    assert lines[asked + 1].endswith("Personne.") and "Réponse de" in lines[asked + 1]
    assert sum("Personne." in line for line in lines) == 1  # not listed again on its own
    assert "Et ensuite ?" in lines[asked + 2]


def test_draft_cites_the_interpretations_behind_each_board_item_by_reference(material):
    draft = synthesis.draft(material)
    board = {s.title: s.text for s in markdown.sections(draft)}[
        "Convergences, divergences et nœuds"
    ]
    assert "#### Le travail invisible" in board
    assert f"- médiatrice numérique, tour 1 : « {markdown.escape(CHLOE_WORDS)} »" in board
    assert "- éducateur de rue, tour 1 : « La borne décide à la place… »" in board
    assert "*Aucune interprétation reliée.*" in board  # the nœud came from a suggestion
    # What the board links to says what it is and whose it is.
    assert (
        "*Voir aussi :* apport théorique « Non-recours » (animation) ; hypothèse « La "
        "numérisation déplace le travail vers… » (éducateur de rue)" in board
    )
    # An interpretation is said in full once: under its round, not again on the board.
    for contribution in material.contributions():
        if contribution.kind == "interpretation" and len(contribution.body.split()) > 6:
            assert draft.count(markdown.escape(contribution.body)) == 1, contribution.body


def test_a_long_interpretation_is_cited_by_its_first_words():
    words = "un deux trois quatre cinq six sept huit"
    assert synthesis.excerpt(words) == "un deux trois quatre cinq six…"
    assert synthesis.excerpt("court.") == "court."


def test_draft_groups_perspectives_by_level_with_their_supports(material):
    text = {s.title: s.text for s in markdown.sections(synthesis.draft(material))}[
        "Perspectives pratiques"
    ]
    institution = text.index("### Institution")
    assert text.index("### Pratique professionnelle") < institution
    assert text.index("reconnu dans la charge de travail") > institution
    assert "*(1 soutien)*" in text


def test_method_note_has_dates_durations_and_participants(material):
    text = {s.title: s.text for s in markdown.sections(synthesis.draft(material))}[
        "Note de méthode"
    ]
    assert "**Début :** 01/12/2026 à 09:00" in text
    assert "**Fin :** 01/12/2026 à 11:24" in text
    assert "4 participant·es (dont 1 a retiré son consentement)" in text
    step = markdown.escape("2.2")
    assert f"| {step} | Premier tour de table des interprétations | 1 | 75 | 12 |" in text
    assert "(UTC)" in text


def test_times_are_in_the_organisation_time_zone(app_context, played):
    material = material_of(played, ZoneInfo("Europe/Brussels"))
    text = document.report(material)
    assert "11:07 · tour 1" in text  # 10:07 UTC
    assert "Europe/Brussels" in synthesis.draft(material)
    rows = document.transcript_rows(material)
    assert rows[0]["at"] == "2026-12-01T09:40:00+00:00"  # records keep UTC
    csv_rows = to_csv.export(material).decode("utf-8-sig").splitlines()
    assert csv_rows[1].startswith("2026-12-01 10:40:00;")  # the spreadsheet, local time


# ---------------------------------------------------------------- the report


def test_report_is_the_saved_synthesis_then_validation_and_annexes(material):
    text = document.report(material)
    assert text.startswith(material.state.synthesis_text.strip())
    titles = [s.title for s in markdown.sections(text)]
    assert titles[-3:] == ["Validation", "Annexe : consentements", "Annexe : transcription"]


def test_report_without_a_saved_version_is_the_draft(app_context, played):
    material = material_of(without_draft(played))
    text = document.report(material)
    assert text.startswith(synthesis.draft(material).strip())
    assert "aucune version n'a encore été enregistrée" in text


def test_validation_says_who_approved_which_version(material):
    text = {s.title: s.text for s in markdown.sections(document.report(material))}["Validation"]
    assert "| AS en CPAS | version 1, le 01/12/2026 à 13:24 |" in text
    assert "**N'ont pas approuvé la version 1 :** éducateur de rue." in text
    assert "retiré" not in text  # the withdrawn participant is not listed
    assert (
        "**Validation :** version 1 soumise aux participant·es, relecture en cours : "
        "2 participant·es sur 3 l'ont approuvée." in text
    )


def test_approval_typed_by_a_researcher_says_so(app_context, played):
    bruno = next(p for p in played.state.participants.values() if p.pseudonym == "Bruno")
    played.do(RAPPORTEUR, "approve_synthesis", version=1, on_behalf_of=bruno.id)
    text = document.validation(material_of(played))
    assert "| éducateur de rue | version 1, le 01/12/2026 à 13:24 (saisi par" in text
    status = "**Validation :** version 1 approuvée par tous les participant·es"
    assert f"{status} ; la relecture reste ouverte." in text
    assert "en cours" not in text and "N'ont pas approuvé" not in text
    played.steer("close_validation")
    closed = document.validation(material_of(played))
    assert f"{status}, relecture close." in closed


def test_consent_annex_lists_acceptances_and_withdrawals(material):
    text = document.consent_records(material)
    assert "| médiatrice numérique | 1 | 01/12/2026 à 09:00 |" in text
    assert "- participant·e retiré·e, le 01/12/2026 à 13:24" in text


def test_transcript_has_an_anchor_per_contribution(material):
    text = document.transcription(material)
    for contribution in material.contributions():
        assert f'<a id="c-{contribution.id}"></a>' in text
    heading = "2.2 Premier tour de table des interprétations — Récit 1 : La borne et Mme L."
    assert f"### {markdown.escape(heading)}\n" in text
    assert "10:07 · tour 1 · **éducateur de rue** : La borne décide" in text


def test_transcript_rows_include_board_items_and_their_kinds(material):
    rows = {r["id"]: r for r in document.transcript_rows(material)}
    assert rows["item-0001"]["kind"] == "board_item"
    assert rows["item-0001"]["board_kinds"] == ["convergence"]
    interpretation = rows[material.state.board["item-0002"].links[0]]
    assert interpretation["board_kinds"] == ["divergence"]
    assert interpretation["round"] == 1 and interpretation["recit"] == 1
    assert interpretation["step"] == "2.2"
    assert set(interpretation) == {
        "id", "at", "step", "step_title", "round", "recit", "speaker", "entered_by",
        "kind", "text", "board_kinds",
    }  # fmt: skip


# ---------------------------------------------------------------- exports


def test_by_function_no_export_names_anyone_by_pseudonym(played, material, exports):
    """Named by function, nobody's pseudonym is left to pair with it, in any format."""
    texts = dict(readable(exports))
    texts["json"] = to_json.export(material).decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(to_qdpx.export(material))) as qdpx:
        texts.update({name: qdpx.read(name).decode("utf-8") for name in qdpx.namelist()})
    for person in played.state.participants.values():
        if person.withdrawn_at is None:
            named = [f for f, t in texts.items() if re.search(rf"\b{person.pseudonym}\b", t)]
            assert named == [], person.pseudonym
            assert person.function in texts["md"]


def test_html_is_a_standalone_page_without_script(exports):
    page = exports["html"].decode("utf-8")
    assert page.startswith("<!doctype html>")
    assert '<html lang="fr">' in page
    assert (
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ) in page
    assert "@media print" in page and "size: A4" in page
    assert '<h2 id="annexe-transcription" class="annexe">' in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "<link" not in page and "http://" not in page and "https://" not in page


def test_pdf_shows_the_script_tag_as_text_and_runs_nothing(exports, material):
    data = exports["pdf"]
    assert SCRIPT in pdf_text(data).replace("\n", "")
    assert b"/JS" not in data and b"/JavaScript" not in data
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    assert "/JavaScript" not in root.get("/Names", {})
    assert reader.metadata.title == material.state.title


A4_POINTS = (595, 842)


def test_pdf_is_a4_numbered_with_its_fonts_embedded(exports):
    reader = PdfReader(io.BytesIO(exports["pdf"]))
    count = len(reader.pages)
    assert count > 1
    fonts = {}
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_POINTS
        assert f"{number} / {count}" in page.extract_text().splitlines()
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            fonts[str(font["/BaseFont"])] = described["/FontDescriptor"].get_object()
    assert any("Serif" in name for name in fonts) and any("Sans" in name for name in fonts)
    for name, descriptor in fonts.items():
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name


def test_pdf_keeps_accents_and_ligatures(exports):
    text = pdf_text(exports["pdf"]).replace("\n", " ")
    assert "Numérique et travail social" in text
    assert "Convergences, divergences, nœuds" in text
    assert "« contribution retirée »" in text


def test_pdf_has_an_outline_and_a_named_destination_per_transcript_entry(exports, material):
    reader = PdfReader(io.BytesIO(exports["pdf"]))
    names = set(reader.named_destinations)
    for row in document.transcript_rows(material):
        assert document.anchor_id(str(row["id"])) in names
    assert {"validation", "annexe-transcription"} <= names  # the headings' ids too

    def titles(outline):
        for entry in outline:
            yield from titles(entry) if isinstance(entry, list) else [entry["/Title"]]

    found = list(titles(reader.outline))
    assert found[:2] == ["Numérique et travail social", "Contexte et question"]
    assert "Annexe : transcription" in found
    assert all(found)  # the anchors stay out of the outline


def test_pdf_sets_typst_syntax_as_plain_text(app_context, played):
    """Whatever a researcher or a participant typed is never read as Typst markup or code."""
    typed = 'Typst : #read("/etc/hostname") #panic("non") ] ) } $x$ @c-x = titre C:\\dossier "cité"'
    played.do(RAPPORTEUR, "save_synthesis", text=f"# Synthèse\n\n{typed}\n", base_version=1)
    material = material_of(played)
    assert typed in pdf_text(to_pdf.export(material)).replace("\n", " ")
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', to_pdf.source(material))  # string literals out
    for reaching_out in ("read(", "json(", "image(", "import", "include", "plugin("):
        assert reaching_out not in code


def test_typst_strings_escape_everything_that_ends_them():
    assert to_pdf.string('a"b\\c\nd\te\x01') == '"a\\"b\\\\c\\nd\\te\\u{1}"'


def test_typst_failing_is_an_error_with_its_reason():
    with pytest.raises(RuntimeError, match="panicked with: stop"):
        to_pdf.compile_pdf(b'#panic("stop")', 0)


def test_docx_keeps_the_script_tag_as_literal_text(exports, material):
    data = exports["docx"]
    doc = Document(io.BytesIO(data))
    runs = [run.text for p in doc.paragraphs for run in p.runs]
    assert any(SCRIPT in text for text in runs)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert b"<script" not in archive.read(name).lower(), name
    assert doc.core_properties.title == material.state.title


KEPT_AS_TEXT = {
    "Avant <math><mi>E</mi><mo>=</mo><mi>mc²</mi></math> et après.": ["E=mc²", "et après."],
    "<svg><text>Schéma du guichet</text></svg>": ["Schéma du guichet"],
    "<details>\nUn détail replié\n</details>\n## Après le détail\n\nLa suite.": [
        "Un détail replié",
        "Après le détail",
        "La suite.",
    ],
    # An HTML block never closed: its tag reads as typed, the Markdown after stays Markdown.
    "<div>\nUn bloc jamais fermé\n## Un titre après le bloc\n\nEt la fin.": [
        "<div>",
        "Un bloc jamais fermé",
        "Un titre après le bloc",
        "Et la fin.",
    ],
}


def test_markup_the_exports_cannot_show_keeps_its_words_everywhere(app_context, played):
    [saved] = [e for e in played.log if e.type == "synthesis_saved"]
    saved.data["text"] += "\n\n## Ajouts\n\n" + "\n\n".join(KEPT_AS_TEXT)
    material = material_of(played)
    preview = markdown.render(saved.data["text"])
    html = to_html.export(material).decode()
    docx = "\n".join(p.text for p in Document(io.BytesIO(to_docx.export(material))).paragraphs)
    pdf = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(to_pdf.export(material))).pages
    )
    for words in KEPT_AS_TEXT.values():
        for word in words:
            assert escape_html(word) in preview and escape_html(word) in html, word
            assert word in docx and word in " ".join(pdf.split()), word
    assert '<h2 id="un-titre-apres-le-bloc">Un titre après le bloc</h2>' in preview
    assert "## Un titre" not in preview


def test_the_consent_record_lists_only_who_accepted_and_when_each_withdrew(app_context):
    from mag.archive import consent_csv

    story = Story()
    awa = story.join("Awa", "AS en CPAS")
    story.join("Bruno", "éducateur", accept=False)  # joined, never accepted
    chloe = story.join("Chloé", "médiatrice")
    story.wait(minutes=30)
    story.do(chloe, "withdraw_consent")
    rows = list(csv.reader(io.StringIO(consent_csv(material_of(story)).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["AS en CPAS", "participant·e retiré·e"]
    assert rows[1][3] == "" and rows[2][3] != ""
    assert awa.participant_id not in str(rows)


def test_docx_uses_real_word_structure(app_context, played):
    doc = Document(io.BytesIO(to_docx.export(material_of(without_draft(played)))))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet", "Quote"} <= styles
    annex = next(p for p in doc.paragraphs if p.text == "Annexe : transcription")
    assert annex.style.name == "Heading 2" and annex.paragraph_format.page_break_before
    header = doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0]
    assert header.bold


def test_docx_is_a4_in_the_sessions_language_with_page_numbers_and_contents(exports):
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(exports["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    languages = {lang.get(qn("w:val")) for lang in doc.styles.element.iter(qn("w:lang"))}
    assert languages == {"fr-BE"}
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer
    assert doc.paragraphs[1].text == "Table des matières"
    assert 'TOC \\o "1-3"' in doc.paragraphs[2]._p.xml
    assert doc.settings.element.find(qn("w:updateFields")) is not None
    # Tables are sized by their content, not split into equal columns.
    for table in doc.tables:
        assert {w.get(qn("w:type")) for w in table._tbl.iter(qn("w:tcW"))} == {"auto"}


def test_pdf_keeps_a_short_table_on_one_page_and_lets_a_long_one_break(app_context, played):
    rows = lambda word, n: "\n".join(f"| {i} | {word} {i} |" for i in range(n))  # noqa: E731
    text = f"# Synthèse\n\n| n | texte |\n|---|---|\n{rows('court', 3)}\n\nEntre.\n\n"
    text += f"| n | texte |\n|---|---|\n{rows('long', 40)}\n"
    played.do(RAPPORTEUR, "save_synthesis", text=text, base_version=1)
    typst = to_pdf.source(material_of(played))

    def kept_whole(word: str) -> bool:
        before = typst[: typst.index(f"{word} 0")]
        return before[: before.rindex("table(columns:")].endswith("block(breakable:false,")

    assert kept_whole("court") and not kept_whole("long")


def test_docx_nested_and_numbered_lists(app_context, played):
    text = (
        "# Synthèse\n\n## Liste\n\n1. un\n2. deux\n    - sous-point\n\nEntre.\n\n"
        "1. encore un\n\n> *Citée* et **grasse**\n"
    )
    played.do(RAPPORTEUR, "save_synthesis", text=text, base_version=1)
    doc = Document(io.BytesIO(to_docx.export(material_of(played))))
    paragraphs = [doc.paragraphs[0], *doc.paragraphs[3:]]  # 1 and 2: the table of contents
    found = [(p.style.name, p.text) for p in paragraphs[:8]]
    assert found == [
        ("Heading 1", "Synthèse"),
        ("Heading 2", "Liste"),
        ("List Number", "un"),
        ("List Number", "deux"),
        ("List Bullet 2", "sous-point"),
        ("Normal", "Entre."),
        ("List Number", "encore un"),
        ("Quote", "Citée et grasse"),
    ]
    first, second = paragraphs[2], paragraphs[6]
    num_id = lambda p: p._p.pPr.numPr.numId.val  # noqa: E731
    assert num_id(first) != num_id(second)  # the second list starts again at 1
    quote = paragraphs[7].runs
    assert quote[0].italic and quote[-1].bold


def test_csv_opens_in_a_french_spreadsheet_with_every_row_in_local_time(exports, material):
    data = exports["csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [
        "heure", "étape", "titre de l'étape", "tour", "récit", "participant", "intervenant·e",
        "saisi par", "type", "texte", "niveau", "soutiens", "en réponse à",
        "éléments du tableau liés", "identifiant",
    ]  # fmt: skip
    assert all(len(r) == len(rows[0]) for r in rows)
    shown = [p for p in material.state.proposals.values() if not p.is_withdrawn]
    board = len(material.state.board)
    assert len(rows) - 1 == len(material.contributions()) + len(shown) + board
    # Local time (here the material's, UTC), to the second, as in the documents.
    first = next(r for r in rows[1:] if r[8] == "proposition de récit")
    assert first[0] == "2026-12-01 09:40:00"
    assert "élément du tableau d'analyse" in {r[8] for r in rows[1:]}
    script_row = next(r for r in rows if SCRIPT in r[9])
    assert script_row[1:5] == ["2.2", "Premier tour de table des interprétations", "1", "1"]
    assert script_row[6] == "éducateur de rue" and re.fullmatch(r"P\d\d", script_row[5])
    # One person, one id on every row of theirs; the team's own rows have none.
    by_person = {}
    for r in rows[1:]:
        if r[5]:
            by_person.setdefault(r[5], set()).add(r[6])
    assert all(len(names) == 1 for names in by_person.values())
    perspectives = [r for r in rows[1:] if r[8] == "perspective"]
    assert perspectives and all(r[10] for r in perspectives)
    assert any(r[13] for r in rows[1:])  # interpretations linked to board items say which


# ---------------------------------------------------------------- what must not leave


def test_withdrawn_words_and_listed_names_are_in_no_export(exports):
    for name, text in readable(exports).items():
        for sentence in WITHDRAWN_WORDS:
            assert sentence not in text, name
        assert "Emma" not in text, name
        assert REAL_NAME not in text, name
        assert PLACE not in text, name


def test_withdrawn_words_removed_leave_no_marker(app_context, played):
    played.steer("change_settings", withdrawal="remove")
    material = material_of(played)
    transcript = document.transcription(material)
    assert material.marker not in transcript
    assert "participant·e retiré·e" not in transcript
    assert "ses propos ont été retirés" in synthesis.draft(material)


def test_speakers_show_as_pseudonyms_when_the_session_says_so(app_context, played):
    played.steer("change_settings", attribution="pseudonym")
    material = material_of(played)
    speakers = {r["speaker"] for r in document.transcript_rows(material)}
    assert speakers == {
        "Awa", "Bruno", "Chloé", "participant·e retiré·e", "rapporteur·rice", "animation",
    }  # fmt: skip
    text = document.report(material)
    assert "· **Bruno** : La borne décide" in text
    assert "AS en CPAS" not in text
    assert "Emma" not in text
    assert "Emma" not in to_html.export(material).decode("utf-8")
    assert "Emma" not in to_csv.export(material).decode("utf-8-sig")
    assert "Emma" not in docx_text(to_docx.export(material))


def test_every_row_the_search_links_to_has_its_anchor_in_the_html_report(material):
    from mag.report.document import anchor_id, transcript_rows

    html = to_html.export(material).decode()
    rows = transcript_rows(material)
    assert any(row["kind"] == "board_item" for row in rows)
    for row in rows:
        assert f'id="{anchor_id(str(row["id"]))}"' in html
