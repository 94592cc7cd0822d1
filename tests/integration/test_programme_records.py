"""A programme's records kept in order: its team's own links, sessions attached from the
archive and detached, fiches deleted for good, a retention date that ``mag purge`` keeps.

Every test runs on SQLite and, when available, PostgreSQL.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from test_programme_pages import Team, fiche, open_form, stored

from mag import archive
from mag.domain.roles import FACILITATOR
from mag.models import (
    EventRecord,
    FicheFormRecord,
    FicheRecord,
    ProgrammeMemberRecord,
    ProgrammeRecord,
    SessionRecord,
)

TITLE = "Numérique et services sociaux"


def local(url: str) -> str:
    """An address the test client opens: the path of a link the page shows."""
    return url.split("localhost", 1)[1]


class Member:
    """A researcher the team invited: their own browser, opened with their own link."""

    def __init__(self, app, team: Team, name: str = "Chercheuse ULB", *, by=None) -> None:
        response = (by or team.http).post(f"{team.path}/equipe", data={"name": name})
        assert response.status_code == 200, response.text
        self.invitation = response.text
        self.link = re.search(r'id="member-link"[^>]*value="([^"]+)"', response.text)[1]
        self.member_id = self.link.rsplit("/", 2)[-2]
        self.secret = self.link.rsplit("/", 1)[1]
        self.http = app.test_client()
        entered = self.http.get(local(self.link))
        assert entered.status_code == 302, entered.text
        assert entered.headers["Location"] == team.path


def file_fiche(app, team: Team, **changes) -> str:
    phone = app.test_client()
    path = team.form_path()
    assert phone.post(path, data=fiche(**open_form(phone, path), **changes)).status_code == 302
    return max(stored(app), key=lambda r: r.created_at).id


def attach(team: Team, link: str, client=None):
    return (client or team.http).post(f"{team.path}/seances/rattacher", data={"link": link})


def programme_of(app, session_id: str) -> str | None:
    with app.extensions["mag"].sessions() as db:
        return db.get(SessionRecord, session_id).programme_id


def snapshot(app) -> tuple:
    """Everything the programme routes may change, to check a refusal changed nothing."""
    with app.extensions["mag"].sessions() as db:
        return (
            sorted(db.execute(select(FicheRecord.id, FicheRecord.themes)).all()),
            sorted(
                db.execute(
                    select(
                        ProgrammeMemberRecord.id,
                        ProgrammeMemberRecord.name,
                        ProgrammeMemberRecord.revoked_at,
                    )
                ).all()
            ),
            sorted(db.execute(select(SessionRecord.id, SessionRecord.programme_id)).all()),
            sorted(
                db.execute(
                    select(
                        ProgrammeRecord.id,
                        ProgrammeRecord.retention_until,
                        ProgrammeRecord.creator_revoked_at,
                        ProgrammeRecord.consent_text,
                    )
                ).all()
            ),
            sorted(db.execute(select(FicheFormRecord.key, FicheFormRecord.closed_at)).all()),
        )


@pytest.fixture
def team(app) -> Team:
    return Team(app)


# Team members ---------------------------------------------------------------------------------


def test_the_team_invites_a_member_whose_own_link_opens_the_programme(app, team):
    member = Member(app, team, "Chercheuse ULB")
    assert "Lien privé créé pour Chercheuse ULB" in member.invitation
    assert "il ne sera plus jamais affiché" in member.invitation
    assert re.fullmatch(
        rf"http://localhost/programme/{team.programme_id}/membre/[0-9a-f]{{16}}/[\w-]+",
        member.link,
    )
    # Her browser keeps the link in an HttpOnly cookie and opens the page.
    entered = app.test_client().get(local(member.link))
    assert "HttpOnly" in entered.headers["Set-Cookie"]
    page = member.http.get(team.path)
    assert page.status_code == 200 and TITLE in page.text
    # Both see her in the team's list; the link itself is shown nowhere again.
    assert re.search(r"Chercheuse ULB</strong> <span class=\"meta\">\(votre lien\)", page.text)
    team_page = team.page()
    assert "Chercheuse ULB" in team_page and "actif" in team_page
    assert member.secret not in team_page and member.secret not in page.text
    assert re.search(r"Lien de création du programme</strong> <span[^>]*>\(votre lien\)", team_page)
    # The creator's link keeps working, in a new browser too.
    assert app.test_client().get(local(team.link)).status_code == 302
    # Only the secret's hash is stored.
    with app.extensions["mag"].sessions() as db:
        [row] = db.execute(select(ProgrammeMemberRecord)).scalars().all()
        assert row.name == "Chercheuse ULB" and row.programme_id == team.programme_id
        assert member.secret not in repr(db.execute(text("SELECT * FROM programme_members")).all())
        assert len(row.secret_hash) == 64


def test_a_member_invites_another_and_works_as_the_creator_does(app, team):
    ulb = Member(app, team, "Chercheuse ULB")
    uclouvain = Member(app, team, "Chercheur UCLouvain", by=ulb.http)
    fiche_id = file_fiche(app, team)
    tagged = uclouvain.http.post(
        f"{team.path}/fiches/{fiche_id}/etiquettes", data={"themes": "Accès aux droits"}
    )
    assert tagged.status_code == 302
    assert "Chercheur UCLouvain" in team.page()
    assert [r.themes for r in stored(app)] == [["Accès aux droits"]]


def test_a_revoked_link_refuses_with_a_clear_message_and_its_cookie_opens_nothing(app, team):
    member = Member(app, team, "Chercheuse ULB")
    confirm = team.http.get(f"{team.path}/equipe/{member.member_id}/revoquer")
    assert confirm.status_code == 200
    assert "Révoquer ce lien d&#39;équipe ?" in confirm.text
    assert "Révoquer le lien « Chercheuse ULB »" in confirm.text
    assert member.http.get(team.path).status_code == 200  # asking changed nothing
    done = team.http.post(f"{team.path}/equipe/{member.member_id}/revoquer")
    assert done.status_code == 302
    assert "Le lien est révoqué" in team.http.get(done.headers["Location"]).text
    assert "révoqué le" in team.page()
    # Her cookie opens nothing, and says why.
    refused = member.http.get(team.path)
    assert refused.status_code == 403 and "Lien d&#39;équipe révoqué" in refused.text
    assert TITLE not in refused.text
    before = snapshot(app)
    assert member.http.post(f"{team.path}/equipe", data={"name": "Intrus"}).status_code == 403
    assert snapshot(app) == before
    # Her link, opened again anywhere, says the same and sets no cookie.
    again = app.test_client().get(local(member.link))
    assert again.status_code == 403 and "révoqué ce lien" in again.text
    assert "Set-Cookie" not in again.headers


def test_no_link_revokes_itself_and_the_creators_link_may_be_revoked(app, team):
    member = Member(app, team, "Chercheuse ULB")
    own = team.http.post(f"{team.path}/equipe/createur/revoquer")
    assert own.status_code == 400 and "le lien que vous utilisez" in own.text
    own = member.http.post(f"{team.path}/equipe/{member.member_id}/revoquer")
    assert own.status_code == 400
    # The page offers no such button: one's own link is marked, not revocable.
    assert f"/equipe/{member.member_id}/revoquer" not in member.http.get(team.path).text
    # The creator's link, shared too widely, is revoked by a member.
    assert member.http.post(f"{team.path}/equipe/createur/revoquer").status_code == 302
    refused = team.http.get(team.path)
    assert refused.status_code == 403 and "Lien d&#39;équipe révoqué" in refused.text
    assert app.test_client().get(local(team.link)).status_code == 403
    again = Member(app, team, "Chercheur UCLouvain", by=member.http)
    twice = again.http.post(f"{team.path}/equipe/createur/revoquer")
    assert twice.status_code == 400 and "déjà révoqué" in twice.text
    assert member.http.get(team.path).status_code == 200
    assert member.http.get(f"{team.path}/equipe/0000000000000000/revoquer").status_code == 404
    assert member.http.post(f"{team.path}/equipe/0000000000000000/revoquer").status_code == 404


def test_an_invitation_without_a_name_is_refused_beside_its_field(app, team):
    for name, message in [("  ", "est vide"), ("x" * 81, "dépasse 80 caractères")]:
        response = team.http.post(f"{team.path}/equipe", data={"name": name})
        assert response.status_code == 400
        assert re.search(
            rf'id="member-error" class="errors" role="alert">[^<]*{message}', response.text
        )
        assert re.search(r'id="member-name"[^>]*aria-invalid="true"', response.text)
    with app.extensions["mag"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(ProgrammeMemberRecord)) == 0


def test_a_wrong_or_foreign_member_link_opens_nothing(app, team):
    member = Member(app, team)
    other = Team(app, "Un autre programme")
    theirs = Member(app, other, "Chercheur d'ailleurs")
    for path in (
        f"{team.path}/membre/{member.member_id}/{member.secret[:-2]}xx",
        f"{team.path}/membre/{theirs.member_id}/{theirs.secret}",  # another programme's
        f"{team.path}/membre/not-an-id!/{member.secret}",
        f"{team.path}/{member.member_id}.{member.secret}",  # a member's value as the creator's
    ):
        response = app.test_client().get(path)
        assert response.status_code in (403, 404), path
        assert "Set-Cookie" not in response.headers, path
    assert (
        "Lien d&#39;équipe non valable"
        in app.test_client()
        .get(f"{team.path}/membre/{member.member_id}/{member.secret[:-2]}xx")
        .text
    )
    # Another programme's member's value under this programme's cookie.
    forged = app.test_client()
    forged.set_cookie(f"mag_r_{team.programme_id}", f"{theirs.member_id}.{theirs.secret}")
    assert forged.get(team.path).status_code == 403
    assert app.test_client().get("/programme/0000000000000000/membre/x/y").status_code == 404


# Sessions attached and detached ------------------------------------------------------------------


def test_an_existing_session_is_attached_with_its_facilitator_link(app, team, room):
    awa = room.join("Awa", "AS en CPAS")
    page = team.page()
    assert "Rattacher une séance existante" in page
    assert '<label for="attach-link">Lien d\'animation de la séance</label>' in page
    response = attach(team, f"  {room.facilitator_link}  ")
    assert response.status_code == 302, response.text
    landed = team.http.get(response.headers["Location"]).text
    assert "La séance fait maintenant partie du programme." in landed
    assert f'href="/animer/{room.session_id}"' in landed
    assert programme_of(app, room.session_id) == team.programme_id
    # The session goes on as before, for its facilitator and its participants.
    assert room.facilitator.http.get(f"/animer/{room.session_id}").status_code == 200
    room.go_to("proposals")
    assert awa.sync()["state"]["session"]["status"] == "running"
    # A fiche may now be proposed there.
    fiche_id = file_fiche(app, team)
    target = f"{room.session_id}:{awa.participant_id}"
    assert f'value="{target}"' in team.page()
    proposed = team.http.post(f"{team.path}/fiches/{fiche_id}/recit", data={"target": target})
    assert proposed.status_code == 302


def test_ended_and_archived_sessions_are_attached_too(app, team, make_room):
    ended = make_room(app.test_client())
    ended.steer("start_session")
    ended.steer("end_session")
    assert attach(team, ended.facilitator_link).status_code == 302
    kept = make_room(app.test_client())
    kept.steer("start_session")
    kept.steer("end_session")
    with app.app_context():
        archive.archive_session(app.extensions["mag"], kept.session_id, FACILITATOR)
    assert attach(team, kept.facilitator_link).status_code == 302
    assert {programme_of(app, ended.session_id), programme_of(app, kept.session_id)} == {
        team.programme_id
    }
    assert "(archivée)" in team.page()
    assert "Séances du programme (2)" in team.page()


def test_a_refused_attachment_says_why_beside_the_field_and_changes_nothing(
    app, team, room, make_room
):
    other = Team(app, "Un autre programme")
    theirs = make_room(
        other.http, f"{other.path}/seances", {"title": "Leur groupe", "protocol": "mag-complet"}
    )
    mine = make_room(app.test_client())
    assert attach(team, mine.facilitator_link).status_code == 302
    gone = make_room(app.test_client())
    with app.extensions["mag"].sessions() as db, db.begin():
        db.get(SessionRecord, gone.session_id).retention_until = date(2020, 1, 31)
    archive.purge(
        app.extensions["mag"].sessions, Path(app.config["MAG_DATA_DIR"]), date(2026, 12, 10)
    )
    secret = room.facilitator_link.rsplit("/", 1)[1]
    before = snapshot(app)
    for pasted, message in [
        ("ABCD12", "Ce n&#39;est pas un lien d&#39;animation de séance"),
        (f"http://localhost/equipe/{room.session_id}/m1/{secret}", "il contient « /animer/ »"),
        ("", "est vide"),
        (f"http://localhost/animer/0123456789abcdef/{secret}", "Aucune séance ne correspond"),
        (
            f"http://localhost/animer/{room.session_id}/{secret[:-3]}abc",
            r"n&#39;est pas \(ou plus\) valable",
        ),
        (theirs.facilitator_link, "Cette séance appartient à un autre programme"),
        (mine.facilitator_link, "fait déjà partie de ce programme"),
        (gone.facilitator_link, "supprimée au terme de sa durée de conservation"),
    ]:
        response = attach(team, pasted)
        assert response.status_code == 400, pasted
        assert re.search(
            rf'id="attach-error" class="errors" role="alert">[^<]*{message}', response.text
        ), pasted
        assert re.search(r'id="attach-link"[^>]*aria-invalid="true"', response.text)
        assert secret not in response.text  # a secret pasted is never shown back
    assert snapshot(app) == before
    assert programme_of(app, theirs.session_id) == other.programme_id
    assert programme_of(app, room.session_id) is None


def test_a_detached_session_leaves_the_programme_and_keeps_its_data(app, team, room):
    awa = room.join("Awa", "AS en CPAS")
    assert attach(team, room.facilitator_link).status_code == 302
    with app.extensions["mag"].sessions() as db:
        events = db.scalar(select(func.count()).where(EventRecord.session_id == room.session_id))
    detach_path = f"{team.path}/seances/{room.session_id}/detacher"
    assert f'href="{detach_path}"' in team.page()
    confirm = team.http.get(detach_path)
    assert confirm.status_code == 200
    assert "Détacher « Numérique et travail social »" in confirm.text
    assert programme_of(app, room.session_id) == team.programme_id
    done = team.http.post(detach_path)
    assert done.status_code == 302
    page = team.http.get(done.headers["Location"]).text
    assert "La séance a quitté le programme" in page
    assert f'href="/animer/{room.session_id}"' not in page and "Séances du programme (0)" in page
    assert programme_of(app, room.session_id) is None
    with app.extensions["mag"].sessions() as db:
        assert (
            db.scalar(select(func.count()).where(EventRecord.session_id == room.session_id))
            == events
        )
    assert room.facilitator.http.get(f"/animer/{room.session_id}").status_code == 200
    assert awa.sync()["state"]["participants"][awa.participant_id]["pseudonym"] == "Awa"
    # Not in the programme any more: detaching again is unknown; its link attaches it again.
    assert team.http.post(detach_path).status_code == 404
    assert team.http.get(detach_path).status_code == 404
    assert attach(team, room.facilitator_link).status_code == 302


def test_another_programmes_session_is_not_detached_through_this_one(app, team, make_room):
    other = Team(app, "Un autre programme")
    theirs = make_room(
        other.http, f"{other.path}/seances", {"title": "Leur groupe", "protocol": "mag-complet"}
    )
    for method in ("get", "post"):
        response = getattr(team.http, method)(f"{team.path}/seances/{theirs.session_id}/detacher")
        assert response.status_code == 404
    assert team.http.post(f"{team.path}/seances/nope!/detacher").status_code == 404
    assert programme_of(app, theirs.session_id) == other.programme_id


# Fiches deleted -----------------------------------------------------------------------------------

GONE = "Le guichet de Jemappes a fermé sans prévenir personne."


def test_a_deleted_fiche_is_nowhere_in_the_programme(app, team):
    kept = file_fiche(app, team, what_happened="Une autre situation, gardée.")
    gone = file_fiche(app, team, what_happened=GONE, service="Commune")
    team.http.post(f"{team.path}/fiches/{gone}/etiquettes", data={"themes": "Fermetures soudaines"})
    page = team.page()
    assert GONE in page and "Fermetures soudaines" in page and "Fiches incident (2)" in page
    delete_path = f"{team.path}/fiches/{gone}/supprimer"
    assert f'href="{delete_path}"' in page
    confirm = team.http.get(delete_path)
    assert confirm.status_code == 200
    assert "Supprimer cette fiche ?" in confirm.text and GONE in confirm.text
    assert "Supprimer la fiche définitivement" in confirm.text
    assert len(stored(app)) == 2  # asking deleted nothing
    done = team.http.post(delete_path)
    assert done.status_code == 302
    landed = team.http.get(done.headers["Location"]).text
    assert "La fiche a été supprimée" in landed
    # Not on the page, in no filter, in no count.
    for query in ("", "?service=Commune", "?theme=Fermetures+soudaines", "?barrier=application"):
        page = team.http.get(f"{team.path}{query}").text
        assert GONE not in page and "Jemappes" not in page, query
        assert "Fermetures soudaines" not in page, query
    assert "Fiches incident (1)" in team.page()
    # Not in the database.
    with app.extensions["mag"].sessions() as db:
        rows = db.execute(text("SELECT id, what_happened FROM fiches")).all()
    assert [row.id for row in rows] == [kept]
    assert not any("Jemappes" in row.what_happened for row in rows)
    # Not reachable by its id: a plain refusal, nothing more.
    for method, suffix in [
        ("get", "supprimer"),
        ("post", "supprimer"),
        ("post", "etiquettes"),
        ("post", "recit"),
    ]:
        response = getattr(team.http, method)(f"{team.path}/fiches/{gone}/{suffix}")
        assert response.status_code == 404, suffix
        assert "Cette fiche n&#39;existe pas, ou plus" in response.text, suffix
        assert f'href="{team.path}#fiches-heading"' in response.text


def test_a_recit_proposed_from_a_fiche_stays_the_participants_once_it_is_deleted(
    app, team, make_room
):
    fiche_id = file_fiche(app, team, what_happened="La ligne du CPAS ne répond plus.")
    room = make_room(
        team.http, f"{team.path}/seances", {"title": "Groupe", "protocol": "mag-complet"}
    )
    awa = room.join("Awa")
    room.go_to("proposals")
    target = {"target": f"{room.session_id}:{awa.participant_id}"}
    assert team.http.post(f"{team.path}/fiches/{fiche_id}/recit", data=target).status_code == 302
    assert team.http.post(f"{team.path}/fiches/{fiche_id}/supprimer").status_code == 302
    assert stored(app) == []
    [proposal] = awa.sync()["state"]["proposals"].values()
    assert proposal["body"] == "La ligne du CPAS ne répond plus."
    assert proposal["author_id"] == awa.participant_id and proposal["from_fiche"] is True


def test_another_programmes_fiche_is_not_deleted_through_this_one(app, team):
    other = Team(app, "Un autre programme")
    theirs = file_fiche(app, other)
    for method in ("get", "post"):
        response = getattr(team.http, method)(f"{team.path}/fiches/{theirs}/supprimer")
        assert response.status_code == 404
    assert team.http.post(f"{team.path}/fiches/../supprimer").status_code == 404
    assert [r.id for r in stored(app)] == [theirs]


# Retention ------------------------------------------------------------------------------------


def retention(app, programme_id: str) -> date | None:
    with app.extensions["mag"].sessions() as db:
        return db.get(ProgrammeRecord, programme_id).retention_until


def settings(**changes) -> dict:
    return {"services": "CPAS", "names": "", "consent": "Texte.", **changes}


def test_a_retention_date_is_set_at_creation_and_changed_in_the_settings(app):
    client = app.test_client()
    created = client.post(
        "/programmes",
        data={"title": "T", "question": "Q", "consent": "c", "retention_until": "2031-06-30"},
    )
    assert created.status_code == 201
    programme_id = re.search(r"/programme/(\w+)/", created.text)[1]
    path = f"/programme/{programme_id}"
    assert retention(app, programme_id) == date(2031, 6, 30)
    page = client.get(path).text
    assert "Conservé jusqu'au 30/06/2031" in page
    assert re.search(r'id="retention_until"[^>]*value="2031-06-30"', page)
    assert (
        client.post(f"{path}/reglages", data=settings(retention_until="2032-01-15")).status_code
        == 302
    )
    assert retention(app, programme_id) == date(2032, 1, 15)
    refused = client.post(f"{path}/reglages", data=settings(retention_until="2032-02-30"))
    assert refused.status_code == 400 and "n&#39;est pas une date valable" in refused.text
    assert re.search(r'id="retention_until"[^>]*value="2032-02-30"', refused.text)
    assert retention(app, programme_id) == date(2032, 1, 15)
    assert client.post(f"{path}/reglages", data=settings(retention_until="")).status_code == 302
    assert retention(app, programme_id) is None
    assert "Conservé jusqu" not in client.get(path).text


def test_a_programme_with_a_bad_retention_date_is_not_created(app):
    response = app.test_client().post(
        "/programmes",
        data={"title": "T", "question": "Q", "consent": "c", "retention_until": "demain"},
    )
    assert response.status_code == 400 and "Conserver jusqu&#39;au" in response.text
    with app.extensions["mag"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(ProgrammeRecord)) == 0


# Who may do all this ------------------------------------------------------------------------

ROUTES = [
    ("get", ""),
    ("post", "/reglages"),
    ("post", "/equipe"),
    ("get", "/equipe/{member}/revoquer"),
    ("post", "/equipe/{member}/revoquer"),
    ("get", "/equipe/createur/revoquer"),
    ("post", "/equipe/createur/revoquer"),
    ("post", "/seances/rattacher"),
    ("get", "/seances/{session}/detacher"),
    ("post", "/seances/{session}/detacher"),
    ("get", "/fiches/{fiche}/supprimer"),
    ("post", "/fiches/{fiche}/supprimer"),
]


@pytest.mark.parametrize(("method", "suffix"), ROUTES)
def test_only_the_programmes_active_team_reaches_its_new_routes(
    app, team, room, make_room, method, suffix
):
    member = Member(app, team, "Chercheuse ULB")
    revoked = Member(app, team, "Ancien stagiaire")
    assert team.http.post(f"{team.path}/equipe/{revoked.member_id}/revoquer").status_code == 302
    fiche_id = file_fiche(app, team)
    mine = make_room(
        team.http, f"{team.path}/seances", {"title": "Groupe", "protocol": "mag-complet"}
    )
    awa = mine.join("Awa")
    other = Team(app, "Un autre programme")
    theirs = Member(app, other, "Chercheur d'ailleurs")
    bruno = room.join("Bruno")
    forged = app.test_client()
    forged.set_cookie(f"mag_r_{team.programme_id}", f"{theirs.member_id}.{theirs.secret}")
    unattached = make_room(app.test_client())
    path = team.path + suffix.format(
        member=member.member_id, session=mine.session_id, fiche=fiche_id
    )
    data = {
        "name": "Intrus",
        "link": unattached.facilitator_link,
        "services": "Intrus",
        "consent": "Intrus",
        "retention_until": "2020-01-01",
    }
    before = snapshot(app)
    for who, client in {
        "a revoked member": revoked.http,
        "another programme's member": theirs.http,
        "another programme's creator": other.http,
        "another programme's member's value under this programme's cookie": forged,
        "a participant of the programme's session": awa.http,
        "the facilitator of the programme's session (not of its team)": make_facilitator(app, mine),
        "a participant of another session": bruno.http,
        "another session's facilitator": room.facilitator.http,
        "a stranger": app.test_client(),
    }.items():
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 403, who
        assert TITLE not in response.text and "Intrus" not in response.text, who
        if client is revoked.http:
            assert "Lien d&#39;équipe révoqué" in response.text
    assert snapshot(app) == before
    # The team itself does reach it (no link revokes itself: the creator revokes the member's).
    insider = team.http if "{member}" in suffix else member.http
    allowed = getattr(insider, method)(path, data=data)
    assert allowed.status_code in (200, 302), allowed.text


def make_facilitator(app, room):
    """A browser holding only the session's facilitator link (not the programme's)."""
    client = app.test_client()
    assert client.get(local(room.facilitator_link)).status_code == 302
    return client
