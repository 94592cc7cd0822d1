"""A research team writes its programme's booklet: generates the draft, edits, saves, exports."""

import re

import pytest
from conftest import LAPTOP, PHONE, create_programme, file_fiche, save_fiche
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


def test_the_team_generates_edits_saves_and_exports_its_booklet(open_browser):
    researcher = open_browser("chercheuse", viewport=LAPTOP)
    _link, form_url = create_programme(
        researcher,
        "Numérique et accompagnement",
        "Que change la numérisation des services ?",
        names="Lambert",
    )
    page = researcher.page

    worker = open_browser("Awa", viewport=PHONE)
    file_fiche(worker, form_url, "La ligne du CPAS ne répond plus l'après-midi.", "AS en CPAS")
    save_fiche(worker)

    page.reload()
    page.get_by_role("link", name=re.compile("Livret du programme")).click()
    expect(page.get_by_role("heading", level=1, name="Livret du programme")).to_be_visible()
    expect(page.get_by_text("Aucune version enregistrée pour l'instant.")).to_be_visible()
    researcher.check_accessible("the booklet's page, nothing saved")

    page.get_by_role("button", name="Générer le brouillon").click()
    expect(page.locator("p.notice")).to_contain_text("Brouillon généré")
    editor = page.get_by_label("Texte du livret (Markdown)")
    expect(editor).to_have_value(re.compile(r"^# Numérique et accompagnement\n"))
    expect(editor).to_have_value(re.compile(r"## Contexte et méthode"))
    expect(editor).to_have_value(re.compile(r"\| Ligne téléphonique fermée \| 1 \|"))
    draft = editor.input_value()
    edited = draft.replace("## Propositions", "## Propositions\n\nNotre conclusion commune.")
    editor.fill(edited)
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator("p.notice")).to_have_text("Version 1 enregistrée.")
    expect(page.get_by_role("rowheader", name="Version 1")).to_be_visible()
    expect(editor).to_have_value(re.compile("Notre conclusion commune."))

    editor.fill(edited.replace("commune.", "commune, relue."))
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator("p.notice")).to_have_text("Version 2 enregistrée.")
    page.get_by_role("link", name="Comparer à la version 1").click()
    comparison = page.get_by_role("region", name="Comparaison")
    expect(comparison).to_contain_text("Version 2 comparée à la version 1")
    expect(comparison).to_contain_text("Notre conclusion commune, relue.")
    researcher.check_accessible("the booklet's page comparing two versions")

    page.get_by_role("button", name="Exporter : PDF").click()
    download_link = page.get_by_role("link", name="Télécharger le fichier PDF")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as downloading:
        download_link.click()
    pdf = PdfReader(downloading.value.path())
    words = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Version 2 du livret" in words
    assert "Contexte et méthode" in words and "Notre conclusion commune, relue." in words
    researcher.check_accessible("the booklet's page with an export ready")

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Voir la version 1").click()
    expect(page.get_by_role("heading", name=re.compile("Version 1, telle que"))).to_be_visible()
    researcher.check_accessible("the booklet's page on a phone, a version shown")
