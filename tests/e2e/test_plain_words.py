"""On a small phone: targets big enough to touch, a focus ring one can see, the method's words explained.

A participant on a 360x640 screen votes, then meets the analysis board and the
practical perspectives: every target of the vote screen is 44x44 CSS px or more,
the focus ring stands out 3:1 against the background it is drawn on, and each
term of the method has its plain explanation one tap (or one Enter) away.
"""

import pytest
from playwright.sync_api import Page, expect

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 640}
STEPS = builtin_protocol("mag-court").steps

# Every visible target inside the participant's screen, with its size; a radio or a
# checkbox is touched through its whole label.
TARGETS_JS = """() => [...document.querySelectorAll(
    "#app a, #app button, #app input, #app select, #app textarea, #app summary, #app label.choice")]
  .filter((el) => el.checkVisibility())
  .map((el) => {
    const target = ["radio", "checkbox"].includes(el.type) ? (el.closest("label") ?? el) : el;
    const box = target.getBoundingClientRect();
    return { what: target.outerHTML.slice(0, 90), width: box.width, height: box.height };
  })"""

# The focused element's outline, and the background it is drawn on (the nearest opaque one).
FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  let node = el.parentElement;
  let background = "rgb(255, 255, 255)";
  while (node) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { background = colour; break; }
    node = node.parentElement;
  }
  return { what: el.outerHTML.slice(0, 90), style: style.outlineStyle, width: style.outlineWidth,
           ring: style.outlineColor, background, isBody: el === document.body };
}"""


def rgb(colour: str) -> tuple[float, float, float]:
    values = colour[colour.index("(") + 1 : colour.index(")")].replace("/", ",").split(",")
    return tuple(float(v) for v in values[:3])


def luminance(colour: str) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def heading(index: int) -> str:
    return f"{STEPS[index].number} · {STEPS[index].title}"


def advance_to(console: Page, participant, kind: str, index: int) -> int:
    """Click « Étape suivante » until the step of ``kind``; the participant follows."""
    while STEPS[index].kind.value != kind:
        console.get_by_role("button", name="Étape suivante").click()
        index += 1
        expect(participant.step_heading()).to_have_text(heading(index))
    return index


def test_a_phone_has_big_targets_a_visible_focus_and_plain_words(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Mots simples", protocol="mag-court")
    console = animateur.page
    awa = open_browser("Awa", viewport=PHONE)
    awa.join(code, "Awa", "AS en CPAS")
    awa.accept_convention()
    page = awa.page
    console.get_by_role("button", name="Démarrer la séance").click()
    expect(awa.step_heading()).to_have_text(heading(0))

    index = advance_to(console, awa, "proposals", 0)
    page.get_by_label("Titre", exact=True).fill("Le guichet fermé")
    page.get_by_label("Quelques lignes pour raconter la situation").fill(
        "Une dame revient trois fois pour le même formulaire."
    )
    page.get_by_role("button", name="Envoyer ma proposition").click()
    expect(page.get_by_role("heading", name="Le guichet fermé")).to_be_visible()

    # The vote screen: every target at least 44x44.
    index = advance_to(console, awa, "vote", index)
    expect(page.get_by_role("button", name="Voter")).to_be_visible()
    expect(page.locator("#ballot-choices label.choice")).to_have_count(1)
    small = [t for t in page.evaluate(TARGETS_JS) if t["width"] < 44 or t["height"] < 44]
    assert small == [], small

    # The focus ring, wherever the keyboard takes it on this screen: 3:1 on its background.
    page.locator("#vote-heading").click()  # start from the vote, as a finger would
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus["isBody"]:
            continue
        seen.append(focus)
        assert focus["style"] != "none", focus
        assert float(focus["width"].removesuffix("px")) >= 2, focus
        assert contrast(focus["ring"], focus["background"]) >= 3, focus
    assert any("radio" in f["what"] for f in seen), seen
    assert any("Voter" in f["what"] for f in seen), seen

    # Awa votes; her récit is chosen, and she agrees to tell it.
    page.get_by_role("radio", name="Le guichet fermé").check()
    page.get_by_role("button", name="Voter").click()  # and confirms
    expect(page.get_by_text("Vous avez voté.")).to_be_visible()
    console.get_by_role("button", name="Clore le vote").click()
    choose = console.get_by_role("form", name="Choisir le ou les récits")
    choose.get_by_role("checkbox", name="Le guichet fermé", exact=True).check()
    choose.get_by_role("button", name="Choisir ces récits").click()
    page.get_by_role("button", name="J'accepte de raconter").click()

    # The analysis: what convergence, divergence and nœud mean, opened with the keyboard.
    index = advance_to(console, awa, "analysis", index)
    board_words = page.locator("summary", has_text="Convergence, divergence, nœud")
    expect(board_words).to_be_visible()
    meaning = page.get_by_text("Un point sur lequel les avis s'opposent")
    expect(meaning).to_be_hidden()
    board_words.focus()
    page.keyboard.press("Enter")
    expect(meaning).to_be_visible()
    expect(page.get_by_text("Un point qui bloque")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The perspectives: what the three levels mean, opened with a tap.
    advance_to(console, awa, "perspectives", index)
    levels = page.locator("summary", has_text="Les trois niveaux : qu'est-ce que c'est ?")
    expect(levels).to_be_visible()
    institution = page.get_by_text("Ce que votre service, votre organisation")
    expect(institution).to_be_hidden()
    levels.click()
    expect(institution).to_be_visible()
    expect(page.get_by_text("Ce que vous et vos collègues pouvez changer")).to_be_visible()
