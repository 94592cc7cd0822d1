"""A mixed group in Brussels: one session, each person in their own language.

Amina's browser asks for French, Joost's for Dutch, Emma's for English. Each reads the
interface and the steps in their language, and the working agreement in theirs when the
team gave it; what people write is shown as written. Joost switches to English once, and
his browser remembers it. The expected texts come from the catalogues and the protocol's
translations, as each page must show them.
"""

from functools import cache
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

TRANSLATIONS = Path(__file__).resolve().parents[2] / "mag" / "translations"
PROTOCOL = builtin_protocol("mag-court")
DUTCH_CONVENTION = "We spreken af: wat hier gezegd wordt, blijft in de groep."


@cache
def catalogue(language: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [language])


def in_(language: str, message: str, **params: object) -> str:
    """``message`` as the interface says it in ``language``."""
    text = message if language == "fr" else catalogue(language).gettext(message)
    return text % params if params else text


def step_heading(language: str, index: int) -> str:
    step = PROTOCOL.translated(language).steps[index]
    return in_(language, "%(number)s · %(title)s", number=step.number, title=step.title)


def join_in(person, language: str, code: str, pseudonym: str) -> None:
    page = person.goto("/rejoindre")
    expect(page.get_by_role("heading", level=1)).to_have_text(in_(language, "Rejoindre une séance"))
    page.get_by_label(in_(language, "Code de la séance")).fill(code)
    page.get_by_label(in_(language, "Pseudonyme")).fill(pseudonym)
    page.get_by_role("button", name=in_(language, "Entrer")).click()


def test_each_person_follows_the_session_in_their_own_language(open_browser):
    animateur = open_browser("animateur")
    console = animateur.goto("/")
    console.get_by_label("Titre de la séance").fill("Le numérique au guichet")
    console.get_by_label("Question ou thème").fill("Que change le numérique ?")
    console.get_by_role("radio", name=PROTOCOL.title).check()
    console.get_by_text("La convention dans d'autres langues (facultatif)").click()
    console.get_by_label("Convention de travail en Nederlands").fill(DUTCH_CONVENTION)
    console.get_by_role("button", name="Créer la séance").click()
    code = console.get_by_label("puis tapez le code de la séance").input_value().strip()
    console.get_by_role("link", name="Ouvrir la console d'animation").click()

    people = {
        "fr": open_browser("Amina", locale="fr-BE"),
        "nl": open_browser("Joost", locale="nl-BE"),
        "en": open_browser("Emma", locale="en-GB"),
    }
    for language, person in people.items():
        join_in(person, language, code, person.name)
        page = person.page
        expect(page.locator("html")).to_have_attribute("lang", language)
        convention = page.get_by_label(in_(language, "Texte de la convention de travail"))
        # Joost reads the Dutch text the team gave; Emma the French one, as it was written.
        if language == "nl":
            expect(convention).to_have_text(DUTCH_CONVENTION)
        else:
            expect(convention).to_contain_text("pas des personnes")
        accept = in_(language, "J'ai lu la convention et je l'accepte")
        page.get_by_role("button", name=accept).click()
        expect(page.get_by_role("button", name=accept)).to_be_hidden()
        person.check_accessible(f"the lobby in {language}")

    console.get_by_role("button", name="Démarrer la séance").click()
    for index in (0, 1):
        if index:
            console.get_by_role("button", name="Étape suivante").click()
        expect(animateur.step_heading()).to_have_text(step_heading("fr", index))
        for language, person in people.items():
            expect(person.step_heading()).to_have_text(step_heading(language, index))

    # The presentation round: Amina writes in French; everyone reads it as she wrote it.
    console.get_by_role("button", name="Lancer le tour de table").click()
    words = "Amina, assistante sociale au CPAS."
    amina = people["fr"].page
    amina.get_by_label("Quelques mots pour vous présenter (facultatif)").fill(words)
    amina.get_by_role("button", name="Envoyer", exact=True).click()
    for person in people.values():
        expect(person.page.get_by_text(words)).to_be_visible()

    # Joost switches to English, once: the page and his next visits are in English.
    joost = people["nl"]
    joost.page.get_by_role("link", name="English (EN)").click()
    expect(joost.page.locator("html")).to_have_attribute("lang", "en")
    expect(joost.step_heading()).to_have_text(step_heading("en", 1))
    expect(joost.page.get_by_role("link", name="English (EN)")).to_have_attribute(
        "aria-current", "true"
    )
    joost.page.reload()
    expect(joost.step_heading()).to_have_text(step_heading("en", 1))
    expect(joost.page.get_by_text(words)).to_be_visible()
