"""The programme's cross-analysis page, its forms and its live updates, on both databases."""

import re
from html import unescape

import pytest
from story import WITHDRAWN_WORDS, played_session
from test_archive import store
from test_programme_pages import Team
from test_programme_sessions import file_fiche

from mag.models import ProgrammeThemeRecord, SessionRecord
from mag.programme_realtime import NAMESPACE


@pytest.fixture
def setting(app):
    """A programme with a played session attached and two fiches, one tagged twice."""
    team = Team(app)
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    with mag.sessions() as db, db.begin():
        db.get(SessionRecord, session_id).programme_id = team.programme_id
    first = file_fiche(app, team, what_happened="Plus de guichet à la commune.")
    second = file_fiche(app, team, what_happened="Tout passe par une application.")
    for fiche_id, themes in ((first, "Guichets fermés"), (second, "guichets fermés, Applications")):
        team.http.post(f"{team.path}/fiches/{fiche_id}/etiquettes", data={"themes": themes})
    return team, session_id


def board_path(team: Team) -> str:
    return f"{team.path}/analyse"


def text_of(html: str) -> str:
    """The page's words, without tags, as a person reads them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def stored_themes(app) -> list[tuple]:
    """Every theme as stored: what any change leaves behind."""
    with app.extensions["mag"].sessions() as db:
        records = db.query(ProgrammeThemeRecord).order_by(ProgrammeThemeRecord.id).all()
        return [
            (r.id, r.programme_id, r.position, r.title, r.summary, r.sources, r.proposals)
            for r in records
        ]


def theme_id_of(app, title: str) -> str:
    return next(theme[0] for theme in stored_themes(app) if theme[3] == title)


def add_theme(team: Team, title: str) -> str:
    response = team.http.post(f"{board_path(team)}/themes", data={"title": title})
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(board_path(team) + "#theme-"), location
    return location.rsplit("#theme-", 1)[1]


def sort(team: Team, theme_id: str, *keys: str, form: str = "sort-tags"):
    return team.http.post(
        f"{board_path(team)}/classer", data={"theme": theme_id, "sources": list(keys), "form": form}
    )


def team_socket(app, http, programme_id):
    return app.extensions["mag"].socketio.test_client(
        app, namespace=NAMESPACE, flask_test_client=http, auth={"programme_id": programme_id}
    )


def second_member(app, team: Team):
    """Another researcher of the same team, in their own browser, through the private link."""
    browser = app.test_client()
    assert browser.get(team.link.split("localhost", 1)[1]).status_code == 302
    return browser


def board_changes(socket) -> int:
    return sum(1 for m in socket.get_received(NAMESPACE) if m["name"] == "board_changed")


# -- the page


def test_the_programme_page_leads_to_the_board_and_it_lists_the_sources_to_sort(app, setting):
    team, session_id = setting
    assert f'href="{board_path(team)}"' in team.page()
    response = team.http.get(board_path(team))
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1 and "Analyse croisée</h1>" in html
    words = text_of(html)
    assert "Thèmes du programme (0)" in words
    assert "Aucun thème pour l'instant" in words
    # Three board items and two perspectives of the group, then the two fiche tags.
    assert "Sources à classer (7)" in words
    assert "Créez d'abord un thème" in words
    for shown in ("Convergence Le travail invisible", "Divergence Faire à la place",
                  "Nœud Qui porte la responsabilité ?", "Perspective · Institutions",
                  "Thème des fiches guichets fermés (2 fiches)", "Applications (1 fiche)"):  # fmt: skip
        assert shown in words, shown
    assert "Numérique et travail social" in words  # the group's title
    assert not any(withdrawn in words for withdrawn in WITHDRAWN_WORDS)
    # With no theme, no form to sort into.
    assert 'name="sources"' not in html


def test_the_team_builds_a_theme_with_the_forms(app, setting):
    team, session_id = setting
    theme_id = add_theme(team, "Le travail invisible")
    html = team.http.get(board_path(team)).text
    # Sources to sort now come with a form per group, and one for the fiches' themes.
    assert f'name="form" value="sort-{session_id}"' in html
    assert 'name="form" value="sort-tags"' in html
    perspective = re.search(rf'value="(p:{session_id}:[\w-]+)"', html).group(1)
    response = sort(
        team, theme_id, f"b:{session_id}:item-0001", perspective, form=f"sort-{session_id}"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/analyse#theme-{theme_id}")
    assert sort(team, theme_id, "t:guichets fermés").status_code == 302
    response = team.http.post(
        f"{board_path(team)}/themes/{theme_id}/propositions",
        data={"proposal_id": "prop-000001", "level": "pratique", "text": "Former les équipes."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#theme-{theme_id}-proposals")
    response = team.http.post(
        f"{board_path(team)}/themes/{theme_id}",
        data={"title": "Un travail invisible", "summary": "Chaque groupe en a parlé."},
    )
    assert response.status_code == 302

    words = text_of(team.http.get(board_path(team)).text)
    assert "Thèmes du programme (1)" in words
    assert "Un travail invisible Chaque groupe en a parlé." in words
    assert "Groupes : Numérique et travail social · 2 fiches" in words
    assert "Convergence Le travail invisible · Numérique et travail social" in words
    assert "Thème des fiches guichets fermés Lire les 2 fiches « guichets fermés »" in words
    # Quotes attributed by function and group only.
    assert (
        "L'aide numérique devient un travail invisible. — médiatrice numérique "
        "(Numérique et travail social)"
    ) in words
    assert "Awa" not in words
    # Proposals by level: the team's, and the group's perspective.
    assert (
        "Pratique professionnelle Former les équipes. Proposition de l'équipe "
        "Retirer la proposition"
    ) in words
    assert (
        "Institutions Un temps d'aide numérique reconnu dans la charge de travail. "
        "Perspective du groupe « Numérique et travail social »"
    ) in words
    assert "Politique et secteur Aucune proposition à ce niveau." in words
    # What the theme holds left « Sources à classer ».
    assert "Sources à classer (4)" in words
    # The link to the fiches is the programme page's list filtered by the tag.
    fiches = team.http.get(f"{team.path}?theme=Guichets+ferm%C3%A9s").text
    assert "Plus de guichet à la commune." in fiches and "Tout passe par" in fiches


def test_sources_and_proposals_are_removed_themes_moved_and_deleted(app, setting):
    team, session_id = setting
    first = add_theme(team, "Un")
    second = add_theme(team, "Deux")
    assert sort(team, first, "t:guichets fermés", "t:applications").status_code == 302
    team.http.post(
        f"{board_path(team)}/themes/{first}/propositions",
        data={"proposal_id": "prop-000001", "level": "politique", "text": "Un guichet partout."},
    )
    response = team.http.post(
        f"{board_path(team)}/themes/{first}/sources/retirer", data={"source": "t:applications"}
    )
    assert response.status_code == 302
    response = team.http.post(
        f"{board_path(team)}/themes/{first}/propositions/retirer",
        data={"proposal_id": "prop-000001"},
    )
    assert response.status_code == 302
    [one] = [t for t in stored_themes(app) if t[0] == first]
    assert one[5] == ["t:guichets fermés"] and one[6] == []

    response = team.http.post(
        f"{board_path(team)}/themes/{second}/deplacer", data={"direction": "up"}
    )
    assert response.status_code == 302
    assert [t[3] for t in sorted(stored_themes(app), key=lambda t: t[2])] == ["Deux", "Un"]
    html = team.http.get(board_path(team)).text
    assert html.index('<h3 id="theme-' + second) < html.index('<h3 id="theme-' + first)
    # The first has no « Monter », the last no « Descendre ».
    assert f'id="theme-{second}-up"' not in html and f'id="theme-{second}-down"' in html
    assert f'id="theme-{first}-up"' in html and f'id="theme-{first}-down"' not in html

    response = team.http.post(f"{board_path(team)}/themes/{first}/supprimer")
    assert response.status_code == 302
    assert [t[3] for t in stored_themes(app)] == ["Deux"]
    assert "Sources à classer (7)" in text_of(team.http.get(board_path(team)).text)


def test_a_proposal_sent_twice_is_kept_once(app, setting):
    team, _ = setting
    theme_id = add_theme(team, "Un")
    html = team.http.get(board_path(team)).text
    proposal_id = re.search(r'name="proposal_id" value="(\w+)"', html).group(1)
    for _ in range(2):  # a double tap, or the browser sending the form again
        team.http.post(
            f"{board_path(team)}/themes/{theme_id}/propositions",
            data={"proposal_id": proposal_id, "level": "pratique", "text": "Former."},
        )
    [theme] = stored_themes(app)
    assert theme[6] == [{"id": proposal_id, "level": "pratique", "text": "Former."}]


# -- refusals: a message beside the form, nothing changed


REFUSALS = [
    # (path after /analyse, form, the form's name in the page, message)
    ("/themes", {"title": "  "}, "new-theme", "est vide"),
    ("/themes", {"title": "un"}, "new-theme", "Un thème porte déjà ce titre : « un »."),
    ("/themes", {"title": "x" * 121}, "new-theme", "dépasse"),
    ("/themes/{one}", {"title": "", "summary": ""}, "theme-{one}-edit", "est vide"),
    ("/themes/{one}", {"title": "DEUX", "summary": ""}, "theme-{one}-edit", "porte déjà ce titre"),
    ("/themes/{one}", {"title": "Un", "summary": "x" * 8001}, "theme-{one}-edit", "dépasse"),
    ("/classer", {"theme": "{one}", "sources": ["b:nothing:item-1"], "form": "sort-tags"},
     "sort-tags", "Cette source n'existe plus"),
    ("/classer", {"theme": "{one}", "sources": ["t:guichets fermés", "t:nope"],
                  "form": "sort-tags"}, "sort-tags", "Cette source n'existe plus"),
    ("/classer", {"theme": "", "sources": ["t:guichets fermés"], "form": "sort-tags"},
     "sort-tags", "Choisissez le thème"),
    ("/classer", {"theme": "{one}", "form": "sort-tags"}, "sort-tags", "Cochez au moins une"),
    ("/classer", {"theme": "0123456789abcdef", "sources": ["t:guichets fermés"],
                  "form": "sort-tags"}, "sort-tags", "Ce thème n'existe plus"),
    ("/themes/{one}/propositions", {"proposal_id": "prop-000001", "level": "pratique",
                                    "text": " "}, "theme-{one}-proposal", "est vide"),
    ("/themes/{one}/propositions", {"proposal_id": "prop-000001", "level": "national",
                                    "text": "x"}, "theme-{one}-proposal", "dans la liste"),
    ("/themes/{one}/propositions", {"proposal_id": "prop-000001", "level": "pratique",
                                    "text": "x" * 2001}, "theme-{one}-proposal", "dépasse"),
    ("/themes/{one}/propositions", {"proposal_id": "?", "level": "pratique", "text": "x"},
     "theme-{one}-proposal", "Identifiant invalide"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "form", "place", "message"), REFUSALS)
def test_a_refusal_comes_back_beside_its_form_and_changes_nothing(
    app, setting, path, form, place, message
):
    team, _ = setting
    ids = {"one": add_theme(team, "Un"), "two": add_theme(team, "Deux")}
    before = stored_themes(app)
    data = {
        name: [v.format(**ids) for v in value] if isinstance(value, list) else value.format(**ids)
        for name, value in form.items()
    }
    response = team.http.post(board_path(team) + path.format(**ids), data=data)
    assert response.status_code == 400
    place = place.format(**ids)
    error = re.search(
        rf'<p class="errors" role="alert" id="{place}-error">([^<]*)</p>', response.text
    )
    assert error is not None, response.text
    assert message in unescape(error.group(1))
    assert f'aria-describedby="{place}-error"' in response.text
    assert stored_themes(app) == before
    assert response.text.count("<h1") == 1


def test_what_was_typed_comes_back_with_the_refusal(app, setting):
    team, _ = setting
    one = add_theme(team, "Un")
    add_theme(team, "Deux")
    response = team.http.post(
        f"{board_path(team)}/themes/{one}", data={"title": "Deux", "summary": "Mon résumé"}
    )
    assert response.status_code == 400
    assert f'<details id="theme-{one}-edit" class="no-print" open>' in response.text
    assert 'value="Deux"' in response.text and ">Mon résumé</textarea>" in response.text
    response = sort(team, "", "t:guichets fermés", "t:applications")
    assert response.status_code == 400
    assert response.text.count("checked") == 2


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/themes/{gone}", {"title": "T"}),
        ("/themes/{gone}/supprimer", {}),
        ("/themes/{gone}/deplacer", {"direction": "down"}),
        ("/themes/{gone}/sources/retirer", {"source": "t:guichets fermés"}),
        ("/themes/{gone}/propositions", {"proposal_id": "prop-000001", "level": "pratique",
                                         "text": "x"}),
        ("/themes/{gone}/propositions/retirer", {"proposal_id": "prop-000001"}),
        ("/themes/pas%20un-id/supprimer", {}),
        ("/themes/{other}/supprimer", {}),
    ],
)  # fmt: skip
def test_a_theme_deleted_meanwhile_or_another_programmes_is_said_on_top(app, setting, path, form):
    team, _ = setting
    gone = add_theme(team, "Parti")
    team.http.post(f"{board_path(team)}/themes/{gone}/supprimer")
    other_team = Team(app, "Un autre programme")
    other = add_theme(other_team, "À eux")
    before = stored_themes(app)
    response = team.http.post(board_path(team) + path.format(gone=gone, other=other), data=form)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert '<p class="errors" role="alert">Ce thème n&#39;existe plus' in response.text
    assert stored_themes(app) == before


def test_a_move_in_no_direction_is_a_bad_request(app, setting):
    team, _ = setting
    one = add_theme(team, "Un")
    before = stored_themes(app)
    response = team.http.post(f"{board_path(team)}/themes/{one}/deplacer", data={"direction": "x"})
    assert response.status_code == 400
    assert stored_themes(app) == before


# -- who may see it


def outsiders(app, team: Team, programme_room):
    """Browsers that are not this programme's team: each must be refused everywhere."""
    room = programme_room(app, team)  # a session of this very programme
    amina = room.join("Amina")
    facilitator = app.test_client()  # its facilitator's link, opened on their own laptop
    assert facilitator.get(room.facilitator_link.split("localhost", 1)[1]).status_code == 302
    assert facilitator.get(f"/animer/{room.session_id}").status_code == 200
    other = Team(app, "Un autre programme")
    forged = app.test_client()
    forged.set_cookie(f"mag_r_{team.programme_id}", other.link.rsplit("/", 1)[1])
    return {
        "stranger": app.test_client(),
        "the session's facilitator": facilitator,
        "the session's participant": amina.http,
        "another programme's team": other.http,
        "another team's secret as this one's": forged,
    }


ROUTES = [
    ("GET", "", {}),
    ("GET", "/tableau", {}),
    ("POST", "/themes", {"title": "Intrus"}),
    ("POST", "/themes/{theme}", {"title": "Intrus", "summary": "x"}),
    ("POST", "/themes/{theme}/supprimer", {}),
    ("POST", "/themes/{theme}/deplacer", {"direction": "up"}),
    ("POST", "/classer", {"theme": "{theme}", "sources": ["t:guichets fermés"]}),
    ("POST", "/themes/{theme}/sources/retirer", {"source": "t:applications"}),
    ("POST", "/themes/{theme}/propositions",
     {"proposal_id": "prop-000009", "level": "pratique", "text": "Intrus"}),
    ("POST", "/themes/{theme}/propositions/retirer", {"proposal_id": "prop-000001"}),
]  # fmt: skip


@pytest.fixture
def programme_room(make_room):
    def make(app, team: Team, title: str = "Groupe de Namur"):
        return make_room(
            team.http,
            f"{team.path}/seances",
            {"title": title, "question": "", "protocol": "mag-complet"},
        )

    return make


def test_no_one_but_the_team_reaches_the_board_its_fragment_or_its_forms(
    app, setting, programme_room
):
    team, _ = setting
    theme = add_theme(team, "Secret du thème")
    assert sort(team, theme, "t:applications").status_code == 302
    team.http.post(
        f"{board_path(team)}/themes/{theme}/propositions",
        data={"proposal_id": "prop-000001", "level": "pratique", "text": "Former."},
    )
    before = stored_themes(app)
    for who, browser in outsiders(app, team, programme_room).items():
        for method, path, form in ROUTES:
            data = {
                k: [x.format(theme=theme) for x in v]
                if isinstance(v, list)
                else v.format(theme=theme)
                for k, v in form.items()
            }
            response = browser.open(
                board_path(team) + path.format(theme=theme), method=method, data=data
            )
            assert response.status_code == 403, (who, method, path)
            assert "Secret du thème" not in response.text, (who, path)
            assert "Plus de guichet" not in response.text, (who, path)
    assert stored_themes(app) == before
    stranger = app.test_client()
    assert stranger.get("/programme/0123456789abcdef/analyse").status_code == 404
    assert stranger.get("/programme/0123456789abcdef/analyse/tableau").status_code == 404


def test_the_fragment_is_the_board_alone(app, setting):
    team, _ = setting
    add_theme(team, "Un")
    page = team.http.get(board_path(team)).text
    response = team.http.get(f"{board_path(team)}/tableau")
    assert response.status_code == 200
    fragment = response.text
    assert fragment.lstrip().startswith('<div id="board"')
    assert "<h1" not in fragment and "<html" not in fragment
    version = re.search(r'data-version="(\w+)"', fragment).group(1)
    assert f'data-version="{version}"' in page
    # The same board, the same version; a change, another.
    assert (
        re.search(r'data-version="(\w+)"', team.http.get(f"{board_path(team)}/tableau").text)[1]
        == version
    )
    add_theme(team, "Deux")
    assert version not in team.http.get(f"{board_path(team)}/tableau").text


# -- live: the team's browsers hear of every committed change


def test_only_the_team_connects_to_its_programmes_room(app, setting, programme_room):
    team, _ = setting
    assert team_socket(app, team.http, team.programme_id).is_connected(NAMESPACE)
    for who, browser in outsiders(app, team, programme_room).items():
        assert not team_socket(app, browser, team.programme_id).is_connected(NAMESPACE), who
    socketio = app.extensions["mag"].socketio
    for auth in (None, {}, {"programme_id": 5}, {"programme_id": ""}, {"programme_id": "../x"},
                 ["programme_id"], "programme"):  # fmt: skip
        client = socketio.test_client(
            app, namespace=NAMESPACE, flask_test_client=team.http, auth=auth
        )
        assert not client.is_connected(NAMESPACE), auth


def test_a_committed_change_tells_the_teams_browsers_and_no_one_elses(app, setting):
    team, session_id = setting
    watching = team_socket(app, team.http, team.programme_id)
    colleague = second_member(app, team)
    other = Team(app, "Un autre programme")
    elsewhere = team_socket(app, other.http, other.programme_id)
    watching.get_received(NAMESPACE)

    # A colleague creates a theme, gives it a source, a proposal; moves, renames, deletes.
    response = colleague.post(f"{board_path(team)}/themes", data={"title": "Un"})
    theme_id = response.headers["Location"].rsplit("#theme-", 1)[1]
    assert board_changes(watching) == 1
    colleague.post(
        f"{board_path(team)}/classer", data={"theme": theme_id, "sources": ["t:applications"]}
    )
    assert board_changes(watching) == 1
    # A refusal changes nothing and tells no one.
    colleague.post(f"{board_path(team)}/themes", data={"title": "un"})
    assert board_changes(watching) == 0
    colleague.post(f"{board_path(team)}/themes/{theme_id}/supprimer")
    assert board_changes(watching) == 1

    # A fiche filed, a fiche tagged: the fiches' themes may have changed.
    fiche_id = file_fiche(app, team, what_happened="Encore un guichet fermé.")
    assert board_changes(watching) == 1
    colleague.post(f"{team.path}/fiches/{fiche_id}/etiquettes", data={"themes": "Banques"})
    assert board_changes(watching) == 1

    assert board_changes(elsewhere) == 0
    assert "board_changed" not in str(elsewhere.get_received(NAMESPACE))


def test_the_board_socket_counts_in_the_connection_limits_and_leaves_none_behind(app, setting):
    team, _ = setting
    sessions = app.extensions["mag"].namespace
    before = sessions._connections
    socket = team_socket(app, team.http, team.programme_id)
    assert sessions._connections == before + 1
    socket.disconnect(NAMESPACE)
    assert sessions._connections == before
    refused = team_socket(app, app.test_client(), team.programme_id)
    assert not refused.is_connected(NAMESPACE)
    assert sessions._connections == before
