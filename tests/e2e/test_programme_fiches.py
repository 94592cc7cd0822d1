"""A research team creates a programme; two practitioners file fiches from their phones."""

import re

import pytest
from conftest import PHONE, file_fiche, save_fiche
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_two_practitioners_file_fiches_from_phones_and_the_team_reads_them(open_browser):
    researcher = open_browser("chercheuse")
    page = researcher.goto("/")
    page.get_by_role("link", name="Créer un programme").click()
    page.get_by_label("Titre du programme").fill("Numérique et services sociaux")
    page.get_by_label("Question de recherche").fill(
        "Comment la numérisation des services pèse-t-elle sur l'accompagnement ?"
    )
    page.get_by_label("Début de la période").fill("2023-09-01")
    page.get_by_label("Fin de la période").fill("2025-06-30")
    researcher.check_accessible("the programme form")
    page.get_by_role("button", name="Créer le programme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Numérique et services sociaux")
    link = page.get_by_label("Lien privé du programme").input_value()
    assert re.search(r"/programme/\w+/[\w-]+$", link), link
    page.get_by_role("link", name="Ouvrir la page du programme").click()
    expect(
        page.get_by_role("heading", level=1, name="Numérique et services sociaux")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Code QR du formulaire des fiches")).to_be_visible()
    researcher.check_accessible("the programme's page, no fiche yet")
    form_url = page.locator("#form-url").get_attribute("href")

    # Awa files hers at once.
    awa = open_browser("Awa", viewport=PHONE)
    file_fiche(awa, form_url, "La ligne du CPAS ne répond plus l'après-midi.", "AS en CPAS")
    awa.check_accessible("the fiche form on a phone")
    save_fiche(awa)

    # Bérénice types the person's phone number: warned beside the field, nothing saved.
    berenice = open_browser("Bérénice", viewport=PHONE)
    file_fiche(
        berenice,
        form_url,
        "Une dame n'a pas pu joindre son CPAS ; elle m'a laissé son numéro, le 0470 12 34 56.",
        "animatrice EPN",
    )
    phone_page = berenice.page
    phone_page.get_by_role("button", name="Enregistrer la fiche").click()
    story = phone_page.get_by_label("Ce qui s'est passé")
    expect(story).to_have_attribute("aria-invalid", "true")
    expect(story).to_have_accessible_description(re.compile("un numéro de téléphone"))
    expect(story).to_have_value(re.compile("0470 12 34 56"))
    expect(phone_page.get_by_label("Votre fonction")).to_have_value("animatrice EPN")
    berenice.check_accessible("the fiche form warning about a phone number")
    story.fill("Une dame n'a pas pu joindre son CPAS ; je l'ai rappelée le lendemain.")
    phone_page.get_by_role("checkbox", name="J'ai lu ce texte et je l'accepte").check()
    save_fiche(berenice)

    # The researcher sees both, newest first, without the number.
    page.reload()
    expect(page.get_by_role("heading", level=2, name="Fiches incident (2)")).to_be_visible()
    fiches = page.locator(".fiche")
    expect(fiches.nth(0)).to_contain_text("je l'ai rappelée le lendemain")
    expect(fiches.nth(0)).to_contain_text("animatrice EPN")
    expect(fiches.nth(1)).to_contain_text("La ligne du CPAS ne répond plus")
    expect(fiches.nth(1)).to_contain_text("Ligne téléphonique fermée")
    expect(page.get_by_text("0470 12 34 56")).to_have_count(0)
    researcher.check_accessible("the programme's page with two fiches")
