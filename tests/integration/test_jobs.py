"""Exports and archiving as jobs: rendered in a process of their own, read by any server.

The session is driven through its real routes (``room``) or stored from the
played mag-complet story (``test_archive.store``); each job really runs
``python -m mag.jobs`` beside the test.
"""

import json
import os
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from story import played_session
from test_archive import FOLDER, store

from mag import archive, create_app, jobs
from mag.domain.roles import FACILITATOR
from mag.models import SearchEntryRecord, SessionRecord
from mag.report import formats

ACTIVE = ("queued", "running")


def finished(http, job: dict, seconds: float = 120) -> dict:
    """Poll a job's status until it ends; return it."""
    deadline = time.monotonic() + seconds
    while job["state"] in ACTIVE:
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        response = http.get(job["url"])
        assert response.status_code == 200, response.text
        job = response.json["job"]
    return job


def start_export(http, session_id: str, name: str) -> dict:
    response = http.post(f"/animer/{session_id}/export/{name}", json={})
    assert response.status_code == 202, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.json["job"]


def direct_export(app, session_id: str, name: str) -> tuple[bytes, str]:
    """The export rendered here, in the test's process: its bytes and file name."""
    fmt = formats.FORMATS[name]
    with app.test_request_context("/"), app.extensions["mag"].sessions() as db:
        material = formats.load(db, session_id)
        return fmt.export(material), formats.file_name(material, fmt)


def same_app(app, **config):
    """Another server process's app: the same database and data folder."""
    return create_app(
        {
            "TESTING": True,
            "MAG_DATABASE_URL": app.config["MAG_DATABASE_URL"],
            "MAG_DATA_DIR": app.config["MAG_DATA_DIR"],
            **config,
        }
    )


def facilitator_of(app, link: str):
    """A browser on ``app`` that opened the facilitator link."""
    client = app.test_client()
    assert client.get(link.split("localhost", 1)[1]).status_code == 302
    return client


@pytest.fixture
def ended(room):
    """The room's session, started and ended, with a saved synthesis, Awa, a rapporteur
    and an observer screen."""
    room.awa = room.join("Awa")
    room.rapporteur = room.invite("rapporteur")
    room.observer = room.invite("observateur")
    answer = room.facilitator.send("save_synthesis", text="# Synthèse\n\nTexte.", base_version=0)
    assert answer["ok"], answer
    room.steer("start_session")
    room.steer("end_session")
    return room


# --- Exports ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["md", "pdf"])
def test_an_export_runs_in_its_own_process_and_gives_the_direct_export(app, ended, name):
    http = ended.facilitator.http
    job = start_export(http, ended.session_id, name)
    assert job["state"] in ACTIVE
    assert job["kind"] == "export" and job["format"] == name
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", job["id"])

    done = finished(http, job)

    assert done["state"] == "done", done
    assert done["progress"] == {"done": 2, "total": 2}
    stored = jobs.runner(app).get(job["id"])
    assert stored["pid"] != os.getpid(), "rendered in the job's own process"
    content, file_name = direct_export(app, ended.session_id, name)
    assert done["file_name"] == file_name
    download = http.get(done["file_url"])
    assert download.status_code == 200
    assert download.data == content
    direct = http.get(f"/animer/{ended.session_id}/export/{name}")
    for header in ("Content-Type", "Content-Disposition", "Cache-Control"):
        assert download.headers[header] == direct.headers[header], header
    assert download.headers["Content-Disposition"] == f'attachment; filename="{file_name}"'
    assert direct.data == content


def test_asking_again_while_it_runs_gives_the_same_job(app, ended):
    http = ended.facilitator.http
    rapporteur = ended.rapporteur
    first = start_export(http, ended.session_id, "md")
    second = start_export(rapporteur.http, ended.session_id, "md")
    other_format = start_export(http, ended.session_id, "csv")
    early = http.get(f"/animer/{ended.session_id}/travaux/{first['id']}/fichier")
    assert early.status_code == 409  # a process takes longer than this to start
    assert early.json["error"] == {
        "code": "job_not_ready",
        "message": "Le fichier n'est pas encore prêt.",
    }

    assert second["id"] == first["id"]
    assert other_format["id"] != first["id"]
    assert finished(http, first)["state"] == "done"
    finished(http, other_format)
    # Once it ended, asking again renders the session as it is now.
    again = start_export(http, ended.session_id, "md")
    assert again["id"] != first["id"]
    finished(http, again)


def test_a_failing_export_says_why_in_french(app, ended):
    broken = same_app(app, MAG_TIMEZONE="Nulle/Part")  # the job's process cannot date anything
    http = facilitator_of(broken, ended.facilitator_link)
    job = start_export(http, ended.session_id, "md")

    failed = finished(http, job)

    assert failed["state"] == "failed"
    assert failed["error"]["code"] == "job_failed"
    assert failed["error"]["message"].startswith("La préparation a échoué")
    assert "file_url" not in failed
    refused = http.get(f"/animer/{ended.session_id}/travaux/{job['id']}/fichier")
    assert refused.status_code == 404
    assert refused.json["error"]["code"] == "no_file"
    # The direct link says so too, in a page.
    page = http.get(f"/animer/{ended.session_id}/export/md")
    assert page.status_code == 500
    assert "La préparation a échoué" in page.text
    broken.extensions["mag"].engine.dispose()


def test_a_refused_archive_job_gives_the_rule_in_french(app, room):
    """A job the domain refuses (the session is not ended) fails with the rule's message."""
    runner = jobs.runner(app)
    job = runner.wait(runner.start(jobs.ARCHIVE, room.session_id, FACILITATOR))

    assert job["state"] == "failed"
    response = room.facilitator.http.get(f"/animer/{room.session_id}/travaux/{job['id']}")
    assert response.json["job"]["error"] == {
        "code": "session_not_ended",
        "message": "Terminez la séance avant de l'archiver.",
    }
    assert room.facilitator.sync()["state"]["session"]["status"] == "lobby"


def test_only_the_team_reaches_a_job(app, ended):
    http = ended.facilitator.http
    job = finished(http, start_export(http, ended.session_id, "md"))
    base = f"/animer/{ended.session_id}"
    job_routes = [
        ("POST", f"{base}/export/md"),
        ("POST", f"{base}/archiver"),
        ("GET", job["url"]),
        ("GET", job["file_url"]),
    ]
    for outsider in (ended.observer.http, ended.awa.http, app.test_client()):
        for method, path in job_routes:
            response = outsider.open(path, method=method, json={} if method == "POST" else None)
            assert response.status_code == 403, (method, path)
            assert response.json["error"]["code"] == "forbidden"
            assert "numerique" not in response.text

    rapporteur = ended.rapporteur
    assert rapporteur.http.get(job["url"]).status_code == 200
    assert rapporteur.http.get(job["file_url"]).status_code == 200
    # The team of another session does not reach it, even through its own session.
    other = type(ended)(app)
    for path in (job["url"], job["file_url"]):
        assert other.facilitator.http.get(path).status_code == 403
        moved = path.replace(ended.session_id, other.session_id)
        response = other.facilitator.http.get(moved)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "unknown_job"
    unknown = http.post(f"{base}/export/exe", json={})
    assert unknown.status_code == 404
    assert unknown.json["error"]["code"] == "unknown_format"
    for guess in ("nope", "../../mag.sqlite3", "x" * 32):
        response = http.get(f"{base}/travaux/{guess}")
        assert response.status_code == 404
    assert app.test_client().get(f"/animer/nope/travaux/{job['id']}").status_code == 404


def test_a_job_started_by_one_server_process_is_read_by_another(app, ended):
    first = ended.facilitator.http
    other_app = same_app(app)
    second = facilitator_of(other_app, ended.facilitator_link)
    job = start_export(first, ended.session_id, "md")

    seen = second.get(job["url"])
    assert seen.status_code == 200
    assert seen.json["job"]["id"] == job["id"]
    done = finished(second, job)
    assert done["state"] == "done"
    assert second.get(done["file_url"]).data == first.get(done["file_url"]).data
    # Asking the other process while it runs gives the same job too.
    running = start_export(first, ended.session_id, "csv")
    assert start_export(second, ended.session_id, "csv")["id"] == running["id"]
    finished(second, running)
    other_app.extensions["mag"].engine.dispose()


# --- Archiving ----------------------------------------------------------------------


def test_archiving_through_a_job_leaves_the_same_archive(app):
    """A session archived in the test's process and the same one archived by a job."""
    mag = app.extensions["mag"]
    data_dir = Path(app.config["MAG_DATA_DIR"])
    here = store(mag, played_session())
    with app.app_context():
        assert archive.archive_session(mag, here, FACILITATOR) == FOLDER
    by_job = store(mag, played_session())
    http = app.test_client()
    assert http.get(f"/animer/{by_job}/secret").status_code == 302

    started = http.post(f"/animer/{by_job}/archiver", json={})
    assert started.status_code == 202, started.text
    done = finished(http, started.json["job"])

    assert done["state"] == "done", done
    assert done["folder"] == f"{FOLDER}-2"
    assert jobs.runner(app).get(done["id"])["pid"] != os.getpid()
    first, second = data_dir / FOLDER, data_dir / done["folder"]
    names = sorted(p.name for p in first.iterdir())
    assert sorted(p.name.replace(done["folder"], FOLDER) for p in second.iterdir()) == names
    for name in names:
        if name.endswith((".pdf", ".docx", ".qdpx")):
            continue  # containers that record when they were made
        mine = (second / name.replace(FOLDER, done["folder"])).read_bytes()
        theirs = (first / name).read_bytes().replace(here.encode(), by_job.encode())
        assert mine == theirs, name
    assert sorted(p.name for p in data_dir.iterdir() if p.is_dir()) == [
        ".jobs",
        FOLDER,
        f"{FOLDER}-2",
    ]
    with mag.sessions() as db:
        a, b = db.get(SessionRecord, here), db.get(SessionRecord, by_job)
        for column in ("archive_title", "held_on", "participant_count", "retention_until"):
            assert getattr(a, column) == getattr(b, column), column
        assert b.archive_folder == done["folder"]
        count = [
            db.query(SearchEntryRecord).filter_by(session_id=sid).count() for sid in (here, by_job)
        ]
    assert count[0] == count[1] > 0
    assert mag.live.read(by_job, lambda state, protocol: state.status.value) == "archived"
    again = http.post(f"/animer/{by_job}/archiver", json={})
    assert again.status_code == 400
    assert again.json["error"]["code"] == "already_archived"


def test_the_browsers_of_an_archived_session_are_told(app, ended):
    awa = ended.awa
    awa.received_events()
    started = ended.facilitator.http.post(f"/animer/{ended.session_id}/archiver", json={})
    done = finished(ended.facilitator.http, started.json["job"])
    assert done["state"] == "done", done

    deadline = time.monotonic() + 10
    seen: list[dict] = []
    while not any(e["type"] == "session_archived" for e in seen):
        assert time.monotonic() < deadline, seen
        time.sleep(0.1)
        seen += awa.received_events()
    archived = next(e for e in seen if e["type"] == "session_archived")
    assert archived["data"] == {"folder": done["folder"]}


# --- The jobs folder --------------------------------------------------------------


def make_job(root: Path, state: str, age: timedelta, pid: int) -> Path:
    folder = root / f"job-{state}-{int(age.total_seconds())}-{pid}-padding"
    folder.mkdir(parents=True)
    at = (datetime.now(UTC) - age).isoformat()
    (folder / jobs.STATUS_FILE).write_text(
        json.dumps(
            {
                "id": folder.name,
                "kind": "export",
                "session_id": "s",
                "format": "md",
                "state": state,
                "pid": pid,
                "host": os.uname().nodename,
                "created_at": at,
                "updated_at": at,
            }
        ),
        "utf-8",
    )
    return folder


def test_old_jobs_are_removed_and_a_dead_one_reads_as_failed(app, ended):
    root = Path(app.config["MAG_DATA_DIR"]) / jobs.JOBS_FOLDER
    gone = subprocess.Popen(["true"])
    gone.wait()
    old_done = make_job(root, "done", timedelta(hours=7), os.getpid())
    old_dead = make_job(root, "running", timedelta(hours=7), gone.pid)
    recent_done = make_job(root, "done", timedelta(hours=1), os.getpid())
    old_alive = make_job(root, "running", timedelta(hours=1, minutes=5), os.getpid())
    runner = jobs.runner(app)

    dead = runner.get(old_dead.name)
    assert dead["state"] == "failed"
    assert "interrompue" in dead["error"]["message"]
    finished(ended.facilitator.http, start_export(ended.facilitator.http, ended.session_id, "md"))

    assert not old_done.exists() and not old_dead.exists()
    assert recent_done.exists() and old_alive.exists()
