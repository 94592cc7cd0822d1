"""The archive: a session written out for good, searched across sessions, purged in time.

Most tests store the played mag-complet session of ``tests/story.py`` (a withdrawn
participant, a listed real name, a script tag) as a session in the database and
archive it through ``mag.live``; a short mag-court session is played through
``mag.live`` itself. Every test runs on SQLite and, when available, PostgreSQL.
"""

import csv
import io
import re
import secrets
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from story import REAL_NAME, SCRIPT, WITHDRAWN_WORDS, Story, played_session

from mag import archive, services
from mag.domain.i18n import DomainError
from mag.domain.protocol import builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import Status
from mag.models import (
    CommandRecord,
    EventRecord,
    MemberRecord,
    ParticipantRecord,
    SearchEntryRecord,
    SessionRecord,
)
from mag.report.folding import slug
from mag.report.formats import FORMATS

FOLDER = "2026-12-01-numerique-et-travail-social"


def command_id() -> str:
    return f"cmd-{uuid.uuid4().hex[:16]}"


# --- Helpers ----------------------------------------------------------------------


def store(mag, story: Story) -> str:
    """Put ``story``'s log in the database as a stored session, with identity rows."""
    with mag.sessions() as db, db.begin():
        record = SessionRecord(
            id=services.new_id(),
            join_code=secrets.token_hex(4).upper(),
            facilitator_secret_hash=services.hash_secret("secret"),
            protocol_source=story.protocol.source,
            title=story.state.title,
            last_seq=story.log[-1].seq,
            created_at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
        )
        db.add(record)
        db.flush()
        for event in story.log:
            db.add(
                EventRecord(
                    session_id=record.id,
                    seq=event.seq,
                    type=event.type,
                    actor=event.actor,
                    audience=event.audience,
                    data=event.data,
                    at=event.at,
                )
            )
        for pid in story.state.participants:
            db.add(
                ParticipantRecord(
                    id=f"{record.id}-{pid}",
                    session_id=record.id,
                    pseudonym_key=pid,
                    secret_hash=services.hash_secret(pid),
                )
            )
        db.add(
            MemberRecord(
                id=f"{record.id}-m",
                session_id=record.id,
                role="rapporteur",
                secret_hash=services.hash_secret("m"),
            )
        )
        db.add(
            CommandRecord(
                session_id=record.id, command_id="cmd-x", actor="animateur", name="x", seq=1
            )
        )
        return record.id


def archived(app, story: Story | None = None) -> tuple[str, str]:
    """Store the played session (or ``story``) and archive it; return its id and folder."""
    mag = app.extensions["mag"]
    session_id = store(mag, story or played_session())
    with app.app_context():
        folder = archive.archive_session(mag, session_id, FACILITATOR)
    return session_id, folder


def play_short(app, *, end: bool = True) -> str:
    """A short mag-court session played through mag.live: a récit proposed, a note, the end."""
    mag = app.extensions["mag"]
    with mag.sessions() as db, db.begin():
        created = services.create_session(
            db,
            title="L'équipe éducative face aux écrans",
            question="Que change l'écran ?",
            protocol_source=builtin_protocol("mag-court").source,
            planned_dates=["2026-12-02"],
            convention_text="On s'écoute.",
        )
    sid = created.session_id
    live = mag.live

    def run(actor, name, **args):
        return live.execute(sid, actor, name, args, command_id())

    with app.app_context():
        people = []
        for pseudonym, function in (("Awa", "éducatrice spécialisée"), ("Bruno", "AS en CPAS")):
            pid, _ = live.join(sid, pseudonym, function)
            actor = Actor(Role.PARTICIPANT, pid)
            run(actor, "accept_convention", version=1)
            people.append(actor)
        run(FACILITATOR, "start_session")
        if not end:
            return sid
        run(FACILITATOR, "next_step", from_index=0)
        run(FACILITATOR, "next_step", from_index=1)
        run(
            people[0],
            "submit_proposal",
            proposal_id="prop-court",
            title="L'équipe et la tablette",
            body="Une tablette pour toute l'équipe éducative.",
        )
        run(
            FACILITATOR,
            "add_note",
            contribution_id="note-court",
            body="Les éducateurs partagent une seule tablette.",
        )
        run(FACILITATOR, "end_session")
    return sid


def entries(app, session_id: str) -> int:
    with app.extensions["mag"].sessions() as db:
        return db.scalar(select(func.count()).where(SearchEntryRecord.session_id == session_id))


def find(app, words: str = "", **filters) -> list[archive.Hit]:
    with app.app_context(), app.extensions["mag"].sessions() as db:
        return archive.search(db, words, **filters)


def contribution_id(story: Story, start: str) -> str:
    return next(c.id for c in story.state.contributions.values() if c.body.startswith(start))


def data_dir(app) -> Path:
    return Path(app.config["MAG_DATA_DIR"])


def folders(app) -> list[str]:
    return sorted(p.name for p in data_dir(app).iterdir() if p.is_dir())


def status(app, session_id: str) -> Status:
    return app.extensions["mag"].live.read(session_id, lambda state, protocol: state.status)


# --- Archiving ------------------------------------------------------------------


def test_archiving_writes_every_format_and_the_consent_records(app):
    session_id, folder = archived(app)

    assert folder == FOLDER
    path = data_dir(app) / folder
    expected = {f"{folder}.{fmt.extension}" for fmt in FORMATS.values()} | {"consentements.csv"}
    assert {p.name for p in path.iterdir()} == expected
    assert all((path / name).stat().st_size > 0 for name in expected)
    assert folders(app) == [folder]  # no temporary folder left behind
    for name in (f"{folder}.md", f"{folder}.html", "consentements.csv"):
        content = (path / name).read_text("utf-8-sig")
        assert REAL_NAME not in content
        assert all(words not in content for words in WITHDRAWN_WORDS)

    rows = list(csv.reader(io.StringIO((path / "consentements.csv").read_text("utf-8-sig"))))
    assert rows[0] == [
        "participant",
        "version de la convention",
        "acceptée le",
        "consentement retiré le",
    ]
    by_label = {row[0]: row for row in rows[1:]}
    assert set(by_label) == {
        "AS en CPAS",
        "éducateur de rue",
        "médiatrice numérique",
        "participant·e retiré·e",
    }
    assert by_label["AS en CPAS"][1] == "1"
    assert by_label["AS en CPAS"][2].startswith("2026-12-01T09:00:00")
    assert by_label["AS en CPAS"][3] == ""
    assert by_label["participant·e retiré·e"][3].startswith("2026-12-01T")

    assert status(app, session_id) is Status.ARCHIVED
    with app.extensions["mag"].sessions() as db:
        record = db.get(SessionRecord, session_id)
        assert record.archive_folder == folder
        assert record.archive_title == "Numérique et travail social"
        assert record.held_on == date(2026, 12, 1)
        assert record.participant_count == 4
        assert record.archived_at is not None
        assert record.retention_until is None
    assert entries(app, session_id) > 0


def test_a_session_is_archived_once(app):
    session_id, folder = archived(app)
    assert not app.extensions["mag"].live.holds(session_id)  # it changes no more: not kept
    before = sorted(p.name for p in (data_dir(app) / folder).iterdir())

    with app.app_context(), pytest.raises(DomainError) as refused:
        archive.archive_session(app.extensions["mag"], session_id, FACILITATOR)

    assert refused.value.code == "already_archived"
    assert folders(app) == [folder]
    assert sorted(p.name for p in (data_dir(app) / folder).iterdir()) == before


@pytest.mark.parametrize(
    "actor",
    [Actor(Role.RAPPORTEUR, member_id="m-1"), Actor(Role.PARTICIPANT, participant_id="p-1")],
)
def test_only_an_animateur_may_archive(app, actor):
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())

    with app.app_context(), pytest.raises(DomainError) as refused:
        archive.archive_session(mag, session_id, actor)

    assert refused.value.code == "forbidden"
    assert "animateur" in refused.value.msgid
    assert status(app, session_id) is Status.ENDED
    assert not data_dir(app).exists() or folders(app) == []


def test_a_second_animateur_may_archive(app):
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    with app.app_context():
        folder = archive.archive_session(mag, session_id, Actor(Role.ANIMATEUR, member_id="m-2"))
    assert folder == FOLDER


def test_a_running_session_is_not_archived(app):
    session_id = play_short(app, end=False)

    with app.app_context(), pytest.raises(DomainError) as refused:
        archive.archive_session(app.extensions["mag"], session_id, FACILITATOR)

    assert refused.value.code == "session_not_ended"
    assert status(app, session_id) is Status.RUNNING
    assert not data_dir(app).exists() or folders(app) == []
    assert entries(app, session_id) == 0


def test_a_session_played_live_is_archived_and_found_without_accents(app):
    session_id = play_short(app)
    with app.app_context():
        folder = archive.archive_session(app.extensions["mag"], session_id, FACILITATOR)

    today = datetime.now().astimezone().date().isoformat()  # first step's day, server's zone
    assert re.fullmatch(rf"{today}-l-equipe-educative-face-aux-ecrans", folder)
    hits = find(app, "equipe educative")
    assert {hit.ref for hit in hits} == {"prop-court"}
    assert "<mark>équipe</mark>" in hits[0].snippet
    assert "<mark>éducative</mark>" in hits[0].snippet
    assert "note-court" in {hit.ref for hit in find(app, "EDUCATEURS")}  # PostgreSQL stems
    assert {hit.ref for hit in find(app, "tablet")} == {"prop-court", "note-court"}


def test_the_same_title_on_the_same_day_gets_a_numbered_folder(app):
    _, first = archived(app)
    _, second = archived(app)
    _, third = archived(app)
    assert (first, second, third) == (FOLDER, f"{FOLDER}-2", f"{FOLDER}-3")


def test_a_retention_date_set_before_archiving_is_stored(app):
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    mag.live.execute(
        session_id, FACILITATOR, "change_settings", {"retention_until": "2031-06-30"}, command_id()
    )
    with app.app_context():
        archive.archive_session(mag, session_id, FACILITATOR)
    with mag.sessions() as db:
        assert db.get(SessionRecord, session_id).retention_until == date(2031, 6, 30)


def test_a_failed_transaction_leaves_no_folder(app, monkeypatch):
    from mag import live as live_module

    mag = app.extensions["mag"]
    session_id = store(mag, played_session())

    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(live_module.services, "append_after", refuse)
    with app.app_context(), pytest.raises(RuntimeError):
        archive.archive_session(mag, session_id, FACILITATOR)
    monkeypatch.undo()

    assert folders(app) == []
    assert entries(app, session_id) == 0
    with mag.sessions() as db:
        assert db.get(SessionRecord, session_id).archive_folder is None
    # It can be archived once the database is back.
    with app.app_context():
        assert archive.archive_session(mag, session_id, FACILITATOR) == FOLDER


def test_a_failing_export_leaves_no_folder(app, monkeypatch):
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())

    def broken(material):
        raise ValueError("broken exporter")

    monkeypatch.setattr(type(FORMATS["pdf"]), "export", lambda self, material: broken(material))
    with app.app_context(), pytest.raises(ValueError):
        archive.archive_session(mag, session_id, FACILITATOR)
    assert not data_dir(app).exists() or folders(app) == []
    assert status(app, session_id) is Status.ENDED


def test_the_files_are_rendered_without_holding_the_session(app, monkeypatch):
    """A command sent while the PDF renders goes through; the archive is rendered again."""
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    pdf = FORMATS["pdf"]
    real_export = type(pdf).export
    renders: list[float] = []

    def export_and_change(self, material):
        if self is pdf:
            renders.append(time.monotonic())
            if len(renders) == 1:
                done = threading.Event()

                def change():
                    mag.live.execute(
                        session_id,
                        FACILITATOR,
                        "change_settings",
                        {"retention_until": "2031-06-30"},
                        command_id(),
                    )
                    done.set()

                threading.Thread(target=change).start()
                assert done.wait(5), "the command waited for the archive"
        return real_export(self, material)

    monkeypatch.setattr(type(pdf), "export", export_and_change)
    steps: list[tuple[int, int]] = []
    with app.app_context():
        archived_at = archive.write_archive(
            mag, session_id, FACILITATOR, lambda done, total: steps.append((done, total))
        )

    assert len(renders) == 2, "rendered again from the changed session"
    assert archived_at.folder == FOLDER
    assert folders(app) == [FOLDER]
    files = len(FORMATS) + 1
    assert steps == [(n, files) for n in range(files + 1)] * 2
    with mag.sessions() as db:
        assert db.get(SessionRecord, session_id).retention_until == date(2031, 6, 30)
        event = services.event_at(db, session_id, archived_at.seq)
    assert event.type == "session_archived" and event.data == {"folder": FOLDER}


def test_a_session_that_keeps_changing_is_not_archived(app, monkeypatch):
    mag = app.extensions["mag"]
    session_id = store(mag, played_session())
    days = iter(range(1, 20))
    real_export = type(FORMATS["md"]).export

    def export_and_change(self, material):
        if self.name == "md":
            day = f"2031-06-{next(days):02d}"
            thread = threading.Thread(
                target=mag.live.execute,
                args=(session_id, FACILITATOR, "change_settings", {"retention_until": day}),
                kwargs={"command_id": command_id()},
            )
            thread.start()
            thread.join(5)
        return real_export(self, material)

    monkeypatch.setattr(type(FORMATS["md"]), "export", export_and_change)
    with app.app_context(), pytest.raises(DomainError) as refused:
        archive.archive_session(mag, session_id, FACILITATOR)

    assert refused.value.code == "session_changed"
    assert next(days) == archive.ARCHIVE_ATTEMPTS + 1
    assert folders(app) == []
    assert status(app, session_id) is Status.ENDED
    assert entries(app, session_id) == 0


def test_folder_names():
    assert slug("Numérique et travail social") == "numerique-et-travail-social"
    assert slug("  L'œuvre — « Été » !! ") == "l-oeuvre-ete"
    assert slug("§§§") == "seance"
    long = slug("Le non-recours aux droits sociaux " * 5)
    assert len(long) <= 60 and not long.endswith("-")
    assert long.startswith("le-non-recours-aux-droits-sociaux-le-non")


# --- Search ---------------------------------------------------------------------


def test_search_finds_a_contribution_whatever_the_accents(app):
    played = played_session()
    session_id, folder = archived(app, played)

    hits = find(app, "numerique devient")

    chloe = contribution_id(played, "L'aide numérique")
    assert [hit.ref for hit in hits] == [chloe]
    hit = hits[0]
    assert (hit.session_id, hit.folder, hit.title) == (
        session_id,
        folder,
        "Numérique et travail social",
    )
    assert (hit.step_number, hit.speaker) == ("2.2", "médiatrice numérique")
    assert "<mark>numérique</mark>" in hit.snippet
    assert hit.anchor == f"c-{chloe}"
    assert find(app, "NUMÉRIQUE DEVIENT") == hits
    assert find(app, "") == []


def test_search_filters_by_step_function_and_board_kind(app):
    played = played_session()
    archived(app, played)

    everywhere = {hit.step_number for hit in find(app, "travail")}
    assert {"2.2", "2.3", "3.1", "3.3", "4"} <= everywhere
    assert {hit.ref for hit in find(app, "travail", step="2.3")} == {
        contribution_id(played, "Je me reconnais")
    }
    # A function, in part and without its accents.
    bruno = {hit.speaker for hit in find(app, "", function="EDUCATEUR")}
    assert bruno == {"éducateur de rue"}
    assert {hit.ref for hit in find(app, "travail", function="AS en")} == {
        contribution_id(played, "Je me reconnais"),
        contribution_id(played, "Un temps d'aide"),
    }
    # Board items and what they are linked to.
    assert {hit.ref for hit in find(app, "travail", board_kind="convergence")} == {
        "item-0001",
        contribution_id(played, "L'aide numérique"),
        contribution_id(played, "La numérisation déplace"),
    }
    assert {hit.ref for hit in find(app, "borne", board_kind="divergence")} == {
        contribution_id(played, "La borne décide")
    }
    assert {hit.ref for hit in find(app, "", board_kind="noeud")} >= {"item-0003"}
    assert find(app, "travail", board_kind="inconnu") == find(app, "travail")


def test_search_never_returns_withdrawn_words_nor_a_listed_name(app):
    archived(app)
    for words in ("démunie borne guichet", "remplacée application rendez-vous", "Lambert"):
        assert find(app, words) == [], words
    for words in ("Mme", "retirée", "contribution", "borne", "guichet", "CPAS"):
        for hit in find(app, words):
            assert "Lambert" not in hit.snippet
            assert "Saint-Gilles" not in hit.snippet
            assert all(w not in hit.snippet for w in ("démunie", "remplacée par une application"))
            assert hit.speaker != "stagiaire assistante sociale"
    assert "Emma" not in {hit.speaker for hit in find(app, "", function="stagiaire")}
    assert find(app, "", function="stagiaire") == []


def test_a_script_tag_typed_by_a_participant_is_escaped_in_snippets(app):
    archived(app)
    hits = find(app, "alert")
    assert len(hits) == 1
    snippet = str(hits[0].snippet)
    assert "<script" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>alert</mark>" in snippet
    assert SCRIPT not in snippet


def test_search_syntax_typed_by_someone_is_only_words(app):
    archived(app)
    borne = {hit.ref for hit in find(app, "borne")}
    for words in (
        '"',
        'travail" OR *',
        "NEAR(borne",
        "borne:* & !",
        "borne AND NOT guichet",
        "' ; DROP TABLE sessions; --",
        "*",
        "-x",
        "^borne",
        "text:borne",
    ):
        find(app, words)  # no error: each word is looked for as a word
    # "text:" is a word to find, not the name of a column.
    assert find(app, "text:borne") == find(app, "text borne") == []
    assert {hit.ref for hit in find(app, '"borne" *')} == borne


def test_highlight_marks_word_beginnings_and_escapes_the_rest():
    marked = archive.highlight("<b>Les équipes</b> & l'équipe", ["equipe"])
    assert str(marked) == (
        "&lt;b&gt;Les <mark>équipes</mark>&lt;/b&gt; &amp; l&#39;<mark>équipe</mark>"
    )
    long = " ".join(f"mot{i}" for i in range(100)) + " cible"
    window = str(archive.highlight(long, ["cible"]))
    assert window.startswith("…") and "<mark>cible</mark>" in window


# --- Pages ----------------------------------------------------------------------


def key_holder(app):
    client = app.test_client()
    secret = archive.rotate_archive_secret(app.extensions["mag"].sessions)
    response = client.get(f"/archives/cle/{secret}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/archives")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/archives" in cookie
    return client, secret


def test_the_archive_pages_need_the_key(app):
    session_id, folder = archived(app)
    stranger = app.test_client()
    archive.rotate_archive_secret(app.extensions["mag"].sessions)
    for url in (
        "/archives",
        "/archives?q=travail",
        f"/archives/{session_id}",
        f"/archives/{session_id}/{folder}.md",
        "/archives/cle/devine",
    ):
        response = stranger.get(url)
        assert response.status_code == 403, url
        assert "Accès aux archives refusé" in response.text
        assert "travail" not in response.text.replace("?q=travail", "")

    client, _ = key_holder(app)
    assert client.get("/archives").status_code == 200
    # A new key (the server restarted): the old one stops working.
    archive.rotate_archive_secret(app.extensions["mag"].sessions)
    assert client.get("/archives").status_code == 403


def test_the_archive_lists_the_session_and_links_a_hit_to_its_anchor(app):
    played = played_session()
    session_id, folder = archived(app, played)
    client, _ = key_holder(app)

    page = client.get("/archives")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for expected in ("Numérique et travail social", folder, "01/12/2026", "<caption>"):
        assert expected in page.text

    chloe = contribution_id(played, "L'aide numérique")
    results = client.get("/archives", query_string={"q": "numerique devient"})
    assert f'href="/archives/{session_id}#c-{chloe}"' in results.text
    assert "<mark>numérique</mark>" in results.text
    escaped = client.get("/archives", query_string={"q": "alert"})
    assert "<script" not in escaped.text and "&lt;script&gt;" in escaped.text
    filtered = client.get(
        "/archives", query_string={"q": "travail", "step": "2.3", "kind": "", "function": ""}
    )
    assert "Je me reconnais" in filtered.text and "devient un travail" not in filtered.text
    assert "Aucun passage" in client.get("/archives", query_string={"q": "zzzz"}).text

    report = client.get(f"/archives/{session_id}")
    assert report.status_code == 200
    assert re.search(rf'<\w+[^<>]*\sid="c-{chloe}"', report.text)  # the anchor, as markup
    assert "<h2" in report.text and "&lt;h2" not in report.text
    assert "<script" not in report.text
    for fmt in FORMATS.values():
        assert f'href="/archives/{session_id}/{folder}.{fmt.extension}"' in report.text
    assert f'href="/archives/{session_id}/consentements.csv"' in report.text

    with client.get(f"/archives/{session_id}/{folder}.md") as download:
        assert download.status_code == 200
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert download.data == (data_dir(app) / folder / f"{folder}.md").read_bytes()


def test_a_file_name_cannot_leave_the_archive_folder(app):
    session_id, folder = archived(app)
    (data_dir(app) / "secret.txt").write_text("secret", "utf-8")
    client, _ = key_holder(app)
    for name in (
        "..%2F..%2Fsecret.txt",
        "..%2Fsecret.txt",
        "%2E%2E",
        "..",
        ".",
        "secret.txt",
        f"..%2F{folder}%2F{folder}.md",
    ):
        response = client.get(f"/archives/{session_id}/{name}")
        assert response.status_code == 404, name
        assert b"secret" not in response.data.replace(b"secret.txt", b"")
    assert client.get(f"/archives/{session_id}/..\\secret.txt").status_code == 404
    # A session that is not archived has no archive page.
    other = store(app.extensions["mag"], played_session())
    assert client.get(f"/archives/{other}").status_code == 404
    assert client.get(f"/archives/{other}/consentements.csv").status_code == 404


# --- Purge ----------------------------------------------------------------------


def set_retention(app, session_id: str, day: str | None) -> None:
    """Change the setting as Live.execute does, with the hook that keeps the column in step."""
    from mag.domain.commands import decide

    def make(db, state, protocol):
        new_events = decide(
            state, protocol, FACILITATOR, "change_settings", {"retention_until": day}
        )
        services.keep_retention(db, session_id, new_events)
        return new_events

    app.extensions["mag"].live.write(session_id, FACILITATOR, make)


def test_the_retention_date_follows_the_setting(app):
    session_id, _ = archived(app)
    mag = app.extensions["mag"]
    set_retention(app, session_id, "2030-01-15")
    with mag.sessions() as db:
        assert db.get(SessionRecord, session_id).retention_until == date(2030, 1, 15)
    set_retention(app, session_id, None)
    with mag.sessions() as db:
        assert db.get(SessionRecord, session_id).retention_until is None


def fts_rows(app) -> int | None:
    """Rows of the SQLite full-text index (None on PostgreSQL)."""
    mag = app.extensions["mag"]
    if mag.engine.dialect.name != "sqlite":
        return None
    with mag.sessions() as db:
        db.execute(text("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')"))
        return db.scalar(text("SELECT count(*) FROM search_fts_docsize"))


@pytest.fixture
def three_sessions(app):
    """An archived session past its retention date, one before it, one without."""
    past, past_folder = archived(app)
    future, future_folder = archived(app)
    kept, kept_folder = archived(app)
    set_retention(app, past, "2020-01-31")
    set_retention(app, future, "2999-12-31")
    return {
        "past": (past, past_folder),
        "future": (future, future_folder),
        "kept": (kept, kept_folder),
    }


def counts(app, session_id: str) -> dict[str, int]:
    with app.extensions["mag"].sessions() as db:
        return {
            model.__tablename__: db.scalar(
                select(func.count()).select_from(model).where(model.session_id == session_id)
            )
            for model in (
                EventRecord,
                ParticipantRecord,
                MemberRecord,
                CommandRecord,
                SearchEntryRecord,
            )
        } | {
            "sessions": db.scalar(
                select(func.count())
                .select_from(SessionRecord)
                .where(SessionRecord.id == session_id)
            )
        }


def test_purge_deletes_a_session_past_its_retention_date(app, three_sessions):
    past, past_folder = three_sessions["past"]
    before_fts = fts_rows(app)
    past_entries = entries(app, past)
    assert all(counts(app, past).values())

    gone = archive.purge(
        app.extensions["mag"].sessions, data_dir(app), date(2026, 12, 10), dry_run=False
    )

    assert [(g.session_id, g.folder) for g in gone] == [(past, past_folder)]
    assert gone[0].title == "Numérique et travail social"
    assert set(counts(app, past).values()) == {0}
    assert not (data_dir(app) / past_folder).exists()
    if before_fts is not None:
        assert fts_rows(app) == before_fts - past_entries
    for session_id, folder in (three_sessions["future"], three_sessions["kept"]):
        assert all(counts(app, session_id).values())
        assert (data_dir(app) / folder).is_dir()
    assert {hit.session_id for hit in find(app, "travail")} == {
        three_sessions["future"][0],
        three_sessions["kept"][0],
    }


def test_purge_keeps_a_session_on_its_retention_day(app, three_sessions):
    gone = archive.purge(app.extensions["mag"].sessions, data_dir(app), date(2020, 1, 31))
    assert gone == []


def test_mag_purge_lists_then_deletes(app, db_url, three_sessions, monkeypatch):
    import mag.config

    past, past_folder = three_sessions["past"]
    monkeypatch.setenv("MAG_DATABASE_URL", db_url)
    monkeypatch.setattr(mag.config, "DATA_DIR", data_dir(app))
    from mag.cli import main

    listed = CliRunner().invoke(main, ["purge", "--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert "rien n'est supprimé" in listed.output
    assert "« Numérique et travail social »" in listed.output and past_folder in listed.output
    assert three_sessions["future"][1] not in listed.output
    assert all(counts(app, past).values())
    assert (data_dir(app) / past_folder).is_dir()

    done = CliRunner().invoke(main, ["purge"])
    assert done.exit_code == 0, done.output
    assert "Séances supprimées" in done.output and past_folder in done.output
    assert set(counts(app, past).values()) == {0}
    assert not (data_dir(app) / past_folder).exists()

    again = CliRunner().invoke(main, ["purge"])
    assert "Aucune séance n'a dépassé sa date de conservation." in again.output


def test_search_reads_each_session_with_its_languages_rules(app):
    """PostgreSQL stems a Dutch session's words as Dutch; SQLite's index matches words and
    their beginnings, whatever the language, and stays accent-insensitive."""
    story = Story("mag-court")
    story.steer("change_settings", language="nl")
    joost = story.join("Joost", "maatschappelijk werker")
    story.go_to_kind("proposals")
    proposal = story.propose(joost, "Een gesprek met de dáme")
    story.steer("end_session")
    archived(app, story)
    with app.app_context(), app.extensions["mag"].sessions() as db:
        postgresql = db.get_bind().dialect.name == "postgresql"
        languages = set(db.scalars(select(SearchEntryRecord.language)))
    assert languages == {"nl"}
    assert [hit.ref for hit in find(app, "gesprekken")] == ([proposal] if postgresql else [])
    assert [hit.ref for hit in find(app, "gespr")] == [proposal]
    assert [hit.ref for hit in find(app, "DAME")] == [proposal]
