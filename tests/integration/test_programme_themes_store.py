"""A programme's themes as stored: built from a played session and fiches, on both databases."""

import pytest
from lxml import html as lxml_html
from story import WITHDRAWN_WORDS, played_session
from test_archive import store
from test_programme_pages import Team
from test_programme_sessions import file_fiche

from mag import cross_analysis
from mag.domain.i18n import DomainError
from mag.models import SessionRecord
from mag.programmes import programme_record


@pytest.fixture
def setting(app):
    """A programme with a played session attached and two tagged fiches."""
    team = Team(app)
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    with mag.sessions() as db, db.begin():
        db.get(SessionRecord, session_id).programme_id = team.programme_id
    first = file_fiche(app, team, what_happened="Plus de guichet à la commune.")
    second = file_fiche(app, team, what_happened="Tout passe par une application.")
    for fiche_id, themes in ((first, "Guichets fermés"), (second, "guichets fermés, Applications")):
        team.http.post(f"{team.path}/fiches/{fiche_id}/etiquettes", data={"themes": themes})
    return team, session_id, first, second


def in_transaction(app, work):
    with app.app_context(), app.extensions["mag"].sessions() as db, db.begin():
        return work(db)


def board_of(app, team):
    return in_transaction(
        app, lambda db: cross_analysis.programme_board(db, programme_record(db, team.programme_id))
    )


def test_a_theme_built_from_a_session_and_fiches_is_stored_and_read_back(app, setting):
    team, session_id, first, second = setting
    found = board_of(app, team)
    assert [s.title for s in found.sources][:3] == [
        "Le travail invisible",
        "Faire à la place",
        "Qui porte la responsabilité ?",
    ]
    perspective = next(s.key for s in found.sources if s.level == "institution")
    theme_id = in_transaction(
        app, lambda db: cross_analysis.add_theme(db, team.programme_id, "Le travail invisible")
    )

    def fill(db):
        programme = programme_record(db, team.programme_id)
        keys = [f"b:{session_id}:item-0001", "t:guichets fermés", perspective]
        cross_analysis.add_sources(db, programme, theme_id, keys)
        cross_analysis.add_proposal(
            db, team.programme_id, theme_id, proposal_id="prop-00001", level="pratique",
            text="Reconnaître l'aide numérique dans les missions.",
        )  # fmt: skip
        cross_analysis.edit_theme(
            db, team.programme_id, theme_id, title="Le travail invisible", summary="Partout."
        )

    in_transaction(app, fill)
    [view] = board_of(app, team).themes
    assert view.theme.summary == "Partout."
    assert [g.session_id for g in view.groups] == [session_id]
    assert set(view.fiche_ids) == {first, second}
    assert view.proposals["pratique"][0].text == "Reconnaître l'aide numérique dans les missions."
    assert view.proposals["institution"][0].source.key == perspective
    # The board item's two quotes, then the perspective's author: by function only.
    functions = [q.function for q, _ in view.quotes]
    assert functions == ["médiatrice numérique", "AS en CPAS", "AS en CPAS"]
    # The replacement list and the withdrawal hold in the programme's views too.
    texts = " ".join(q.text for q, _ in view.quotes)
    assert not any(words in texts for words in WITHDRAWN_WORDS)


def test_an_unknown_source_or_a_duplicate_title_changes_nothing(app, setting):
    team, *_ = setting
    theme_id = in_transaction(app, lambda db: cross_analysis.add_theme(db, team.programme_id, "A"))

    def add_unknown(db):
        programme = programme_record(db, team.programme_id)
        cross_analysis.add_sources(db, programme, theme_id, ["t:guichets fermés", "b:x:y"])

    with pytest.raises(DomainError) as refused:
        in_transaction(app, add_unknown)
    assert refused.value.code == "unknown_source"
    with pytest.raises(DomainError) as refused:
        in_transaction(app, lambda db: cross_analysis.add_theme(db, team.programme_id, " a "))
    assert refused.value.code == "theme_exists"
    [view] = board_of(app, team).themes
    assert view.theme.sources == ()


def test_another_programmes_theme_is_unknown_here(app, setting):
    team, *_ = setting
    other = Team(app, "Un autre programme")
    theme_id = in_transaction(app, lambda db: cross_analysis.add_theme(db, other.programme_id, "B"))
    for change in (
        lambda db: cross_analysis.delete_theme(db, team.programme_id, theme_id),
        lambda db: cross_analysis.edit_theme(db, team.programme_id, theme_id, title="C",
                                             summary=""),
        lambda db: cross_analysis.move_theme(db, team.programme_id, theme_id, 1),
    ):  # fmt: skip
        with pytest.raises(DomainError) as refused:
            in_transaction(app, change)
        assert refused.value.code == "unknown_theme"
    assert [v.theme.title for v in board_of(app, other).themes] == ["B"]


def test_themes_keep_the_order_the_team_gives_them(app, setting):
    team, *_ = setting
    ids = [
        in_transaction(app, lambda db, t=title: cross_analysis.add_theme(db, team.programme_id, t))
        for title in ("Un", "Deux", "Trois")
    ]
    in_transaction(app, lambda db: cross_analysis.move_theme(db, team.programme_id, ids[2], -1))
    in_transaction(app, lambda db: cross_analysis.move_theme(db, team.programme_id, ids[0], -1))
    in_transaction(app, lambda db: cross_analysis.delete_theme(db, team.programme_id, ids[1]))
    assert [v.theme.title for v in board_of(app, team).themes] == ["Un", "Trois"]


def test_the_programme_page_draws_how_many_groups_raised_each_theme(app, setting):
    team, session_id, *_ = setting
    theme_id = in_transaction(
        app, lambda db: cross_analysis.add_theme(db, team.programme_id, "Le travail invisible")
    )
    in_transaction(app, lambda db: cross_analysis.add_theme(db, team.programme_id, "Banques"))

    def fill(db):
        programme = programme_record(db, team.programme_id)
        cross_analysis.add_sources(db, programme, theme_id, [f"b:{session_id}:item-0001"])

    in_transaction(app, fill)
    page = lxml_html.fromstring(team.page())
    rows = page.xpath("//figure[@id='chiffres-themes']//tbody/tr")
    assert [[cell.text_content() for cell in row] for row in rows] == [
        ["Le travail invisible", "1"],
        ["Banques", "0"],
    ]
