"""``mag purge`` and programmes: one past its retention date goes with its fiches, forms and
team links; its sessions are detached and go on. On SQLite and, when available, PostgreSQL."""

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from test_programme_pages import Team
from test_programme_records import Member, file_fiche, programme_of, settings, snapshot

from mag import archive
from mag.models import (
    Base,
    FicheFormRecord,
    FicheRecord,
    ProgrammeMemberRecord,
    ProgrammeRecord,
    SessionRecord,
)


def counts(app, programme_id: str) -> dict[str, int]:
    with app.extensions["mag"].sessions() as db:
        return {
            model.__tablename__: db.scalar(
                select(func.count()).select_from(model).where(model.programme_id == programme_id)
            )
            for model in (FicheRecord, FicheFormRecord, ProgrammeMemberRecord, SessionRecord)
        } | {
            "programmes": db.scalar(
                select(func.count())
                .select_from(ProgrammeRecord)
                .where(ProgrammeRecord.id == programme_id)
            )
        }


@pytest.fixture
def three_programmes(app, make_room):
    """A programme past its retention date (fiches, a renewed form, a member, a session with
    a participant), one before it, one without."""
    past = Team(app, "Programme terminé")
    for what in ("Première fiche ancienne.", "Seconde fiche ancienne."):
        file_fiche(app, past, what_happened=what)
    past.http.post(f"{past.path}/formulaire/renouveler")
    member = Member(app, past)
    room = make_room(
        past.http, f"{past.path}/seances", {"title": "Groupe ancien", "protocol": "mag-complet"}
    )
    awa = room.join("Awa")
    past.http.post(f"{past.path}/reglages", data=settings(retention_until="2020-01-31"))
    future = Team(app, "Programme en cours")
    file_fiche(app, future, what_happened="Une fiche à garder.")
    future.http.post(f"{future.path}/reglages", data=settings(retention_until="2999-12-31"))
    kept = Team(app, "Programme sans date")
    file_fiche(app, kept)
    return {
        "past": past,
        "future": future,
        "kept": kept,
        "room": room,
        "awa": awa,
        "member": member,
    }


def test_purge_deletes_a_programme_past_its_retention_date_and_detaches_its_sessions(
    app, three_programmes
):
    past, room, awa = (three_programmes[k] for k in ("past", "room", "awa"))
    form_path = past.form_path()
    assert all(counts(app, past.programme_id).values())
    gone = archive.purge_programmes(app.extensions["mag"].sessions, date(2026, 12, 10))
    assert [(g.programme_id, g.title, g.fiches, g.sessions) for g in gone] == [
        (past.programme_id, "Programme terminé", 2, 1)
    ]
    assert set(counts(app, past.programme_id).values()) == {0}
    with app.extensions["mag"].sessions() as db:
        texts = db.scalars(text("SELECT what_happened FROM fiches")).all()
    assert not any("ancienne" in t for t in texts)
    for team in (three_programmes["future"], three_programmes["kept"]):
        assert counts(app, team.programme_id)["fiches"] == 1
        assert team.http.get(team.path).status_code == 200
    # Its addresses lead nowhere; its session goes on, in no programme.
    assert past.http.get(past.path).status_code == 404
    assert three_programmes["member"].http.get(past.path).status_code == 404
    assert app.test_client().get(form_path).status_code == 404
    assert programme_of(app, room.session_id) is None
    assert room.facilitator.http.get(f"/animer/{room.session_id}").status_code == 200
    room.go_to("proposals")
    answer = awa.send(
        "submit_proposal", proposal_id="recit-apres-purge", title="Un récit", body="…"
    )
    assert answer["ok"], answer


def test_purge_keeps_a_programme_on_its_retention_day_and_a_dry_run_deletes_nothing(
    app, three_programmes
):
    past = three_programmes["past"]
    assert archive.purge_programmes(app.extensions["mag"].sessions, date(2020, 1, 31)) == []
    before = snapshot(app)
    listed = archive.purge_programmes(
        app.extensions["mag"].sessions, date(2026, 12, 10), dry_run=True
    )
    assert [g.programme_id for g in listed] == [past.programme_id]
    assert snapshot(app) == before


def test_mag_purge_lists_then_deletes_programmes(app, db_url, three_programmes, monkeypatch):
    import mag.config
    from mag.cli import main

    past = three_programmes["past"]
    monkeypatch.setenv("MAG_DATABASE_URL", db_url)
    monkeypatch.setattr(mag.config, "DATA_DIR", Path(app.config["MAG_DATA_DIR"]))
    listed = CliRunner().invoke(main, ["purge", "--dry-run"])
    assert listed.exit_code == 0, listed.output
    assert "Programmes à supprimer (rien n'est supprimé) :" in listed.output
    assert "« Programme terminé », conservé jusqu'au 31/01/2020 : 2 fiche(s)" in listed.output
    assert "1 séance(s) détachée(s)" in listed.output
    assert "Programme en cours" not in listed.output and "Programme sans date" not in listed.output
    assert all(counts(app, past.programme_id).values())
    done = CliRunner().invoke(main, ["purge"])
    assert done.exit_code == 0, done.output
    assert "Programmes supprimés :" in done.output and "Programme terminé" in done.output
    assert set(counts(app, past.programme_id).values()) == {0}
    again = CliRunner().invoke(main, ["purge"])
    assert "Aucun programme n'a dépassé sa date de conservation." in again.output


def test_every_table_that_refers_to_programmes_is_purged_or_detached():
    """A table added later with a ``programme_id`` must be listed in the purge."""
    from mag.archive.purge import PROGRAMME_DETACHED, PROGRAMME_ROWS

    listed = {model.__tablename__ for model in (*PROGRAMME_ROWS, *PROGRAMME_DETACHED)}
    referring = {
        table.name
        for table in Base.metadata.sorted_tables
        for key in table.foreign_keys
        if key.column.table.name == "programmes"
    }
    assert referring == listed
