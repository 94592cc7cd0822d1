"""A programme's booklet: the draft made from its board, fiches and groups, and its paper."""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from docx import Document
from story import REAL_NAME, SCRIPT, WITHDRAWN_WORDS, material_of, played_session
from test_documents import pdf_text

from mag.domain.cross_analysis import (
    Group,
    Theme,
    ThemeProposal,
    board,
    session_sources,
    tag_key,
    with_proposal,
    with_sources,
)
from mag.domain.programme import Programme
from mag.report import booklet, markdown, to_docx, to_html, to_markdown, to_pdf

PSEUDONYMS = ("Awa", "Bruno", "Chloé", "Emma", "Lucie")
NAMES = ["Lambert", "Dupont"]


@dataclass
class Fiche:
    id: str
    what_happened: str
    function: str = "assistante sociale"
    region: str = "wallonie"
    service: str = "CPAS"
    service_other: str = ""
    barrier: str = "application"
    consequences: list[str] = field(default_factory=lambda: ["retard"])
    occurred_on: date = date(2025, 3, 4)
    themes: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)


PROGRAMME = Programme(
    "Numérique et services sociaux",
    "Comment la numérisation pèse-t-elle sur l'accompagnement ?",
    date(2023, 9, 1),
    date(2025, 6, 30),
)


def fiches() -> list[Fiche]:
    found = [
        Fiche("f1", "Mme Dupont n'a plus de guichet au CPAS ; Awa l'a aidée.", themes=["Guichets"]),
        Fiche("f2", "Tout passe par une application.", function="", region="", consequences=[]),
    ]
    found += [
        Fiche(f"g{n}", f"Rendez-vous en ligne seulement, cas {n}.", themes=["Rendez-vous"],
              service="Commune", barrier="formulaire", consequences=["retard", "cout"])
        for n in range(7)
    ]  # fmt: skip
    return found


@pytest.fixture
def made(app_context):
    """The draft of a programme with the played session (people named by pseudonym in its
    exports) and fiches, in two themes."""
    story = played_session()
    story.steer("change_settings", attribution="pseudonym")
    material = material_of(story)
    sources = session_sources("s1", material.state)
    groups = [Group("s1", "Groupe de Namur")]
    every_fiche = fiches()
    first = Theme("th1", "Le travail invisible", summary="Comme le dit Bruno, avec Lucie.")
    second = Theme("th2", "Rendez-vous chez Dupont")
    known = board([first, second], groups, sources, every_fiche, NAMES).keys
    institution = next(s.key for s in sources if s.level == "institution")
    politique = next(s.key for s in sources if s.level == "politique")
    first = with_sources(
        first, ["b:s1:item-0001", "b:s1:item-0002", institution, tag_key("guichets")], known
    )
    first = with_proposal(first, ThemeProposal("pr1", "pratique", "Former les équipes."))
    second = with_sources(second, [tag_key("rendez-vous"), "f:f2", politique], known)
    found = board([first, second], groups, sources, every_fiche, NAMES)
    facts = [booklet.group_facts(material, "Groupe de Namur")]
    return booklet.draft(PROGRAMME, found, every_fiche, facts, NAMES), material


def chapters(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def under(text: str, heading: str) -> str:
    """The part of ``text`` under ``### heading``, up to the next heading."""
    return re.split(r"^#{2,3} ", text.split(f"### {heading}\n", 1)[1], flags=re.MULTILINE)[0]


def test_the_draft_has_the_booklets_chapters_in_order(made):
    text, _ = made
    assert text.startswith("# Numérique et services sociaux\n")
    assert list(chapters(text)) == [
        "Contexte et méthode",
        "Quelques chiffres",
        "Le travail invisible",
        "Rendez-vous chez \\[…\\]",
        "Propositions",
        "Annexe : sources",
    ]
    context = chapters(text)["Contexte et méthode"]
    assert "**Période :** du 01/09/2023 au 30/06/2025" in context
    assert "1 groupe d'analyse et ce que disent 9 fiches incident" in context
    assert "4 personnes ont pris part aux groupes" in context
    assert "- AS en CPAS : 1\n- médiatrice numérique : 1\n- éducateur de rue : 1" in context
    assert "1 d'entre elles a retiré son consentement" in context
    figures = chapters(text)["Quelques chiffres"]
    assert "| Commune | 7 |" in figures and "| Formulaire en ligne | 7 |" in figures
    assert "| Retard | 8 |" in figures and "| Coût | 7 |" in figures
    assert "| Le travail invisible | 1 |" in figures
    annex = chapters(text)["Annexe : sources"]
    assert "| Groupe de Namur | 01/12/2026 | 4 (dont 1 retrait) |" in annex
    assert "| Wallonie | 8 |" in annex and "| Non précisé | 1 |" in annex
    assert "9 fiches, sur des situations du 04/03/2025." in annex


def test_quotes_are_attributed_by_function_and_group_only(made):
    text, _ = made
    theme = chapters(text)["Le travail invisible"]
    groups = under(theme, "Ce qu'en disent les groupes")
    assert "**Convergence** — **Le travail invisible**" in groups
    assert (
        "> « L'aide numérique devient un travail invisible. »  \n"
        "> — médiatrice numérique, Groupe de Namur"
    ) in groups
    assert "> — AS en CPAS, Groupe de Namur" in groups
    # The team's summary named two people: their function and their role are left.
    assert "Comme le dit éducateur de rue, avec l'équipe d'animation." in theme
    for pseudonym in PSEUDONYMS:
        assert not re.search(rf"\b{pseudonym}\b", text), pseudonym


def test_no_name_of_the_programmes_list_is_anywhere(made):
    text, _ = made
    for name in [*NAMES, REAL_NAME]:
        assert name.casefold() not in text.casefold(), name
    fiches_part = under(chapters(text)["Le travail invisible"], "Ce qu'en disent les fiches")
    assert "Mme \\[…\\] n'a plus de guichet au CPAS ; AS en CPAS l'a aidée." in fiches_part


def test_a_participant_who_withdrew_is_counted_never_quoted_nor_named(made):
    text, material = made
    assert not any(words in text for words in WITHDRAWN_WORDS)
    assert "stagiaire assistante sociale" not in text
    assert "retiré" in chapters(text)["Contexte et méthode"]


def test_proposals_sit_under_their_level_with_their_theme_and_origin(made):
    text, _ = made
    proposals = chapters(text)["Propositions"]
    assert "Former les équipes." in under(proposals, "Pratique professionnelle")
    assert "proposée par l'équipe de recherche" in under(proposals, "Pratique professionnelle")
    institutions = under(proposals, "Institutions")
    assert "Un temps d'aide numérique reconnu dans la charge de travail." in institutions
    assert "« Le travail invisible » ; proposée par le groupe « Groupe de Namur »" in institutions
    politics = under(proposals, "Politique et secteur")
    assert "Garder un guichet humain dans chaque commune." in politics
    assert "Rendez-vous chez \\[…\\]" in politics
    assert "Former" not in politics and "Garder" not in institutions


def test_fiches_are_quoted_a_few_with_function_and_region_and_all_counted(made):
    text, _ = made
    part = under(chapters(text)["Rendez-vous chez \\[…\\]"], "Ce qu'en disent les fiches")
    assert "8 fiches incident relèvent de ce thème." in part
    assert part.count("> « ") == booklet.FICHE_EXCERPTS
    assert "> — assistante sociale, Wallonie" in part
    assert "*Extraits de 5 fiches sur 8.*" in part
    assert "*Aucun constat des groupes" in chapters(text)["Rendez-vous chez \\[…\\]"]


def test_what_people_typed_stays_text(made):
    text, _ = made
    assert SCRIPT not in text and "&lt;script&gt;" in text
    html = markdown.render(text)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert html.count("<blockquote>") >= 3


# ---------------------------------------------------------------- the paper


SAVED_AT = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
SVG = (
    '<figure><svg viewBox="0 0 120 40" role="img"><title>Fiches par service</title>'
    '<rect width="80" height="12" fill="#36c"/></svg>'
    "<table><tr><th>Service</th><th>Fiches</th></tr><tr><td>CPAS</td><td>3</td></tr></table>"
    "<figcaption>Fiches par service</figcaption></figure>"
)


def a_paper(text: str | None, saved: bool, **fragments) -> booklet.Paper:
    version = booklet.SavedVersion(2, text, SAVED_AT, "") if saved else None
    return booklet.paper(
        "Numérique et services sociaux",
        None if saved else text,
        version,
        now=SAVED_AT,
        created_at=SAVED_AT,
        fragments=fragments.get("fragments"),
    )


def test_the_paper_says_which_version_it_prints(made):
    text, _ = made
    saved = a_paper(text, True).markdown
    assert saved.startswith("# Numérique et services sociaux\n\n*Version 2 du livret")
    assert "enregistrée le 03/12/2026 à 14:05 par l'équipe.*" in saved
    draft = a_paper(text, False).markdown
    assert "*Brouillon généré le 03/12/2026 à 14:05 : aucune version" in draft
    headless = a_paper("Juste du texte.", True).markdown
    assert headless.startswith("*Version 2 du livret") and headless.endswith("Juste du texte.\n")


def test_every_format_prints_the_booklet_and_html_pdf_take_the_charts(made):
    text, _ = made
    figures = booklet.chapter_titles()["figures"]
    paper = a_paper(text, True, fragments={figures: SVG})
    assert to_markdown.export_paper(paper).decode("utf-8") == paper.markdown
    page = to_html.export_paper(paper).decode("utf-8")
    # The chart at the end of its chapter, before the first theme's.
    chart = page.index("<svg")
    assert page.index(f">{figures}</h2>") < chart < page.index(">Le travail invisible</h2>")
    assert "<script" not in page and 'class="annexe">Annexe : sources</h2>' in page
    source = to_pdf.source_of(paper)
    assert 'image(bytes("<svg xmlns=\\"http://www.w3.org/2000/svg\\" viewBox=' in source
    words = pdf_text(to_pdf.export_paper(paper))
    for title in ("Contexte et méthode", "Le travail invisible", "Propositions", "Annexe"):
        assert title in words, title
    assert "Fiches par service" in words and "CPAS 3" in words
    document = Document(io.BytesIO(to_docx.export_paper(paper)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:3] == ["Contexte et méthode", "Quelques chiffres", "Le travail invisible"]
    assert "Fiches par service" in [p.text for p in document.paragraphs]


def test_a_chart_whose_chapter_was_renamed_still_comes_at_the_end():
    html = to_html.with_fragments("<h2>Chiffres</h2>\n<p>Texte</p>\n", {"Quelques chiffres": SVG})
    assert (
        html.index("<p>Texte</p>") < html.index("<h2>Quelques chiffres</h2>") < html.index("<svg")
    )
