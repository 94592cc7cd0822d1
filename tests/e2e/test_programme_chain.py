"""The whole chain of a programme, in one browser test.

Two practitioners file fiches from their phones, one warned about a phone number she
typed. A researcher creates two sessions from the programme's page; in the first she
turns a fiche into a récit for its author, who agrees on her phone before the group sees
it. Both sessions are played briefly to their analysis board. The team builds two themes
from both sessions and the fiches, writes the booklet and exports the programme's
REFI-QDA project: both hold the themes, the quotes by function only, never the number.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from conftest import PHONE, create_programme, file_fiche, save_fiche
from lxml import etree
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from test_full_session import Room, add_to_board, narrator_says, perspective_item

from mag.domain.protocol import builtin_protocol
from mag.report.to_qdpx import NAMESPACE

pytestmark = pytest.mark.e2e

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
PROTOCOL = builtin_protocol("mag-court")
JOB_MS = 90_000  # an export rendered in a low-priority process

PHONE_NUMBER = "0470 12 34 56"
AWA_FICHE = "La ligne du CPAS ne répond plus l'après-midi."  # short: the récit's title too
BERENICE_FICHE = "Une dame n'a pas pu envoyer son formulaire en ligne ; je l'ai aidée le lendemain."
MONS, NAMUR = "Groupe de Mons", "Groupe de Namur"
STAKES = "Que la personne garde ses droits sans dépendre de moi."
PERSPECTIVE = "Une permanence téléphonique l'après-midi dans chaque CPAS."
REACHED = ("Le téléphone ne suffit plus", "Joindre un service par téléphone devient rare.")
ON_HOLD = ("Appeler à sa place ou attendre", "Appeler pour la personne, ou la laisser attendre.")
UNREACHABLE, ONLINE = "Services injoignables", "Démarches en ligne"
TEAM_PROPOSAL = "Un numéro joignable toute la journée pour chaque service public."
PSEUDONYMS = ("Awa", "Chloé", "Bérénice")


def step_heading(step_id: str) -> str:
    [step] = [step for step in PROTOCOL.steps if step.id == step_id]
    return f"{step.number} · {step.title}"


def advance_to(room: Room, step_id: str) -> None:
    """The animateur moves on, step by step; every screen follows before the next click."""
    titles = [step_heading(step.id) for step in PROTOCOL.steps]
    target = titles.index(step_heading(step_id))
    while (current := titles.index(room.console.locator("#step-title").inner_text())) < target:
        room.console.get_by_role("button", name="Étape suivante").click()
        for page in room.screens():
            expect(page.locator("#step-title")).to_have_text(titles[current + 1])
    room.step = step_id


def create_session(researcher, programme_url: str, title: str) -> tuple[str, str]:
    """From the programme's page, a session in the short format: its code and its link."""
    page = researcher.page
    page.goto(programme_url)
    page.get_by_label("Titre de la séance").fill(title)
    page.get_by_label("Protocole").select_option(label=PROTOCOL.title)
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    code = page.get_by_label("puis tapez le code de la séance").input_value().strip()
    return code, page.get_by_label("Lien d’animation privé").input_value()


def open_room(animatrice, link: str, title: str, people: dict, code: str) -> Room:
    """The animatrice opens the console from the link; each person joins from their phone."""
    animatrice.page.goto(link)
    expect(animatrice.page.get_by_role("heading", level=1, name=title)).to_be_visible()
    for pseudonym, (person, function) in people.items():
        person.join(code, pseudonym, function)
        person.accept_convention()
    devices = {pseudonym: person for pseudonym, (person, _) in people.items()}
    room = Room(animatrice, animatrice, devices)
    room.console.get_by_role("button", name="Démarrer la séance").click()
    for page in room.screens():
        expect(page.locator("#step-title")).to_have_text(step_heading("convention"))
    return room


def choose_the_recit(room: Room, narrator: str, title: str) -> None:
    """At the vote: the narrator votes for it, the vote closes, it is chosen, they agree."""
    advance_to(room, "choix")
    phone = room.devices[narrator].page
    phone.get_by_role("radio", name=title).check()
    phone.get_by_role("button", name="Voter").click()  # and confirms
    expect(phone.get_by_text("Vous avez voté.")).to_be_visible()
    room.console.get_by_role("button", name="Clore le vote").click()
    choose = room.console.get_by_role("form", name="Choisir le ou les récits")
    choose.get_by_role("checkbox", name=title, exact=True).check()
    choose.get_by_role("button", name="Choisir ces récits").click()
    phone.get_by_role("button", name="J'accepte de raconter").click()
    expect(room.console.get_by_role("list", name="Récits choisis")).to_contain_text(
        f"raconté par {narrator} · accepte de raconter"
    )


def end(room: Room) -> None:
    room.console.get_by_role("button", name="Terminer la séance").click()  # and confirms
    for page in room.participant_pages():
        expect(page.get_by_role("heading", name="La séance est terminée")).to_be_visible()


def sort_into(page: Page, group: str, source: str, theme: str) -> None:
    """On the board, one source of ``group`` (a session, or the fiches' themes) into a theme."""
    form = page.locator("form").filter(has=page.get_by_role("group", name=group, exact=True))
    form.get_by_role("checkbox", name=re.compile(re.escape(source))).check()
    form.get_by_label("Classer les sources cochées dans le thème").select_option(label=theme)
    form.get_by_role("button", name="Classer dans ce thème").click()
    expect(page.get_by_role("article", name=theme)).to_contain_text(source)


def chapter(markdown: str, title: str) -> str:
    return markdown.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def download(page: Page, link) -> bytes:
    with page.expect_download() as downloading:
        link.click()
    return Path(downloading.value.path()).read_bytes()


def test_fiches_two_sessions_two_themes_a_booklet_and_a_project(open_browser):
    assert SCHEMA.exists(), f"the REFI-QDA schema is not at {SCHEMA}"
    researcher = open_browser("chercheuse")
    _link, form_url = create_programme(researcher)
    page = researcher.page
    programme_url = page.url

    # Two practitioners file fiches from their phones; Bérénice is warned about a number.
    awa = open_browser("Awa", viewport=PHONE)
    file_fiche(awa, form_url, AWA_FICHE, "AS en CPAS")
    save_fiche(awa)
    berenice = open_browser("Bérénice", viewport=PHONE)
    typed = BERENICE_FICHE.replace("je l'ai aidée", f"son numéro est le {PHONE_NUMBER}")
    file_fiche(berenice, form_url, typed, "animatrice EPN")
    berenice.page.get_by_role("button", name="Enregistrer la fiche").click()
    story = berenice.page.get_by_label("Ce qui s'est passé")
    expect(story).to_have_accessible_description(re.compile("un numéro de téléphone"))
    story.fill(BERENICE_FICHE)
    berenice.page.get_by_role("checkbox", name="J'ai lu ce texte et je l'accepte").check()
    save_fiche(berenice)

    # Session A: Awa, who wrote the first fiche, and Chloé join from their phones.
    animatrice = open_browser("animatrice")
    code, link = create_session(researcher, programme_url, MONS)
    chloe = open_browser("Chloé", viewport=PHONE)
    people = {"Awa": (awa, "AS en CPAS"), "Chloé": (chloe, "médiatrice de dettes")}
    mons = open_room(animatrice, link, MONS, people, code)
    advance_to(mons, "propositions")

    # The researcher proposes Awa's fiche as her récit: only Awa sees it, until she agrees.
    page.goto(programme_url)
    fiche = page.locator(".fiche").filter(has_text=AWA_FICHE)
    fiche.get_by_label("Proposer comme récit dans la séance").select_option(label="Awa")
    fiche.get_by_role("button", name="Proposer comme récit").click()
    expect(page.get_by_text("La fiche a été proposée comme récit")).to_be_visible()
    mine = awa.page.get_by_role("list", name="Mes propositions")
    expect(mine).to_contain_text("L'équipe de recherche propose votre fiche incident comme récit")
    expect(mine).to_contain_text(AWA_FICHE)
    awa.check_accessible("a fiche of hers proposed as a récit")
    expect(chloe.page.get_by_text(AWA_FICHE)).to_have_count(0)
    mine.get_by_role("button", name="Oui, la proposer au groupe").click()
    theirs = chloe.page.get_by_role("listitem").filter(has_text=AWA_FICHE)
    expect(theirs).to_contain_text("Proposé par Awa")
    expect(theirs).to_contain_text("Tiré d'une fiche incident")

    # Played briefly: chosen, told, its stakes on the board, a perspective, the end.
    choose_the_recit(mons, "Awa", AWA_FICHE)
    advance_to(mons, "enjeux")
    narrator_says(mons, "Awa", STAKES)
    advance_to(mons, "analyse")
    add_to_board(mons, "Convergence", *REACHED, [STAKES])
    advance_to(mons, "perspectives")
    chloe.page.get_by_label("Niveau").select_option(label="Institution")
    chloe.page.get_by_label("Votre piste d'action").fill(PERSPECTIVE)
    chloe.page.get_by_role("button", name="Envoyer la perspective").click()
    expect(perspective_item(awa.page, "Institution", PERSPECTIVE)).to_contain_text("Chloé")
    end(mons)

    # Session B: Bérénice proposes a récit of her own; one divergence on the board.
    code, link = create_session(researcher, programme_url, NAMUR)
    namur = open_room(animatrice, link, NAMUR, {"Bérénice": (berenice, "animatrice EPN")}, code)
    advance_to(namur, "propositions")
    phone = berenice.page
    phone.get_by_label("Titre", exact=True).fill("La file en ligne")
    phone.get_by_label("Quelques lignes pour raconter la situation").fill(
        "Une heure d'attente au téléphone pour une attestation."
    )
    phone.get_by_role("button", name="Envoyer ma proposition").click()
    expect(phone.get_by_role("list", name="Mes propositions")).to_contain_text("La file en ligne")
    choose_the_recit(namur, "Bérénice", "La file en ligne")
    advance_to(namur, "analyse")
    add_to_board(namur, "Divergence", *ON_HOLD, [])
    end(namur)

    # The team tags the fiches, then builds two themes on the board.
    page.goto(programme_url)
    for text, tag in ((AWA_FICHE, "Lignes fermées"), (BERENICE_FICHE, "Formulaires")):
        fiche = page.locator(".fiche").filter(has_text=text)
        fiche.get_by_label("Thèmes (séparés par des virgules)").fill(tag)
        fiche.get_by_role("button", name="Enregistrer les thèmes et niveaux").click()
        expect(page.get_by_role("combobox", name="Thème", exact=True)).to_contain_text(tag)
    page.get_by_role("link", name="Analyse croisée").click()
    for title in (UNREACHABLE, ONLINE):
        new_theme = page.get_by_role("region", name="Nouveau thème")
        new_theme.get_by_label("Titre du thème").fill(title)
        new_theme.get_by_role("button", name="Créer le thème").click()
        expect(page.get_by_role("article", name=title)).to_be_visible()
    sort_into(page, MONS, REACHED[0], UNREACHABLE)
    sort_into(page, NAMUR, ON_HOLD[0], UNREACHABLE)
    sort_into(page, "Thèmes des fiches", "Lignes fermées", UNREACHABLE)
    sort_into(page, MONS, "Une permanence téléphonique", ONLINE)
    sort_into(page, "Thèmes des fiches", "Formulaires", ONLINE)
    first = page.get_by_role("article", name=UNREACHABLE)
    first.get_by_label("Niveau de la nouvelle proposition").select_option(
        label="Politique et secteur"
    )
    first.get_by_label("Proposition de l'équipe").fill(TEAM_PROPOSAL)
    first.get_by_role("button", name="Ajouter la proposition").click()
    expect(first).to_contain_text(TEAM_PROPOSAL)
    expect(first).to_contain_text(f"Groupes : {MONS}, {NAMUR}")
    expect(first).to_contain_text(f"— AS en CPAS ({MONS})")  # Awa's stakes, by function
    second = page.get_by_role("article", name=ONLINE)
    expect(second).to_contain_text(f"Perspective du groupe « {MONS} »")
    expect(second).to_contain_text(f"— médiatrice de dettes ({MONS})")
    for pseudonym in PSEUDONYMS:
        expect(page.locator("#board")).not_to_contain_text(pseudonym)
    expect(page.get_by_role("heading", level=2, name="Sources à classer (0)")).to_be_visible()
    researcher.check_accessible("the board with two themes")

    # The booklet: a chapter per theme, quotes by function; saved, then exported as PDF.
    page.goto(programme_url)
    page.get_by_role("link", name=re.compile("Livret du programme")).click()
    page.get_by_role("button", name="Générer le brouillon").click()
    editor = page.get_by_label("Texte du livret (Markdown)")
    expect(editor).to_have_value(re.compile(f"\n## {ONLINE}\n"))
    draft = editor.input_value()
    assert f"> — AS en CPAS, {MONS}" in chapter(draft, UNREACHABLE)  # the linked stakes
    assert "> — AS en CPAS, Wallonie" in chapter(draft, UNREACHABLE)  # Awa's fiche
    assert "> — animatrice EPN, Wallonie" in chapter(draft, ONLINE)  # Bérénice's fiche
    assert TEAM_PROPOSAL in draft and PERSPECTIVE in draft
    assert not [name for name in (*PSEUDONYMS, PHONE_NUMBER) if name in draft]
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator("p.notice")).to_have_text("Version 1 enregistrée.")
    page.get_by_role("link", name="Voir la version 1").click()
    shown = page.get_by_role("region", name=re.compile("Version 1, telle que"))
    for title in (UNREACHABLE, ONLINE):
        expect(shown.get_by_role("heading", name=title)).to_be_visible()
    researcher.check_accessible("the booklet, its version 1 shown")
    page.get_by_role("button", name="Exporter : PDF").click()
    pdf_link = page.get_by_role("link", name="Télécharger le fichier PDF")
    expect(pdf_link).to_be_visible(timeout=JOB_MS)
    pdf = PdfReader(io.BytesIO(download(page, pdf_link)))
    words = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert UNREACHABLE in words and ONLINE in words
    assert PHONE_NUMBER not in words

    # The programme's REFI-QDA project: valid, both sessions and fiches, both themes coded.
    page.goto(programme_url)
    exports = page.get_by_role("region", name="Exports du programme")
    exports.get_by_role("button", name="Exporter : Projet REFI-QDA (.qdpx)").click()
    qdpx_link = exports.get_by_role("link", name=re.compile(r"^Télécharger .+\.qdpx$"))
    expect(qdpx_link).to_be_visible(timeout=JOB_MS)
    with zipfile.ZipFile(io.BytesIO(download(page, qdpx_link))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    project = etree.fromstring(files["project.qde"])
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(project), schema.error_log
    ns = {"q": NAMESPACE}
    codes = [code.get("name") for code in project.iterfind(".//q:Code", ns)]
    assert UNREACHABLE in codes and ONLINE in codes
    sources = [s.get("name") for s in project.iterfind("q:Sources/q:TextSource", ns)]
    assert sorted(s for s in sources if s.startswith("Transcription")) == [
        f"Transcription — {MONS}",
        f"Transcription — {NAMUR}",
    ]
    assert len([s for s in sources if s.startswith("Fiche ")]) == 2, sources
    texts = b"\n".join(content for name, content in files.items() if name.startswith("sources/"))
    for said in (AWA_FICHE, BERENICE_FICHE, STAKES, PERSPECTIVE):
        assert said.encode() in texts, said
    assert not [name for name, content in files.items() if PHONE_NUMBER.encode() in content]
