"""Dropping out and coming back: nothing missed, nothing twice, no second convention."""

import re

import pytest
from playwright.sync_api import Page, expect

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

STEPS = builtin_protocol("mag-complet").steps
OFFLINE_ERRORS = r"net::ERR_INTERNET_DISCONNECTED"


def heading(index: int) -> str:
    return f"{STEPS[index].number} · {STEPS[index].title}"


def others_proposals(page: Page):
    return page.get_by_role("list", name=re.compile(r"^Propositions des autres participants"))


def my_proposals(page: Page):
    return page.get_by_role("list", name="Mes propositions")


def participant_row(page: Page, pseudonym: str):
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=pseudonym, exact=True)
    )


def fill_proposal(page: Page, title: str, body: str) -> None:
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Quelques lignes pour raconter la situation").fill(body)
    page.get_by_role("button", name="Envoyer ma proposition").click()


@pytest.fixture
def room(open_browser):
    """A running session at step 0.2 with two participants who accepted the convention."""
    animateur = open_browser("animateur")
    code = animateur.create_session("Reprendre le lendemain")
    alice = open_browser("Alice", viewport={"width": 360, "height": 740})
    alice.join(code, "Alice", "AS en CPAS")
    alice.accept_convention()
    bob = open_browser("Bob")
    bob.join(code, "Bob", "animateur EPN")
    bob.accept_convention()
    animateur.page.get_by_role("button", name="Démarrer la séance").click()
    animateur.page.get_by_role("button", name="Étape suivante").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(1))
    return animateur, alice, bob


def test_a_participant_who_drops_out_catches_up_on_what_she_missed(room):
    animateur, alice, bob = room
    console = animateur.page
    status = alice.page.locator("#connection-status")

    with alice.tolerating(OFFLINE_ERRORS):
        alice.context.set_offline(True)
        expect(status).to_contain_text("Connexion perdue")
        expect(participant_row(console, "Alice").get_by_role("cell").nth(1)).to_have_text("absent")

        # Meanwhile the room goes on: next step, and Bob proposes a récit.
        console.get_by_role("button", name="Étape suivante").click()
        expect(bob.step_heading()).to_have_text(heading(2))
        fill_proposal(bob.page, "Le guichet fermé", "Plus personne au guichet le mercredi.")
        expect(console.get_by_role("heading", name="Le guichet fermé")).to_be_visible()
        expect(alice.step_heading()).to_have_text(heading(1))  # she does not know yet

        alice.context.set_offline(False)
        expect(status).to_have_text("Connecté")
        expect(alice.step_heading()).to_have_text(heading(2))

    expect(others_proposals(alice.page).get_by_role("listitem")).to_have_count(1)
    expect(others_proposals(alice.page).get_by_role("listitem")).to_contain_text(
        ["Le guichet fermé"]
    )
    expect(participant_row(console, "Alice").get_by_role("cell").nth(1)).to_have_text("connecté")


def test_what_is_sent_while_offline_arrives_once_back_online(room):
    animateur, alice, bob = room
    animateur.page.get_by_role("button", name="Étape suivante").click()
    expect(alice.step_heading()).to_have_text(heading(2))

    with alice.tolerating(OFFLINE_ERRORS):
        alice.context.set_offline(True)
        expect(alice.page.locator("#connection-status")).to_contain_text("Connexion perdue")
        fill_proposal(alice.page, "La lettre recommandée", "Un courrier que personne n'a lu.")
        expect(alice.page.get_by_role("button", name="Envoyer ma proposition")).to_be_disabled()
        alice.context.set_offline(False)
        expect(alice.page.locator("#connection-status")).to_have_text("Connecté")

    for page in (bob.page, animateur.page):
        expect(page.get_by_role("heading", name="La lettre recommandée")).to_have_count(1)
    expect(my_proposals(alice.page).get_by_role("listitem")).to_have_count(1)
    expect(alice.page.get_by_label("Titre", exact=True)).to_have_value("")


def test_reloading_or_reopening_resumes_without_a_second_convention(room):
    animateur, alice, bob = room
    console = animateur.page
    console.get_by_role("button", name="Étape suivante").click()
    fill_proposal(
        alice.page, "Le rendez-vous en ligne", "Pas d'adresse e-mail, pas de rendez-vous."
    )
    fill_proposal(bob.page, "Le code par SMS", "Un téléphone prêté, un code qui n'arrive pas.")
    expect(others_proposals(bob.page).get_by_role("listitem")).to_have_count(1)

    bob.page.reload()
    expect(bob.step_heading()).to_have_text(heading(2))
    expect(bob.page.get_by_text("Bienvenue, Bob.")).to_be_visible()
    expect(
        bob.page.get_by_role("button", name="J'ai lu la convention et je l'accepte")
    ).to_be_hidden()
    expect(others_proposals(bob.page).get_by_role("listitem")).to_have_text(
        [re.compile("Le rendez-vous en ligne")]
    )
    expect(my_proposals(bob.page).get_by_role("listitem")).to_have_text(
        [re.compile("Le code par SMS")]
    )

    # The laptop closed in the evening, reopened the next morning: same cookies, new tab.
    alice.come_back()
    expect(alice.step_heading()).to_have_text(heading(2))
    expect(
        alice.page.get_by_role("button", name="J'ai lu la convention et je l'accepte")
    ).to_be_hidden()
    expect(others_proposals(alice.page).get_by_role("listitem")).to_have_count(1)
    expect(my_proposals(alice.page).get_by_role("listitem")).to_have_count(1)

    # And the facilitator's console too.
    console.reload()
    expect(animateur.step_heading()).to_have_text(heading(2))
    expect(console.get_by_role("heading", name="2 propositions de récit")).to_be_visible()
    expect(
        console.get_by_text("2 participants · 2 connectés · 2 ont accepté la convention")
    ).to_be_visible()

    # The session goes on for everyone after all that.
    console.get_by_role("button", name="Étape suivante").click()
    for person in (animateur, alice, bob):
        expect(person.step_heading()).to_have_text(heading(3))


def test_reloading_before_accepting_still_asks_for_the_convention(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Lire avant d'entrer")
    carla = open_browser("Carla")
    carla.join(code, "Carla", "")
    expect(carla.page.get_by_role("heading", name="Convention de travail")).to_be_visible()
    carla.page.reload()
    carla.accept_convention()
    expect(carla.page.get_by_role("heading", name="La séance va commencer")).to_be_visible()
    expect(participant_row(animateur.page, "Carla").get_by_role("cell")).to_have_text(
        ["—", "connecté", "a accepté"]
    )


def test_keyboard_focus_stays_on_a_button_when_others_contribute(room):
    animateur, alice, bob = room
    animateur.page.get_by_role("button", name="Étape suivante").click()
    for person in (alice, bob):
        expect(person.step_heading()).to_have_text(heading(2))
    fill_proposal(alice.page, "Le formulaire en ligne", "Un seul ordinateur pour dix personnes.")
    edit = my_proposals(alice.page).get_by_role(
        "button", name="Modifier la proposition « Le formulaire en ligne »"
    )
    edit.focus()
    fill_proposal(bob.page, "Le rendez-vous par téléphone", "Personne ne décroche.")
    expect(others_proposals(alice.page).get_by_role("listitem")).to_have_count(1)
    expect(edit).to_be_focused()
