"""A programme's booklet through its pages: draft, versions, comparison, exports, who may.

The programme holds the played mag-complet session (stored, then attached) and fiches
filed through the public form; its team builds two themes. Exports really run as jobs
(``python -m mag.jobs``), on SQLite and PostgreSQL.
"""

import html
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader
from story import PLACE, REAL_NAME, WITHDRAWN_WORDS, played_session
from test_archive import store
from test_jobs import finished
from test_programme_pages import Team
from test_programme_sessions import file_fiche

from mag import cross_analysis
from mag.domain.roles import Actor, Role
from mag.models import BookletVersionRecord, SessionRecord
from mag.programmes import fiches, programme_record

PSEUDONYMS = ("Awa", "Bruno", "Chloé", "Emma", "Lucie")


def in_transaction(app, work):
    with app.app_context(), app.extensions["mag"].sessions() as db, db.begin():
        return work(db)


@pytest.fixture
def team(app) -> Team:
    """A programme with the played session, three fiches, and two themes built from them."""
    team = Team(app)
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    with mag.sessions() as db, db.begin():
        db.get(SessionRecord, session_id).programme_id = team.programme_id
    # A fiche naming someone the team only listed afterwards: the list still hides the name.
    settings = {"services": "CPAS\nCommune", "consent": "Votre fiche sert à la recherche."}
    team.http.post(f"{team.path}/reglages", data={**settings, "names": ""})
    first = file_fiche(app, team, what_happened="Mme Lambert n'a plus de guichet à la commune.")
    team.http.post(f"{team.path}/reglages", data={**settings, "names": "Lambert"})
    file_fiche(app, team, what_happened="Tout passe par une application.", region="wallonie")
    file_fiche(app, team, what_happened="La banque a fermé son agence.", service="Commune")
    team.http.post(f"{team.path}/fiches/{first}/etiquettes", data={"themes": "Guichets fermés"})

    def build(db):
        programme = programme_record(db, team.programme_id)
        board = cross_analysis.programme_board(db, programme)
        perspective = next(s.key for s in board.sources if s.level == "institution")
        invisible = cross_analysis.add_theme(db, team.programme_id, "Le travail invisible")
        cross_analysis.add_sources(
            db, programme, invisible, [f"b:{session_id}:item-0001", perspective]
        )
        cross_analysis.add_proposal(
            db, team.programme_id, invisible, proposal_id="prop-00001", level="pratique",
            text="Reconnaître l'aide numérique dans les missions.",
        )  # fmt: skip
        closed = cross_analysis.add_theme(db, team.programme_id, "Guichets fermés")
        cross_analysis.add_sources(db, programme, closed, ["t:guichets fermés"])

    in_transaction(app, build)
    team.session_id = session_id
    return team


def editor_text(page: str) -> str:
    found = re.search(r'<textarea id="booklet-text"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    return html.unescape(found.group(1))


def base_of(page: str) -> str:
    return re.search(r'name="base_version" value="(\d+)"', page).group(1)


def save(team: Team, text: str, base) -> object:
    return team.http.post(
        f"{team.path}/livret",
        data={"text": text, "base_version": str(base)},
        content_type="multipart/form-data",
    )


def saved_versions(app, team: Team) -> list[tuple[int, str]]:
    with app.extensions["mag"].sessions() as db:
        rows = db.query(BookletVersionRecord).filter_by(programme_id=team.programme_id)
        return sorted((r.version, r.text) for r in rows)


def test_the_team_generates_the_draft_which_nothing_saves(app, team):
    page = team.http.get(f"{team.path}/livret").text
    assert "Aucune version enregistrée pour l'instant." in html.unescape(page)
    assert editor_text(page) == ""
    assert f'href="{team.path}/livret"' in team.page()  # the programme's page leads there
    drafted = team.http.get(f"{team.path}/livret?brouillon=1")
    assert drafted.status_code == 200
    text = editor_text(drafted.text)
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == [
        "Contexte et méthode",
        "Quelques chiffres",
        "Le travail invisible",
        "Guichets fermés",
        "Propositions",
        "Annexe : sources",
    ]
    assert "> — médiatrice numérique, Numérique et travail social" in text
    assert "Mme \\[…\\] n'a plus de guichet à la commune." in text
    for absent in [*PSEUDONYMS, *WITHDRAWN_WORDS, "Lambert", PLACE]:
        assert not re.search(rf"\b{re.escape(absent)}\b", text), absent
    assert base_of(drafted.text) == "0"
    assert "pour en faire la version 1" in drafted.text
    assert saved_versions(app, team) == []


def test_versions_are_saved_one_after_the_other_and_a_stale_save_is_refused(app, team):
    draft = editor_text(team.http.get(f"{team.path}/livret?brouillon=1").text)
    first = save(team, draft, 0)
    assert first.status_code == 302 and first.headers["Location"].endswith("/livret?enregistre=1")
    page = team.http.get(first.headers["Location"]).text
    assert "Version 1 enregistrée." in page and base_of(page) == "1"
    assert editor_text(page) == draft.strip()
    second_text = draft.replace("## Propositions", "## Nos propositions")
    assert save(team, second_text, 1).status_code == 302
    # A colleague still on version 1 saves: refused, nothing lost, nothing overwritten.
    mine = draft + "\nMa conclusion."
    stale = save(team, mine, 1)
    assert stale.status_code == 409
    assert "Une version plus récente du livret (version 2)" in stale.text
    assert editor_text(stale.text) == second_text.strip() and base_of(stale.text) == "2"
    assert "Ma conclusion." in stale.text.split('id="booklet-kept"', 1)[1]
    assert [v for v, _ in saved_versions(app, team)] == [1, 2]
    # The list says who and when; a new draft does not touch the versions.
    assert "l'équipe" in html.unescape(page)
    drafted = team.http.get(f"{team.path}/livret?brouillon=1").text
    assert base_of(drafted) == "2" and "pour en faire la version 3" in drafted
    assert [v for v, _ in saved_versions(app, team)] == [1, 2]


@pytest.mark.parametrize(
    ("text", "base", "message"),
    [
        ("   ", 0, "est vide"),
        ("x" * 300_001, 0, "dépasse 300000 caractères"),
        ("# Livret", "deux", "illisible"),
    ],
)
def test_bad_input_is_refused_with_the_text_kept_and_nothing_saved(app, team, text, base, message):
    refused = save(team, text, base)
    assert refused.status_code == 400 and message in refused.text
    if text.strip():
        assert editor_text(refused.text) == text
    assert saved_versions(app, team) == []


def test_saving_the_same_text_again_is_refused(app, team):
    assert save(team, "# Livret\n\nTexte.", 0).status_code == 302
    again = save(team, "# Livret\n\nTexte.\n", 1)
    assert again.status_code == 400
    assert "Rien n'a changé depuis la version 1." in html.unescape(again.text)


def test_a_participant_who_withdraws_later_leaves_the_saved_versions_too(app, team):
    chloe_said = "L'aide numérique devient un travail invisible."
    draft = editor_text(team.http.get(f"{team.path}/livret?brouillon=1").text)
    assert chloe_said in draft
    save(team, draft, 0)
    save(team, draft + f"\nComme on l'a entendu : {chloe_said}\n", 1)
    chloe = Actor(Role.PARTICIPANT, "p-3")
    answer = app.extensions["mag"].live.execute(
        team.session_id, chloe, "withdraw_consent", {}, "cmd-withdraw-chloe"
    )
    assert answer.events
    for _number, text in saved_versions(app, team):
        assert chloe_said not in text
        assert "« […] »" in text
    redrafted = editor_text(team.http.get(f"{team.path}/livret?brouillon=1").text)
    assert chloe_said not in redrafted and "médiatrice numérique" not in redrafted


def test_a_fiche_deleted_leaves_the_saved_versions(app, team):
    """The team deletes a fiche: the saved versions lose its words in the same transaction."""
    quoted = "Mme \\[…\\] n'a plus de guichet à la commune."
    draft = editor_text(team.http.get(f"{team.path}/livret?brouillon=1").text)
    assert quoted in draft
    save(team, draft, 0)
    save(team, draft + "\nMme Lambert n'a plus de guichet à la commune.\n", 1)
    with app.extensions["mag"].sessions() as db:
        [fiche] = [f for f in fiches(db, team.programme_id) if "Lambert" in f.what_happened]
    deleted = team.http.post(f"{team.path}/fiches/{fiche.id}/supprimer")
    assert deleted.status_code == 302
    for _number, text in saved_versions(app, team):
        assert "n'a plus de guichet" not in text and "Lambert" not in text
        assert "> « […] »" in text


def test_a_version_saved_through_a_members_link_is_signed_with_their_name(app, team):
    from test_programme_records import Member

    member = Member(app, team, "Chercheuse ULB")
    assert member.http.post(
        f"{team.path}/livret", data={"text": "# Livret\n\nPremier jet.", "base_version": "0"},
        content_type="multipart/form-data",
    ).status_code == 302  # fmt: skip
    save(team, "# Livret\n\nDeuxième jet.", 1)
    with app.extensions["mag"].sessions() as db:
        rows = db.query(BookletVersionRecord).filter_by(programme_id=team.programme_id)
        assert sorted((r.version, r.author) for r in rows) == [(1, "Chercheuse ULB"), (2, "")]
    page = html.unescape(team.http.get(f"{team.path}/livret").text)
    assert "Chercheuse ULB" in page and "l'équipe" in page


def test_a_version_is_shown_sanitised_and_two_are_compared(app, team):
    save(team, "# Livret\n\n## Constats\n\nUn <script>alert(1)</script> constat.", 0)
    save(team, "# Livret\n\n## Constats\n\nDeux constats.\n\n## Propositions", 1)
    shown = team.http.get(f"{team.path}/livret/versions/1")
    assert shown.status_code == 200
    part = shown.text.split('id="shown-heading"', 1)[1].split("</section>", 1)[0]
    assert "<script" not in part and "Un alert(1) constat." in part  # its words, as text
    assert "<h3" in part and '<h4 id="constats">Constats</h4>' in part
    assert shown.text.count("<h1") == 1
    compared = team.http.get(f"{team.path}/livret/comparaison?de=1&a=2")
    assert compared.status_code == 200
    assert "Version 2 comparée à la version 1" in compared.text
    assert "Deux constats." in compared.text and "&lt;script&gt;alert(1)" in compared.text
    assert team.http.get(f"{team.path}/livret/versions/3").status_code == 404
    missing = team.http.get(f"{team.path}/livret/comparaison?de=1&a=9")
    assert missing.status_code == 404 and "n'existe pas" in html.unescape(missing.text)
    assert team.http.get(f"{team.path}/livret/comparaison?de=x&a=2").status_code == 400


def pdf_text(data: bytes) -> str:
    """The PDF's words, one space between each (lines and pages break anywhere)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def start(team: Team, name: str) -> dict:
    response = team.http.post(f"{team.path}/livret/export/{name}", json={})
    assert response.status_code == 202, response.text
    return response.json["job"]


def download(team: Team, job: dict) -> tuple[bytes, str]:
    done = finished(team.http, job)
    assert done["state"] == "done", done
    response = team.http.get(done["file_url"])
    assert response.status_code == 200
    return response.data, response.headers["Content-Disposition"]


def test_every_document_format_exports_the_latest_version(app, team):
    draft = editor_text(team.http.get(f"{team.path}/livret?brouillon=1").text)
    save(team, draft, 0)
    typed = '<script>alert("x")</script> <b onclick="alert(2)">Gras</b>'
    text = draft.replace("## Le travail invisible", f"## Le travail invisible\n\n{typed}")
    assert save(team, text, 1).status_code == 302
    jobs = {name: start(team, name) for name in ("md", "html", "pdf", "docx")}
    files = {name: download(team, job) for name, job in jobs.items()}
    for _data, disposition in files.values():
        assert re.search(
            r'filename="\d{4}-\d\d-\d\d-numerique-et-services-sociaux-livret\.', disposition
        )
    markdown_text = files["md"][0].decode("utf-8")
    assert "*Version 2 du livret, enregistrée le" in markdown_text
    assert "## Le travail invisible" in markdown_text
    page = files["html"][0].decode("utf-8")
    assert "<script" not in page and "onclick" not in page and "<b>Gras</b>" in page
    assert ">Le travail invisible</h2>" in page
    words = pdf_text(files["pdf"][0])
    for title in ("Contexte et méthode", "Le travail invisible", "Guichets fermés", "Propositions"):
        assert title in words, title
    document = Document(io.BytesIO(files["docx"][0]))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Le travail invisible" in headings and "Annexe : sources" in headings


def test_with_no_version_saved_the_export_is_the_draft_and_says_so(app, team):
    data, _ = download(team, start(team, "md"))
    text = data.decode("utf-8")
    assert "aucune version du livret n'a encore été enregistrée" in text
    assert "## Guichets fermés" in text and REAL_NAME not in text
    # Without the page's script, the link waits for the same job and sends the file.
    direct = team.http.get(f"{team.path}/livret/export/md")
    assert direct.status_code == 200 and "## Guichets fermés" in direct.text
    assert team.http.post(f"{team.path}/livret/export/csv", json={}).status_code == 404
    assert team.http.get(f"{team.path}/livret/export/qdpx").status_code == 404


# Who may see and change the booklet ---------------------------------------------------------


ROUTES = [
    ("get", "/livret", None),
    ("get", "/livret?brouillon=1", None),
    ("post", "/livret", {"text": "# Pris", "base_version": "1"}),
    ("get", "/livret/versions/1", None),
    ("get", "/livret/comparaison?de=1&a=1", None),
    ("get", "/livret/export/md", None),
    ("post", "/livret/export/md", None),
    ("get", "/livret/travaux/JOB", None),
    ("get", "/livret/travaux/JOB/fichier", None),
]


@pytest.fixture
def outsiders(app, team, make_room):
    """A participant and the facilitator of a session of this very programme, a stranger,
    and another programme's team."""
    room = make_room(
        team.http,
        f"{team.path}/seances",
        {"title": "Groupe de Liège", "question": "", "protocol": "mag-complet"},
    )
    participant = room.join("Awa", "AS en CPAS")
    facilitator = app.test_client()  # the team made the session: its link, in another browser
    assert facilitator.get(room.facilitator_link.split("localhost", 1)[1]).status_code == 302
    assert facilitator.get(f"/animer/{room.session_id}").status_code == 200
    return {
        "a participant of the programme's session": participant.http,
        "the facilitator of the programme's session": facilitator,
        "a stranger": app.test_client(),
        "another programme's team": Team(app, "Un autre programme").http,
    }


def test_only_the_programmes_team_reaches_the_booklet(app, team, outsiders):
    save(team, "# Livret secret\n\nTexte de l'équipe.", 0)
    job = start(team, "md")
    finished(team.http, job)
    for method, suffix, data in ROUTES:
        path = f"{team.path}{suffix.replace('JOB', job['id'])}"
        for who, client in outsiders.items():
            response = (
                client.post(path, data=data, content_type="multipart/form-data")
                if method == "post" and data
                else getattr(client, method)(path)
            )
            assert response.status_code == 403, (who, suffix, response.status_code)
            assert b"Livret secret" not in response.data and b"Texte de l" not in response.data
    assert saved_versions(app, team) == [(1, "# Livret secret\n\nTexte de l'équipe.")]


def test_another_programmes_team_cannot_reach_a_job_through_its_own_programme(app, team):
    other = Team(app, "Un autre programme")
    job = start(team, "md")
    finished(team.http, job)
    for suffix in (f"/livret/travaux/{job['id']}", f"/livret/travaux/{job['id']}/fichier"):
        response = other.http.get(f"{other.path}{suffix}")
        assert response.status_code == 404 and response.json["error"]["code"] == "unknown_job"
    assert team.http.get(f"{team.path}/livret/travaux/not-a-job-id-at-all-x").status_code == 404
