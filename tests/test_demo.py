"""`mag demo`: a complete example session, played through the real services on the configured database."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mag import create_app, services
from mag.cli import main
from mag.db import make_engine, make_sessionmaker
from mag.demo import ensure_demo_session
from mag.domain.protocol import builtin_protocol
from mag.domain.state import BoardKind, ContributionKind, SessionState, Status
from mag.models import SessionRecord
from mag.report.material import fold

STEPS = builtin_protocol("mag-complet").steps


@pytest.fixture
def database(tmp_path, monkeypatch):
    """The database `mag demo` writes to, chosen as for `mag serve`: MAG_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'demo' / 'mag.sqlite3'}"
    monkeypatch.setenv("MAG_DATABASE_URL", url)
    return url


def run_demo() -> list[str]:
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()


def stored(url: str) -> dict[str, SessionState]:
    """Every session in the database, folded from its event log."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as db:
            ids = list(db.scalars(select(SessionRecord.id)))
            return {sid: fold(sid, services.events_after(db, sid, 0)) for sid in ids}
    finally:
        engine.dispose()


def test_demo_plays_every_step_and_the_validation(database):
    lines = run_demo()
    session_id = lines[-1]
    state = stored(database)[session_id]
    facilitator_lines = [line for line in lines if f"/animer/{session_id}/" in line]
    assert facilitator_lines and "animation" in facilitator_lines[0]

    assert state.status is Status.ENDED and state.archived_at is None
    assert state.protocol_name == "mag-complet"
    assert 5 <= len(state.participants) <= 6
    assert all(p.accepted_version == state.convention_version for p in state.participants.values())
    without_device = [p for p in state.participants.values() if p.entered_by == "rapporteur"]
    assert len(without_device) == 1
    typed_for = without_device[0].id
    assert any(
        c.author_id == typed_for and c.entered_by == "rapporteur"
        for c in state.contributions.values()
    )

    # Contributions in every step, and in every récit for the steps of the récit block.
    places = {(c.step_index, c.recit) for c in state.contributions.values() if not c.is_withdrawn}
    recits = range(len(state.recits))
    for index, step in enumerate(STEPS):
        expected = [(index, r) for r in recits] if step.per_recit else [(index, None)]
        for place in expected:
            assert place in places, f"nothing said at {step.id} {place}"
    assert 1 <= len(state.recits) <= 2 and all(r.accepted for r in state.recits)
    assert state.is_vote_closed and state.vote_results

    kinds = {c.kind for c in state.contributions.values()}
    assert {
        ContributionKind.STAKES,
        ContributionKind.QUESTION,
        ContributionKind.INTERPRETATION,
        ContributionKind.REACTION,
        ContributionKind.SUGGESTION,
        ContributionKind.THEORY,
        ContributionKind.HYPOTHESIS,
        ContributionKind.PERSPECTIVE,
        ContributionKind.NOTE,
    } <= kinds
    questions = [c for c in state.contributions.values() if c.kind is ContributionKind.QUESTION]
    assert any(q.status == "answered" for q in questions)
    assert any(c.deferred_from is not None for c in state.contributions.values())
    assert any(c.replies_to for c in state.contributions.values())
    assert {c.level for c in state.contributions.values() if c.level} == {
        "pratique",
        "institution",
        "politique",
    }
    assert any(c.supporters for c in state.contributions.values())
    first_round = next(i for i, step in enumerate(STEPS) if step.id == "premier-tour")
    assert {(first_round, r) for r in recits} <= state.revealed

    assert {item.kind for item in state.board.values()} == set(BoardKind)
    assert all(item.links for item in state.board.values())
    suggestions = [c for c in state.contributions.values() if c.kind is ContributionKind.SUGGESTION]
    assert any(s.status == "accepted" for s in suggestions)

    summary = state.evaluation_summary
    assert summary is not None and summary["respondents"] == len(state.participants)

    assert state.replacements
    assert state.synthesis_version >= 1 and "## " in state.synthesis_text
    comments = list(state.comments.values())
    assert any(c.is_amendment for c in comments) and any(not c.is_amendment for c in comments)
    latest = state.synthesis_version
    assert state.is_validation_open and state.validation_version == latest
    assert {a.participant_id for a in state.approvals if a.version == latest} == set(
        state.participants
    )


def test_demo_takes_its_steps_planned_time_and_has_just_ended(database):
    """Its method note shows real minutes: each step about as long as the protocol plans."""
    session_id = run_demo()[-1]
    state = stored(database)[session_id]
    last = max(v.ended_at or v.started_at for v in state.visits)
    spent: dict[tuple[int, int | None], float] = {}
    for visit in state.visits:
        key = (visit.step_index, visit.recit)
        spent[key] = spent.get(key, 0) + visit.seconds(last) / 60
    for (index, recit), minutes in spent.items():
        planned = STEPS[index].duration_minutes
        assert 0.8 * planned <= minutes <= 1.5 * planned, (STEPS[index].id, recit, minutes)
    # Played as if it had been held in the hours before the command ran.
    assert datetime.now(UTC) - timedelta(hours=1) < last <= datetime.now(UTC) + timedelta(hours=1)
    assert state.visits[0].started_at < last - timedelta(hours=8)


def test_each_run_makes_a_new_session(database):
    first = run_demo()[-1]
    second = run_demo()[-1]
    assert first != second
    sessions = stored(database)
    assert set(sessions) == {first, second}
    assert all(state.status is Status.ENDED for state in sessions.values())


def test_the_printed_links_open_the_console_of_the_ended_session(database):
    lines = run_demo()
    session_id = lines[-1]
    facilitator = next(line for line in lines if "/animer/" in line).split(" : ")[-1]
    rapporteur = next(line for line in lines if "/equipe/" in line).split(" : ")[-1]
    app = create_app({"TESTING": True})
    try:
        browser = app.test_client()
        assert browser.get(facilitator).status_code == 302
        assert browser.get(f"/animer/{session_id}").status_code == 200
        socket = app.extensions["mag"].socketio.test_client(
            app, flask_test_client=browser, auth={"session": session_id, "role": "animateur"}
        )
        answer = socket.emit("sync", {"since": 0}, callback=True)
        socket.disconnect()
        assert answer["ok"] and answer["state"]["session"]["status"] == "ended"
        assert app.test_client().get(rapporteur).status_code == 302
    finally:
        app.extensions["mag"].engine.dispose()


def test_the_serve_demo_stays_a_separate_empty_session(database):
    played = run_demo()[-1]
    app = create_app({"TESTING": True})
    try:
        with app.app_context():
            ready = ensure_demo_session(app)
            again = ensure_demo_session(app)
    finally:
        app.extensions["mag"].engine.dispose()
    assert ready.session_id == again.session_id != played
    assert ready.facilitator_secret != again.facilitator_secret
    assert stored(database)[ready.session_id].status is Status.LOBBY
