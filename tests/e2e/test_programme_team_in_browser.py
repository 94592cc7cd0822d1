"""A programme's team keeps its records in order: a colleague invited with her own link, a
session attached from its facilitator link, a fiche deleted after a confirmation, the
colleague's link revoked."""

import re

import pytest
from conftest import PHONE, file_fiche, save_fiche
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

REFUSED = r"status of 4\d\d"


def test_the_team_invites_attaches_deletes_and_revokes(open_browser):
    researcher = open_browser("chercheuse")
    page = researcher.goto("/programmes/nouveau")
    page.get_by_label("Titre du programme").fill("Numérique et services sociaux")
    page.get_by_label("Question de recherche").fill("Que change la numérisation des services ?")
    page.get_by_label("Conserver jusqu'au (facultatif)").fill("2031-06-30")
    page.get_by_role("button", name="Créer le programme").click()
    page.get_by_role("link", name="Ouvrir la page du programme").click()
    expect(page.get_by_text("Conservé jusqu'au 30/06/2031")).to_be_visible()
    programme_url = page.url

    # A colleague gets a link of her own, shown once.
    team = page.get_by_role("region", name="L'équipe de recherche")
    team.get_by_label("Nom ou fonction de la personne").fill("Chercheuse ULB")
    team.get_by_role("button", name="Créer un lien privé").click()
    expect(
        page.get_by_role("heading", level=1, name="Lien privé créé pour Chercheuse ULB")
    ).to_be_visible()
    researcher.check_accessible("the member's link, shown once")
    link = page.get_by_label("Lien privé de Chercheuse ULB").input_value()
    assert re.search(r"/programme/\w+/membre/\w+/[\w-]+$", link), link
    page.get_by_role("link", name="Revenir à la page du programme").click()

    colleague = open_browser("Chercheuse ULB")
    colleague.page.goto(link)
    expect(
        colleague.page.get_by_role("heading", level=1, name="Numérique et services sociaux")
    ).to_be_visible()
    expect(colleague.page.get_by_text("(votre lien)")).to_be_visible()
    colleague.check_accessible("the programme's page, opened with a member's link")

    # A session created on its own joins the programme through its facilitator link.
    facilitator = open_browser("animatrice")
    facilitator.goto("/")
    facilitator.page.get_by_label("Titre de la séance").fill("Groupe de Mons")
    facilitator.page.get_by_label("Question ou thème").fill("Que change le numérique ?")
    facilitator.page.get_by_role("button", name="Créer la séance").click()
    session_link = facilitator.page.get_by_label("Lien d’animation privé").input_value()
    attach = page.get_by_label("Lien d'animation de la séance")
    with researcher.tolerating(REFUSED):
        attach.fill("ABC123")
        page.get_by_role("button", name="Rattacher la séance").click()
        attach = page.get_by_label("Lien d'animation de la séance")
        expect(attach).to_have_attribute("aria-invalid", "true")
        expect(attach).to_have_accessible_description(re.compile("pas un lien d'animation"))
        researcher.check_accessible("the programme's page refusing a link beside its field")
    attach.fill(session_link)
    page.get_by_role("button", name="Rattacher la séance").click()
    expect(page.locator("p.notice")).to_have_text("La séance fait maintenant partie du programme.")
    sessions = page.get_by_role("region", name=re.compile("Séances du programme"))
    expect(sessions.get_by_role("link", name="Groupe de Mons", exact=True)).to_be_visible()

    # A fiche filed from a phone, then deleted after a confirmation.
    form_url = page.locator("#form-url").get_attribute("href")
    phone = open_browser("Awa", viewport=PHONE)
    file_fiche(phone, form_url, "Le guichet de Jemappes a fermé sans prévenir.", "AS en CPAS")
    save_fiche(phone)
    page.goto(programme_url)
    expect(page.get_by_text("Le guichet de Jemappes a fermé sans prévenir.")).to_be_visible()
    page.get_by_role("link", name="Supprimer cette fiche").click()
    expect(page.get_by_role("heading", level=1, name="Supprimer cette fiche ?")).to_be_visible()
    researcher.check_accessible("confirming a fiche's deletion")
    page.get_by_role("button", name="Supprimer la fiche définitivement").click()
    expect(page.locator("p.notice")).to_contain_text("La fiche a été supprimée")
    expect(page.get_by_role("heading", level=2, name="Fiches incident (0)")).to_be_visible()
    expect(page.get_by_text("Jemappes")).to_have_count(0)

    # The colleague's link is revoked: her page says so.
    page.get_by_role("link", name="Révoquer le lien « Chercheuse ULB »").click()
    researcher.check_accessible("confirming a revocation")
    page.get_by_role("button", name="Révoquer le lien « Chercheuse ULB »").click()
    expect(page.locator("p.notice")).to_have_text(
        "Le lien est révoqué : il n'ouvre plus le programme."
    )
    expect(page.get_by_text(re.compile("révoqué le"))).to_be_visible()
    researcher.check_accessible("the programme's page with a revoked link")
    with colleague.tolerating(REFUSED):
        colleague.page.reload()
        expect(
            colleague.page.get_by_role("heading", level=1, name="Lien d'équipe révoqué")
        ).to_be_visible()
    assert colleague.problems == []
