"""The programme's cross-analysis: sources from sessions and fiches, gathered into themes."""

from dataclasses import dataclass, field

import pytest
from story import WITHDRAWN_WORDS, played_session

from mag.domain.cross_analysis import (
    THEME_PROPOSALS_MAX,
    Group,
    SourceKind,
    Theme,
    ThemeProposal,
    board,
    check_new_theme,
    clean_theme_proposal,
    session_sources,
    tag_key,
    with_proposal,
    with_sources,
    without_source,
)
from mag.domain.i18n import DomainError


@dataclass
class Fiche:
    id: str
    what_happened: str
    function: str = "assistante sociale"
    themes: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)


def sources_of_played():
    story = played_session()
    return story, session_sources("s1", story.state)


def test_a_session_brings_its_board_items_and_perspectives_with_quotes_by_function():
    _, sources = sources_of_played()
    kinds = [(s.kind, s.title) for s in sources]
    assert kinds[:3] == [
        (SourceKind.CONVERGENCE, "Le travail invisible"),
        (SourceKind.DIVERGENCE, "Faire à la place"),
        (SourceKind.NOEUD, "Qui porte la responsabilité ?"),
    ]
    invisible = sources[0]
    assert invisible.key == "b:s1:item-0001"
    assert invisible.text == "L'aide au numérique s'ajoute aux missions sans être reconnue."
    assert [(q.text, q.function) for q in invisible.quotes] == [
        ("L'aide numérique devient un travail invisible.", "médiatrice numérique"),
        ("J'ai eu peur de mal faire.", "AS en CPAS"),
    ]
    perspectives = [s for s in sources if s.kind is SourceKind.PERSPECTIVE]
    assert [(p.level, p.text) for p in perspectives] == [
        ("institution", "Un temps d'aide numérique reconnu dans la charge de travail."),
        ("politique", "Garder un guichet humain dans chaque commune."),
    ]
    # Only functions: no pseudonym travels with a quote.
    assert not any("Awa" in q.function for s in sources for q in s.quotes)


def test_a_participant_who_withdrew_is_quoted_nowhere():
    story, sources = sources_of_played()
    texts = [q.text for s in sources for q in s.quotes] + [s.text for s in sources]
    assert not any(words in text for words in WITHDRAWN_WORDS for text in texts)
    emma = next(p for p in story.state.participants.values() if p.pseudonym == "Emma")
    assert emma.withdrawn_at is not None
    assert "stagiaire assistante sociale" not in {q.function for s in sources for q in s.quotes}


def test_a_theme_gathers_groups_fiches_quotes_and_proposals_by_level():
    _, sources = sources_of_played()
    fiches = [
        Fiche("f1", "Madame Dupont n'a plus de guichet au CPAS.", themes=["Guichets fermés"]),
        Fiche("f2", "Rendez-vous en ligne seulement.", themes=["guichets fermés", "Aide"]),
        Fiche("f3", "La banque a fermé son agence.", function="médiateur"),
    ]
    theme = Theme("th1", "Le travail invisible")
    groups = [Group("s1", "Groupe de Namur"), Group("s2", "Groupe de Bruxelles")]
    institution = next(s.key for s in sources if s.level == "institution")
    found = board([theme], groups, sources, fiches, names=["Dupont"])
    keys = ["b:s1:item-0001", tag_key("GUICHETS FERMÉS"), institution, "f:f3"]
    theme = with_sources(theme, keys, found.keys)
    theme = with_proposal(theme, ThemeProposal("pr1", "pratique", "Former les équipes."))
    view = board([theme], groups, sources, fiches, names=["Dupont"]).themes[0]
    assert view.groups == [Group("s1", "Groupe de Namur")]
    assert view.fiche_ids == ["f1", "f2", "f3"]
    assert [q.text for q, _ in view.quotes][-1] == "La banque a fermé son agence."
    assert view.proposals["pratique"][0].text == "Former les équipes."
    assert view.proposals["institution"][0].source.key == institution
    assert view.proposals["politique"] == []


def test_fiche_words_are_shown_with_the_programme_names_replaced():
    fiches = [Fiche("f1", "Madame Dupont n'a plus de guichet.")]
    theme = Theme("th1", "Guichets", sources=("f:f1",))
    view = board([theme], [], [], fiches, names=["dupont"]).themes[0]
    assert view.sources[0].text == "Madame […] n'a plus de guichet."
    assert "Dupont" not in view.quotes[0][0].text


def test_fiche_tags_are_one_source_each_whatever_their_case():
    fiches = [
        Fiche("f1", "a", themes=["Accès aux droits"]),
        Fiche("f2", "b", themes=["accès aux droits", "Banques"]),
    ]
    found = board([], [], [], fiches)
    tags = [(s.title, s.fiche_ids) for s in found.sources if s.kind is SourceKind.FICHE_TAG]
    assert tags == [("Accès aux droits", ("f1", "f2")), ("Banques", ("f2",))]
    assert [s.key for s in found.unsorted] == ["t:accès aux droits", "t:banques"]


def test_a_source_that_is_gone_shows_nowhere_and_counts_for_nothing():
    theme = Theme("th1", "Guichets", sources=("b:s9:item-1", "f:deleted", "t:banques"))
    found = board([theme], [Group("s1", "G")], [], [Fiche("f1", "x", themes=["Banques"])])
    view = found.themes[0]
    assert [s.key for s in view.sources] == ["t:banques"]
    assert view.groups == [] and view.fiche_ids == ["f1"]
    assert found.groups_per_theme() == {"Guichets": 0}


def test_an_unknown_source_is_refused_and_the_theme_unchanged():
    theme = Theme("th1", "Guichets")
    with pytest.raises(DomainError) as refused:
        with_sources(theme, ["b:s1:nothing"], frozenset({"t:banques"}))
    assert refused.value.code == "unknown_source"
    with pytest.raises(DomainError):
        with_sources(theme, [42], frozenset({"t:banques"}))
    assert theme.sources == ()


def test_adding_twice_keeps_one_and_removing_leaves_the_others():
    keys = frozenset({"t:a", "t:b"})
    theme = with_sources(with_sources(Theme("th1", "T"), ["t:a", "t:b"], keys), ["t:a"], keys)
    assert theme.sources == ("t:a", "t:b")
    assert without_source(theme, "t:a").sources == ("t:b",)


def test_a_theme_title_is_unique_whatever_its_case():
    with pytest.raises(DomainError) as refused:
        check_new_theme([Theme("th1", "Guichets fermés")], "GUICHETS FERMÉS")
    assert refused.value.code == "theme_exists"
    check_new_theme([Theme("th1", "Guichets fermés")], "Banques")


@pytest.mark.parametrize(
    ("level", "text", "code"),
    [("ailleurs", "x", "invalid_choice"), ("pratique", "  ", "text_empty"),
     ("pratique", "x" * 2001, "text_too_long"), (None, "x", "invalid_choice")],
)  # fmt: skip
def test_a_proposal_needs_a_level_of_the_list_and_a_text(level, text, code):
    with pytest.raises(DomainError) as refused:
        clean_theme_proposal(level, text)
    assert refused.value.code == code


def test_groups_per_theme_counts_each_session_once():
    sources_s1 = session_sources("s1", played_session().state)
    sources_s2 = session_sources("s2", played_session().state)
    theme = Theme("th1", "Le travail invisible", sources=(
        "b:s1:item-0001", "b:s1:item-0002", "b:s2:item-0001"))  # fmt: skip
    other = Theme("th2", "Responsabilité", sources=("b:s2:item-0003",))
    groups = [Group("s1", "Namur"), Group("s2", "Liège"), Group("s3", "Mons")]
    found = board([theme, other], groups, [*sources_s1, *sources_s2], [])
    assert found.groups_per_theme() == {"Le travail invisible": 2, "Responsabilité": 1}


def test_a_proposal_sent_again_replaces_itself_even_at_the_limit():
    proposals = tuple(
        ThemeProposal(f"pr{n}", "pratique", f"Proposition {n}") for n in range(THEME_PROPOSALS_MAX)
    )
    theme = Theme("th1", "T", proposals=proposals)
    again = with_proposal(theme, ThemeProposal("pr0", "politique", "Proposition 0, revue"))
    assert len(again.proposals) == THEME_PROPOSALS_MAX
    assert again.proposals[-1].text == "Proposition 0, revue"
    with pytest.raises(DomainError) as refused:
        with_proposal(theme, ThemeProposal("pr-new", "pratique", "Une de trop"))
    assert refused.value.code == "too_many_proposals"
