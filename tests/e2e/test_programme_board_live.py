"""Two researchers on the programme's board: what one does, the other sees without reloading."""

import re

import pytest
from conftest import PHONE, create_programme, file_fiche, save_fiche
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_two_researchers_build_a_theme_and_each_sees_the_others_work_live(open_browser):
    claire = open_browser("Claire")
    link, form_url = create_programme(claire)

    # A practitioner files a fiche; Claire tags it.
    awa = open_browser("Awa", viewport=PHONE)
    file_fiche(awa, form_url, "La ligne du CPAS ne répond plus l'après-midi.", "AS en CPAS")
    save_fiche(awa)
    page = claire.page
    page.reload()
    page.get_by_label("Thèmes (séparés par des virgules)").fill("Lignes fermées")
    page.get_by_role("button", name="Enregistrer les thèmes et niveaux").click()
    page.get_by_role("link", name="Analyse croisée").click()
    expect(page.get_by_role("heading", level=1, name="Analyse croisée")).to_be_visible()
    claire.check_accessible("the board, no theme yet")

    # Bruno, of the same team, opens the board on his phone from the private link.
    bruno = open_browser("Bruno", viewport=PHONE)
    phone = bruno.page
    phone.goto(link)
    phone.get_by_role("link", name="Analyse croisée").click()
    sources = phone.get_by_role("region", name=re.compile("Sources à classer"))
    expect(sources).to_contain_text("Lignes fermées (1 fiche)")
    phone.evaluate("window.notReloaded = true")

    # Claire creates a theme: it appears on Bruno's phone.
    page.get_by_label("Titre du thème").fill("Guichets et lignes fermés")
    page.get_by_role("button", name="Créer le thème").click()
    theme_on_phone = phone.get_by_role("article", name="Guichets et lignes fermés")
    expect(theme_on_phone).to_be_visible()
    expect(phone.get_by_role("status")).to_have_text("Le tableau a été mis à jour.")

    # She files the fiches' theme under it: Bruno sees where it comes from.
    page.get_by_role("checkbox", name=re.compile("Lignes fermées")).check()
    page.get_by_label("Classer les sources cochées dans le thème").select_option(
        label="Guichets et lignes fermés"
    )
    page.get_by_role("button", name="Classer dans ce thème").click()
    expect(page.get_by_role("article", name="Guichets et lignes fermés")).to_contain_text(
        "Thème des fiches"
    )
    expect(theme_on_phone).to_contain_text("Lire la fiche « Lignes fermées »")
    expect(theme_on_phone).to_contain_text("1 fiche")
    expect(phone.get_by_role("heading", level=2, name="Sources à classer (0)")).to_be_visible()
    assert phone.evaluate("window.notReloaded") is True, "the phone never reloaded"
    bruno.check_accessible("the board with a theme, on a phone")
    claire.check_accessible("the board with a theme, on a laptop")

    # Bruno starts typing a proposal while Claire renames the theme: nothing is swapped
    # under his fingers; he is offered the new board, and keeps what he typed.
    proposal = theme_on_phone.get_by_label("Proposition de l'équipe")
    proposal.fill("Rouvrir une ligne l'après-midi")
    claire_theme = page.get_by_role("article", name="Guichets et lignes fermés")
    claire_theme.get_by_text("Modifier le thème").click()
    claire_theme.get_by_label("Titre du thème").fill("Services injoignables")
    claire_theme.get_by_role("button", name="Enregistrer le thème").click()
    expect(page.get_by_role("heading", level=3, name="Services injoignables")).to_be_visible()
    update = phone.get_by_role("button", name="Le tableau a changé : mettre à jour")
    expect(update).to_be_visible()
    expect(update).to_be_in_viewport()  # where he is typing, far down the board
    expect(proposal).to_have_value("Rouvrir une ligne l'après-midi")
    expect(phone.get_by_role("heading", level=3, name="Guichets et lignes fermés")).to_be_visible()
    bruno.check_accessible("the board offering its update")
    update.click()
    renamed = phone.get_by_role("article", name="Services injoignables")
    expect(renamed).to_be_visible()
    expect(update).to_be_hidden()
    kept = renamed.get_by_label("Proposition de l'équipe")
    expect(kept).to_have_value("Rouvrir une ligne l'après-midi")
    expect(kept).to_be_focused()

    # He sends it: Claire sees the team's proposal under its level.
    renamed.get_by_role("button", name="Ajouter la proposition").click()
    claire_theme = page.get_by_role("article", name="Services injoignables")
    expect(claire_theme).to_contain_text("Rouvrir une ligne l'après-midi")
    expect(claire_theme).to_contain_text("Proposition de l'équipe")
    assert phone.evaluate("window.notReloaded") is None, "his own form posted and came back"
