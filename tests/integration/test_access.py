"""Who gets in: join codes, pseudonyms, secrets, facilitator links."""

from html import unescape
from pathlib import Path

import pytest
from babel.support import Translations

from mag.domain.protocol import builtin_protocol

TRANSLATIONS = Path(__file__).resolve().parents[2] / "mag" / "translations"


def test_joining_with_an_unknown_code_says_so_and_creates_nothing(app, room):
    response = app.test_client().post("/rejoindre", data={"code": "ZZZZZZ", "pseudonym": "Amina"})
    assert response.status_code == 400
    assert "Aucune séance ne correspond au code « ZZZZZZ »" in unescape(response.text)
    assert room.facilitator.sync()["state"]["participants"] == {}


def test_the_join_code_is_forgiving_about_case_spaces_and_dashes(app, room):
    code = room.join_code.lower()
    typed = f" {code[:3]}-{code[3:]} "
    response = app.test_client().post("/rejoindre", data={"code": typed, "pseudonym": "Amina"})
    assert response.status_code == 302


def test_a_duplicate_pseudonym_is_refused_whatever_its_case(app, room):
    room.join("Amina")
    response = app.test_client().post(
        "/rejoindre", data={"code": room.join_code, "pseudonym": "AMINA", "function": "AS"}
    )
    assert response.status_code == 400
    assert "Le pseudonyme « AMINA » est déjà pris" in unescape(response.text)
    assert 'value="AS"' in unescape(response.text), "what the person typed is kept"
    assert len(room.facilitator.sync()["state"]["participants"]) == 1


def test_an_empty_pseudonym_is_refused(app, room):
    response = app.test_client().post("/rejoindre", data={"code": room.join_code, "pseudonym": " "})
    assert response.status_code == 400
    assert "Le champ « Pseudonyme » est vide." in unescape(response.text)


def test_an_ended_or_closed_session_accepts_nobody(app, room):
    room.steer("close_joining")
    response = app.test_client().post(
        "/rejoindre", data={"code": room.join_code, "pseudonym": "Amina"}
    )
    assert "Cette séance n'accepte plus de participants." in unescape(response.text)
    room.steer("open_joining")
    room.steer("start_session")
    room.steer("end_session")
    response = app.test_client().post(
        "/rejoindre", data={"code": room.join_code, "pseudonym": "Amina"}
    )
    assert response.status_code == 400
    assert "Cette séance n'accepte plus de participants." in unescape(response.text)


def test_a_forged_or_missing_secret_cannot_connect(app, room):
    socketio = app.extensions["mag"].socketio
    stranger = app.test_client()
    as_facilitator = socketio.test_client(
        app, flask_test_client=stranger, auth={"session": room.session_id, "role": "animateur"}
    )
    assert not as_facilitator.is_connected()
    amina = room.join("Amina")
    stranger.set_cookie(f"mag_p_{room.session_id}", f"{amina.participant_id}.forged")
    as_amina = socketio.test_client(
        app, flask_test_client=stranger, auth={"session": room.session_id, "role": "participant"}
    )
    assert not as_amina.is_connected()


def test_a_participant_secret_opens_only_its_own_session(app, room):
    other = type(room)(app)
    amina = room.join("Amina")
    cookie = amina.http.get_cookie(f"mag_p_{room.session_id}").value
    amina.http.set_cookie(f"mag_p_{other.session_id}", cookie)
    socketio = app.extensions["mag"].socketio
    client = socketio.test_client(
        app, flask_test_client=amina.http, auth={"session": other.session_id, "role": "participant"}
    )
    assert not client.is_connected()


def test_the_facilitator_link_opens_the_console_in_another_browser(app, room):
    browser = app.test_client()
    assert browser.get(f"/animer/{room.session_id}").status_code == 403
    path = room.facilitator_link.split("localhost", 1)[1]
    response = browser.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/animer/{room.session_id}"
    assert browser.get(f"/animer/{room.session_id}").status_code == 200


def test_a_wrong_facilitator_link_is_refused(app, room):
    response = app.test_client().get(f"/animer/{room.session_id}/not-the-secret")
    assert response.status_code == 403
    assert "Lien d'animation non valable" in unescape(response.text)


def test_the_participant_page_sends_strangers_to_the_join_form(app, room):
    browser = app.test_client()
    response = browser.get(f"/s/{room.session_id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/rejoindre")
    form = browser.get(response.headers["Location"])
    assert "Ce navigateur n'est pas inscrit à cette séance" in unescape(form.text)


def test_creating_a_session_without_a_title_explains_and_keeps_the_form(app):
    response = app.test_client().post(
        "/seances",
        data={"title": "", "question": "Q ?", "protocol": "mag-court", "convention": "C"},
    )
    assert response.status_code == 400
    assert "Le champ « Titre » est vide." in unescape(response.text)
    assert "Q ?" in unescape(response.text)


def test_a_broken_protocol_file_is_refused_with_every_problem(app):
    broken = builtin_protocol("mag-court").source.replace('kind = "vote"', 'kind = "vot"', 1)
    broken = broken.replace("duration_minutes = 20", "duration_minutes = 0", 1)
    from io import BytesIO

    response = app.test_client().post(
        "/seances",
        data={
            "title": "T",
            "question": "Q",
            "protocol": "mag-court",
            "convention": "C",
            "protocol_file": (BytesIO(broken.encode()), "mien.toml"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "« vot »" in unescape(response.text)
    assert "duration_minutes" in unescape(response.text)


def test_pages_load_nothing_from_outside(app, room):
    for path in ("/", "/rejoindre", f"/animer/{room.session_id}"):
        html = room.facilitator.http.get(path).text
        assert "http://" not in html.replace("http://localhost", "")
        assert "https://" not in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_refusal_names_the_field_in_the_persons_language(app, room, language):
    """« Le champ « Pseudonyme » est vide » names the field in the person's language too."""
    catalogue = Translations.load(str(TRANSLATIONS), [language])
    expected = catalogue.gettext("Le champ « %(field)s » est vide.") % {
        "field": catalogue.gettext("Pseudonyme")
    }
    response = app.test_client().post(
        f"/rejoindre?lang={language}", data={"code": room.join_code, "pseudonym": " "}
    )
    assert response.status_code == 400
    assert expected in unescape(response.text)
    assert "Pseudonyme" not in expected
