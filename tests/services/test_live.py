"""The write path: every change is an event, numbered, committed, then published."""

import copy
import sqlite3
import threading

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text

from mag import services
from mag.domain.i18n import DomainError
from mag.domain.protocol import builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
from mag.live import Live
from mag.models import CommandRecord, EventRecord

IDS = iter(f"cmd-{n:08d}" for n in range(1, 1_000_000))


def run(live, session_id, actor, name, **args):
    return live.execute(session_id, actor, name, args, next(IDS))


@pytest.fixture
def amina(live, created):
    pid, _secret = live.join(created.session_id, "Amina", "AS en CPAS")
    actor = Actor(Role.PARTICIPANT, pid)
    run(live, created.session_id, actor, "accept_convention", version=1)
    return actor


def state_of(live, session_id) -> SessionState:
    return live.read(session_id, lambda state, protocol: copy.deepcopy(state))


def stored_events(sessions, session_id):
    with sessions() as db:
        return services.events_after(db, session_id, 0)


def test_a_new_session_starts_its_log_with_its_description(sessions, created):
    (first,) = stored_events(sessions, created.session_id)
    assert first.seq == 1
    assert first.type == "session_created"
    assert first.data["planned_dates"] == ["2026-12-01"]
    assert first.data["convention"] == {"version": 1, "text": "On s'écoute.", "language": "fr"}
    assert first.data["language"] == "fr"  # the report's, French unless chosen
    assert len(created.join_code) == 6
    assert set(created.join_code) <= set(services.JOIN_CODE_ALPHABET)


def test_events_are_numbered_without_gaps_and_published_after_commit(
    live, sessions, created, amina, published
):
    seen_at_publish = []
    live.publish = lambda sid, events: seen_at_publish.append(
        (events, [e.seq for e in stored_events(sessions, sid)])
    )
    outcome = run(live, created.session_id, FACILITATOR, "start_session")
    ((events, committed),) = seen_at_publish
    assert [e.seq for e in events] == [outcome.seq]
    assert outcome.seq in committed, "published only once committed"
    seqs = [e.seq for e in stored_events(sessions, created.session_id)]
    assert seqs == list(range(1, len(seqs) + 1))


def test_replaying_the_stored_log_gives_the_live_state(live, sessions, created, amina):
    sid = created.session_id
    run(live, sid, FACILITATOR, "start_session")
    run(live, sid, FACILITATOR, "next_step", from_index=0)
    run(live, sid, FACILITATOR, "next_step", from_index=1)
    run(live, sid, amina, "submit_proposal", proposal_id="prop-0001", title="Le guichet", body="B")
    replayed = SessionState(sid)
    for event in stored_events(sessions, sid):
        replayed.apply(event)
    state = state_of(live, sid)
    assert replayed == state
    assert state.proposals["prop-0001"].title == "Le guichet"


def test_a_retry_with_the_same_id_changes_nothing(live, sessions, created, published):
    sid = created.session_id
    first = live.execute(sid, FACILITATOR, "start_session", {}, "same-id-0001")
    published.clear()
    again = live.execute(sid, FACILITATOR, "start_session", {}, "same-id-0001")
    assert again.is_retry and again.seq == first.seq and again.events == []
    assert published == []
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(CommandRecord)) == 1


def test_a_retry_the_domain_would_accept_again_is_caught_by_its_id(
    live, sessions, created, amina, published
):
    sid = created.session_id
    order = {"order": [amina.participant_id]}
    first = live.execute(sid, FACILITATOR, "set_seating", order, "seating-0001")
    published.clear()
    # Seating the same people again is allowed: only the command's id shows it is a retry.
    again = live.execute(sid, FACILITATOR, "set_seating", order, "seating-0001")
    assert again.is_retry and again.seq == first.seq and again.events == []
    assert published == []
    assert [e.type for e in stored_events(sessions, sid)].count("seating_set") == 1
    assert live.execute(sid, FACILITATOR, "set_seating", order, "seating-0002").events


def test_a_refused_command_stores_and_publishes_nothing(live, sessions, created, amina, published):
    sid = created.session_id
    before = len(stored_events(sessions, sid))
    published.clear()
    with pytest.raises(DomainError):
        run(live, sid, amina, "start_session")
    assert len(stored_events(sessions, sid)) == before
    assert published == []
    state = state_of(live, sid)
    assert state.seq == before


def test_two_servers_on_one_database_stay_in_step(sessions, created, amina):
    sid = created.session_id
    first, second = Live(sessions), Live(sessions)
    run(first, sid, FACILITATOR, "start_session")
    run(second, sid, FACILITATOR, "next_step", from_index=0)
    run(first, sid, FACILITATOR, "next_step", from_index=1)
    assert state_of(first, sid) == state_of(second, sid)
    assert state_of(first, sid).step_index == 2


def test_a_command_on_a_state_another_server_moved_on_lands_after_its_events(
    engine, sessions, created, monkeypatch
):
    """The usual path reads nothing first; moving the last seq finds out who wrote meanwhile."""
    from mag.db import Prepared

    sid = created.session_id
    first, second = Live(sessions), Live(sessions)
    run(first, sid, FACILITATOR, "start_session")
    statements = []  # through Core, and on the driver's cursor (the write path's own)
    sa_event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    prepared = Prepared.run

    def run_prepared(self, connection, rows):
        statements.append(str(self._statement))
        return prepared(self, connection, rows)

    monkeypatch.setattr(Prepared, "run", run_prepared)
    run(first, sid, FACILITATOR, "add_note", contribution_id="note-0001", body="Un")
    assert statements and not any(s.lstrip().upper().startswith("SELECT") for s in statements)

    run(second, sid, FACILITATOR, "add_note", contribution_id="note-0002", body="Deux")
    # first's state is one event behind: its note is decided again on the caught-up state.
    outcome = run(first, sid, FACILITATOR, "add_note", contribution_id="note-0003", body="Trois")
    stored = stored_events(sessions, sid)
    assert [e.seq for e in stored] == list(range(1, len(stored) + 1))
    assert [e.data["body"] for e in stored if e.type == "contribution_added"] == [
        "Un",
        "Deux",
        "Trois",
    ]
    assert outcome.seq == stored[-1].seq
    assert state_of(first, sid) == state_of(second, sid)
    # A command the stale state would refuse is decided on the caught-up one too.
    run(second, sid, FACILITATOR, "next_step", from_index=0)
    run(first, sid, FACILITATOR, "next_step", from_index=1)
    assert state_of(second, sid).step_index == 2


def test_the_write_path_stores_what_core_stores(engine, created):
    """The statements run on the driver's cursor store the same column values as Core."""
    from datetime import UTC, datetime

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from mag.db import Prepared

    sid = created.session_id
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
    row = {
        "session_id": sid,
        "actor": "participant:p1",
        "audience": "all",
        "type": "contribution_added",
        "data": {"body": "Elle a dit « non » 🙂", "n": 3, "tags": ["a", None]},
        "at": at,
    }
    table = EventRecord.__table__
    with engine.begin() as connection:
        connection.execute(insert(table), {**row, "seq": 9001})
        Prepared(insert(table)).run(connection, {**row, "seq": 9002})
        Prepared(insert(table)).run(connection, [{**row, "seq": 9003}, {**row, "seq": 9004}])
    with engine.connect() as connection:
        raw = connection.exec_driver_sql(
            "SELECT seq, data, at FROM events WHERE seq > 9000 ORDER BY seq"
        ).all()
        read = connection.execute(
            select(table.c.data, table.c.at).where(table.c.seq > 9000).order_by(table.c.seq)
        ).all()
    assert [r.seq for r in raw] == [9001, 9002, 9003, 9004]
    assert len({(str(r.data), str(r.at)) for r in raw}) == 1  # stored alike, to the byte
    assert all(r.data == row["data"] and r.at == at for r in read)

    with pytest.raises(IntegrityError), engine.begin() as connection:  # (session, seq) taken
        Prepared(insert(table)).run(connection, {**row, "seq": 9002})
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).where(table.c.seq > 9000)).scalar()
    assert count == 4


def test_a_purged_session_leaves_memory(live, sessions, created, amina):
    sid = created.session_id
    run(live, sid, FACILITATOR, "start_session")
    assert live.holds(sid)
    with sessions() as db, db.begin():  # as `mag purge` does, from another process
        db.execute(text("DELETE FROM sessions WHERE id = :id"), {"id": sid})
    with pytest.raises(DomainError) as refused:
        run(live, sid, FACILITATOR, "next_step", from_index=0)
    assert refused.value.code == "unknown_session"
    assert not live.holds(sid)


def test_a_state_that_fails_to_fold_is_built_again_from_the_log(
    live, sessions, created, amina, published, monkeypatch
):
    sid = created.session_id
    apply = SessionState.apply

    def breaks_on_start(state, event):
        if event.type == "session_started":
            state.step_index = 99  # half applied, then broken
            raise RuntimeError("a fold that fails")
        apply(state, event)

    monkeypatch.setattr(SessionState, "apply", breaks_on_start)
    outcome = run(live, sid, FACILITATOR, "start_session")
    # Committed before the fold: answered, published, and the broken state forgotten.
    assert [e.seq for e in published][-1] == outcome.seq
    assert not live.holds(sid)
    monkeypatch.setattr(SessionState, "apply", apply)
    replayed = SessionState(sid)
    for event in stored_events(sessions, sid):
        replayed.apply(event)
    assert state_of(live, sid) == replayed
    assert replayed.step_index == 0


def test_a_participant_identity_is_a_secret_checked_against_its_hash(live, sessions, created):
    pid, secret = live.join(created.session_id, "Bruno", "")
    with sessions() as db:
        assert services.participant_for_secret(db, created.session_id, pid, secret).id == pid
        assert services.participant_for_secret(db, created.session_id, pid, secret + "x") is None
        assert services.participant_for_secret(db, created.session_id, pid, None) is None
        assert services.participant_for_secret(db, "elsewhere", pid, secret) is None
        stored = db.scalar(text("select secret_hash from participants"))
        assert secret not in stored


def test_the_database_refuses_two_identical_pseudonyms_even_past_the_domain(sessions, created):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), sessions() as db, db.begin():
        services.add_participant(db, created.session_id, "p1", "Amina")
        services.add_participant(db, created.session_id, "p2", "amina")


def test_work_per_command_does_not_grow_with_the_history(live, engine, created, amina, monkeypatch):
    """Each command runs the same SQL and reads no past event, at 3 proposals as at 300."""
    sid = created.session_id
    rows_read = []
    events_after = services.events_after

    def counting_events_after(*args, **kwargs):
        rows = events_after(*args, **kwargs)
        rows_read.append(len(rows))
        return rows

    monkeypatch.setattr(services, "events_after", counting_events_after)
    run(live, sid, FACILITATOR, "start_session")
    run(live, sid, FACILITATOR, "next_step", from_index=0)
    run(live, sid, FACILITATOR, "next_step", from_index=1)

    statements = []
    sa_event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def cost_of_one_proposal(n):
        statements.clear()
        rows_read.clear()
        run(live, sid, amina, "submit_proposal", proposal_id=f"prop-{n:05d}", title="T", body="B")
        assert sum(rows_read) == 0, "the cached state was current: no replay"
        return len(statements)

    early = [cost_of_one_proposal(n) for n in range(3)]
    for n in range(3, 300):
        run(live, sid, amina, "submit_proposal", proposal_id=f"prop-{n:05d}", title="T", body="B")
    late = cost_of_one_proposal(300)
    assert late == early[-1]
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(EventRecord))
    assert count > 300


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    from mag.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # The WAL is synced by Live (mag.db.Writes) before a command is answered.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    engine.dispose()


def short_session(db) -> str:
    """A new mag-court session's id."""
    return services.create_session(
        db,
        title="T",
        question="Q",
        protocol_source=builtin_protocol("mag-court").source,
        planned_dates=[],
        convention_text="C",
    ).session_id


def fsyncs(monkeypatch) -> list[tuple[str, int]]:
    """Every fsync mag.db makes: the file, and how many events were stored when it began."""
    from mag import db as db_module

    made = []
    real = db_module._fsync

    def spying(path):
        events = sqlite3.connect(str(path).removesuffix("-wal"))
        stored = events.execute("SELECT count(*) FROM events").fetchone()[0]
        events.close()
        made.append((path.name, stored))
        real(path)

    monkeypatch.setattr(db_module, "_fsync", spying)
    return made


def sqlite_file_session(path):
    """A SQLite file at ``path`` with one session: its engine, sessionmaker and session id."""
    from mag.db import make_engine, make_sessionmaker, upgrade

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as db, db.begin():
        return engine, sessions, short_session(db)


def test_an_answered_command_is_on_disk_first(tmp_path, monkeypatch):
    from mag.db import Writes

    engine, sessions, session_id = sqlite_file_session(tmp_path / "durable.sqlite3")
    made = fsyncs(monkeypatch)
    live = Live(sessions)
    outcome = live.execute(session_id, FACILITATOR, "start_session", {}, "durable-0001")
    # One fsync of the WAL, begun once the command's events were committed.
    assert made == [("durable.sqlite3-wal", outcome.seq)]

    quick = Live(sessions, writes=Writes(engine, durable=False))  # MAG_SQLITE_SYNCHRONOUS=NORMAL
    quick.execute(session_id, FACILITATOR, "end_session", {}, "durable-0002")
    assert len(made) == 1
    engine.dispose()


def test_the_fsync_leaves_the_event_loop_only_while_the_disk_is_slow(tmp_path, monkeypatch):
    """Under gevent a quick disk's fsync runs in place; a slow one's in a native thread."""
    import time

    from mag import db as db_module

    engine, sessions, session_id = sqlite_file_session(tmp_path / "disk.sqlite3")
    live = Live(sessions)
    run(live, session_id, FACILITATOR, "start_session")

    class NativeThreads:  # stands for gevent's pool: records what is handed to it
        handed = 0

        def apply(self, function, args=()):
            self.handed += 1
            return function(*args)

    threads = NativeThreads()
    monkeypatch.setattr(db_module, "_native_threads", lambda: threads)
    disk = {"seconds": 0.0}  # how long the disk takes (this machine's own would vary)
    monkeypatch.setattr(db_module, "_fsync", lambda path: time.sleep(disk["seconds"]))
    notes = iter(range(10**6))

    def note():
        n = next(notes)
        run(live, session_id, FACILITATOR, "add_note", contribution_id=f"d-{n:07d}", body="x")

    for _ in range(5):
        note()
    assert threads.handed == 0  # a quick disk: in place

    disk["seconds"] = 0.02
    note()  # the disk turns slow: this fsync, still in place, is measured
    assert threads.handed == 0
    note()
    note()
    assert threads.handed == 2  # from then on, off the loop

    disk["seconds"] = 0.0
    for _ in range(30):
        note()
    handed = threads.handed
    note()
    assert threads.handed == handed  # quick again: back in place
    engine.dispose()


def test_commands_committed_together_share_an_fsync(tmp_path, monkeypatch):
    from mag.db import make_engine, make_sessionmaker, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'group.sqlite3'}")
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    made = fsyncs(monkeypatch)
    live = Live(sessions)
    ids = []
    for _ in range(8):
        with live.transaction() as db:
            ids.append(short_session(db))
    for session_id in ids:
        run(live, session_id, FACILITATOR, "start_session")
    made.clear()
    before = live.writes.syncs

    def steer(session_id):
        for n in range(10):
            run(live, session_id, FACILITATOR, "add_note", contribution_id=f"n-{n:07d}", body="x")

    threads = [threading.Thread(target=steer, args=(sid,)) for sid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every command waited for an fsync; eight writers at once shared some of them.
    assert live.writes.syncs - before == len(made) <= 80
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(CommandRecord)) == 88
    assert made[-1][1] == db_count(sessions)
    engine.dispose()


def test_the_wal_is_copied_into_the_database_beside_the_commits(tmp_path):
    """A commit only appends to the WAL; every so many, a checkpoint copies it and it starts over."""
    from mag.db import CHECKPOINT_EVERY, Writes, make_engine, make_sessionmaker, upgrade

    path = tmp_path / "long.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    sessions = make_sessionmaker(engine)
    live = Live(sessions, writes=Writes(engine, durable=False))
    with live.transaction() as db:
        session_id = short_session(db)
    run(live, session_id, FACILITATOR, "start_session")
    note = "Une note du rapporteur, assez longue pour remplir une page. " * 60
    largest = 0
    commands = 8 * CHECKPOINT_EVERY
    for n in range(commands):
        run(live, session_id, FACILITATOR, "add_note", contribution_id=f"n-{n:07d}", body=note)
        largest = max(largest, path.with_name("long.sqlite3-wal").stat().st_size)
    assert live.writes.checkpoints >= 7
    # Without them it would hold every note, about 8 pages a command (24 MB here).
    assert largest < 3 * CHECKPOINT_EVERY * 8 * 4096
    assert db_count(sessions) == 1 + 1 + commands
    engine.dispose()


def db_count(sessions) -> int:
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(EventRecord))


def test_the_migrations_match_the_models(fresh_engine):
    engine = fresh_engine
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mag.models import Base, include_name

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_evaluation_answers_already_in_the_log_move_to_the_pool(tmp_path):
    """Sessions evaluated before the pool existed: their answers leave the log."""
    from alembic import command
    from alembic.config import Config

    from mag.db import MIGRATIONS, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        connection.execute(
            text(
                "INSERT INTO sessions (id, join_code, facilitator_secret_hash, protocol_source,"
                " title, is_demo, last_seq, created_at) VALUES ('s1', 'ABCDEF', 'h', '', 'T', 0,"
                " 4, '2026-12-01 10:00:00')"
            )
        )
        for seq, type_, data in (
            (1, "evaluation_answered", '{"answers": {"utile": "zebre"}}'),
            (2, "evaluation_done", '{"participant_id": "p1"}'),
            (3, "evaluation_answered", '{"answers": {"utile": "abeille"}}'),
            (4, "evaluation_done", '{"participant_id": "p2"}'),
        ):
            connection.execute(
                text(
                    "INSERT INTO events (session_id, seq, type, actor, audience, data, at)"
                    " VALUES ('s1', :seq, :type, 'x', 'none', :data, '2026-12-01 10:00:00')"
                ),
                {"seq": seq, "type": type_, "data": data},
            )
        command.upgrade(config, "head")
        answered = connection.execute(
            text("SELECT data FROM events WHERE type = 'evaluation_answered'")
        ).all()
        pool = connection.execute(text("SELECT answers FROM evaluation_pools")).scalar_one()
    assert [row.data for row in answered] == ["{}", "{}"]
    assert "zebre" in pool and "abeille" in pool and pool.index("abeille") < pool.index("zebre")
    engine.dispose()
