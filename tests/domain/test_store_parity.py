"""The browser's store (static/js/store.js, run under Node) folds events as the server does.

For every viewer, the snapshot the server gives at some seq, with the events after it
that this viewer may see applied by ``applyEvent``, must be the snapshot the server
gives at the end. The played session and the extra commands below exercise every
event type.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from story import Story, every_other_event, played_session

from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
from mag.domain.steps import PAYLOADS
from mag.domain.views import can_see, snapshot

STORE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "store.js"
NODE = shutil.which("node") or shutil.which("nodejs")
APPLY = """
import { readFileSync } from "node:fs";
const { applyEvent } = await import(process.argv[1]);
const { state, events } = JSON.parse(readFileSync(0, "utf-8"));
for (const event of events) applyEvent(state, event);
process.stdout.write(JSON.stringify(state));
"""


def folded(story: Story, upto: int) -> SessionState:
    state = SessionState(story.state.session_id)
    for event in story.log[:upto]:
        state.apply(event)
    return state


def applied_in_node(state: dict, events: list[dict]) -> dict:
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", APPLY, STORE_JS.as_uri()],
        input=json.dumps({"state": state, "events": events}),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["played", "every other event"])
def story(request) -> Story:
    return played_session() if request.param == "played" else every_other_event()


def viewers(story: Story) -> dict[str, Actor]:
    people = {p.pseudonym: p.id for p in story.state.participants.values()}
    return {
        "animateur": FACILITATOR,
        "rapporteur": Actor(Role.RAPPORTEUR, member_id="member-001"),
        "projection": Actor(Role.OBSERVATEUR, member_id="member-009"),
        "Awa": Actor(Role.PARTICIPANT, participant_id=people["Awa"]),
        "Bruno": Actor(Role.PARTICIPANT, participant_id=people["Bruno"]),
    }


def test_every_event_type_is_played():
    played = {e.type for story in (played_session(), every_other_event()) for e in story.log}
    assert sorted(set(PAYLOADS) - played) == []


@pytest.mark.parametrize("viewer", ["animateur", "rapporteur", "projection", "Awa", "Bruno"])
def test_the_browser_store_folds_events_into_the_servers_snapshot(story, viewer):
    actor = viewers(story)[viewer]
    protocol = story.protocol
    final = snapshot(story.state, protocol, actor)
    admitted = next(
        n
        for n in range(1, len(story.log))
        if snapshot(folded(story, n), protocol, actor)["admitted"]
    )
    for start in sorted({admitted, (admitted + len(story.log)) // 2, len(story.log) - 5}):
        begun = json.loads(json.dumps(snapshot(folded(story, start), protocol, actor)))
        later = [e.to_json() for e in story.log[start:] if can_see(e, actor)]
        assert applied_in_node(begun, later) == json.loads(json.dumps(final)), (viewer, start)


SUMMARY = """
import { readFileSync } from "node:fs";
const { evaluationSummary } = await import(process.argv[1]);
process.stdout.write(JSON.stringify(evaluationSummary(JSON.parse(readFileSync(0, "utf-8")))));
"""


def test_the_evaluation_summary_is_worded_in_the_viewers_language():
    """The summary event carries the questions as the session's file words them (French);
    each page shows them as its protocol, translated into its viewer's language, does."""
    story = played_session()
    protocol = story.protocol.translated("nl")
    summary = story.state.evaluation_summary
    assert summary is not None
    state = snapshot(story.state, protocol, FACILITATOR, "nl")
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", SUMMARY, STORE_JS.as_uri()],
        input=json.dumps(state),
        capture_output=True,
        text=True,
        check=True,
    )
    shown = [q["text"] for q in json.loads(done.stdout)["questions"]]
    dutch = {q["id"]: q["text"] for s in protocol.steps for q in s.options.get("questions", ())}
    assert shown == [dutch[q["id"]] for q in summary["questions"]]
    assert shown != [q["text"] for q in summary["questions"]]
