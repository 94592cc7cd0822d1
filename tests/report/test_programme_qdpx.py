"""The programme's REFI-QDA project: every session and every fiche, one codebook, valid."""

import io
import zipfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree
from story import every_other_event, material_of, played_session
from test_qdpx import NS, qualcoder_import

from mag.report import to_programme_qdpx, to_qdpx
from mag.report.material import SessionFile, build
from mag.report.programme import FicheFile, FormFile, ProgrammeFile, ProgrammeTheme

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
RECEIVED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def schema() -> etree.XMLSchema:
    """The REFI-QDA schema beside the repository: without it, the test fails."""
    assert SCHEMA.exists(), f"the REFI-QDA schema is not at {SCHEMA}"
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def fiche(number: int, **changes) -> FicheFile:
    fields = {
        "id": f"fiche{number}",
        "form": 1,
        "what_happened": "Mme Dupont n'a pas pu joindre la ligne du CPAS de l'après-midi.",
        "service": "CPAS",
        "service_other": "",
        "barrier": "telephone",
        "barrier_other": "",
        "public": "une personne âgée",
        "consequences": ("retard", "renoncement"),
        "consequence_other": "",
        "action": "Nous avons appelé ensemble le lendemain.",
        "function": "AS en CPAS",
        "region": "wallonie",
        "occurred_on": date(2026, 1, 5),
        "consent_text": "Votre fiche sert à la recherche.",
        "language": "fr",
        "warnings": {},
        "created_at": RECEIVED,
        "themes": ("Accès aux droits",),
        "levels": ("institution",),
    }
    return FicheFile(**{**fields, **changes})


def second_session():
    """Another session of the programme, « Groupe de Namur »: its own id, so its own GUIDs."""
    story = every_other_event()
    created, *log = story.log
    created = replace(created, data={**created.data, "title": "Groupe de Namur"})
    session = SessionFile("s2", story.protocol.source, datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    return build(session, story.protocol, [created, *log])


def programme_of(sessions, fiches) -> ProgrammeFile:
    return ProgrammeFile(
        id="prog1",
        title="Numérique et services sociaux",
        question="Comment la numérisation pèse-t-elle sur l'accompagnement ?",
        period_start=date(2023, 9, 1),
        period_end=date(2025, 6, 30),
        services=("CPAS", "Commune"),
        names=("Dupont", "Clinique des Lilas"),
        consent_text="Votre fiche sert à la recherche.",
        created_at=RECEIVED,
        forms=[FormFile(1, RECEIVED, None)],
        fiches=fiches,
        sessions=sessions,
    )


@pytest.fixture
def programme(app_context):
    return programme_of(
        [material_of(played_session()), second_session()],
        [
            fiche(1),
            fiche(
                2,
                what_happened="Le formulaire de la Clinique des Lilas refuse les accents.",
                service="autre",
                service_other="Clinique des Lilas",
                barrier="formulaire",
                consequences=("autre",),
                consequence_other="une facture en retard",
                themes=("accès aux droits", "Formulaires"),
                levels=("pratique", "politique"),
                function="animatrice EPN chez Dupont",
                region="",
                created_at=datetime(2026, 1, 12, 14, 0, tzinfo=UTC),
            ),
        ],
    )


class Unpacked:
    def __init__(self, data: bytes) -> None:
        self.data = data
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.files = {name: archive.read(name) for name in archive.namelist()}
        self.root = etree.fromstring(self.files["project.qde"])

    def all(self, path: str):
        return self.root.findall(path, NS)

    def source(self, name: str):
        [found] = [s for s in self.all("q:Sources/q:TextSource") if s.get("name") == name]
        return found

    def text(self, source) -> str:
        return self.files[
            "sources/" + source.get("plainTextPath").removeprefix("internal://")
        ].decode()

    def words(self, selection) -> str:
        text = self.text(selection.getparent())
        return text[int(selection.get("startPosition")) : int(selection.get("endPosition"))]

    def coded(self, selection) -> set[str]:
        names = {c.get("guid"): c.get("name") for c in self.all(".//q:Code")}
        return {names[r.get("targetGUID")] for r in selection.findall("q:Coding/q:CodeRef", NS)}

    def group(self, name: str):
        [found] = [c for c in self.all(".//q:Code") if c.get("name") == name]
        return found


def export(programme, themes=()) -> Unpacked:
    return Unpacked(to_programme_qdpx.export(programme, themes))


def test_the_project_is_valid_against_the_refi_qda_schema(programme):
    theme = ProgrammeTheme("Qui répond de l'erreur ?", [("s1", "nothing")], ["fiche1"])
    for project in (export(programme), export(programme, [theme])):
        checker = schema()
        assert checker.validate(project.root), checker.error_log


def test_each_fiche_is_a_source_laid_out_with_the_programmes_names_replaced(programme):
    project = export(programme)
    first, second = project.source("Fiche 1 (05/01/2026)"), project.source("Fiche 2 (05/01/2026)")
    text = project.text(first)
    assert text.startswith(
        "Ce qui s'est passé :\nMme […] n'a pas pu joindre la ligne du CPAS de l'après-midi.\n\n"
    )
    for line in (
        "Service ou administration concerné : CPAS",
        "Obstacle numérique : Ligne téléphonique fermée",
        "Qui était concerné : une personne âgée",
        "Conséquences : Retard, Renoncement",
        "Ce qui a été fait : Nous avons appelé ensemble le lendemain.",
        "Fonction : AS en CPAS",
        "Région : Wallonie",
        "Date de la situation : 05/01/2026",
    ):
        assert f"\n{line}\n" in text, line
    other = project.text(second)
    assert "Le formulaire de la […] refuse les accents." in other
    assert "Service ou administration concerné : Autre : […]\n" in other
    assert "Conséquences : Autre : une facture en retard\n" in other
    assert "Fonction : animatrice EPN chez […]\n" in other and "Région : –\n" in other
    # A listed name is nowhere in the file, not even in a variable or a code.
    for content in project.files.values():
        assert b"Dupont" not in content and b"Lilas" not in content
    # The worker's function, region and the day: the source's variables.
    variables = {v.get("guid"): v.get("name") for v in project.all("q:Variables/q:Variable")}
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v[1].text
        for v in first.findall("q:VariableValue", NS)
    }
    assert values == {
        "Fonction": "AS en CPAS",
        "Région": "Wallonie",
        "Date de la situation": "2026-01-05",
    }


def test_a_fiche_is_one_selection_coded_with_its_tags_levels_service_barrier_consequences(
    programme,
):
    project = export(programme)
    source = project.source("Fiche 2 (05/01/2026)")
    [selection] = source.findall("q:PlainTextSelection", NS)
    text = project.text(source)
    assert (selection.get("startPosition"), selection.get("endPosition")) == (
        "0",
        str(len(text.rstrip("\n"))),
    )
    assert project.coded(selection) == {
        "Accès aux droits",
        "Formulaires",
        "Pratique professionnelle",
        "Politique et secteur",
        "Autre service",
        "Formulaire en ligne",
        "Autre conséquence",
    }
    assert selection.get("creationDateTime") == "2026-01-12T14:00:00Z"
    first = project.source("Fiche 1 (05/01/2026)").find("q:PlainTextSelection", NS)
    assert project.coded(first) == {
        "Accès aux droits",
        "Institution",
        "CPAS",
        "Ligne téléphonique fermée",
        "Retard",
        "Renoncement",
    }


def test_each_sessions_transcript_is_a_source_as_in_its_own_export(app_context, programme):
    project = export(programme)
    for material in programme.sessions:
        alone = to_qdpx.Project(material)
        own = Unpacked(to_qdpx.export(material))
        [source] = [
            s for s in project.all("q:Sources/q:TextSource") if s.get("guid") == alone.source_guid
        ]
        assert project.text(source) == alone.transcript.text != ""
        assert source.get("name") == f"Transcription — {material.state.title}"
        own_source = own.root.find("q:Sources/q:TextSource", NS)
        positions = [
            (s.get("guid"), s.get("startPosition"), s.get("endPosition"))
            for s in own_source.findall("q:PlainTextSelection", NS)
        ]
        assert positions == [
            (s.get("guid"), s.get("startPosition"), s.get("endPosition"))
            for s in source.findall("q:PlainTextSelection", NS)
        ]
        # Its synthesis and method note, named with the session's title, referred to by it.
        refs = [r.get("targetGUID") for r in source.findall("q:NoteRef", NS)]
        notes = {n.get("guid"): n.get("name") for n in project.all("q:Notes/q:Note")}
        assert [notes[ref] for ref in refs][1] == f"Note de méthode — {material.state.title}"
    # Both sessions' participants are cases, with the shared function variable.
    cases = project.all("q:Cases/q:Case")
    assert len(cases) == sum(len(to_qdpx.Project(m).case_names) for m in programme.sessions)


def test_one_codebook_every_guid_once_and_every_codable_name_once(programme):
    theme = ProgrammeTheme("Accès aux droits", [], ["fiche2"])  # a fiche's tag of that name too
    project = export(programme, [theme])
    guids = Counter(e.get("guid") for e in project.root.iter() if e.get("guid"))
    twice = {guid for guid, count in guids.items() if count > 1}
    # Only a case and the code standing for it share a GUID (see to_qdpx's docstring).
    cases = {c.get("guid") for c in project.all("q:Cases/q:Case")}
    assert twice == cases and all(guids[guid] == 2 for guid in twice)
    codable = [c.get("name") for c in project.all(".//q:Code") if c.get("isCodable") == "true"]
    names = codable + [c.get("name") for c in project.all("q:Cases/q:Case")]
    assert len(codable) == len(set(codable)) and len(set(names)) == len(set(codable))
    documents = [e.get("name") for e in project.all("q:Sources/*") + project.all("q:Notes/q:Note")]
    assert len(documents) == len(set(documents))
    # The theme keeps its name; the fiches' tag of the same name gives way.
    assert "Accès aux droits (2)" in codable
    top = [c.get("name") for c in project.all("q:CodeBook/q:Codes/q:Code")]
    assert top == [
        "Thèmes du programme",
        "Thèmes des fiches",
        "Niveaux",
        "Fiches incident",
        "Étapes",
        "Tours",
        "Séances",
    ]
    sessions = project.group("Séances")
    assert [s.get("name") for s in sessions] == [m.state.title for m in programme.sessions]
    assert [c.get("name") for c in sessions[0]] == ["Récits", "Analyse", "Participants"]
    # What QualCoder keeps of it: every code, every case, every source's codings.
    imported = qualcoder_import(project.data)
    assert sorted(imported.codes.values()) == sorted(
        c.get("name")
        for c in project.all(".//q:Code")
        if c.get("isCodable") == "true" and c.get("guid") not in cases
    )
    assert len(imported.cases) == len(cases)


def test_a_step_is_one_code_for_every_session(programme):
    project = export(programme)
    first_round = "2.2 Premier tour de table des interprétations"
    [code] = [c for c in project.all(".//q:Code") if c.get("name") == first_round]
    assert code.getparent().get("name") == "Étapes"
    coded_in = {
        selection.getparent().get("name")
        for selection in project.all(".//q:PlainTextSelection")
        if code.get("guid")
        in {r.get("targetGUID") for r in selection.iter(f"{{{NS['q']}}}CodeRef")}
    }
    assert coded_in == {f"Transcription — {m.state.title}" for m in programme.sessions}


def test_a_perspective_is_coded_with_its_level(programme):
    project = export(programme)
    levels = {}
    for words, level in (
        ("Garder un guichet humain dans chaque commune.", "Politique et secteur"),
        ("Un temps d'aide numérique reconnu dans la charge de travail.", "Institution"),
    ):
        [selection] = [
            s for s in project.all(".//q:PlainTextSelection") if project.words(s) == words
        ]
        levels[words] = project.coded(selection) & {"Politique et secteur", "Institution"}
        assert levels[words] == {level}, words
        assert "4 Perspectives pratiques" in project.coded(selection)


def test_a_programme_theme_codes_its_fiches_and_the_words_behind_its_items(programme):
    material = programme.sessions[0]
    [item] = [i for i in material.state.board.values() if i.title == "Le travail invisible"]
    theme = ProgrammeTheme(
        "Le travail invisible des AS",
        [("s1", item.id), ("s2", "no-such-item")],
        ["fiche1", "no-such-fiche"],
        "Ce que l'aide numérique demande aux AS sans que personne ne le voie.",
    )
    project = export(programme, [theme])
    [code] = project.group("Thèmes du programme")
    assert code.get("name") == "Le travail invisible des AS"
    assert code.findtext("q:Description", namespaces=NS) == theme.description
    with_theme = [
        s
        for s in project.all(".//q:PlainTextSelection")
        if "Le travail invisible des AS" in project.coded(s)
    ]
    item_code = "Le travail invisible"
    on_item = [s for s in project.all(".//q:PlainTextSelection") if item_code in project.coded(s)]
    assert on_item and {s.get("guid") for s in on_item} <= {s.get("guid") for s in with_theme}
    fiches = [s for s in with_theme if s.getparent().get("name").startswith("Fiche ")]
    assert [s.getparent().get("name") for s in fiches] == ["Fiche 1 (05/01/2026)"]
    assert len(with_theme) == len(on_item) + 1
    # The programme's own themes, by default (what the programme board will give).
    with_own = replace(programme, themes=(theme,))
    assert to_programme_qdpx.export(with_own) == project.data
    # Without themes, no such group.
    assert "Thèmes du programme" not in [
        c.get("name") for c in export(programme).all("q:CodeBook/q:Codes/q:Code")
    ]


def test_the_same_programme_gives_the_same_bytes(programme):
    first = to_programme_qdpx.export(programme)
    assert to_programme_qdpx.export(programme) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        stamps = {i.date_time for i in archive.infolist()}
    assert stamps == {programme.last_changed.timetuple()[:6]}


def test_a_programme_with_no_fiche_and_no_session_is_a_valid_project(app_context):
    project = export(programme_of([], []))
    checker = schema()
    assert checker.validate(project.root), checker.error_log
    assert project.all("q:Sources") == [] and project.all("q:Cases") == []
    assert project.root.findtext("q:Description", namespaces=NS).startswith("Comment")
