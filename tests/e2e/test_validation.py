"""After the session: participants reread the synthesis on their own devices and approve it.

Awa on a laptop and Bruno on a phone (360 px) take part in a short session. Once it
ends, the animateur saves the synthesis in the console and opens it for validation.
Awa comments on a section and proposes another wording; Bruno approves version 1.
The console shows where each stands; the animateur retains Awa's wording, saves
version 2 and opens it: Awa's page shows version 2, Bruno's says he approved version
1 and may approve again, and Awa approves version 2. The Markdown report records who
approved which version.

Chloé withdraws during a session, after a confirmation in plain words, and her page
offers nothing else afterwards. Dina's page says when the session is archived.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
TITLE = "Le numérique au guichet"

SYNTHESIS_V1 = """# Synthèse : le numérique au guichet

Le groupe s'est réuni une matinée.

## Récits

Le service renvoie les personnes vers une borne, sans accompagnement.

## Perspectives pratiques

Prévoir un accueil sans rendez-vous deux matinées par semaine."""
COMMENT = "Il manque le fait que la borne était en panne ce jour-là."
AMENDMENT = "Le service renvoie les personnes vers une borne, souvent en panne, sans aide."
SYNTHESIS_V2 = SYNTHESIS_V1.replace(
    "Le service renvoie les personnes vers une borne, sans accompagnement.", AMENDMENT
)


# ---------------------------------------------------------------- the team's side


def report(console: Page):
    """The console's « Synthèse et rapport » panel (it opens itself once the session ended)."""
    return console.get_by_role("region", name="Synthèse et rapport")


def group_review(console: Page):
    """Its « Relecture par le groupe » part: where each participant stands, the comments."""
    return report(console).get_by_role("region", name="Relecture par le groupe")


def save_synthesis(console: Page, text: str, version: int) -> None:
    panel = report(console)
    editor = panel.get_by_label("Texte de la synthèse (Markdown)")
    expect(editor).to_be_editable()  # once the generated draft or the last version is in
    editor.fill(text)
    panel.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(panel.get_by_text(f"Version {version} enregistrée.")).to_be_visible()


def open_validation(console: Page, version: int) -> None:
    review = group_review(console)
    review.get_by_role("button", name=f"Ouvrir la relecture (version {version})").click()
    expect(
        review.get_by_text(f"Relecture ouverte : le groupe relit la version {version}.")
    ).to_be_visible()


def standing(console: Page, pseudonym: str):
    """The cell saying where ``pseudonym`` stands in the review."""
    row = (
        group_review(console)
        .get_by_role("row")
        .filter(has=console.get_by_role("rowheader", name=pseudonym, exact=True))
    )
    return row.get_by_role("cell").first


# ---------------------------------------------------------------- the participants' side


def review_panel(page: Page):
    return page.get_by_role("region", name="Relecture de la synthèse")


def section(page: Page, title: str):
    return review_panel(page).get_by_role("region", name=title, exact=True)


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def touch_target_heights(page: Page, scope: str) -> list[float]:
    return page.evaluate(
        "(scope) => [...document.querySelectorAll(`${scope} button`)]"
        ".filter((b) => b.offsetParent !== null).map((b) => b.getBoundingClientRect().height)",
        scope,
    )


def test_participants_review_comment_and_approve_the_synthesis(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session(TITLE, protocol="mag-court")
    console = animateur.page
    awa = open_browser("Awa")
    awa.join(code, "Awa", "AS en CPAS")
    awa.accept_convention()
    bruno = open_browser("Bruno", viewport=PHONE)
    bruno.join(code, "Bruno", "animateur EPN")
    bruno.accept_convention()

    # A short session: started, then ended (the steps themselves are tested elsewhere).
    console.get_by_role("button", name="Démarrer la séance").click()
    expect(awa.step_heading()).to_be_visible()
    console.get_by_role("button", name="Terminer la séance").click()  # and confirms
    for person in (awa, bruno):
        expect(person.page.get_by_role("heading", name="La séance est terminée")).to_be_visible()
        expect(review_panel(person.page)).to_be_hidden()

    # The team saves the synthesis and opens it: it appears on both devices, live.
    save_synthesis(console, SYNTHESIS_V1, 1)
    open_validation(console, 1)
    for person in (awa, bruno):
        page = person.page
        expect(review_panel(page)).to_be_visible()
        expect(page.get_by_role("heading", name="La séance est terminée")).to_be_hidden()
        expect(review_panel(page).get_by_text("Version 1", exact=True)).to_be_visible()
        expect(section(page, "Introduction")).to_contain_text("Le groupe s'est réuni")
        expect(section(page, "Récits")).to_contain_text("vers une borne, sans accompagnement")
        expect(section(page, "Perspectives pratiques")).to_contain_text("accueil sans rendez-vous")
        # Each part is folded under its title, one tap to read; its own headings sit
        # under the panel's.
        # Approving is at hand without scrolling through the whole text.
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.get_by_role("button", name="J'approuve cette version")).to_be_in_viewport()
        person.check_accessible("the review")
        recits_heading = section(page, "Récits").get_by_role("heading", level=3, name="Récits")
        expect(recits_heading).to_be_hidden()
        section(page, "Récits").get_by_text("Lire « Récits »").click()
        expect(recits_heading).to_be_visible()

    # Awa comments on « Récits », then proposes another wording for it.
    page = awa.page
    recits = section(page, "Récits")
    recits.get_by_role("button", name="Commenter").click()
    page.get_by_label("Votre commentaire sur « Récits »").fill(COMMENT)
    recits.get_by_role("button", name="Envoyer le commentaire").click()
    expect(recits.get_by_text("Merci : votre commentaire est envoyé.")).to_be_visible()
    mine = recits.get_by_role("list", name="Ce que vous avez envoyé sur « Récits »")
    expect(mine.get_by_role("listitem")).to_have_count(1)
    expect(mine).to_contain_text(COMMENT)
    recits.get_by_role("button", name="Proposer une autre formulation").click()
    page.get_by_label("Votre formulation pour « Récits »").fill(AMENDMENT)
    recits.get_by_role("button", name="Envoyer la proposition").click()
    amendment = mine.get_by_role("listitem").filter(has_text=AMENDMENT)
    expect(amendment).to_contain_text("Votre proposition de formulation")
    expect(amendment).to_contain_text("En attente de réponse de l'équipe")
    expect(page.get_by_label("Votre formulation pour « Récits »")).to_be_hidden()
    # An empty comment is not sent; the reason is said where the person is.
    intro = section(page, "Introduction")
    intro.get_by_role("button", name="Commenter").click()
    intro.get_by_role("button", name="Envoyer le commentaire").click()
    expect(page.get_by_label("Votre commentaire sur « Introduction »")).to_be_focused()
    intro.get_by_role("button", name="Annuler").click()
    # Nobody else reads Awa's comments.
    expect(section(bruno.page, "Récits").get_by_role("listitem")).to_have_count(0)

    # Bruno, on his phone, approves version 1; everything fits and is easy to touch.
    phone = bruno.page
    assert fits_the_screen(phone)
    assert min(touch_target_heights(phone, "#review")) >= 44
    phone.get_by_role("button", name="J'approuve cette version").click()
    expect(phone.get_by_text("Vous avez approuvé la version 1.")).to_be_visible()
    expect(phone.get_by_role("button", name="J'approuve cette version")).to_be_hidden()
    assert fits_the_screen(phone)

    # The team sees where each stands: Bruno approved version 1, Awa sent two things.
    expect(standing(console, "Bruno")).to_have_text("a approuvé la version 1")
    expect(standing(console, "Awa")).to_have_text("1 commentaire · 1 amendement en attente")
    comments = group_review(console).get_by_role("listitem")
    expect(comments).to_have_count(2)
    expect(comments.filter(has_text=COMMENT)).to_contain_text("Commentaire")
    expect(comments.filter(has_text=AMENDMENT)).to_contain_text("Amendement")

    # The team retains Awa's wording: her page says so at once.
    group_review(console).get_by_role("button", name="Retenir l'amendement de Awa").click()
    expect(comments.filter(has_text=AMENDMENT)).to_contain_text("retenu")
    expect(amendment).to_contain_text("Retenue par l'équipe")
    expect(standing(console, "Awa")).to_have_text("1 commentaire")

    # Version 2 is saved and opened: both pages reload it.
    save_synthesis(console, SYNTHESIS_V2, 2)
    open_validation(console, 2)
    for person in (awa, bruno):
        page = person.page
        expect(review_panel(page).get_by_text("Version 2", exact=True)).to_be_visible()
        expect(section(page, "Récits")).to_contain_text("souvent en panne, sans aide")
        expect(section(page, "Récits")).not_to_contain_text("sans accompagnement")
    # Awa's comments stay under their section, marked with the version they were about.
    mine = section(awa.page, "Récits").get_by_role(
        "list", name="Ce que vous avez envoyé sur « Récits »"
    )
    expect(mine.get_by_role("listitem")).to_have_count(2)
    expect(mine.get_by_role("listitem").first).to_contain_text("sur la version 1")
    # Bruno approved version 1 only: he is told, and may approve version 2.
    expect(
        phone.get_by_text(
            "Vous avez approuvé la version 1. C'est maintenant la version 2 qui est en relecture"
        )
    ).to_be_visible()
    expect(phone.get_by_role("button", name="J'approuve cette version")).to_be_visible()
    assert fits_the_screen(phone)

    # Awa approves version 2.
    awa.page.get_by_role("button", name="J'approuve cette version").click()
    expect(awa.page.get_by_text("Vous avez approuvé la version 2.")).to_be_visible()
    expect(awa.page.get_by_role("button", name="J'approuve cette version")).to_be_hidden()

    expect(standing(console, "Awa")).to_have_text("a approuvé la version 2 · 1 commentaire")
    expect(standing(console, "Bruno")).to_have_text(
        "a approuvé la version 1 (une version antérieure)"
    )

    # The report records who approved which version.
    session_id = console.url.rsplit("/", 1)[-1]
    base = "{0.scheme}://{0.netloc}".format(urlsplit(console.url))
    export = animateur.context.request.get(f"{base}/animer/{session_id}/export/md")
    assert export.ok, export.status
    report = export.text()
    validation = report[report.index("## Validation") :]
    # Participants are named by their function in exports (the default setting).
    lines = validation.splitlines()
    assert any(
        "AS en CPAS" in line and "version 2" in line and "version 1" not in line for line in lines
    ), validation
    assert any(
        "animateur EPN" in line and "version 1" in line and "version 2" not in line
        for line in lines
    ), validation


def test_a_participant_withdraws_with_a_plain_confirmation(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Retrait de consentement", protocol="mag-court")
    console = animateur.page
    chloe = open_browser("Chloé", viewport=PHONE)
    page = chloe.page
    chloe.join(code, "Chloé", "éducatrice")
    # Before the convention is accepted, there is nothing to withdraw.
    expect(page.get_by_role("heading", name="Convention de travail")).to_be_visible()
    expect(page.get_by_role("button", name="Retirer ma participation")).to_be_hidden()
    chloe.accept_convention()
    console.get_by_role("button", name="Démarrer la séance").click()
    expect(chloe.step_heading()).to_be_visible()

    # Changing her mind: the confirmation says what happens, and that it is final.
    withdraw = page.get_by_role("button", name="Retirer ma participation")
    expect(withdraw).to_have_attribute("aria-expanded", "false")
    withdraw.click()
    confirm = page.get_by_role("group", name="Retirer votre participation ?")
    expect(confirm).to_contain_text("retiré de la synthèse, des exports et de l'archive")
    expect(confirm).to_contain_text("« contribution retirée »")
    expect(confirm).to_contain_text("Ce choix est définitif : il ne peut pas être annulé.")
    assert fits_the_screen(page)
    confirm.get_by_role("button", name="Non, je reste").click()
    expect(confirm).to_be_hidden()
    expect(chloe.step_heading()).to_be_visible()

    withdraw.click()
    confirm.get_by_role("button", name="Oui, je retire ma participation").click()
    expect(page.get_by_role("heading", name="Vous avez retiré votre participation")).to_be_focused()
    expect(chloe.step_heading()).to_be_hidden()
    expect(page.get_by_role("button")).to_have_count(0)  # nothing else to do here
    expect(page.get_by_role("textbox")).to_have_count(0)
    # The team sees it; coming back later shows the same page.
    report(console).get_by_text("Afficher la synthèse et le rapport").click()
    expect(standing(console, "Chloé (retiré·e)")).to_have_text("a retiré sa participation")
    page = chloe.come_back()
    expect(page.get_by_role("heading", name="Vous avez retiré votre participation")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)


def test_an_archived_session_says_so(open_browser):
    animateur = open_browser("animateur")
    code = animateur.create_session("Séance archivée", protocol="mag-court")
    console = animateur.page
    dina = open_browser("Dina", viewport=PHONE)
    dina.join(code, "Dina", "assistante sociale")
    dina.accept_convention()
    console.get_by_role("button", name="Démarrer la séance").click()
    console.get_by_role("button", name="Terminer la séance").click()  # and confirms
    page = dina.page
    expect(page.get_by_role("heading", name="La séance est terminée")).to_be_visible()
    # Until the archive, she may still withdraw.
    expect(page.get_by_role("button", name="Retirer ma participation")).to_be_visible()

    report(console).get_by_role("button", name="Clore et archiver").click()  # and confirms
    expect(report(console).get_by_text("Séance archivée dans le dossier")).to_be_visible()

    expect(page.get_by_role("heading", name="La séance est archivée")).to_be_visible()
    expect(page.get_by_role("heading", name="La séance est terminée")).to_be_hidden()
    expect(page.get_by_role("button", name="Retirer ma participation")).to_be_hidden()
    page = dina.come_back()
    expect(page.get_by_role("heading", name="La séance est archivée")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)
