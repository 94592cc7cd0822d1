"""A researcher exports the programme from its page: the file prepared apart, then offered."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from conftest import PHONE, create_programme, file_fiche, save_fiche
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

JOB_MS = 90_000  # an export rendered in a low-priority process


def test_the_team_exports_its_project_and_its_archive_from_the_programme_page(open_browser):
    researcher = open_browser("chercheuse")
    _link, form_url = create_programme(
        researcher, question="Que change la numérisation des services ?", names="Lambert"
    )
    page = researcher.page

    awa = open_browser("Awa", viewport=PHONE)
    file_fiche(awa, form_url, "La ligne du CPAS ne répond plus à Mme Lambert.", "AS en CPAS")
    awa.page.get_by_role("button", name="Enregistrer la fiche").click()
    # Warned about the listed name: she confirms it is the service's own word here.
    awa.page.get_by_role("checkbox", name=re.compile("ne permet de reconnaître personne")).check()
    save_fiche(awa)

    page.reload()
    exports = page.get_by_role("region", name="Exports du programme")
    qdpx = exports.get_by_role("listitem").filter(has_text="REFI-QDA").get_by_role("status")
    exports.get_by_role("button", name="Exporter : Projet REFI-QDA (.qdpx)").click()
    expect(qdpx).to_contain_text("Préparation : Projet REFI-QDA (.qdpx)")
    link = qdpx.get_by_role("link", name=re.compile(r"^Télécharger .+\.qdpx$"))
    expect(link).to_be_visible(timeout=JOB_MS)
    expect(qdpx).to_contain_text("Prêt : Projet REFI-QDA (.qdpx).")
    researcher.check_accessible("the programme's page with an export ready")
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d-numerique-et-services-sociaux\.qdpx", download.value.suggested_filename
    )
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        texts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("sources/")]
    [fiche] = texts  # no session yet: the fiche alone, the listed name replaced
    assert fiche.startswith("Ce qui s'est passé :\nLa ligne du CPAS ne répond plus à Mme […].\n")
    assert "Lambert" not in fiche

    exports.get_by_role("button", name="Exporter : Archive JSON (sauvegarde complète)").click()
    archive_status = exports.get_by_role("listitem").filter(has_text="JSON").get_by_role("status")
    json_link = archive_status.get_by_role("link", name=re.compile(r"^Télécharger .+\.json$"))
    expect(json_link).to_be_visible(timeout=JOB_MS)
    with page.expect_download() as download:
        json_link.click()
    document = json.loads(Path(download.value.path()).read_bytes())
    assert document["format"] == "mag-programme"
    assert (
        document["fiches"][0]["what_happened"] == "La ligne du CPAS ne répond plus à Mme Lambert."
    )
    assert document["fiches"][0]["warnings"] == {"what_happened": ["name"]}
