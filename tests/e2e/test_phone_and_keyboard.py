"""A participant on a small phone, with a keyboard only, through every kind of step.

Awa has a 360x640 screen and no mouse: she joins, accepts the convention, passes
and takes her turn, proposes, votes, supports and evaluates with Tab, Shift+Tab,
Enter, Space and the arrows. At each step what is expected of her is in her first
screen, and after each of her actions the focus is somewhere, never on the page's
body. Bruno, on a laptop, narrates; the animateur drives the console with a mouse.
"""

import pytest
from playwright.sync_api import Locator, Page, expect

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 360, "height": 640}
STEPS = {step.id: step for step in builtin_protocol("mag-complet").steps}
AWA_PROPOSAL = ("Le guichet fermé", "Le guichet ferme à midi, la dame revient le lendemain.")
BRUNO_PROPOSAL = ("La borne en panne", "La borne ne lit pas la carte d'identité.")
BRUNO_PERSPECTIVE = "Un accueil sans rendez-vous le lundi."


def heading(step_id: str) -> str:
    step = STEPS[step_id]
    return f"{step.number} · {step.title}"


def in_first_screen(page: Page, target: Locator) -> None:
    """``target`` is shown without scrolling: in the first 640 px of the page, whole or (a
    text box taller than the rest of the screen) at least a finger's height of it (44 px)."""
    page.evaluate("window.scrollTo(0, 0)")
    expect(target).to_be_visible()
    box = target.bounding_box()
    assert box is not None
    shown = min(box["height"], 44)
    assert box["y"] >= 0 and box["y"] + shown <= SMALL_PHONE["height"], (
        f"{target} is at y={box['y']:.0f}..{box['y'] + box['height']:.0f}, below the first screen"
    )


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has the focus."""
    expect(target).to_be_visible()
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{target} never got the focus with the keyboard")


def focus_is_somewhere(page: Page, after: str) -> None:
    """After an action, the focus is on an element of the page, not lost to its body."""
    page.wait_for_timeout(300)  # the answer, the event and the render have come
    lost = page.evaluate("!document.activeElement || document.activeElement === document.body")
    assert not lost, f"the focus fell to the page's body after {after}"


def next_step(console: Page, pages: list[Page], step_id: str) -> None:
    console.get_by_role("button", name="Étape suivante").click()
    for page in [console, *pages]:
        expect(page.locator("#step-title")).to_have_text(heading(step_id))


def test_a_small_phone_and_a_keyboard_are_enough(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Le numérique au guichet")
    console = animateur.page

    # Awa joins and accepts, with the keyboard alone.
    awa = open_browser("Awa", viewport=SMALL_PHONE)
    phone = awa.goto("/rejoindre")
    tab_to(phone, phone.get_by_label("Code de la séance"))
    phone.keyboard.type(code)
    phone.keyboard.press("Tab")
    expect(phone.get_by_label("Pseudonyme")).to_be_focused()
    phone.keyboard.type("Awa")
    phone.keyboard.press("Tab")
    phone.keyboard.type("assistante sociale")
    phone.keyboard.press("Enter")
    accept = phone.get_by_role("button", name="J'ai lu la convention et je l'accepte")
    tab_to(phone, accept)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1, name="La séance va commencer")).to_be_visible()
    focus_is_somewhere(phone, "accepting the convention")

    bruno = open_browser("Bruno")
    bruno.join(code, "Bruno", "animateur EPN")
    bruno.accept_convention()
    laptop = bruno.page

    # 0.1 The convention, read together: what is expected comes first, the instructions a tap away.
    console.get_by_role("button", name="Démarrer la séance").click()
    expect(phone.locator("#step-title")).to_have_text(heading("convention"))
    in_first_screen(phone, phone.locator("#expected"))
    instructions = phone.get_by_text(STEPS["convention"].instructions.splitlines()[0])
    expect(instructions).to_be_hidden()
    in_first_screen(phone, phone.get_by_text("Consignes de l'étape"))
    phone.get_by_text("Consignes de l'étape").click()
    expect(instructions).to_be_visible()

    # 0.2 The presentation round: Awa passes, then speaks when she comes back.
    next_step(console, [phone, laptop], "presentation")
    expect(phone.get_by_role("status").filter(has_text="Nouvelle étape : ")).to_have_count(1)
    console.get_by_role("button", name="Lancer le tour de table").click()
    turn = phone.locator("#my-turn")
    expect(turn).to_contain_text("C'est votre tour de parole.")
    in_first_screen(phone, phone.get_by_role("button", name="Je passe"))
    tab_to(phone, phone.get_by_role("button", name="J'ai terminé"))
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Je passe")).to_be_focused()
    phone.keyboard.press("Space")
    expect(turn).to_be_hidden()
    focus_is_somewhere(phone, "passing")
    console.get_by_role("button", name="Tour suivant : Bruno a parlé").click()
    expect(turn).to_be_visible()  # back at the end of the round
    tab_to(phone, phone.get_by_role("button", name="J'ai terminé"), backwards=True)
    phone.keyboard.press("Enter")
    expect(turn).to_be_hidden()
    focus_is_somewhere(phone, "ending her turn")

    # 1.1 Proposals.
    next_step(console, [phone, laptop], "propositions")
    title = phone.get_by_label("Titre", exact=True)
    in_first_screen(phone, title)
    tab_to(phone, title)
    phone.keyboard.type(AWA_PROPOSAL[0])
    phone.keyboard.press("Tab")
    phone.keyboard.type(AWA_PROPOSAL[1])
    tab_to(phone, phone.get_by_role("button", name="Envoyer ma proposition"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("list", name="Mes propositions")).to_contain_text(AWA_PROPOSAL[0])
    focus_is_somewhere(phone, "proposing")
    laptop.get_by_label("Titre", exact=True).fill(BRUNO_PROPOSAL[0])
    laptop.get_by_label("Quelques lignes pour raconter la situation").fill(BRUNO_PROPOSAL[1])
    laptop.get_by_role("button", name="Envoyer ma proposition").click()

    # 1.2 The vote: an empty ballot is explained beside the button, then Awa votes.
    next_step(console, [phone, laptop], "choix")
    first_choice = phone.get_by_role("checkbox").first
    in_first_screen(phone, first_choice)
    vote = phone.get_by_role("button", name="Voter")
    tab_to(phone, vote)
    phone.keyboard.press("Enter")
    error = phone.get_by_role("alert").filter(has_text="Choisissez")
    expect(error).to_be_visible()
    assert error.evaluate("el => el.previousElementSibling.contains(document.activeElement)")
    expect(error).to_be_in_viewport()
    tab_to(phone, phone.get_by_role("checkbox", name=BRUNO_PROPOSAL[0]), backwards=True)
    phone.keyboard.press("Space")
    tab_to(phone, vote)
    phone.keyboard.press("Enter")  # and confirms
    expect(phone.get_by_text("Vous avez voté.")).to_be_focused()
    laptop.get_by_role("checkbox", name=BRUNO_PROPOSAL[0]).check()
    laptop.get_by_role("button", name="Voter").click()
    console.get_by_role("button", name="Clore le vote").click()
    choose = console.get_by_role("form", name="Choisir le ou les récits")
    choose.get_by_role("checkbox", name=BRUNO_PROPOSAL[0], exact=True).check()
    choose.get_by_role("button", name="Choisir ces récits").click()
    laptop.get_by_role("button", name="J'accepte de raconter").click()

    # 1.3 to 2.1: Awa listens, then asks.
    for step_id in ("narration", "enjeux"):
        next_step(console, [phone, laptop], step_id)
        in_first_screen(phone, phone.locator("#expected"))
    next_step(console, [phone, laptop], "questions")
    in_first_screen(phone, phone.get_by_label("Votre question sur les faits"))

    # 2.2 The first round: when her turn comes, the page brings it into view.
    next_step(console, [phone, laptop], "premier-tour")
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    console.get_by_role("button", name="Lancer le tour de table").click()
    expect(turn).to_be_in_viewport()
    tab_to(phone, phone.get_by_role("button", name="J'ai terminé"))
    phone.keyboard.press("Enter")
    focus_is_somewhere(phone, "ending her turn")

    # 2.3 to 3.3: the board, theory, hypotheses.
    next_step(console, [phone, laptop], "reactions")
    next_step(console, [phone, laptop], "deuxieme-tour")
    in_first_screen(phone, phone.locator("#expected"))  # to speak in turn; writing is optional
    next_step(console, [phone, laptop], "analyse")
    in_first_screen(phone, phone.get_by_text("Suggérer une correction ou un ajout"))
    next_step(console, [phone, laptop], "apports-theoriques")
    in_first_screen(phone, phone.get_by_label("Notion"))
    next_step(console, [phone, laptop], "hypotheses")
    in_first_screen(phone, phone.get_by_label("Question ou hypothèse"))

    # 4 Perspectives: Awa supports Bruno's.
    next_step(console, [phone, laptop], "perspectives")
    in_first_screen(phone, phone.get_by_label("Niveau"))
    laptop.get_by_label("Niveau").select_option(label="Institution")
    laptop.get_by_label("Votre piste d'action").fill(BRUNO_PERSPECTIVE)
    laptop.get_by_role("button", name="Envoyer la perspective").click()
    support = phone.get_by_role("button", name=f"Je soutiens « {BRUNO_PERSPECTIVE} »")
    tab_to(phone, support)
    phone.keyboard.press("Enter")
    unsupport = phone.get_by_role("button", name=f"Je ne soutiens plus « {BRUNO_PERSPECTIVE} »")
    expect(unsupport).to_be_focused()

    # 5 The evaluation: a scale chosen with the arrows.
    next_step(console, [phone, laptop], "evaluation")
    scale = phone.locator("#evaluation-questions").get_by_role("group").first
    first_radio = scale.get_by_role("radio").first
    in_first_screen(phone, first_radio)
    tab_to(phone, first_radio)
    phone.keyboard.press("Space")
    phone.keyboard.press("ArrowRight")
    expect(scale.get_by_role("radio").nth(1)).to_be_checked()
    tab_to(phone, phone.get_by_role("button", name="Envoyer mes réponses"))
    phone.keyboard.press("Enter")
    expect(phone.get_by_text("Merci : vos réponses sont enregistrées.")).to_be_focused()
