"""`mag programme list|export|import` and `mag import` of a programme's archive.

A programme with two fiches and two sessions (one played through its pages, a fiche
proposed in it; the whole mag-complet story stored beside it) is exported as JSON,
restored into another installation and exported again: the same document, a new id.
"""

import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from databases import fresh_postgresql_database
from lxml import etree
from sqlalchemy import func, select
from story import played_session
from test_archive import store
from test_programme_pages import Team, fiche, open_form, stored
from test_programme_sessions import programme_room  # noqa: F401 (a fixture)

from mag import create_app, cross_analysis
from mag.cli import main
from mag.models import FicheFormRecord, FicheRecord, ProgrammeRecord, SessionRecord
from mag.programmes import programme_record
from mag.report import to_qdpx

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
NS = {"q": to_qdpx.NAMESPACE}


@pytest.fixture
def other_db_url(db_url, tmp_path, migrated):
    """A second installation's database, on the same kind of server."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "other.sqlite3"
        shutil.copyfile(migrated["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    with fresh_postgresql_database(template=migrated["postgresql"]) as url:
        yield url


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """``cli(database, *args)``: mag's command line on that database."""
    runner = CliRunner()

    def run(database: str, *args: str):
        monkeypatch.setenv("MAG_DATABASE_URL", database)
        monkeypatch.setenv("MAG_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("MAG_TIMEZONE", "UTC")
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def file_fiche(app, team: Team, **changes) -> str:
    """File a fiche through the public form (confirming it if warned about); its id."""
    before = {record.id for record in stored(app)}
    phone = app.test_client()
    path = team.form_path()
    typed = fiche(**open_form(phone, path), **changes)
    response = phone.post(path, data=typed)
    if response.status_code == 200:  # warned: confirmed for these very texts
        digest = re.search(r'name="confirm_digest" value="(\w+)"', response.text)[1]
        response = phone.post(path, data={**typed, "confirm_digest": digest})
    assert response.status_code == 302, response.text
    [new] = {record.id for record in stored(app)} - before
    return new


@pytest.fixture
def programme(app, programme_room):  # noqa: F811 (the fixture imported above)
    """A team's programme: two fiches (one tagged, one naming a listed person), its form
    renewed once, a session where a fiche became a récit proposal, and the whole
    mag-complet story attached to it."""
    team = Team(app)
    tagged = file_fiche(app, team, what_happened="La ligne du CPAS ne répond plus l'après-midi.")
    response = team.http.post(
        f"{team.path}/fiches/{tagged}/etiquettes",
        data={"themes": "Accès aux droits", "levels": ["institution", "politique"]},
    )
    assert response.status_code == 302
    team.http.post(f"{team.path}/formulaire/renouveler")
    named = file_fiche(
        app,
        team,
        what_happened="Mme Lambert a renoncé à sa prime : le formulaire était en ligne.",
        service="autre",
        service_other="Prime énergie",
    )
    room = programme_room(app, team, "Groupe de Namur")
    awa = room.join("Awa", "AS en CPAS")
    bruno = room.join("Bruno", "éducateur de rue")
    room.go_to("proposals")
    response = team.http.post(
        f"{team.path}/fiches/{named}/recit",
        data={"target": f"{room.session_id}:{awa.participant_id}"},
    )
    assert response.status_code == 302, response.text
    [proposal_id] = awa.sync()["state"]["proposals"]  # Awa, who wrote it, agrees
    assert awa.send("answer_fiche_proposal", proposal_id=proposal_id, consent=True)["ok"]
    answer = bruno.send(
        "submit_proposal", proposal_id="proposal-bruno", title="Le guichet", body="Fermé."
    )
    assert answer["ok"], answer
    mag = app.extensions["mag"]
    stored = store(mag, played_session())
    with mag.sessions() as db, db.begin():
        db.get(SessionRecord, stored).programme_id = team.programme_id
        db.get(ProgrammeRecord, team.programme_id).retention_until = date(2031, 6, 30)
    # A theme of the cross-analysis: a board item of the story, the fiches' tag, a proposal.
    with app.app_context(), mag.live.transaction() as db:
        theme = cross_analysis.add_theme(db, team.programme_id, "Le travail invisible")
        programme = programme_record(db, team.programme_id)
        keys = [f"b:{stored}:item-0001", "t:accès aux droits"]
        cross_analysis.add_sources(db, programme, theme, keys)
        cross_analysis.add_proposal(
            db, team.programme_id, theme, proposal_id="prop-00001", level="institution",
            text="Reconnaître le temps d'aide numérique.",
        )  # fmt: skip
    saved = team.http.post(
        f"{team.path}/livret",
        data={"text": "# Livret\n\nUn premier jet.", "base_version": "0"},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    team.fiches = [tagged, named]
    team.sessions = [room.session_id, stored]
    return team


def counts(database: str) -> dict[str, int]:
    app = create_app({"TESTING": True, "MAG_DATABASE_URL": database})
    try:
        with app.extensions["mag"].sessions() as db:
            return {
                model.__tablename__: db.scalar(select(func.count()).select_from(model))
                for model in (ProgrammeRecord, FicheFormRecord, FicheRecord, SessionRecord)
            }
    finally:
        app.extensions["mag"].engine.dispose()


def test_an_archive_restored_elsewhere_gives_the_same_programme_back(
    cli, db_url, other_db_url, programme, tmp_path
):
    archive = tmp_path / "programme.json"
    result = cli(
        db_url,
        "programme",
        "export",
        programme.programme_id,
        "--format",
        "json",
        "-o",
        str(archive),
    )
    assert result.exit_code == 0, result.output
    original = json.loads(archive.read_bytes())
    assert [f["id"] for f in original["fiches"]] == programme.fiches  # oldest first
    # Oldest first: the story is dated 2026-12-01, the other session today.
    assert {s["session"]["id"] for s in original["sessions"]} == set(programme.sessions)
    # A backup: the fiches as the practitioners wrote them, no address that takes fiches.
    assert "Mme Lambert a renoncé" in original["fiches"][1]["what_happened"]
    assert original["fiches"][0]["themes"] == ["Accès aux droits"]
    assert [form["closed_at"] is None for form in original["forms"]] == [False, True]
    assert re.search(r"/fiche/[\w-]+", programme.page()).group(0) not in archive.read_text()

    restored = cli(other_db_url, "import", str(archive))
    assert restored.exit_code == 0, restored.output
    lines = restored.output.strip().splitlines()
    new_id = lines[-1]
    assert new_id != programme.programme_id
    link = re.search(rf"/programme/{new_id}/([\w-]+)", restored.output).group(0)
    form = re.search(r"/fiche/[\w-]+", restored.output).group(0)
    assert restored.output.count("/animer/") == 2

    again = tmp_path / "again.json"
    result = cli(other_db_url, "programme", "export", new_id, "--format", "json", "-o", str(again))
    assert result.exit_code == 0, result.output
    document = json.loads(again.read_bytes())
    assert document["programme"].pop("id") == new_id
    original["programme"].pop("id")
    assert original["programme"]["retention_until"] == "2031-06-30"
    [theme] = original["themes"]
    assert theme["sources"] == [f"b:{programme.sessions[1]}:item-0001", "t:accès aux droits"]
    assert theme["proposals"][0]["text"] == "Reconnaître le temps d'aide numérique."
    assert [(v["version"], v["text"]) for v in original["booklet"]] == [
        (1, "# Livret\n\nUn premier jet.")
    ]
    for each in (document, original):  # a restored theme gets an id of its own
        for kept in each["themes"]:
            kept.pop("id")
    assert document == original  # same fiches, forms, themes, sessions' events

    # The new team link and form address work in that installation.
    other = create_app(
        {"TESTING": True, "MAG_DATABASE_URL": other_db_url, "MAG_DATA_DIR": tmp_path}
    )
    try:
        client = other.test_client()
        assert client.get(link).status_code == 302
        page = client.get(f"/programme/{new_id}").text
        assert "La ligne du CPAS ne répond plus" in page and "Groupe de Namur" in page
        assert client.get(form).status_code == 200
    finally:
        other.extensions["mag"].engine.dispose()


def test_restoring_where_the_programme_already_is_is_refused_and_stores_nothing(
    cli, db_url, programme, tmp_path
):
    archive = tmp_path / "programme.json"
    cli(
        db_url,
        "programme",
        "export",
        programme.programme_id,
        "--format",
        "json",
        "-o",
        str(archive),
    )
    before = counts(db_url)
    for command in (["import"], ["programme", "import"]):
        result = cli(db_url, *command, str(archive))
        assert result.exit_code != 0
        assert "Ce programme est déjà dans cette installation" in result.output
    assert counts(db_url) == before
    # Without its fiches, its sessions are still there: refused all the same, nothing kept.
    document = json.loads(archive.read_bytes())
    document["fiches"] = []
    archive.write_text(json.dumps(document), "utf-8")
    result = cli(db_url, "import", str(archive))
    assert result.exit_code != 0 and "existe déjà dans cette installation" in result.output
    assert counts(db_url) == before


def _archive_of(cli, db_url, programme, tmp_path) -> dict:
    path = tmp_path / "programme.json"
    cli(db_url, "programme", "export", programme.programme_id, "--format", "json", "-o", str(path))
    return json.loads(path.read_bytes())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d["fiches"][1].update(barrier="fax"), "fiches/1/barrier"),
        (
            lambda d: d["sessions"][1]["events"][4].update(type="inconnu"),
            "sessions/1/events/4/type",
        ),
        (lambda d: d["programme"].update(period_end="2020-01-01"), "La période finit avant"),
        (lambda d: d["forms"][0].update(closed_at=None), "une seule adresse"),
        (lambda d: d["fiches"][0].update(form=7), "fiche"),
        # The last session's log does not hold together: the others were stored first.
        (
            lambda d: d["sessions"][1]["events"].__setitem__(
                2,
                {
                    **d["sessions"][1]["events"][2],
                    "type": "contribution_edited",
                    "data": {"contribution_id": "nulle-part"},
                },
            ),
            "sessions/1 : KeyError",
        ),
    ],
)
def test_a_malformed_archive_is_refused_with_its_reason_and_stores_nothing(
    cli, db_url, other_db_url, programme, tmp_path, change, reason
):
    document = _archive_of(cli, db_url, programme, tmp_path)
    change(document)
    path = tmp_path / "abime.json"
    path.write_text(json.dumps(document), "utf-8")
    before = counts(other_db_url)
    result = cli(other_db_url, "import", str(path))
    assert result.exit_code != 0
    assert reason in result.output, result.output
    assert "Traceback" not in result.output
    assert counts(other_db_url) == before == dict.fromkeys(before, 0)


def test_a_file_that_is_no_programme_is_refused_by_programme_import(cli, db_url, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("Compte rendu du 1er décembre", "utf-8")
    result = cli(db_url, "programme", "import", str(path))
    assert result.exit_code != 0
    assert "n'est pas un programme exporté par mag" in result.output
    path.write_text(json.dumps({"format": "mag-session"}), "utf-8")
    result = cli(db_url, "programme", "import", str(path))
    assert result.exit_code != 0 and "format" in result.output


def test_programme_list_gives_each_programme_with_its_numbers_and_dates(
    cli, db_url, programme, app
):
    Team(app, "Un autre programme")
    result = cli(db_url, "programme", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first = lines.index(f"{programme.programme_id}  « Numérique et services sociaux »")
    facts = lines[first + 1]
    assert re.fullmatch(
        r"  2 fiches · 2 séances · créé le \d\d/\d\d/\d{4} · période du 01/09/2023 au 30/06/2025",
        facts,
    ), facts
    assert "« Un autre programme »" in result.output
    assert "0 fiches · 0 séances" in result.output


def test_programme_list_says_when_there_is_none(cli, db_url):
    result = cli(db_url, "programme", "list")
    assert result.exit_code == 0 and "Aucun programme" in result.output


def test_the_programmes_qdpx_holds_every_fiche_and_session_valid_against_the_schema(
    cli, db_url, programme, tmp_path
):
    path = tmp_path / "programme.qdpx"
    result = cli(
        db_url, "programme", "export", programme.programme_id, "--format", "qdpx", "-o", str(path)
    )
    assert result.exit_code == 0, result.output
    assert SCHEMA.exists(), f"the REFI-QDA schema is not at {SCHEMA}"
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(files["project.qde"])
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(root), schema.error_log
    texts = {
        source.get("name"): files[
            "sources/" + source.get("plainTextPath").removeprefix("internal://")
        ].decode()
        for source in root.iterfind("q:Sources/q:TextSource", NS)
    }
    fiches = [text for name, text in texts.items() if name.startswith("Fiche ")]
    assert len(fiches) == 2
    assert "La ligne du CPAS ne répond plus l'après-midi." in fiches[0]
    assert "Mme […] a renoncé à sa prime" in fiches[1]
    assert all(b"Lambert" not in content for content in files.values())
    # Each session's transcript: the fiche proposed as a récit in it (names replaced), and
    # the played story's words.
    namur = texts["Transcription — Groupe de Namur"]
    assert "Mme […] a renoncé à sa prime" in namur and "Fermé." in namur
    assert (
        "L'aide numérique devient un travail invisible."
        in texts["Transcription — Numérique et travail social"]
    )
    codes = [c for c in root.iter(f"{{{NS['q']}}}Code") if c.get("isCodable") == "true"]
    guids = [c.get("guid") for c in root.iter(f"{{{NS['q']}}}Code")]
    assert len(guids) == len(set(guids))
    assert len({c.get("name") for c in codes}) == len(codes)
    # The cross-analysis's theme codes the fiches of its tag and the words of its board item.
    [theme] = [c for c in codes if c.get("name") == "Le travail invisible"]
    coded = {
        ref.get("targetGUID")
        for coding in root.iter(f"{{{NS['q']}}}Coding")
        for ref in coding.iterfind("q:CodeRef", NS)
    }
    assert theme.get("guid") in coded


def test_exporting_an_unknown_programme_says_so(cli, db_url):
    result = cli(db_url, "programme", "export", "inconnu", "--format", "qdpx")
    assert result.exit_code != 0
    assert "Ce programme n'existe pas." in result.output
