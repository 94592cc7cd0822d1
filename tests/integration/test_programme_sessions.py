"""A programme's sessions, its researchers' themes and levels, and a fiche made a récit."""

import pytest
from test_programme_pages import Team, fiche, open_form, stored


@pytest.fixture
def programme_room(make_room):
    def make(app, team: Team, title: str = "Groupe de Namur"):
        """A session the team creates from the programme page, driven like any other."""
        return make_room(
            team.http,
            f"{team.path}/seances",
            {"title": title, "question": "", "protocol": "mag-complet"},
        )

    return make


def file_fiche(app, team: Team, **changes) -> str:
    phone = app.test_client()
    path = team.form_path()
    assert phone.post(path, data=fiche(**open_form(phone, path), **changes)).status_code == 302
    return stored(app)[-1].id


@pytest.fixture
def team(app) -> Team:
    return Team(app)


def test_the_team_creates_a_session_of_the_programme_and_finds_it_on_its_page(
    app, team, programme_room
):
    room = programme_room(app, team)
    page = team.page()
    assert "Groupe de Namur" in page
    assert f'href="/animer/{room.session_id}"' in page
    state = room.facilitator.sync()["state"]
    assert state["session"]["title"] == "Groupe de Namur"
    # Its facilitator link works as for any session, in another browser too.
    other = app.test_client()
    assert other.get(room.facilitator_link.split("localhost", 1)[1]).status_code == 302
    assert other.get(f"/animer/{room.session_id}").status_code == 200
    # The question is the programme's when none is given.
    assert "numérisation" in state["session"]["question"]


def test_a_session_with_no_title_is_refused_and_none_is_made(app, team, programme_room):
    response = team.http.post(f"{team.path}/seances", data={"title": "", "protocol": "mag-complet"})
    assert response.status_code == 400 and "est vide" in response.text
    assert "Séances du programme (0)" in team.page()


def test_researchers_tag_fiches_and_filter_the_list(app, team, programme_room):
    first = file_fiche(app, team, what_happened="Première situation", service="CPAS")
    file_fiche(app, team, what_happened="Deuxième situation", service="Commune", consequences=[])
    response = team.http.post(
        f"{team.path}/fiches/{first}/etiquettes",
        data={"themes": "Accès aux droits, Rendez-vous", "levels": ["institution"]},
    )
    assert response.status_code == 302
    [record] = [r for r in stored(app) if r.id == first]
    assert (record.themes, record.levels) == (["Accès aux droits", "Rendez-vous"], ["institution"])
    for query, shown in [
        ("theme=acc%C3%A8s+aux+droits", "Première"),
        ("level=institution", "Première"),
        ("service=Commune", "Deuxième"),
        ("consequence=retard", "Première"),
        ("barrier=application&service=CPAS", "Première"),
    ]:
        page = team.http.get(f"{team.path}?{query}").text
        hidden = "Deuxième" if shown == "Première" else "Première"
        assert f"{shown} situation" in page and f"{hidden} situation" not in page, query
    refused = team.http.post(
        f"{team.path}/fiches/{first}/etiquettes", data={"themes": "", "levels": ["national"]}
    )
    assert refused.status_code == 400
    assert [r.levels for r in stored(app) if r.id == first] == [["institution"]]


def test_a_fiche_becomes_a_recit_proposal_marked_as_such(app, team, programme_room):
    fiche_id = file_fiche(
        app, team, what_happened="Le CPAS de Forest ne répond plus.", service="CPAS"
    )
    team.http.post(
        f"{team.path}/reglages", data={"services": "CPAS", "names": "Forest", "consent": "c"}
    )
    room = programme_room(app, team)
    awa, bruno = room.join("Awa", "AS en CPAS"), room.join("Bruno", "éducateur")
    room.go_to("proposals")
    bruno.received_events()
    page = team.page()
    assert f'value="{room.session_id}:{awa.participant_id}"' in page
    response = team.http.post(
        f"{team.path}/fiches/{fiche_id}/recit",
        data={"target": f"{room.session_id}:{awa.participant_id}"},
    )
    assert response.status_code == 302, response.text
    assert "La fiche a été proposée" in team.http.get(response.headers["Location"]).text
    [proposal] = awa.sync()["state"]["proposals"].values()
    assert proposal["body"] == "Le CPAS de […] ne répond plus."
    assert proposal["from_fiche"] is True and proposal["author_id"] == awa.participant_id
    assert proposal["entered_by"] == "animateur"
    # The group sees it only once Awa, who wrote the fiche, agrees on her own screen.
    assert proposal["awaiting_consent"] is True
    assert bruno.sync()["state"]["proposals"] == {} and bruno.received_events() == []
    [proposal_id] = awa.sync()["state"]["proposals"]
    assert awa.send("answer_fiche_proposal", proposal_id=proposal_id, consent=True)["ok"]
    [shown] = bruno.received_events()
    assert shown["type"] == "proposal_consented"
    assert bruno.sync()["state"]["proposals"][proposal_id]["body"] == proposal["body"]


def test_a_fiche_goes_only_into_a_session_of_the_programme_at_its_proposals_step(
    app, room, team, programme_room
):
    fiche_id = file_fiche(app, team)
    mine = programme_room(app, team)
    awa = mine.join("Awa")
    before = mine.facilitator.sync()["state"]["seq"]
    target = {"target": f"{mine.session_id}:{awa.participant_id}"}
    response = team.http.post(f"{team.path}/fiches/{fiche_id}/recit", data=target)
    assert response.status_code == 400 and "pas à l&#39;étape des propositions" in response.text
    # A session of no programme, at its proposals step: refused as well.
    alone = room
    bruno = alone.join("Bruno")
    alone.go_to("proposals")
    response = team.http.post(
        f"{team.path}/fiches/{fiche_id}/recit",
        data={"target": f"{alone.session_id}:{bruno.participant_id}"},
    )
    assert response.status_code == 400 and "appartient pas à ce programme" in response.text
    # Another programme's session.
    other = Team(app, "Un autre programme")
    theirs = programme_room(app, other, "Leur groupe")
    carla = theirs.join("Carla")
    theirs.go_to("proposals")
    response = team.http.post(
        f"{team.path}/fiches/{fiche_id}/recit",
        data={"target": f"{theirs.session_id}:{carla.participant_id}"},
    )
    assert response.status_code == 400
    assert alone.facilitator.sync()["state"]["proposals"] == {}
    assert theirs.facilitator.sync()["state"]["proposals"] == {}
    assert mine.facilitator.sync()["state"]["seq"] == before
    # Another programme's fiche, through this programme: unknown.
    their_fiche = file_fiche(app, other)
    mine.go_to("proposals")
    response = team.http.post(f"{team.path}/fiches/{their_fiche}/recit", data=target)
    assert response.status_code == 404
    assert mine.facilitator.sync()["state"]["proposals"] == {}


ROUTES = ["/seances", "/fiches/{fiche}/etiquettes", "/fiches/{fiche}/recit"]


@pytest.mark.parametrize("suffix", ROUTES)
def test_only_the_programmes_team_reaches_its_new_routes(app, room, team, programme_room, suffix):
    fiche_id = file_fiche(app, team)
    mine = programme_room(app, team)
    awa = mine.join("Awa")
    mine.go_to("proposals")
    other = Team(app, "Un autre programme")
    participant = room.join("Bruno")
    data = {
        "title": "Intrus",
        "protocol": "mag-complet",
        "themes": "Intrus",
        "levels": ["pratique"],
        "target": f"{mine.session_id}:{awa.participant_id}",
    }
    for who, client in {
        "a participant of a session": participant.http,
        "a session's facilitator": room.facilitator.http,
        "a participant of the programme's session": awa.http,
        "a stranger": app.test_client(),
        "another programme's team": other.http,
    }.items():
        response = client.post(f"{team.path}{suffix.format(fiche=fiche_id)}", data=data)
        assert response.status_code == 403, who
    assert "Intrus" not in team.page()
    assert [r.themes for r in stored(app) if r.id == fiche_id] == [[]]
    assert mine.facilitator.sync()["state"]["proposals"] == {}


def test_the_fiches_come_fifty_a_page_newest_first_and_the_filter_holds_across_pages(app, team):
    for number in range(52):
        file_fiche(app, team, what_happened=f"Situation numéro {number:02d}.",
                   service="Commune" if number % 2 else "CPAS")  # fmt: skip
    first = team.page()
    assert "Situation numéro 51." in first and "Situation numéro 02." in first
    assert "Situation numéro 01." not in first and "Page 1 sur 2" in first
    second = team.http.get(f"{team.path}?page=2").text
    assert "Situation numéro 01." in second and "Situation numéro 00." in second
    assert "Situation numéro 02." not in second
    # A filter keeps its pages: 26 fiches of the Commune fit on one.
    commune = team.http.get(f"{team.path}?service=Commune&page=2").text
    assert "26 fiche(s) sur 52" in commune and "Page 1 sur" not in commune
    assert "Situation numéro 51." in commune and "Situation numéro 50." not in commune
    # A page out of range shows the nearest one, never an error.
    assert "Situation numéro 01." in team.http.get(f"{team.path}?page=99").text
    assert "Situation numéro 51." in team.http.get(f"{team.path}?page=abc").text
