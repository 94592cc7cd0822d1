"""The REFI-QDA export: valid against the schema, faithful to the transcript, nothing withdrawn."""

import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from story import PLACE, REAL_NAME, SCRIPT, WITHDRAWN_WORDS, Story, material_of

from mag.domain import events as ev
from mag.report import to_qdpx
from mag.report.markdown import sections
from mag.report.material import SessionFile, build
from mag.report.synthesis import draft

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "refi-qda" / "Project.xsd"
NS = {"q": to_qdpx.NAMESPACE}


@dataclass
class Unpacked:
    data: bytes  # the .qdpx itself
    files: dict[str, bytes]
    root: etree._Element
    text: str  # the transcript source

    def all(self, path: str) -> list[etree._Element]:
        return self.root.findall(path, NS)

    def code(self, name: str) -> etree._Element:
        found = [c for c in self.all(".//q:Code") if c.get("name") == name]
        assert len(found) == 1, name
        return found[0]

    def selection(self, body: str) -> etree._Element:
        found = [s for s in self.all(".//q:PlainTextSelection") if self.words(s) == body]
        assert len(found) == 1, body
        return found[0]

    def words(self, selection: etree._Element) -> str:
        return self.text[int(selection.get("startPosition")) : int(selection.get("endPosition"))]

    def coded(self, selection: etree._Element) -> set[str]:
        """Names of the codes a selection carries."""
        names = {c.get("guid"): c.get("name") for c in self.all(".//q:Code")}
        refs = selection.findall("q:Coding/q:CodeRef", NS)
        return {names[r.get("targetGUID")] for r in refs}


def unpack(data: bytes) -> Unpacked:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(files["project.qde"])
    source = root.find("q:Sources/q:TextSource", NS)
    path = source.get("plainTextPath")
    assert path.startswith("internal://")
    text = files["sources/" + path.removeprefix("internal://")].decode("utf-8")
    return Unpacked(data, files, root, text)


@pytest.fixture
def qdpx(material) -> Unpacked:
    return unpack(to_qdpx.export(material))


def refi_schema(path: Path = SCHEMA) -> etree.XMLSchema:
    """The schema beside the repository; without it the test is skipped, except in CI."""
    if not path.exists():
        reason = f"the REFI-QDA schema is not at {path}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return etree.XMLSchema(etree.parse(str(path)))


@dataclass
class QualCoderProject:
    """What QualCoder's REFI-QDA importer keeps of a .qdpx: its tables, as rows."""

    codes: dict[str, str]  # code_name: cid (here the code's GUID) → name
    code_text: list[dict]  # one row per coding of a text selection
    cases: dict[str, str]  # cases: name → GUID
    case_text: dict[str, list[dict]]  # case_text: case name → its rows
    journals: dict[str, tuple[str, str]]  # journal: name → (text, date)


def qualcoder_import(data: bytes) -> QualCoderProject:
    """The project as ccbogel/QualCoder's ``src/qualcoder/refi.py`` imports it.

    ``sub_codes``: a code is a category only when ``isCodable="false"``; a second code
    of the same name is refused (unique names). ``load_text_source``: the file read as
    UTF-8 text, each selection sliced ``fulltext[pos0:pos1]``, its Description the memo
    of each of its codings. ``parse_notes``: a journal per named note, its text read
    from the file at ``plainTextPath``, its date required. ``parse_cases`` reads names
    only (unique); ``clean_up_case_codes_and_case_text`` moves the codings of a code
    whose GUID is a case's GUID to that case.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(files["project.qde"])

    def raw(path: str) -> bytes:  # "internal://x.txt" → sources/x.txt
        return files["sources" + path.split("internal:/")[1]]

    def read(path: str) -> str:  # open(…, encoding="utf-8", errors="replace").read()
        return io.TextIOWrapper(io.BytesIO(raw(path)), encoding="utf-8", errors="replace").read()

    def date(element) -> str:
        found = element.get("creationDateTime") or element.get("modifiedDateTime")
        return found.replace("T", " ").replace("Z", "")  # None would raise, as there

    codes: dict[str, str] = {}
    for code in root.iterfind(".//q:CodeBook//q:Code", NS):
        if code.get("isCodable") != "false" and code.get("name") not in codes.values():
            codes[code.get("guid")] = code.get("name")
    code_text = []
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        fulltext = read(source.get("plainTextPath"))
        if raw(source.get("plainTextPath")).split(b"\n", 1)[0].endswith(b"\r"):
            fulltext = fulltext.replace("\n", "\n ")  # Windows line breaks, as it guesses
        for selection in source.iterfind("q:PlainTextSelection", NS):
            pos0, pos1 = int(selection.get("startPosition")), int(selection.get("endPosition"))
            memo = selection.findtext("q:Description", "", NS)
            for coding in selection.iterfind("q:Coding", NS):
                guid = coding[0].get("targetGUID")
                cid = guid if guid in codes else None
                row = {"cid": cid, "seltext": fulltext[pos0:pos1], "memo": memo}
                code_text.append({**row, "pos0": pos0, "pos1": pos1, "date": date(selection)})
    journals = {
        note.get("name"): (read(note.get("plainTextPath")), date(note))
        for note in root.iterfind("q:Notes/q:Note", NS)
    }
    cases: dict[str, str] = {}
    for case in root.iterfind("q:Cases/q:Case", NS):
        if case.get("name") is not None and case.get("name") not in cases:
            cases[case.get("name")] = case.get("guid")
    case_text: dict[str, list[dict]] = {name: [] for name in cases}
    for name, guid in cases.items():
        if guid in codes:
            del codes[guid]
            case_text[name] = [row for row in code_text if row["cid"] == guid]
            code_text = [row for row in code_text if row["cid"] != guid]
    return QualCoderProject(codes, code_text, cases, case_text, journals)


def test_project_is_valid_against_the_refi_qda_schema(qdpx):
    schema = refi_schema()
    assert schema.validate(qdpx.root), schema.error_log


def test_the_zip_holds_the_project_its_source_and_its_notes(qdpx):
    source = qdpx.root.find("q:Sources/q:TextSource", NS)
    notes = [n.get("guid") for n in qdpx.all("q:Notes/q:Note")]
    assert sorted(qdpx.files) == sorted(
        ["project.qde", f"sources/{source.get('guid')}.txt", *(f"sources/{g}.txt" for g in notes)]
    )
    assert qdpx.files["project.qde"].startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert qdpx.root.get("name") == "Numérique et travail social"
    assert qdpx.root.get("origin") == "mag"
    assert qdpx.root.get("creationDateTime") == "2026-12-01T08:30:00Z"
    assert qdpx.root.get("modifiedDateTime") == "2026-12-01T13:24:00Z"


def test_each_contribution_and_proposal_is_a_selection_over_exactly_its_words(material, qdpx):
    shown = [c.body for c in material.contributions()]
    shown += [p.body for p in material.state.proposals.values()]
    selections = qdpx.all(".//q:PlainTextSelection")
    assert sorted(qdpx.words(s) for s in selections) == sorted(shown)
    assert "[10:07] 2.2 Premier tour de table des interprétations — Récit 1" in qdpx.text
    # In the order they were made.
    starts = [int(s.get("startPosition")) for s in selections]
    assert starts == sorted(starts)


def test_the_codebook_has_every_step_round_recit_board_item_and_case(material, qdpx):
    codes = qdpx.all("q:CodeBook/q:Codes/q:Code")
    assert [c.get("name") for c in codes] == [
        "Étapes",
        "Tours",
        "Récits",
        "Analyse",
        "Participants",
    ]
    steps, rounds, recits, analysis, participants = codes
    assert [c.get("name") for c in steps] == [
        material.step_label(i) for i in range(len(material.protocol.steps))
    ]
    assert [c.get("name") for c in rounds] == ["Tour 1", "Tour 2"]
    assert [c.get("name") for c in recits] == ["Récit 1 : La borne et Mme L."]
    groups = {g.get("name"): g for g in analysis}
    assert list(groups) == ["Convergences", "Divergences", "Nœuds"]
    for item in material.state.board.values():
        code = qdpx.code(item.title)
        assert code.getparent() in groups.values()
        assert code.findtext("q:Description", namespaces=NS) == item.formulation
        assert code.get("isCodable") == "true"
    assert qdpx.code("Le travail invisible").getparent().get("name") == "Convergences"
    assert qdpx.code("Qui porte la responsabilité ?").getparent().get("name") == "Nœuds"
    # A codable code per case, with the case's GUID and name (see QualCoder below).
    assert participants.get("isCodable") == "false"
    cases = [(c.get("guid"), c.get("name")) for c in qdpx.all("q:Cases/q:Case")]
    assert [(c.get("guid"), c.get("name")) for c in participants] == cases
    assert {c.get("isCodable") for c in participants} == {"true"}


def test_selections_are_coded_with_their_step_round_recit_and_board_items(qdpx):
    first_round = "2.2 Premier tour de table des interprétations"
    recit = "Récit 1 : La borne et Mme L."
    assert qdpx.coded(qdpx.selection("L'aide numérique devient un travail invisible.")) == {
        first_round,
        "Tour 1",
        recit,
        "Le travail invisible",
        "médiatrice numérique",
    }
    assert qdpx.coded(
        qdpx.selection("Je rejoins éducateur de rue : la machine fixe les règles.")
    ) == {
        "2.4 Deuxième tour de table",
        "Tour 2",
        recit,
        "médiatrice numérique",
    }
    # Theory and hypotheses link to board items; an accepted suggestion made its item.
    theory = qdpx.selection("Ne pas obtenir un droit faute d'y accéder.")
    assert "Le travail invisible" in qdpx.coded(theory)
    suggestion = qdpx.selection(
        "Quand l'aide passe par le téléphone de l'AS, qui répond d'une erreur ?"
    )
    assert "Qui porte la responsabilité ?" in qdpx.coded(suggestion)
    # Outside the récit block: the step and the speaker only; the researchers' own words
    # are nobody's case.
    perspective = qdpx.selection("Garder un guichet humain dans chaque commune.")
    assert qdpx.coded(perspective) == {"4 Perspectives pratiques", "éducateur de rue"}
    assert qdpx.coded(theory) == {"3.2 Apports théoriques", recit, "Le travail invisible"}


def test_researchers_are_users_and_the_typist_creates_the_selection(qdpx):
    users = {u.get("name"): u.get("guid") for u in qdpx.all("q:Users/q:User")}
    assert users.keys() == {"animation", "Lucie (rapporteur·rice)"}
    assert qdpx.root.get("creatingUserGUID") == users["animation"]
    note = qdpx.selection(
        "Le rendez-vous ne se prend plus qu'en ligne ; AS en CPAS l'aide sur son propre téléphone."
    )
    assert note.get("creatingUser") == users["Lucie (rapporteur·rice)"]
    theory = qdpx.selection("Ne pas obtenir un droit faute d'y accéder.")
    assert theory.get("creatingUser") == users["animation"]
    assert qdpx.selection("J'ai eu peur de mal faire.").get("creatingUser") is None


def test_each_participant_is_a_case_with_their_function_and_words(qdpx):
    variable = qdpx.root.find("q:Variables/q:Variable", NS)
    assert (variable.get("name"), variable.get("typeOfVariable")) == ("Fonction", "Text")
    cases = {c.get("name"): c for c in qdpx.all("q:Cases/q:Case")}
    assert set(cases) == {
        "AS en CPAS",
        "éducateur de rue",
        "médiatrice numérique",
        "participant·e retiré·e",
    }
    for name, case in cases.items():
        value = case.find("q:VariableValue", NS)
        assert value.find("q:VariableRef", NS).get("targetGUID") == variable.get("guid")
        assert value.findtext("q:TextValue", namespaces=NS) == (
            "" if name == "participant·e retiré·e" else name
        )
    selections = {s.get("guid"): s for s in qdpx.all(".//q:PlainTextSelection")}
    bruno = [
        qdpx.words(selections[ref.get("targetGUID")])
        for ref in cases["éducateur de rue"].findall("q:SelectionRef", NS)
    ]
    assert bruno == [
        "Avait-elle une adresse e-mail ?",
        f"La borne décide à la place des gens. {SCRIPT}",
        "La numérisation déplace le travail vers les AS.",
        "Garder un guichet humain dans chaque commune.",
    ]


def test_cases_are_named_by_pseudonym_when_the_session_says_so(app_context, played):
    played.steer("change_settings", attribution="pseudonym")
    qdpx = unpack(to_qdpx.export(material_of(played)))
    cases = {c.get("name"): c for c in qdpx.all("q:Cases/q:Case")}
    assert {"Awa", "Bruno", "Chloé"} <= cases.keys()
    assert cases["Awa"].findtext("q:VariableValue/q:TextValue", namespaces=NS) == "AS en CPAS"


def test_the_synthesis_and_the_method_note_are_notes(material, qdpx):
    notes = {n.get("name"): n for n in qdpx.all("q:Notes/q:Note")}
    assert set(notes) == {"Synthèse (version 1)", "Note de méthode"}
    synthesis = notes["Synthèse (version 1)"].findtext("q:PlainTextContent", namespaces=NS)
    assert synthesis == material.state.synthesis_text
    method = notes["Note de méthode"].findtext("q:PlainTextContent", namespaces=NS)
    assert "mag-complet" in method and "01/12/2026" in method
    # As importers read a note: a dated element whose text is a file beside the sources.
    for note in notes.values():
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", note.get("creationDateTime"))
        path = note.get("plainTextPath")
        assert path == f"internal://{note.get('guid')}.txt"
        stored = qdpx.files["sources/" + path.removeprefix("internal://")].decode()
        assert stored == note.findtext("q:PlainTextContent", namespaces=NS)
    refs = [r.get("targetGUID") for r in qdpx.all("q:NoteRef")]
    assert refs == [n.get("guid") for n in notes.values()]


def test_the_method_note_says_what_the_reports_say(material, qdpx):
    """Who took part and each step's minutes: the same figures as the synthesis's note."""
    note = to_qdpx.method_note(material)
    report = {s.title: s.text for s in sections(draft(material))}["Note de méthode"]
    counted = re.search(r"\*\*Participants :\*\* (.+)", report).group(1)
    assert f"Participant·es : {counted}\n" in note
    assert counted == "4 participant·es (dont 1 a retiré son consentement)"
    rows = [r for r in report.splitlines() if r.startswith("| ") and r[2:3].isdigit()]
    assert len(rows) == note.count(" min / ") - 1  # every step, then the total
    for row in rows:
        number, title, recit, planned, spent = (c.strip() for c in row.strip("|").split("|"))
        label = f"{number.replace(chr(92), '')} {title}"
        line = next(line for line in note.splitlines() if line.startswith(f"- {label}"))
        assert line.endswith(f" : {spent} min / {planned} min"), line


def test_an_unsaved_synthesis_gives_the_draft(app_context, played):
    log = [e for e in played.log if e.type != ev.SYNTHESIS_SAVED]
    session = SessionFile("s1", played.protocol.source, played.log[0].at)
    material = build(session, played.protocol, log)
    qdpx = unpack(to_qdpx.export(material))
    note = qdpx.root.find("q:Notes/q:Note", NS)
    assert note.get("name") == "Synthèse (brouillon)"
    assert note.findtext("q:PlainTextContent", namespaces=NS) == draft(material)


def test_withdrawn_words_and_listed_names_are_nowhere_in_the_file(material):
    data = to_qdpx.export(material)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        everything = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
    for words in (*WITHDRAWN_WORDS, REAL_NAME, PLACE, "Emma", "stagiaire assistante sociale"):
        assert words not in everything
    assert material.marker in everything


def test_removed_words_leave_no_selection_and_no_case(app_context, played):
    played.steer("change_settings", withdrawal="remove")
    material = material_of(played)
    qdpx = unpack(to_qdpx.export(material))
    assert material.marker not in qdpx.text
    assert "participant·e retiré·e" not in [c.get("name") for c in qdpx.all("q:Cases/q:Case")]
    assert len(qdpx.all(".//q:PlainTextSelection")) == len(material.contributions()) + 1


def test_a_script_tag_typed_by_a_participant_is_plain_text(qdpx):
    assert SCRIPT in qdpx.text
    assert b"<script" not in qdpx.files["project.qde"]
    assert not qdpx.root.xpath("//*[local-name()='script']")


def test_the_same_session_gives_the_same_bytes(app_context, played):
    first = to_qdpx.export(material_of(played))
    assert to_qdpx.export(material_of(played)) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 1, 13, 24, 0)}


def test_a_session_that_never_started_is_a_valid_empty_project(app_context):
    story = Story()
    story.join("Awa", "AS en CPAS")
    qdpx = unpack(to_qdpx.export(material_of(story)))
    assert qdpx.text == ""
    assert qdpx.all(".//q:PlainTextSelection") == []
    assert [c.get("name") for c in qdpx.all("q:Cases/q:Case")] == ["AS en CPAS"]
    schema = refi_schema()
    assert schema.validate(qdpx.root), schema.error_log


def test_qualcoder_links_each_case_to_each_of_its_persons_words(qdpx):
    imported = qualcoder_import(qdpx.data)
    selections = {s.get("guid"): s for s in qdpx.all(".//q:PlainTextSelection")}
    assert imported.cases.keys() == {c.get("name") for c in qdpx.all("q:Cases/q:Case")}
    for case in qdpx.all("q:Cases/q:Case"):
        # As the standard says it (NVivo, ATLAS.ti, MAXQDA) and as QualCoder reads it.
        refs = case.findall("q:SelectionRef", NS)
        expected = [qdpx.words(selections[ref.get("targetGUID")]) for ref in refs]
        assert [row["seltext"] for row in imported.case_text[case.get("name")]] == expected
        assert expected  # everyone spoke, the withdrawn participant's words marked
    assert [row["seltext"] for row in imported.case_text["éducateur de rue"]] == [
        "Avait-elle une adresse e-mail ?",
        f"La borne décide à la place des gens. {SCRIPT}",
        "La numérisation déplace le travail vers les AS.",
        "Garder un guichet humain dans chaque commune.",
    ]
    # Every coding found its code; no code is left standing for a case.
    assert all(row["cid"] is not None for row in imported.code_text)
    assert not set(imported.codes.values()) & imported.cases.keys()
    assert "Le travail invisible" in imported.codes.values()


def test_qualcoder_reads_dated_notes_and_selections(material, qdpx):
    imported = qualcoder_import(qdpx.data)
    assert imported.journals.keys() == {"Synthèse (version 1)", "Note de méthode"}
    text, day = imported.journals["Synthèse (version 1)"]
    assert text == material.state.synthesis_text
    assert day == "2026-12-01 13:24:00"
    assert "mag-complet" in imported.journals["Note de méthode"][0]
    when = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for selection in qdpx.all(".//q:PlainTextSelection"):
        assert when.fullmatch(selection.get("creationDateTime"))
        assert when.fullmatch(selection.get("modifiedDateTime"))
        assert selection.get("modifiedDateTime") >= selection.get("creationDateTime")
        for coding in selection.findall("q:Coding", NS):
            assert when.fullmatch(coding.get("creationDateTime"))
    for note in qdpx.all("q:Notes/q:Note"):
        assert when.fullmatch(note.get("modifiedDateTime"))


def test_a_reply_is_a_link_and_what_qualcoder_keeps_of_it(qdpx):
    reply = qdpx.selection("Je rejoins éducateur de rue : la machine fixe les règles.")
    answered = qdpx.selection(f"La borne décide à la place des gens. {SCRIPT}")
    # The standard's link, for the importers that read links.
    [link] = qdpx.all("q:Links/q:Link")
    assert (link.get("originGUID"), link.get("targetGUID")) == (
        reply.get("guid"),
        answered.get("guid"),
    )
    # QualCoder drops links between selections: it reads the reply's description.
    memos = {
        row["memo"]
        for row in qualcoder_import(qdpx.data).code_text
        if row["seltext"] == qdpx.words(reply)
    }
    assert memos == {
        f"Répond à {answered.get('name')} : « La borne décide à la place des gens. {SCRIPT} »"
    }
    assert answered.find("q:Description", NS) is None


def test_text_beyond_the_basic_plane_is_counted_as_importers_slice_it(app_context):
    """Positions count code points: 👍 and 𝔘 are one each, not two UTF-16 units."""
    story = Story()
    awa, bruno = story.group(2)
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "La borne 🏧"))
    story.go_to_kind("questions")
    asked = "Merci 👍 : 𝔘ne borne, 𝔘n code, ça marche ?"
    story.do(bruno, "contribute", contribution_id="q-000001", body=asked)
    story.wait(minutes=2)
    # A lone surrogate a browser may send cannot be UTF-8: it is dropped, before counting.
    story.do(bruno, "contribute", contribution_id="q-000002", body="Et \ud83d ensuite 🙂 ?")
    story.do(
        awa, "answer_question", contribution_id="a-000001", question_id="q-000001", body="Non."
    )
    data = to_qdpx.export(material_of(story))
    qdpx = unpack(data)
    expected = ["Il était une fois.", asked, "Et  ensuite 🙂 ?", "Non."]
    selections = qdpx.all(".//q:PlainTextSelection")
    assert [qdpx.words(s) for s in selections] == expected
    imported = qualcoder_import(data)
    assert [row["seltext"] for row in imported.case_text["Bruno"]] == expected[1:3]
    assert [row["seltext"] for row in imported.case_text["Awa"]] == [expected[0], expected[3]]
    # Counted in UTF-16 units, as a .NET or Java reader might, the answer would start later.
    answer = selections[-1]
    start = int(answer.get("startPosition"))
    assert len(qdpx.text[:start].encode("utf-16-le")) // 2 > start
    schema = refi_schema()
    assert schema.validate(qdpx.root), schema.error_log


def test_two_people_of_the_same_function_are_two_cases_in_qualcoder(app_context):
    story = Story()
    first = story.join("Awa", "AS en CPAS")
    second = story.join("Bintou", "AS en CPAS")
    story.go_to_kind("proposals")
    story.propose(first, "Le guichet")
    story.propose(second, "La borne")
    qdpx = unpack(to_qdpx.export(material_of(story)))
    names = [c.get("name") for c in qdpx.all("q:Cases/q:Case")]
    assert names == ["AS en CPAS", "AS en CPAS (2)"]
    imported = qualcoder_import(qdpx.data)
    assert [len(imported.case_text[name]) for name in names] == [1, 1]
