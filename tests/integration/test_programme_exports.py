"""A programme's exports from its team's page: jobs in their own process, for its team only."""

import io
import json
import os
import re
import zipfile

import pytest
from test_jobs import finished
from test_programme_cli import file_fiche
from test_programme_pages import Team, outsiders

from mag import jobs
from mag.report import programme as programme_file


@pytest.fixture
def team(app) -> Team:
    team = Team(app)
    file_fiche(app, team, what_happened="Mme Lambert n'a pas pu joindre la ligne du CPAS.")
    return team


def start(http, team: Team, name: str) -> dict:
    response = http.post(f"{team.path}/export/{name}", json={})
    assert response.status_code == 202, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.json["job"]


def direct(app, team: Team, name: str) -> tuple[bytes, str]:
    """The export rendered here, in the test's process: its bytes and file name."""
    fmt = programme_file.PROGRAMME_FORMATS[name]
    with app.test_request_context("/"), app.extensions["mag"].sessions() as db:
        loaded = programme_file.load(db, team.programme_id)
        return fmt.export(loaded), programme_file.file_name(loaded, fmt)


def test_the_page_offers_both_exports(team):
    page = team.page()
    for label, name in (
        ("Projet REFI-QDA (.qdpx)", "qdpx"),
        ("Archive JSON (sauvegarde complète)", "json"),
    ):
        assert f"Exporter : {label}</button>" in page
        assert f'data-start="{team.path}/export/{name}"' in page
    assert "/static/js/programme." in page


@pytest.mark.parametrize("name", ["qdpx", "json"])
def test_an_export_runs_as_a_job_in_its_own_process_and_gives_the_file(app, team, name):
    job = start(team.http, team, name)
    assert job["kind"] == "programme_export" and job["format"] == name
    assert job["state"] in ("queued", "running")
    done = finished(team.http, job)
    assert done["state"] == "done", done
    assert done["progress"] == {"done": 2, "total": 2}  # the fiches, then the file
    assert jobs.runner(app).get(job["id"])["pid"] != os.getpid(), "rendered in its own process"
    content, file_name = direct(app, team, name)
    assert done["file_name"] == file_name
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\d-numerique-et-services-sociaux\.{name}", file_name)
    download = team.http.get(done["file_url"])
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"] == f'attachment; filename="{file_name}"'
    # The link without JavaScript waits for the same kind of job and gives the same file.
    link = team.http.get(f"{team.path}/export/{name}")
    assert link.status_code == 200 and link.data == content
    assert link.headers["Content-Type"] == download.headers["Content-Type"]
    if name == "json":  # the backup: the fiche as it was written
        assert json.loads(content)["fiches"][0]["what_happened"].startswith("Mme Lambert")
    else:  # for analysis tools: the programme's names replaced
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            texts = [
                archive.read(n).decode() for n in archive.namelist() if n.startswith("sources/")
            ]
        assert any("Mme […] n'a pas pu joindre" in text for text in texts)
        assert not any("Lambert" in text for text in texts)


def test_asking_again_while_it_runs_gives_the_same_job(team):
    first = start(team.http, team, "json")
    again = start(team.http, team, "json")
    if first["state"] in ("queued", "running") and again["state"] in ("queued", "running"):
        assert again["id"] == first["id"]
    finished(team.http, first)


def test_an_unknown_format_or_job_is_refused(app, team):
    response = team.http.post(f"{team.path}/export/pdf", json={})
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_format"
    assert team.http.get(f"{team.path}/export/pdf").status_code == 404
    response = team.http.get(f"{team.path}/travaux/{'x' * 32}")
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_job"
    assert app.test_client().post("/programme/0000000000000000/export/qdpx").status_code == 404


# Who may export a programme ---------------------------------------------------------------------


def routes(team: Team, job: dict) -> list[tuple[str, str]]:
    return [
        ("post", f"{team.path}/export/qdpx"),
        ("get", f"{team.path}/export/json"),
        ("get", job["url"]),
        ("get", job["file_url"]),
    ]


def test_only_the_programmes_team_exports_it_or_reads_its_jobs(app, room, team):
    job = finished(team.http, start(team.http, team, "qdpx"))
    other = Team(app, "Un autre programme")
    for who, client in outsiders(app, room, other.http).items():
        for method, path in routes(team, job):
            response = getattr(client, method)(path)
            assert response.status_code == 403, (who, path)
            assert "Numérique et services sociaux" not in response.text, (who, path)
            assert not response.data.startswith(b"PK"), (who, path)
    # Another programme's team, asking for this job through its own programme: unknown there.
    for suffix in ("", "/fichier"):
        response = other.http.get(f"{other.path}/travaux/{job['id']}{suffix}")
        assert response.status_code == 404 and response.json["error"]["code"] == "unknown_job"
    # Nor is a session's export job a programme's.
    session_job = room.facilitator.http.post(f"/animer/{room.session_id}/export/md", json={})
    session_job = session_job.json["job"]
    response = team.http.get(f"{team.path}/travaux/{session_job['id']}")
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_job"
    finished(room.facilitator.http, session_job)
