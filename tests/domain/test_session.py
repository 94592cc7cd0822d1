"""The session's rules, command by command, in the domain alone."""

import hashlib
from contextlib import contextmanager

import pytest
from story import Story

from mag.domain.commands import check_may, may
from mag.domain.i18n import DomainError
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState, Status
from mag.domain.steps.after import ARCHIVE
from mag.domain.steps.session import ADD_PARTICIPANT, INVITE_MEMBER
from mag.domain.views import can_see, snapshot


@contextmanager
def refused(code: str):
    """Expect the domain to refuse with ``code`` and a message for the user."""
    with pytest.raises(DomainError) as caught:
        yield
    assert caught.value.code == code, caught.value
    assert str(caught.value)


def test_a_participant_joins_then_accepts_the_convention_version(story):
    amina = story.join("Amina", "AS en CPAS", accept=False)
    participant = story.state.participants[amina.participant_id]
    assert participant.function == "AS en CPAS"
    assert not participant.has_accepted
    story.do(amina, "accept_convention", version=1)
    assert participant.accepted_version == 1
    assert participant.accepted_at is not None


def test_accepting_a_convention_version_that_is_not_the_current_one_is_refused(story):
    amina = story.join("Amina", accept=False)
    with refused("convention_changed"):
        story.do(amina, "accept_convention", version=2)


def test_nothing_but_the_convention_before_accepting_it(story):
    amina = story.join("Amina", accept=False)
    story.go_to_kind("proposals")
    with refused("consent_required"):
        story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    view = snapshot(story.state, story.protocol, amina)
    assert view["admitted"] is False
    assert set(view) == {"seq", "session", "admitted"}
    assert view["session"]["convention"]["text"] == "On s'écoute."


@pytest.mark.parametrize("pseudonym", ["Amina", "amina", "  AMINA "])
def test_a_pseudonym_is_unique_in_a_session_whatever_its_case(story, pseudonym):
    story.join("Amina")
    with refused("pseudonym_taken"):
        story.join(pseudonym)


@pytest.mark.parametrize(
    ("pseudonym", "code"), [("", "text_empty"), ("   ", "text_empty"), ("x" * 41, "text_too_long")]
)
def test_a_pseudonym_must_be_given_and_short(story, pseudonym, code):
    with refused(code):
        story.join(pseudonym)
    assert story.state.participants == {}


def test_joining_closed_then_reopened(story):
    story.steer("close_joining")
    with refused("joining_closed"):
        story.join("Amina")
    story.steer("open_joining")
    story.join("Amina")
    assert len(story.state.participants) == 1


def test_the_facilitator_walks_every_step_forward_and_back_then_ends(story):
    awa = story.join("Awa")
    story.steer("start_session")
    assert story.state.status is Status.RUNNING
    assert story.state.step_index == 0
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "Le guichet fermé"))
    last = len(story.protocol.steps) - 1
    for index in range(story.state.step_index, last):
        story.steer("next_step", from_index=index)
    assert story.state.step_index == last
    with refused("last_step"):
        story.steer("next_step", from_index=last)
    story.steer("previous_step", from_index=last)
    assert story.state.step_index == last - 1
    story.steer("end_session")
    assert story.state.status is Status.ENDED
    assert not story.state.is_joining_open


def test_a_double_click_on_next_moves_one_step_only(story):
    story.steer("start_session")
    story.steer("next_step", from_index=0)
    with refused("step_moved"):
        story.steer("next_step", from_index=0)
    assert story.state.step_index == 1


def test_step_commands_need_a_running_session(story):
    with refused("not_running"):
        story.steer("next_step", from_index=None)
    story.steer("start_session")
    with refused("already_started"):
        story.steer("start_session")
    with refused("first_step"):
        story.steer("previous_step", from_index=0)


@pytest.mark.parametrize(
    "command", ["start_session", "next_step", "previous_step", "end_session", "close_joining"]
)
def test_a_participant_cannot_send_a_facilitator_command(story, command):
    amina = story.join("Amina")
    before = story.state.seq
    with refused("forbidden"):
        story.do(amina, command, from_index=None)
    assert story.state.seq == before


def test_the_facilitator_cannot_submit_a_proposal(story):
    story.go_to_kind("proposals")
    with refused("forbidden"):
        story.steer("submit_proposal", proposal_id="prop-0001", title="T", body="B")


def test_proposals_are_submitted_edited_and_withdrawn_by_their_author(story):
    amina = story.join("Amina")
    story.go_to_kind("proposals")
    story.do(
        amina,
        "submit_proposal",
        proposal_id="prop-0001",
        title="Le guichet fermé",
        body="Un lundi…",
    )
    proposal = story.state.proposals["prop-0001"]
    assert (proposal.author_id, proposal.title) == (amina.participant_id, "Le guichet fermé")
    story.do(amina, "edit_proposal", proposal_id="prop-0001", title="Le guichet", body="Un mardi…")
    assert (proposal.title, proposal.body) == ("Le guichet", "Un mardi…")
    story.do(amina, "withdraw_proposal", proposal_id="prop-0001")
    assert proposal.is_withdrawn
    with refused("unknown_proposal"):
        story.do(amina, "edit_proposal", proposal_id="prop-0001", title="X", body="Y")


def test_nobody_edits_or_withdraws_someone_elses_proposal(story):
    amina, bruno = story.join("Amina"), story.join("Bruno")
    story.go_to_kind("proposals")
    story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    with refused("not_author"):
        story.do(bruno, "edit_proposal", proposal_id="prop-0001", title="Mine", body="now")
    with refused("not_author"):
        story.do(bruno, "withdraw_proposal", proposal_id="prop-0001")
    assert story.state.proposals["prop-0001"].title == "T"


def test_proposals_only_while_the_proposals_step_is_open(story):
    amina = story.join("Amina")
    story.steer("start_session")
    with refused("wrong_step"):
        story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    story.go_to_kind("proposals")
    story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    story.steer("next_step", from_index=story.state.step_index)
    with refused("wrong_step"):
        story.do(amina, "edit_proposal", proposal_id="prop-0001", title="T2", body="B2")
    with refused("wrong_step"):
        story.do(amina, "withdraw_proposal", proposal_id="prop-0001")


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [
        ("", "B", "text_empty"),
        ("T", "   ", "text_empty"),
        ("T" * 121, "B", "text_too_long"),
        ("T", "B" * 2001, "text_too_long"),
        (12, "B", "invalid_text"),
    ],
)
def test_proposal_text_limits(story, title, body, code):
    amina = story.join("Amina")
    story.go_to_kind("proposals")
    with refused(code):
        story.do(amina, "submit_proposal", proposal_id="prop-0001", title=title, body=body)
    assert story.state.proposals == {}


def test_text_keeps_every_character_but_controls_and_lone_surrogates(story):
    amina = story.join("Amina")
    story.go_to_kind("proposals")
    body = "Un 👍 et 𝔘,\x07 une moitié \ud83d seule, \udc4d l'autre."
    story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body=body)
    stored = story.state.proposals["prop-0001"].body
    assert stored == "Un 👍 et 𝔘, une moitié  seule,  l'autre."
    stored.encode("utf-8")  # any UTF-8 store or file takes it


def test_a_proposal_id_is_made_by_the_client_and_cannot_be_reused(story):
    amina = story.join("Amina")
    story.go_to_kind("proposals")
    with refused("invalid_id"):
        story.do(amina, "submit_proposal", proposal_id="x", title="T", body="B")
    story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    with refused("duplicate_id"):
        story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")


def test_unknown_command(story):
    with refused("unknown_command"):
        story.steer("reveal_everything")


def test_replaying_the_log_rebuilds_the_same_state(story):
    amina = story.join("Amina", "AS en CPAS")
    story.go_to_kind("proposals")
    story.do(amina, "submit_proposal", proposal_id="prop-0001", title="T", body="B")
    story.steer("next_step", from_index=story.state.step_index)
    replayed = SessionState("s1")
    for event in story.log:
        replayed.apply(event)
    assert replayed == story.state


def test_every_event_reaches_every_admitted_viewer_by_default(story):
    amina = story.join("Amina")
    events = story.steer("start_session")
    assert all(can_see(e, amina) for e in events)
    assert all(can_see(e, FACILITATOR) for e in events)


def test_the_command_table_says_who_may_do_what_the_edge_carries_out(story):
    rapporteur = Actor(Role.RAPPORTEUR, member_id="m-1")
    amina = story.join("Amina")
    assert may(ADD_PARTICIPANT, rapporteur) and not may(ADD_PARTICIPANT, amina)
    assert may(INVITE_MEMBER, FACILITATOR) and not may(INVITE_MEMBER, rapporteur)
    with refused("forbidden"):
        check_may(ARCHIVE, rapporteur)
    check_may(ARCHIVE, FACILITATOR)
    # What the edge carries out cannot be sent as a command.
    for name in (INVITE_MEMBER, ARCHIVE):
        with refused("unknown_command"):
            story.steer(name)


def test_consent_records_the_language_and_the_exact_text_accepted():
    texts = {"fr": "On s'écoute.", "nl": "We luisteren naar elkaar."}
    story = Story(
        convention={"version": 1, "text": texts["fr"], "translations": {"nl": texts["nl"]}}
    )
    joost = story.join("Joost", accept=False)
    emma = story.join("Emma", accept=False)
    seen = snapshot(story.state, story.protocol, joost, "nl")["session"]["convention"]
    assert seen == {"version": 1, "text": texts["nl"], "language": "nl"}
    # Not given in English: Emma reads it as written, in French.
    seen = snapshot(story.state, story.protocol, emma, "en")["session"]["convention"]
    assert seen == {"version": 1, "text": texts["fr"], "language": "fr"}

    (event,) = story.do(joost, "accept_convention", version=1, language="nl")
    assert event.data["language"] == "nl"
    assert event.data["text_sha256"] == hashlib.sha256(texts["nl"].encode()).hexdigest()
    with refused("malformed"):
        story.do(emma, "accept_convention", version=1, language="en")
    assert not story.state.participants[emma.participant_id].has_accepted


def test_only_the_team_marks_a_proposal_as_coming_from_a_fiche(story):
    amina = story.join("Amina")
    story.go_to_kind("proposals")
    with refused("forbidden"):
        story.do(
            amina,
            "submit_proposal",
            proposal_id="prop-0001",
            title="T",
            body="B",
            fiche_id="fiche-000001",
        )
    assert "prop-0001" not in story.state.proposals
    story.steer(
        "submit_proposal",
        proposal_id="prop-0002",
        title="T",
        body="B",
        on_behalf_of=amina.participant_id,
        fiche_id="fiche-000001",
    )
    proposal = story.state.proposals["prop-0002"]
    assert (proposal.author_id, proposal.entered_by, proposal.fiche_id) == (
        amina.participant_id,
        "animateur",
        "fiche-000001",
    )


def _fiche_proposal(story, author) -> str:
    story.go_to_kind("proposals")
    story.steer(
        "submit_proposal",
        proposal_id="prop-fiche1",
        title="Le guichet fermé",
        body="Plus de guichet au CPAS.",
        on_behalf_of=author.participant_id,
        fiche_id="fiche-000001",
    )
    return "prop-fiche1"


def test_a_fiche_brought_by_the_team_waits_for_its_author_before_the_group_sees_it(story):
    from mag.domain.roles import FACILITATOR
    from mag.domain.views import snapshot

    amina, bruno = story.join("Amina"), story.join("Bruno")
    proposal_id = _fiche_proposal(story, amina)
    [submitted] = [e for e in story.log if e.type == "proposal_submitted"]
    assert submitted.audience == f"p:{amina.participant_id}"

    def seen_by(actor):
        return snapshot(story.state, story.protocol, actor)["proposals"]

    assert proposal_id in seen_by(amina) and seen_by(amina)[proposal_id]["awaiting_consent"]
    assert proposal_id in seen_by(FACILITATOR)
    assert proposal_id not in seen_by(bruno)
    # Not in the vote while it waits; an edit of it reaches no one else either.
    story.do(amina, "edit_proposal", proposal_id=proposal_id, title="Le guichet", body="Fermé.")
    assert story.log[-1].audience == f"p:{amina.participant_id}"
    with refused("not_author"):
        story.do(bruno, "answer_fiche_proposal", proposal_id=proposal_id, consent=True)
    with refused("invalid_choice"):
        story.do(amina, "answer_fiche_proposal", proposal_id=proposal_id, consent="oui")
    assert story.state.proposals[proposal_id].awaiting_consent
    [consented] = story.do(amina, "answer_fiche_proposal", proposal_id=proposal_id, consent=True)
    assert consented.type == "proposal_consented" and consented.audience == "all"
    assert consented.data["title"] == "Le guichet" and consented.data["body"] == "Fermé."
    assert seen_by(bruno)[proposal_id]["awaiting_consent"] is False
    with refused("not_awaiting"):
        story.do(amina, "answer_fiche_proposal", proposal_id=proposal_id, consent=False)


def test_a_fiche_its_author_declines_is_withdrawn_unseen_and_never_in_the_vote(story):
    amina, _bruno = story.join("Amina"), story.join("Bruno")
    proposal_id = _fiche_proposal(story, amina)
    [declined] = story.do(amina, "answer_fiche_proposal", proposal_id=proposal_id, consent=False)
    assert declined.type == "proposal_withdrawn"
    assert declined.audience == f"p:{amina.participant_id}"
    assert story.state.proposals[proposal_id].is_withdrawn


def test_a_fiche_awaiting_its_author_cannot_be_voted_for(story):
    amina, bruno = story.join("Amina"), story.join("Bruno")
    proposal_id = _fiche_proposal(story, amina)
    story.next()  # the vote
    with refused("unknown_proposal"):
        story.do(bruno, "cast_ballot", choices=[proposal_id])
