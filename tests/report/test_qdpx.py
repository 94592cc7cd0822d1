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
from mag.report.material import SessionFile, build
from mag.report.synthesis import draft

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "refi-qda" / "Project.xsd"
NS = {"q": to_qdpx.NAMESPACE}


@dataclass
class Unpacked:
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
    return Unpacked(files, root, text)


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


def test_the_codebook_has_every_step_round_recit_and_board_item(material, qdpx):
    codes = qdpx.all("q:CodeBook/q:Codes/q:Code")
    assert [c.get("name") for c in codes] == ["Étapes", "Tours", "Récits", "Analyse"]
    steps, rounds, recits, analysis = codes
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


def test_selections_are_coded_with_their_step_round_recit_and_board_items(qdpx):
    first_round = "2.2 Premier tour de table des interprétations"
    recit = "Récit 1 : La borne et Mme L."
    assert qdpx.coded(qdpx.selection("L'aide numérique devient un travail invisible.")) == {
        first_round,
        "Tour 1",
        recit,
        "Le travail invisible",
    }
    assert qdpx.coded(qdpx.selection("Je rejoins éducateur de rue : la machine fixe les règles.")) == {
        "2.4 Deuxième tour de table",
        "Tour 2",
        recit,
    }
    # Theory and hypotheses link to board items; an accepted suggestion made its item.
    theory = qdpx.selection("Ne pas obtenir un droit faute d'y accéder.")
    assert "Le travail invisible" in qdpx.coded(theory)
    suggestion = qdpx.selection(
        "Quand l'aide passe par le téléphone de l'AS, qui répond d'une erreur ?"
    )
    assert "Qui porte la responsabilité ?" in qdpx.coded(suggestion)
    # Outside the récit block: the step only.
    perspective = qdpx.selection("Garder un guichet humain dans chaque commune.")
    assert qdpx.coded(perspective) == {"4 Perspectives pratiques"}


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
