"""The programme's figures on its team's page: charts and tables of the fiches filed."""

import pytest
from lxml import html as lxml_html
from test_programme_pages import Team, fiche, open_form


@pytest.fixture
def team(app) -> Team:
    return Team(app)


def file_fiche(app, team: Team, **changes) -> None:
    phone = app.test_client()
    path = team.form_path()
    assert phone.post(path, data=fiche(**open_form(phone, path), **changes)).status_code == 302


def tables(page: str) -> dict[str, list[tuple[str, str]]]:
    """Each chart's table on the page, by its figure's id: (label, count) a row."""
    root = lxml_html.fromstring(page)
    return {
        figure.get("id"): [
            (row.xpath("string(th)"), row.xpath("string(td)"))
            for row in figure.xpath(".//table/tbody/tr")
        ]
        for figure in root.xpath("//section[@aria-labelledby='figures-heading']//figure")
    }


def test_the_team_page_draws_the_fiches_filed_through_the_public_form(app, team):
    file_fiche(app, team)  # CPAS, application, retard and coût, January 2026
    file_fiche(app, team, barrier="telephone", consequences=["retard"], occurred_on="2025-11-20")
    file_fiche(
        app,
        team,
        service="autre",
        service_other="Banque Populaire",
        consequences=[],
        occurred_on="2026-01-28",
    )
    file_fiche(
        app,
        team,
        service="Commune",
        barrier="",
        consequences=["renoncement"],
        occurred_on="2026-01-02",
    )
    page = team.page()
    assert tables(page) == {
        "chiffres-services": [("CPAS", "2"), ("Autre", "1"), ("Commune", "1")],
        "chiffres-obstacles": [
            ("Application seulement", "2"),
            ("Ligne téléphonique fermée", "1"),
            ("Non précisé", "1"),
        ],
        "chiffres-consequences": [
            ("Retard", "2"),
            ("Coût", "1"),
            ("Non précisé", "1"),
            ("Renoncement", "1"),
        ],
        "chiffres-mois": [("nov. 2025", "1"), ("déc. 2025", "0"), ("janv. 2026", "3")],
    }
    root = lxml_html.fromstring(page)
    images = root.xpath("//figure[starts-with(@id, 'chiffres-')]//svg[@role='img']")
    assert len(images) == 4
    for image in images:
        for id_ in image.get("aria-labelledby").split():
            assert len(root.xpath(f"//*[@id='{id_}']")) == 1
    [months] = root.xpath("//figure[@id='chiffres-mois']//svg")
    assert len(months.xpath(".//rect")) == 3
    assert "toutes les fiches du programme (4)" in page


def test_the_figures_are_the_whole_programmes_whatever_the_filter(app, team):
    file_fiche(app, team)
    file_fiche(app, team, service="Commune")
    filtered = team.http.get(f"{team.path}?service=Commune")
    assert "1 fiche(s) sur 2 correspondent au filtre." in filtered.text
    assert tables(filtered.text)["chiffres-services"] == [("Commune", "1"), ("CPAS", "1")]


def test_a_programme_without_fiches_says_so_and_draws_nothing(app, team):
    root = lxml_html.fromstring(team.page())
    [section] = root.xpath("//section[@aria-labelledby='figures-heading']")
    assert section.xpath("string(h2)") == "Chiffres"
    assert "Aucune fiche pour l'instant." in section.text_content()
    assert not section.xpath(".//svg") and not section.xpath(".//table")


def test_a_service_name_with_markup_stays_text_in_the_drawing_and_the_table(app, team):
    response = team.http.post(
        f"{team.path}/reglages",
        data={"services": "CPAS\nA <b>&</b> B", "names": "", "consent": "Aucun nom."},
    )
    assert response.status_code == 302
    file_fiche(app, team, service="A <b>&</b> B")
    page = team.page()
    assert "<b>&</b>" not in page
    assert tables(page)["chiffres-services"] == [("A <b>&</b> B", "1")]
    root = lxml_html.fromstring(page)
    labels = root.xpath("//figure[@id='chiffres-services']//svg//text/text()")
    assert "A <b>&</b> B" in labels
