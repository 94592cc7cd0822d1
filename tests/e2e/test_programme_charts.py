"""A programme's figures: practitioners file fiches, the team sees charts and their tables."""

import pytest
from conftest import LAPTOP, PHONE, create_programme, file_fiche, save_fiche
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_team_reads_its_figures_as_charts_and_tables_on_a_phone_and_a_laptop(open_browser):
    researcher = open_browser("chercheuse", viewport=PHONE)
    _link, form_url = create_programme(
        researcher, "Guichets fermés", "Que perd-on quand le guichet ferme ?"
    )
    page = researcher.page
    expect(page.get_by_role("heading", level=2, name="Chiffres")).to_be_visible()

    awa = open_browser("Awa", viewport=PHONE)
    for day, function in (("2026-09-14", "AS en CPAS"), ("2026-11-03", "animatrice EPN")):
        file_fiche(awa, form_url, "La ligne du CPAS ne répond plus l'après-midi.", function)
        awa.page.get_by_label("Date de la situation").fill(day)
        save_fiche(awa)

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
