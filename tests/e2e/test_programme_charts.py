"""A programme's figures: practitioners file fiches, the team sees charts and their tables."""

import pytest
from conftest import LAPTOP, PHONE
from playwright.sync_api import expect
from test_programme_fiches import file_fiche

pytestmark = pytest.mark.e2e


def create_programme(person) -> str:
    """Create a programme from the home page; return its public form's address."""
    page = person.goto("/programmes/nouveau")
    page.get_by_label("Titre du programme").fill("Guichets fermés")
    page.get_by_label("Question de recherche").fill("Que perd-on quand le guichet ferme ?")
    page.get_by_role("button", name="Créer le programme").click()
    page.get_by_role("link", name="Ouvrir la page du programme").click()
    expect(page.get_by_role("heading", level=1, name="Guichets fermés")).to_be_visible()
    return page.locator("#form-url").get_attribute("href")


def test_the_team_reads_its_figures_as_charts_and_tables_on_a_phone_and_a_laptop(open_browser):
    researcher = open_browser("chercheuse", viewport=PHONE)
    form_url = create_programme(researcher)
    page = researcher.page
    expect(page.get_by_role("heading", level=2, name="Chiffres")).to_be_visible()

    awa = open_browser("Awa", viewport=PHONE)
    for day, function in (("2026-09-14", "AS en CPAS"), ("2026-11-03", "animatrice EPN")):
        file_fiche(awa, form_url, "La ligne du CPAS ne répond plus l'après-midi.", function)
        awa.page.get_by_label("Date de la situation").fill(day)
        awa.page.get_by_role("button", name="Enregistrer la fiche").click()
        expect(
            awa.page.get_by_role("heading", name="Merci : votre fiche est enregistrée")
        ).to_be_visible()

    page.reload()
    services = page.get_by_role("img", name="Fiches par service ou administration")
    expect(services).to_be_visible()
    expect(page.get_by_role("img", name="Fiches par conséquence")).to_have_accessible_name(
        "Fiches par conséquence Une fiche qui indique plusieurs conséquences compte pour "
        "chacune : le total peut dépasser le nombre de fiches."
    )
    months = page.get_by_role("table", name="Fiches par mois")
    expect(months.get_by_role("rowheader")).to_have_text(["sept. 2026", "oct. 2026", "nov. 2026"])
    expect(months.get_by_role("cell")).to_have_text(["1", "0", "1"])
    barriers = page.get_by_role("table", name="Fiches par obstacle numérique")
    expect(barriers.get_by_role("rowheader")).to_have_text(["Ligne téléphonique fermée"])
    expect(barriers.get_by_role("cell")).to_have_text(["2"])
    # The drawing fits the phone's width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = services.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    researcher.check_accessible("the programme's figures on a phone")

    page.set_viewport_size(LAPTOP)
    page.reload()
    expect(page.get_by_role("img", name="Fiches par mois")).to_be_visible()
    researcher.check_accessible("the programme's figures on a laptop")
