"""A whole mag-complet session, live: a facilitator and two participants on their own devices."""

import pytest
from playwright.sync_api import Page, expect

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

STEPS = builtin_protocol("mag-complet").steps
PROPOSALS_INDEX = next(i for i, step in enumerate(STEPS) if step.kind.value == "proposals")
LONG_TITLE = "Le formulaire introuvable sur www.socialsecurity.be/citizen/fr/formulaires-en-ligne"


def heading(step) -> str:
    return f"{step.number} · {step.title}"


def participant_row(page: Page, pseudonym: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=pseudonym, exact=True)
    )


def proposal(page: Page, title: str):
    """A proposal as shown in a list: a list item headed by its title."""
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def submit_proposal(page: Page, title: str, body: str, button: str = "Envoyer ma proposition"):
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Quelques lignes pour raconter la situation").fill(body)
    page.get_by_role("button", name=button).click()


def test_a_whole_session_with_two_participants(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Le numérique au guichet")
    console = animateur.page
    expect(console.get_by_text("Personne n'a encore rejoint la séance.")).to_be_visible()
    expect(console.get_by_role("button", name="Étape suivante")).to_be_hidden()
    expect(console.get_by_role("button", name="Terminer la séance")).to_be_hidden()

    # Two participants join, one typing the code in lower case, one on a phone.
    alice = open_browser("Alice")
    alice.join(code.lower(), "Alice", "AS en CPAS")
    alice.accept_convention()
    expect(
        console.get_by_text("1 participant · 1 connecté · 1 a accepté la convention")
    ).to_be_visible()
    bob = open_browser("Bob", viewport={"width": 360, "height": 740})
    bob.join(code, "Bob", "animateur EPN")
    bob.accept_convention()

    for person in (alice, bob):
        expect(person.page.get_by_text(f"Bienvenue, {person.name}.")).to_be_visible()
        expect(person.page.get_by_role("heading", name="La séance va commencer")).to_be_visible()
    expect(participant_row(console, "Alice").get_by_role("cell")).to_have_text(
        ["AS en CPAS", "connecté", "a accepté"]
    )
    expect(participant_row(console, "Bob").get_by_role("cell")).to_have_text(
        ["animateur EPN", "connecté", "a accepté"]
    )
    expect(console.get_by_text("Personne n'a encore rejoint la séance.")).to_be_hidden()
    expect(
        console.get_by_text("2 participants · 2 connectés · 2 ont accepté la convention")
    ).to_be_visible()

    # The session starts: everyone sees the first step.
    console.get_by_role("button", name="Démarrer la séance").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(STEPS[0]))
    expect(alice.page.get_by_role("heading", name="La séance va commencer")).to_be_hidden()
    expect(console.get_by_text("Séance en cours")).to_be_visible()
    expect(console.get_by_role("button", name="Démarrer la séance")).to_be_hidden()
    expect(console.get_by_role("button", name="Étape précédente")).to_be_hidden()

    for index in range(1, PROPOSALS_INDEX + 1):
        console.get_by_role("button", name="Étape suivante").click()
        for person in (animateur, alice, bob):
            expect(person.step_heading()).to_have_text(heading(STEPS[index]))
    assert STEPS[PROPOSALS_INDEX].title == "Propositions de récits"
    expect(console.locator("#steps [aria-current=step]")).to_contain_text("Propositions de récits")
    expect(bob.page.get_by_text("À vous : proposez une situation vécue")).to_be_visible()
    expect(bob.page.get_by_role("button", name="Annuler la modification")).to_be_hidden()

    # Each participant proposes a récit; the others see it arrive.
    submit_proposal(
        alice.page,
        "Le formulaire en ligne",
        "Une dame est venue avec une lettre du SPF.\nIl fallait tout faire en ligne.",
    )
    submit_proposal(bob.page, "La carte d'identité", "Un lecteur de carte en panne, un lundi.")
    for page in (console, bob.page):
        expect(proposal(page, "Le formulaire en ligne")).to_contain_text(
            "Il fallait tout faire en ligne."
        )
        expect(proposal(page, "Le formulaire en ligne")).to_contain_text("Proposé par Alice")
    for page in (console, alice.page):
        expect(proposal(page, "La carte d'identité")).to_contain_text(
            "Un lecteur de carte en panne"
        )
        expect(proposal(page, "La carte d'identité")).to_contain_text("Proposé par Bob")
    expect(console.get_by_role("heading", name="2 propositions de récit")).to_be_visible()
    expect(alice.page.get_by_label("Titre", exact=True)).to_have_value("")

    # Alice edits hers: the change reaches everyone.
    alice.page.get_by_role(
        "button", name="Modifier la proposition « Le formulaire en ligne »"
    ).click()
    expect(alice.page.get_by_label("Titre", exact=True)).to_have_value("Le formulaire en ligne")
    expect(alice.page.get_by_role("button", name="Annuler la modification")).to_be_visible()
    submit_proposal(
        alice.page,
        LONG_TITLE,
        "Une dame est venue avec une lettre du SPF.\nLe formulaire n'existait qu'en ligne.",
        button="Enregistrer les modifications",
    )
    for page in (console, bob.page, alice.page):
        expect(proposal(page, LONG_TITLE)).to_contain_text("n'existait qu'en ligne")
        expect(proposal(page, "Le formulaire en ligne")).to_have_count(0)
    expect(alice.page.get_by_role("button", name="Envoyer ma proposition")).to_be_visible()
    expect(alice.page.get_by_role("button", name="Annuler la modification")).to_be_hidden()
    assert fits_the_screen(bob.page), "Bob's 360 px screen scrolls sideways"

    # Bob withdraws his (the confirmation is accepted): it disappears everywhere.
    bob.page.get_by_role("button", name="Retirer la proposition « La carte d'identité »").click()
    for page in (console, alice.page, bob.page):
        expect(proposal(page, "La carte d'identité")).to_have_count(0)
        expect(proposal(page, LONG_TITLE)).to_have_count(1)
    expect(console.get_by_role("heading", name="1 proposition de récit")).to_be_visible()

    # The vote: the récit block cannot start before a récit is chosen (the whole method is
    # played in test_full_session.py).
    console.get_by_role("button", name="Étape suivante").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(STEPS[PROPOSALS_INDEX + 1]))
    expect(bob.page.get_by_role("button", name="Envoyer ma proposition")).to_be_hidden()
    console.get_by_role("button", name="Étape suivante").click()
    expect(console.get_by_role("alert")).to_have_text(
        "Choisissez d'abord le ou les récits que le groupe va analyser."
    )
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(STEPS[PROPOSALS_INDEX + 1]))

    console.get_by_role("button", name="Étape précédente").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(STEPS[PROPOSALS_INDEX]))
    console.get_by_role("button", name="Étape suivante").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(STEPS[PROPOSALS_INDEX + 1]))

    # The end (the confirmation is accepted).
    console.get_by_role("button", name="Terminer la séance").click()
    for person in (alice, bob):
        expect(person.page.get_by_role("heading", name="La séance est terminée")).to_be_visible()
        expect(person.step_heading()).to_be_hidden()
    expect(console.get_by_text("Séance terminée")).to_be_visible()
    expect(console.get_by_role("button", name="Terminer la séance")).to_be_hidden()
