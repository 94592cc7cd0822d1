"""A programme through its HTTP pages: its team's link, the public fiche form, who sees what."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from mag.models import FicheRecord


class Team:
    """A research team's browser: creates a programme, reads its page."""

    def __init__(self, app, title: str = "Numérique et services sociaux") -> None:
        self.http = app.test_client()
        response = self.http.post(
            "/programmes",
            data={
                "title": title,
                "question": "Comment la numérisation pèse-t-elle sur l'accompagnement ?",
                "period_start": "2023-09-01",
                "period_end": "2025-06-30",
                "services": "CPAS\nCommune\nMutualité",
                "names": "Lambert",
                "consent": "Votre fiche sert à la recherche ; aucun nom.",
            },
        )
        assert response.status_code == 201, response.text
        self.link = re.search(r'value="(http://[^"]+/programme/[^"]+)"', response.text).group(1)
        self.programme_id = self.link.rsplit("/", 2)[-2]
        self.path = f"/programme/{self.programme_id}"

    def page(self) -> str:
        response = self.http.get(self.path)
        assert response.status_code == 200, response.text
        return response.text

    def form_path(self) -> str:
        return re.search(r'id="form-url"[^>]*>http://localhost(/fiche/[\w-]+)<', self.page()).group(
            1
        )


def open_form(client, path: str) -> dict:
    """The form's hidden fields as a browser would send them back."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    return {"consent_digest": re.search(r'name="consent_digest" value="(\w+)"', response.text)[1]}


def fiche(**changes) -> dict:
    return {
        "what_happened": "Le rendez-vous ne se prend plus qu'en ligne.",
        "service": "CPAS",
        "barrier": "application",
        "public": "une mère seule",
        "consequences": ["retard", "cout"],
        "action": "Nous avons pris le rendez-vous ensemble.",
        "function": "AS en CPAS",
        "region": "bruxelles",
        "occurred_on": "2026-01-05",
        "consent": "yes",
        **changes,
    }


@pytest.fixture
def team(app) -> Team:
    return Team(app)


def stored(app) -> list[FicheRecord]:
    with app.extensions["mag"].sessions() as db:
        return list(db.scalars(select(FicheRecord)))


def test_the_team_creates_a_programme_and_opens_it_with_its_private_link(app, team):
    page = team.page()
    assert "Numérique et services sociaux" in page
    assert '<svg role="img"' in page and "Code QR du formulaire des fiches" in page
    elsewhere = app.test_client()
    assert elsewhere.get(team.path).status_code == 403
    entered = elsewhere.get(team.link.split("localhost", 1)[1])
    assert entered.status_code == 302 and entered.headers["Location"] == team.path
    assert "HttpOnly" in entered.headers["Set-Cookie"]
    assert elsewhere.get(team.path).status_code == 200


def test_the_home_page_leads_to_the_programme_form(app):
    client = app.test_client()
    assert 'href="/programmes/nouveau"' in client.get("/").text
    assert client.get("/programmes/nouveau").status_code == 200


def test_a_programme_with_no_title_or_a_reversed_period_is_not_created(app):
    client = app.test_client()
    response = client.post("/programmes", data={"title": "", "question": "Q", "consent": "c"})
    assert response.status_code == 400 and "est vide" in response.text
    response = client.post(
        "/programmes",
        data={
            "title": "T",
            "question": "Q",
            "consent": "c",
            "period_start": "2025-01-01",
            "period_end": "2024-01-01",
        },
    )
    assert response.status_code == 400 and "finit avant de commencer" in response.text


def test_a_practitioner_files_a_fiche_which_the_team_reads(app, team):
    phone = app.test_client()
    path = team.form_path()
    hidden = open_form(phone, path)
    response = phone.post(path, data=fiche(**hidden))
    assert response.status_code == 302 and response.headers["Location"] == f"{path}/merci"
    assert "votre fiche est enregistrée" in phone.get(f"{path}/merci").text
    [record] = stored(app)
    assert record.consent_text == "Votre fiche sert à la recherche ; aucun nom."
    assert record.consequences == ["retard", "cout"]
    assert record.occurred_on == date(2026, 1, 5)
    assert record.warnings == {}
    page = team.page()
    assert "Le rendez-vous ne se prend plus qu&#39;en ligne." in page
    assert "Application seulement" in page and "Retard, Coût" in page


def test_fiches_are_listed_newest_first(app, team):
    phone = app.test_client()
    path = team.form_path()
    for text in ("Première situation", "Deuxième situation"):
        assert (
            phone.post(path, data=fiche(what_happened=text, **open_form(phone, path))).status_code
            == 302
        )
    page = team.page()
    assert page.index("Deuxième situation") < page.index("Première situation")


def test_a_phone_number_is_warned_about_beside_its_field_and_nothing_is_saved(app, team):
    phone = app.test_client()
    path = team.form_path()
    hidden = open_form(phone, path)
    typed = fiche(what_happened="Mme Lambert a appelé le 0470 12 34 56.", **hidden)
    response = phone.post(path, data=typed)
    assert response.status_code == 200
    assert stored(app) == []
    assert 'id="what_happened-warning"' in response.text
    assert "un nom, un numéro de téléphone" in response.text
    assert re.search(r'id="what_happened"[^>]*aria-invalid="true"', response.text)
    assert "Mme Lambert a appelé le 0470 12 34 56." in response.text  # what was typed, kept
    # Sent again unchanged without confirming: warned again, still nothing saved.
    assert phone.post(path, data=typed).status_code == 200
    assert stored(app) == []
    # Confirmed for these very texts: saved, with the warning recorded.
    digest = re.search(r'name="confirm_digest" value="(\w+)"', response.text)[1]
    changed = {**typed, "action": "Écrit à quelquun@example.be", "confirm_digest": digest}
    again = phone.post(path, data=changed)
    assert again.status_code == 200 and 'id="action-warning"' in again.text
    assert stored(app) == []
    assert phone.post(path, data={**typed, "confirm_digest": digest}).status_code == 302
    [record] = stored(app)
    assert record.warnings == {"what_happened": ["name", "phone"]}
    assert "Enregistrée malgré l'avertissement" in team.page()


def test_removing_what_was_warned_about_saves_the_fiche(app, team):
    phone = app.test_client()
    path = team.form_path()
    hidden = open_form(phone, path)
    assert phone.post(path, data=fiche(public="lambert@example.be", **hidden)).status_code == 200
    assert phone.post(path, data=fiche(public="une personne âgée", **hidden)).status_code == 302
    assert len(stored(app)) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"what_happened": ""}, "what_happened", "est vide"),
        ({"what_happened": "x" * 4001}, "what_happened", "dépasse 4000 caractères"),
        ({"function": "f" * 81}, "function", "dépasse 80 caractères"),
        ({"service": "autre"}, "service_other", "précisez-le"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "dans le futur"),
        ({"consent": ""}, "consent", "Cochez la case"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_saves_nothing(
    app, team, changes, field, message
):
    phone = app.test_client()
    path = team.form_path()
    response = phone.post(path, data=fiche(**open_form(phone, path), **changes))
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="errors">[^<]*{message}', response.text)
    assert stored(app) == []


def test_a_consent_text_changed_since_the_form_was_opened_is_shown_again(app, team):
    phone = app.test_client()
    path = team.form_path()
    hidden = open_form(phone, path)
    team.http.post(
        f"{team.path}/reglages", data={"services": "CPAS", "names": "", "consent": "Nouveau texte."}
    )
    response = phone.post(path, data=fiche(**hidden))
    assert response.status_code == 400 and "Nouveau texte." in response.text
    assert stored(app) == []
    assert phone.post(path, data=fiche(**open_form(phone, path))).status_code == 302
    assert stored(app)[0].consent_text == "Nouveau texte."


def test_a_closed_form_says_so_and_saves_nothing(app, team):
    phone = app.test_client()
    path = team.form_path()
    hidden = open_form(phone, path)
    assert team.http.post(f"{team.path}/formulaire/fermer").status_code == 302
    assert "Le formulaire est fermé" in team.page()
    response = phone.get(path)
    assert response.status_code == 410 and "Ce formulaire est fermé" in response.text
    assert phone.post(path, data=fiche(**hidden)).status_code == 410
    assert stored(app) == []


def test_a_renewed_address_replaces_the_old_one(app, team):
    phone = app.test_client()
    old = team.form_path()
    hidden = open_form(phone, old)
    assert team.http.post(f"{team.path}/formulaire/renouveler").status_code == 302
    new = team.form_path()
    assert new != old
    assert phone.post(old, data=fiche(**hidden)).status_code == 410
    assert phone.post(new, data=fiche(**open_form(phone, new))).status_code == 302
    assert phone.get("/fiche/nevercreated0000").status_code == 404


def test_the_settings_keep_the_teams_lists(app, team):
    response = team.http.post(
        f"{team.path}/reglages",
        data={"services": "Banque\nÉnergie", "names": "Dupont", "consent": "Texte."},
    )
    assert response.status_code == 302
    phone = app.test_client()
    path = team.form_path()
    form = phone.get(path).text
    assert '<option value="Énergie">' in form and '<option value="CPAS">' not in form
    response = phone.post(
        path,
        data=fiche(service="Banque", what_happened="M. Dupont attend.", **open_form(phone, path)),
    )
    assert "un nom" in response.text
    refused = team.http.post(
        f"{team.path}/reglages", data={"services": "", "names": "", "consent": ""}
    )
    assert refused.status_code == 400 and "est vide" in refused.text


# Who may see and change a programme -----------------------------------------------------------

ROUTES = [
    ("get", ""),
    ("post", "/reglages"),
    ("post", "/formulaire/fermer"),
    ("post", "/formulaire/renouveler"),
]


def outsiders(app, room, team_cookie_of_other):
    participant = room.join("Awa", "AS en CPAS")
    return {
        "a participant of a session": participant.http,
        "a session's facilitator": room.facilitator.http,
        "a stranger": app.test_client(),
        "another programme's team": team_cookie_of_other,
    }


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_only_the_programmes_team_reaches_its_pages(app, room, team, method, suffix):
    other = Team(app, "Un autre programme")
    before = team.page()
    for who, client in outsiders(app, room, other.http).items():
        response = getattr(client, method)(f"{team.path}{suffix}", data={"consent": "x"})
        assert response.status_code == 403, who
        assert "Numérique et services sociaux" not in response.text, who
    assert team.page() == before  # nothing changed: the form is still open at the same address


def test_another_teams_secret_under_this_programmes_cookie_is_refused(app, team):
    other = Team(app, "Un autre programme")
    secret = other.link.rsplit("/", 1)[1]
    client = app.test_client()
    client.set_cookie(f"mag_r_{team.programme_id}", secret)
    assert client.get(team.path).status_code == 403
    assert client.get(f"{team.path}/{secret}").status_code == 403
    assert client.get("/programme/0000000000000000").status_code == 404


def test_a_session_cookie_does_not_open_a_programme_of_the_same_id(app, room, team):
    """Cookies are named per kind: a session's facilitator secret is no programme's key."""
    secret = room.facilitator_link.rsplit("/", 1)[1]
    client = app.test_client()
    client.set_cookie(f"mag_a_{team.programme_id}", secret)
    client.set_cookie(f"mag_r_{team.programme_id}", secret)
    assert client.get(team.path).status_code == 403
