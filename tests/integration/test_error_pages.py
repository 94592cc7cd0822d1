"""Error pages: the app's own page, in French, with a way back; JSON for the scripts.

A mistyped address, a page reserved to the team, a session that is over
(archived, or purged by ``mag purge``), a bug: a browser gets ``message.html``
(the app's stylesheet, ``lang`` of its language, the join page and the team's
home as ways back), a request that asks for JSON gets ``{"ok": false, "error"}``.
"""

import re
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import pytest
from flask import abort

from mag import archive
from mag.models import SessionRecord

JSON = {"Accept": "application/json"}


def assert_error_page(response, status: int, heading: str) -> str:
    """The styled, translated page with its ways back, and nothing of a traceback."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = unescape(response.text)
    assert '<html lang="fr">' in page
    assert re.search(r'<link rel="stylesheet" href="/static/css/mag\b[^"]*\.css"', page)
    assert re.search(r"<h1[^>]*>" + re.escape(heading) + "</h1>", page), page
    assert f"Code de l'erreur : {status}" in page
    assert '<a class="button" href="/rejoindre">Rejoindre une séance avec son code</a>' in page
    assert "href=\"/\">Accueil de l'équipe d'animation</a>" in page
    for leak in ("Traceback", 'File "', "werkzeug", "RuntimeError", "Not Found"):
        assert leak not in page
    return page


def assert_error_json(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert set(body["error"]) == {"code", "message"}


def set_record(app, session_id: str, **values) -> None:
    with app.extensions["mag"].sessions() as db, db.begin():
        record = db.get(SessionRecord, session_id)
        for name, value in values.items():
            setattr(record, name, value)


def purged(app, room) -> str:
    """``room``'s session, past its retention date, deleted by ``mag purge``."""
    set_record(app, room.session_id, retention_until=date(2020, 1, 31))
    gone = archive.purge(
        app.extensions["mag"].sessions, Path(app.config["MAG_DATA_DIR"]), date(2026, 12, 10)
    )
    assert [g.session_id for g in gone] == [room.session_id]
    return room.session_id


def test_a_mistyped_address_is_a_page_not_found(app):
    http = app.test_client()
    page = assert_error_page(http.get("/nulle-part"), 404, "Page introuvable")
    assert "rejoignez la séance avec son code" in page
    assert_error_page(http.get("/s/0123456789abcdef0123456789abcdef"), 404, "Page introuvable")
    assert_error_json(http.get("/nulle-part", headers=JSON), 404, "not_found")


def test_a_team_page_without_its_link_is_refused_with_a_way_back(app, room):
    stranger = app.test_client()
    page = assert_error_page(
        stranger.get(f"/animer/{room.session_id}"), 403, "Lien d'animation non valable"
    )
    assert "lien privé" in page
    assert_error_page(
        stranger.get(f"/projeter/{room.session_id}"), 403, "Vue de projection non disponible"
    )


def test_a_forbidden_error_is_a_page_and_json_for_a_script(app):
    @app.get("/interdit")
    def forbidden():
        abort(403)

    http = app.test_client()
    assert_error_page(http.get("/interdit"), 403, "Accès refusé")
    assert_error_json(http.get("/interdit", headers=JSON), 403, "forbidden")


def test_an_archived_session_is_gone_for_a_browser_that_was_not_in_it(app, room):
    amina = room.join("Amina")
    set_record(app, room.session_id, archived_at=datetime(2026, 12, 5, tzinfo=UTC))
    stranger = app.test_client()
    page = assert_error_page(stranger.get(f"/s/{room.session_id}"), 410, "Séance terminée")
    assert "archivée" in page
    assert_error_json(
        stranger.get(f"/seance/{room.session_id}/synthese", headers=JSON), 410, "gone"
    )
    # Its participants still reach its page, which thanks them; the team its console.
    assert amina.http.get(f"/s/{room.session_id}").status_code == 200
    assert room.facilitator.http.get(f"/animer/{room.session_id}").status_code == 200


def test_a_purged_session_is_gone_from_every_address(app, room):
    amina = room.join("Amina")
    session_id = purged(app, room)
    for http, url in (
        (amina.http, f"/s/{session_id}"),
        (room.facilitator.http, f"/animer/{session_id}"),
        (app.test_client(), f"/animer/{session_id}/secret"),
        (app.test_client(), f"/projeter/{session_id}"),
        (app.test_client(), f"/equipe/{session_id}/m/secret"),
    ):
        assert_error_page(http.get(url), 410, "Séance terminée")
    assert_error_json(amina.http.get(f"/seance/{session_id}/synthese", headers=JSON), 410, "gone")
    assert_error_json(
        room.facilitator.http.get(f"/animer/{session_id}/synthese/brouillon", headers=JSON),
        410,
        "gone",
    )
    # Only its id stays behind: another id is still an address that never existed.
    assert app.test_client().get(f"/s/{'0' * 32}").status_code == 404


def test_a_purged_session_is_gone_from_the_archive_too(app, room):
    session_id = purged(app, room)
    client = app.test_client()
    secret = archive.rotate_archive_secret(app.extensions["mag"].sessions)
    assert client.get(f"/archives/cle/{secret}").status_code == 302
    assert_error_page(client.get(f"/archives/{session_id}"), 410, "Séance terminée")
    assert_error_page(client.get(f"/archives/{'0' * 32}"), 404, "Page introuvable")


def test_an_unreadable_request_is_a_page_and_json_for_a_script(app):
    @app.post("/illisible")
    def unreadable():
        abort(400)

    http = app.test_client()
    assert_error_page(http.post("/illisible"), 400, "Requête mal formée")
    assert_error_json(http.post("/illisible", json={}), 400, "malformed")


def test_reloading_a_form_address_is_a_page_with_a_way_back(app):
    # The creation form posts to /seances: typed again or reloaded as a GET, a browser meets a 405.
    http = app.test_client()
    assert_error_page(http.get("/seances"), 405, "Action impossible ici")
    assert_error_json(http.get("/seances", headers=JSON), 405, "method_not_allowed")


@pytest.fixture
def broken(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.get("/panne")
    def broken_page():
        raise RuntimeError("a bug in /home/mag/secret.py")

    return app.test_client()


def test_a_bug_is_a_page_without_its_traceback(broken, caplog):
    page = assert_error_page(broken.get("/panne"), 500, "Erreur du serveur")
    assert "secret.py" not in page
    assert any(record.exc_info for record in caplog.records), "the traceback is logged"
    assert_error_json(broken.get("/panne", headers=JSON), 500, "internal")


def test_a_bug_in_rendering_pages_still_answers_in_french(app, broken, monkeypatch):
    def no_templates(*args, **kwargs):
        raise RuntimeError("templates are broken")

    monkeypatch.setattr("mag.web.errors.render_template", no_templates)
    response = broken.get("/panne")
    assert response.status_code == 500
    page = unescape(response.text)
    assert '<html lang="fr">' in page
    assert "Erreur du serveur : réessayez dans un instant." in page
    assert 'href="/rejoindre"' in page
    assert "Traceback" not in page and "templates are broken" not in page
