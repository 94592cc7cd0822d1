"""What a person sees when joining goes wrong: a message in French, and the form still there."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def code(open_browser):
    animateur = open_browser("animateur")
    return animateur.create_session("Séance pour les erreurs")


def test_an_unknown_code_is_explained_and_the_form_stays(open_browser, code):
    dana = open_browser("Dana")
    dana.join("QQQQ00", "Dana", "éducatrice", refused=True)
    page = dana.page
    expect(page.get_by_role("alert")).to_contain_text(
        "Aucune séance ne correspond au code « QQQQ00 »"
    )
    expect(page.get_by_role("heading", name="Rejoindre une séance")).to_be_visible()
    # Beside the code, which has the focus and says what is wrong with it.
    code_field = page.get_by_label("Code de la séance")
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_accessible_description(re.compile("Aucune séance ne correspond"))
    dana.check_accessible("the join form refusing a code")
    expect(page.get_by_label("Pseudonyme")).to_have_value("Dana")
    expect(page.get_by_label("Votre fonction")).to_have_value("éducatrice")

    # Correcting the code is enough to get in.
    page.get_by_label("Code de la séance").fill(code)
    page.get_by_role("button", name="Entrer").click()
    dana.accept_convention()


def test_a_pseudonym_already_taken_in_another_case_is_refused(open_browser, code):
    first = open_browser("Alice")
    first.join(code, "Alice", "AS en CPAS")
    expect(first.page.get_by_role("heading", name="Convention de travail")).to_be_visible()

    second = open_browser("ALICE")
    second.join(code, "ALICE", "AS en CPAS", refused=True)
    page = second.page
    expect(page.get_by_role("alert")).to_contain_text("Le pseudonyme « ALICE » est déjà pris")
    expect(page.get_by_label("Pseudonyme")).to_be_focused()
    expect(page.get_by_role("heading", name="Rejoindre une séance")).to_be_visible()
    page.get_by_label("Pseudonyme").fill("Alice B.")
    page.get_by_role("button", name="Entrer").click()
    second.accept_convention()


def test_a_blank_pseudonym_and_a_closed_session_are_explained(open_browser, code):
    animateur = open_browser("animateur")
    eve = open_browser("Eve")
    eve.join(code, "   ", "", refused=True)
    expect(eve.page.get_by_role("alert")).to_contain_text("Le champ « Pseudonyme » est vide.")
    expect(eve.page.get_by_label("Pseudonyme")).to_be_focused()

    animateur_code = animateur.create_session("Séance complète")
    animateur.page.get_by_role("button", name="Fermer les inscriptions").click()
    expect(animateur.page.get_by_text("Les inscriptions sont fermées.")).to_be_visible()
    eve.join(animateur_code, "Eve", "", refused=True)
    expect(eve.page.get_by_role("alert")).to_contain_text(
        "Cette séance n'accepte plus de participants."
    )
    eve.check_accessible("the join form refusing a closed session")
