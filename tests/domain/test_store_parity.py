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
from story import Story, played_session

from mag.domain import events as ev
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
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


def every_other_event() -> Story:
    """A second session for what the played one does not do: timers, the board moved and
    pruned, withdrawals, a vote reopened, a récit declined, a question deferred, a hidden
    step left unrevealed, settings, the validation closed, the archive."""
    s = Story()
    rapporteur = s.invite("rapporteur", "Lucie")
    awa, bruno, chloe = s.join("Awa", "AS"), s.join("Bruno", "éducateur"), s.join("Chloé")
    s.steer("close_joining")
    s.steer("open_joining")
    s.steer("set_seating", order=[chloe.participant_id, awa.participant_id, bruno.participant_id])
    s.steer("start_session")
    s.next()  # presentation
    s.steer("start_round")
    s.steer("pause_timer")
    s.steer("resume_timer")
    s.steer("extend_timer", minutes=2)
    s.next()  # proposals
    mine, yours = s.propose(awa, "La borne"), s.propose(bruno, "Le guichet")
    gone = s.propose(chloe, "Retirée")
    s.do(chloe, "withdraw_proposal", proposal_id=gone)
    s.next()  # vote
    s.steer("close_vote")
    s.steer("reopen_vote")
    s.do(awa, "cast_ballot", choices=[mine])
    s.steer("close_vote")
    s.steer("choose_recits", recits=[{"proposal_id": mine}, {"proposal_id": yours}])
    s.do(bruno, "decline_narration", recit=1)
    s.steer("choose_recits", recits=[{"proposal_id": mine}])
    s.do(awa, "accept_narration", recit=0)
    s.next()  # narration
    s.next()  # stakes
    s.next()  # questions
    s.do(bruno, "contribute", contribution_id="ques-0001", body="Quand ?")
    s.do(bruno, "edit_contribution", contribution_id="ques-0001", body="Quand était-ce ?")
    s.do(chloe, "contribute", contribution_id="ques-0002", body="Et après ?")
    s.do(rapporteur, "defer_question", contribution_id="ques-0002")
    s.do(chloe, "contribute", contribution_id="ques-0003", body="Une de trop.")
    s.do(chloe, "withdraw_contribution", contribution_id="ques-0003")
    s.next()  # first round, hidden
    s.do(bruno, "contribute", contribution_id="inte-0001", body="Gardée cachée.")
    s.steer("next_step", from_index=s.state.step_index, keep_hidden=True)  # reactions
    s.next()  # second round
    s.next()  # analysis
    for n, kind in enumerate(["convergence", "divergence"], start=1):
        s.do(rapporteur, "add_board_item", item_id=f"item-{n:04d}", kind=kind, title=kind)
    s.do(rapporteur, "edit_board_item", item_id="item-0001", kind="noeud", title="Nœud")
    s.do(rapporteur, "reorder_board", order=["item-0002", "item-0001"])
    s.do(rapporteur, "remove_board_item", item_id="item-0002")
    s.next()  # theory
    s.next()  # hypotheses
    s.next()  # perspectives
    s.do(awa, "contribute", contribution_id="pers-0001", body="Former.", level="pratique")
    s.do(bruno, "support_perspective", contribution_id="pers-0001")
    s.do(bruno, "unsupport_perspective", contribution_id="pers-0001")
    s.next()  # evaluation
    s.steer("end_session")
    s.steer("save_synthesis", base_version=0, text="## Contexte\n\nUn texte.")
    s.steer("open_validation", version=1)
    s.do(
        awa,
        "comment_synthesis",
        comment_id="comment-0001",
        version=1,
        section="s1-contexte",
        body="Plutôt ceci.",
        amendment=True,
    )
    s.do(rapporteur, "settle_amendment", comment_id="comment-0001", status="declined")
    s.steer("close_validation")
    s.steer("change_settings", attribution="pseudonym")
    s.archive()
    return s


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
    assert sorted(ev.ALL - played) == []


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
