"""The team: a second animateur, the rapporteur and observer screens, each with a private link."""

import re
from html import unescape

import pytest


def connect(app, http, session_id: str, role: str):
    socketio = app.extensions["mag"].socketio
    return socketio.test_client(
        app, flask_test_client=http, auth={"session": session_id, "role": role}
    )


def test_a_rapporteur_and_an_observer_enter_with_their_links(app, room):
    claire = room.invite("rapporteur", "Claire")
    screen = room.invite("observateur", "Salle 204")
    assert claire.socket.is_connected()
    assert screen.socket.is_connected()

    me = claire.sync()["state"]["me"]
    assert me == {"role": "rapporteur", "participant_id": None, "member_id": claire.member_id}
    me = screen.sync()["state"]["me"]
    assert me == {"role": "observateur", "participant_id": None, "member_id": screen.member_id}

    presence = room.facilitator.sync()["presence"]
    assert f"rapporteur:{claire.member_id}" in presence
    assert f"observateur:{screen.member_id}" in presence

    members = [e for e in room.facilitator.received_events() if e["type"] == "member_invited"]
    assert [(e["data"]["role"], e["data"]["name"]) for e in members] == [
        ("rapporteur", "Claire"),
        ("observateur", "Salle 204"),
    ]
    assert all(e["actor"] == "animateur" for e in members)


def test_each_link_leads_to_its_page_and_sets_an_httponly_cookie(app, room):
    for role, page in (("rapporteur", "animer"), ("observateur", "projeter")):
        member = room.invite(role)
        browser = app.test_client()
        response = browser.get(member.link.split("localhost", 1)[1])
        assert response.status_code == 302
        assert response.headers["Location"] == f"/{page}/{room.session_id}"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"mag_m_{room.session_id}={member.member_id}.")
        assert "HttpOnly" in cookie
        assert member.link.rsplit("/", 1)[-1] not in response.headers["Location"]


def test_the_invitation_page_shows_the_private_link_and_says_who_it_is_for(app, room):
    response = room.facilitator.http.post(
        f"/animer/{room.session_id}/equipe", data={"role": "rapporteur", "name": "Claire"}
    )
    html = unescape(response.text)
    assert re.search(r'<input id="member-link"[^>]*\breadonly\b', html)
    assert "<h2>Rapporteur·rice</h2>" in html
    assert "Ce lien privé est pour Claire." in html
    assert "ne le partagez pas" in html
    screen = room.facilitator.http.post(
        f"/animer/{room.session_id}/equipe", data={"role": "observateur", "name": ""}
    )
    assert "<h2>Écran de projection (observateur)</h2>" in unescape(screen.text)
    assert "Ne le partagez pas" in unescape(screen.text)
    assert f'href="/animer/{room.session_id}"' in html


@pytest.mark.parametrize(
    ("role", "name", "message"),
    [
        ("participant", "", "Rôle inconnu."),
        ("chef", "", "Rôle inconnu."),
        ("rapporteur", "x" * 61, "Le champ « Nom » dépasse 60 caractères (61)."),
    ],
)
def test_a_wrong_invitation_explains_and_creates_nothing(app, room, role, name, message):
    seq = room.facilitator.sync()["seq"]
    response = room.facilitator.http.post(
        f"/animer/{room.session_id}/equipe", data={"role": role, "name": name}
    )
    assert response.status_code == 400
    assert message in unescape(response.text)
    assert 'id="member-link"' not in response.text
    assert room.facilitator.sync()["seq"] == seq


def test_only_animateurs_may_invite(app, room):
    amina = room.join("Amina")
    claire = room.invite("rapporteur", "Claire")
    screen = room.invite("observateur")
    seq = room.facilitator.sync()["seq"]
    for http in (amina.http, claire.http, screen.http, app.test_client()):
        response = http.post(
            f"/animer/{room.session_id}/equipe", data={"role": "animateur", "name": "Moi"}
        )
        assert response.status_code == 403
        assert "Invitation réservée à l'animation" in unescape(response.text)
    assert room.facilitator.sync()["seq"] == seq


def test_a_second_animateur_steers_and_invites(app, room):
    karim = room.invite("animateur", "Karim")
    answer = karim.send("start_session")
    assert answer["ok"], answer
    started = [e for e in room.facilitator.received_events() if e["type"] == "session_started"]
    assert started[0]["actor"] == f"animateur:{karim.member_id}"
    screen = room.invite("observateur", by=karim)
    assert screen.socket.is_connected()


def test_a_rapporteur_follows_everything_but_does_not_steer(app, room):
    claire = room.invite("rapporteur")
    assert not claire.send("start_session")["ok"]
    amina = room.join("Amina")
    events = claire.received_events()
    assert {"participant_joined", "convention_accepted"} <= {e["type"] for e in events}
    assert amina.participant_id in claire.sync()["state"]["participants"]


def test_an_observer_sends_no_command(app, room):
    screen = room.invite("observateur")
    for name, args in (
        ("start_session", {}),
        ("close_joining", {}),
        ("accept_convention", {"version": 1}),
        ("submit_proposal", {"proposal_id": "prop-0001", "title": "T", "body": "B"}),
    ):
        assert not screen.send(name, **args)["ok"]
    room.steer("start_session")
    assert [e["type"] for e in screen.received_events()] == ["session_started"]


def test_an_observer_sees_what_participants_see_and_not_the_staff_events(app, room):
    screen = room.invite("observateur")
    amina = room.join("Amina")
    room.go_to("proposals")
    screen.socket.get_received()
    assert amina.send("submit_proposal", proposal_id="prop-0001", title="Un récit", body="…")["ok"]
    assert [e["type"] for e in screen.received_events()] == ["proposal_submitted"]
    state = screen.sync()["state"]
    assert state["admitted"] is True
    assert amina.participant_id in state["participants"]
    assert "prop-0001" in state["proposals"]
    room.invite("rapporteur")
    assert "member_invited" not in {e["type"] for e in screen.received_events()}


def test_member_invitations_are_not_sent_to_participants(app, room):
    amina = room.join("Amina")
    since = amina.sync()["seq"]
    room.invite("rapporteur", "Claire")
    room.invite("observateur")
    assert "member_invited" not in {e["type"] for e in amina.received_events()}
    replay = amina.sync(since)
    assert "member_invited" not in {e["type"] for e in replay["events"]}
    assert replay["seq"] == since + 2


def test_a_forged_member_secret_is_refused(app, room):
    claire = room.invite("rapporteur")
    screen = room.invite("observateur")
    for member in (claire, screen):
        browser = app.test_client()
        response = browser.get(f"/equipe/{room.session_id}/{member.member_id}/forged")
        assert response.status_code == 403
        assert "Lien d'équipe non valable" in unescape(response.text)
        assert browser.get_cookie(f"mag_m_{room.session_id}") is None
        browser.set_cookie(f"mag_m_{room.session_id}", f"{member.member_id}.forged")
        for role in ("animateur", "observateur"):
            assert not connect(app, browser, room.session_id, role).is_connected()
        assert browser.get(f"/animer/{room.session_id}").status_code == 403
        assert browser.get(f"/projeter/{room.session_id}").status_code == 403


def test_a_member_secret_opens_only_its_own_session(app, room):
    other = type(room)(app)
    claire = room.invite("rapporteur")
    cookie = claire.http.get_cookie(f"mag_m_{room.session_id}").value
    claire.http.set_cookie(f"mag_m_{other.session_id}", cookie)
    assert not connect(app, claire.http, other.session_id, "animateur").is_connected()
    assert claire.http.get(f"/animer/{other.session_id}").status_code == 403
    secret = claire.link.rsplit("/", 1)[-1]
    path = f"/equipe/{other.session_id}/{claire.member_id}/{secret}"
    assert app.test_client().get(path).status_code == 403


def test_roles_connect_only_to_their_own_pages(app, room):
    claire = room.invite("rapporteur")
    screen = room.invite("observateur")
    amina = room.join("Amina")
    # An observer's link does not open the console, nor a participant's the projection.
    assert not connect(app, screen.http, room.session_id, "animateur").is_connected()
    assert not connect(app, amina.http, room.session_id, "observateur").is_connected()
    assert not connect(app, amina.http, room.session_id, "animateur").is_connected()
    # Staff may open the projection: they are then a read-only observer.
    for person in (room.facilitator, claire):
        projection = connect(app, person.http, room.session_id, "observateur")
        assert projection.is_connected()
        state = projection.emit("sync", {"since": 0}, callback=True)["state"]
        assert state["me"] == {"role": "observateur", "participant_id": None, "member_id": None}
        answer = projection.emit(
            "command",
            {"id": "cmd-projection-1", "name": "start_session", "args": {}},
            callback=True,
        )
        assert not answer["ok"]


def test_the_console_shows_the_team_form_to_animateurs_only(app, room):
    html = room.facilitator.http.get(f"/animer/{room.session_id}").text
    assert 'data-role="animateur"' in html
    assert 'aria-labelledby="team-heading"' in html
    assert f'action="/animer/{room.session_id}/equipe"' in html
    assert '<select id="team-role" name="role">' in html
    assert f'href="/projeter/{room.session_id}"' in html

    karim = room.invite("animateur")
    assert 'name="role"' in karim.http.get(f"/animer/{room.session_id}").text

    claire = room.invite("rapporteur")
    response = claire.http.get(f"/animer/{room.session_id}")
    assert response.status_code == 200
    assert 'data-role="rapporteur"' in response.text
    assert 'name="role"' not in response.text
    assert f'href="/projeter/{room.session_id}"' in response.text

    screen = room.invite("observateur")
    assert screen.http.get(f"/animer/{room.session_id}").status_code == 403


def test_the_projection_page_needs_an_observer_or_staff_cookie(app, room):
    screen = room.invite("observateur")
    response = screen.http.get(f"/projeter/{room.session_id}")
    assert response.status_code == 200
    assert 'data-role="observateur"' in response.text
    assert 'class="projection"' in response.text
    assert re.search(r'src="/static/js/projection\.[0-9a-f]{10}\.js"', response.text)
    assert room.facilitator.http.get(f"/projeter/{room.session_id}").status_code == 200
    amina = room.join("Amina")
    for http in (app.test_client(), amina.http):
        response = http.get(f"/projeter/{room.session_id}")
        assert response.status_code == 403
        assert "Vue de projection non disponible" in unescape(response.text)
    assert app.test_client().get("/projeter/nosuchsession").status_code == 404


def test_team_pages_load_nothing_from_outside(app, room):
    response = room.facilitator.http.post(
        f"/animer/{room.session_id}/equipe", data={"role": "observateur", "name": ""}
    )
    for html in (response.text, room.facilitator.http.get(f"/projeter/{room.session_id}").text):
        assert "http://" not in html.replace("http://localhost", "")
        assert "https://" not in html


def test_a_secret_ballot_reaches_its_voter_only(app, room):
    claire = room.invite("rapporteur")
    screen = room.invite("observateur")
    amina, bruno = room.join("Amina"), room.join("Bruno")
    room.go_to("proposals")
    assert amina.send("submit_proposal", proposal_id="prop-0001", title="Un récit", body="…")["ok"]
    room.go_to("vote")
    for person in (room.facilitator, claire, screen, amina, bruno):
        person.socket.get_received()
    answer = amina.send("cast_ballot", choices=["prop-0001"])
    assert answer["ok"], answer
    assert "ballot_cast" in {e["type"] for e in amina.received_events()}
    for person in (room.facilitator, claire, screen, bruno):
        types = {e["type"] for e in person.received_events()}
        assert "voted" in types
        assert "ballot_cast" not in types
