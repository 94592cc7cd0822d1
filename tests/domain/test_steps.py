"""Every step of the MAG, played in the domain: the method's rules and who may do what."""

import pytest
from test_session import refused

from mag.domain import events as ev
from mag.domain.i18n import DomainError
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import ContributionKind
from mag.domain.views import can_see, snapshot

RAPPORTEUR = Actor(Role.RAPPORTEUR, member_id="r1")
OBSERVER = Actor(Role.OBSERVATEUR, member_id="o1")


@pytest.fixture
def people(story):
    """Awa, Bruno, Chloé and Driss joined and accepted the convention."""
    return story.group(4)


@pytest.fixture
def chosen(story, people):
    """Awa's récit is chosen and she agreed to narrate; the session is at the narration."""
    awa = people[0]
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "Le guichet fermé"))
    story.next()
    return people


def contribution_events(events):
    return [e for e in events if e.type == ev.CONTRIBUTION_ADDED]


# ---------------------------------------------------------------- vote


def test_ballots_are_secret_only_the_count_is_public(story, people):
    awa, bruno, chloe, _ = people
    story.go_to_kind("proposals")
    first = story.propose(awa, "Le guichet fermé")
    second = story.propose(bruno, "Le formulaire en ligne")
    story.go_to_kind("vote")
    ballot, voted = story.do(chloe, "cast_ballot", choices=[second, first])
    assert ballot.audience == ev.audience_self(chloe.participant_id)
    assert can_see(ballot, chloe)
    for viewer in (awa, FACILITATOR, RAPPORTEUR, OBSERVER):
        assert not can_see(ballot, viewer)
    assert voted.audience == ev.AUDIENCE_ALL and "choices" not in voted.data
    assert snapshot(story.state, story.protocol, awa)["vote"] == {
        "voters": [chloe.participant_id],
        "is_closed": False,
        "results": [],
        "my_ballot": None,
    }
    assert snapshot(story.state, story.protocol, chloe)["vote"]["my_ballot"] == [second, first]
    assert snapshot(story.state, story.protocol, FACILITATOR)["vote"]["my_ballot"] is None


def test_voting_twice_too_much_or_after_the_close_is_refused(story, people):
    awa, bruno, chloe, driss = people
    story.go_to_kind("proposals")
    proposals = [story.propose(p, f"Récit {i}") for i, p in enumerate(people)]
    story.go_to_kind("vote")
    with refused("wrong_vote_count"):
        story.do(awa, "cast_ballot", choices=proposals[:3])  # two votes each in mag-complet
    with refused("wrong_vote_count"):
        story.do(awa, "cast_ballot", choices=[])
    with refused("duplicate_choice"):
        story.do(awa, "cast_ballot", choices=[proposals[0], proposals[0]])
    with refused("unknown_proposal"):
        story.do(awa, "cast_ballot", choices=["nope-0000"])
    story.do(awa, "cast_ballot", choices=proposals[:2])
    with refused("already_voted"):
        story.do(awa, "cast_ballot", choices=proposals[2:])
    with refused("forbidden"):
        story.do(awa, "close_vote")
    story.steer("close_vote")
    with refused("vote_closed"):
        story.do(bruno, "cast_ballot", choices=proposals[:1])
    assert story.state.voters == [awa.participant_id]


def test_ties_are_shown_with_the_same_rank_never_broken(story, people):
    awa, bruno, chloe, driss = people
    story.go_to_kind("proposals")
    a = story.propose(awa, "A")
    b = story.propose(bruno, "B")
    c = story.propose(chloe, "C")
    story.go_to_kind("vote")
    story.do(awa, "cast_ballot", choices=[a, b])
    story.do(bruno, "cast_ballot", choices=[b])
    story.do(chloe, "cast_ballot", choices=[a])
    story.steer("close_vote")
    results = {r["proposal_id"]: (r["score"], r["rank"]) for r in story.state.vote_results}
    assert results == {a: (2, 1), b: (2, 1), c: (0, 3)}


def test_a_ranking_gives_more_points_to_the_first_choice(story, people):
    from mag.domain.steps.vote import tally

    awa, bruno, *_ = people
    story.go_to_kind("proposals")
    a = story.propose(awa, "A")
    b = story.propose(bruno, "B")
    story.state.ballots = {"x": [a, b], "y": [b, a], "z": [a]}
    ranked = {r["proposal_id"]: r["score"] for r in tally(story.state, "ranking", 2)}
    assert ranked == {a: 2 + 1 + 2, b: 1 + 2}


def test_the_researcher_votes_for_someone_without_a_device(story, people):
    awa, *_ = people
    story.go_to_kind("proposals")
    a = story.propose(awa, "A")
    story.go_to_kind("vote")
    _, voted = story.do(RAPPORTEUR, "cast_ballot", choices=[a], on_behalf_of=awa.participant_id)
    assert voted.data == {"participant_id": awa.participant_id, "entered_by": "rapporteur"}
    assert voted.actor == RAPPORTEUR.key


def test_the_recit_block_waits_for_the_chosen_narrator_to_accept(story, people):
    awa, bruno, *_ = people
    story.go_to_kind("proposals")
    a = story.propose(awa, "A")
    story.go_to_kind("vote")
    with refused("no_recit"):
        story.next()
    with refused("vote_open"):
        story.steer("choose_recits", recits=[{"proposal_id": a}])
    story.steer("close_vote")
    story.steer("choose_recits", recits=[{"proposal_id": a}])
    assert story.state.recits[0].narrator_id == awa.participant_id
    with refused("narrator_pending"):
        story.next()
    with refused("not_narrator"):
        story.do(bruno, "accept_narration", recit=0)
    story.do(awa, "decline_narration", recit=0)
    with refused("narrator_pending"):
        story.next()
    story.steer("choose_recits", recits=[{"proposal_id": a, "narrator_id": bruno.participant_id}])
    story.do(bruno, "accept_narration", recit=0)
    story.next()
    assert story.protocol.steps[story.state.step_index].id == "narration"
    assert story.state.recit_index == 0


def test_with_two_recits_the_block_runs_once_per_recit(story, people):
    awa, bruno, *_ = people
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "A"), story.propose(bruno, "B"))
    block = story.protocol.recit_block
    places = []
    while story.protocol.steps[story.state.step_index].kind.value != "perspectives":
        story.next()
        places.append(story.state.place)
    expected = [(i, 0) for i in block] + [(i, 1) for i in block]
    assert places == expected + [(block.stop, None)]
    story.steer("previous_step", from_index=block.stop)
    assert story.state.place == (block.stop - 1, 1)
    while story.state.place != (block.start, 1):
        story.steer("previous_step", from_index=story.state.step_index)
    story.steer("previous_step", from_index=block.start)
    assert story.state.place == (block.stop - 1, 0)


# ---------------------------------------------------------------- narration, stakes, questions


def test_what_the_narrator_tells_typed_by_the_rapporteur_is_the_narrators(story, chosen):
    awa, bruno, *_ = chosen
    with refused("forbidden"):
        story.do(bruno, "add_note", contribution_id="note-0001", body="Je note")
    [note] = story.do(
        RAPPORTEUR, "add_note", contribution_id="note-0001", body="Le guichet a fermé."
    )
    assert note.audience == ev.AUDIENCE_ALL
    stored = story.state.contributions["note-0001"]
    assert (stored.kind, stored.author_id, stored.entered_by, stored.recit) == (
        ContributionKind.NOTE,
        awa.participant_id,
        "rapporteur",
        0,
    )
    assert stored.at == story.now
    # Elsewhere a note is the rapporteur's own.
    story.next()  # enjeux
    story.do(RAPPORTEUR, "add_note", contribution_id="note-0002", body="Silence dans la salle.")
    own = story.state.contributions["note-0002"]
    assert (own.author_id, own.entered_by) == (None, "rapporteur")


def test_only_the_narrator_states_the_stakes_or_the_rapporteur_for_them(story, chosen):
    awa, bruno, *_ = chosen
    story.next()  # enjeux
    with refused("narrator_only"):
        story.do(bruno, "contribute", contribution_id="stake-0001", body="Pour moi…")
    with refused("needs_author"):
        story.do(RAPPORTEUR, "contribute", contribution_id="stake-0001", body="Pour elle…")
    story.do(
        RAPPORTEUR,
        "contribute",
        contribution_id="stake-0001",
        body="Comprendre pourquoi le guichet a fermé.",
        on_behalf_of=awa.participant_id,
    )
    stake = story.state.contributions["stake-0001"]
    assert (stake.kind, stake.author_id, stake.entered_by) == (
        ContributionKind.STAKES,
        awa.participant_id,
        "rapporteur",
    )


def test_questions_queue_hands_and_a_question_moved_to_the_round(story, chosen):
    awa, bruno, chloe, _ = chosen
    story.go_to_kind("questions")
    with refused("narrator_answers"):
        story.do(awa, "contribute", contribution_id="q-000001", body="?")
    story.do(bruno, "contribute", contribution_id="q-000001", body="Qui était au guichet ?")
    story.do(chloe, "raise_hand", contribution_id="q-000002")
    hand = story.state.contributions["q-000002"]
    assert hand.is_hand and hand.body == "" and hand.status == "queued"
    story.do(
        RAPPORTEUR,
        "edit_contribution",
        contribution_id="q-000002",
        body="Ce n'était pas plutôt de la peur ?",
    )
    assert (
        hand.body.startswith("Ce n'était") and hand.entered_by == "rapporteur" and not hand.is_hand
    )
    story.steer("mark_question", contribution_id="q-000001", status="current")
    story.do(RAPPORTEUR, "mark_question", contribution_id="q-000002", status="current")
    assert story.state.contributions["q-000001"].status == "queued"
    with refused("forbidden"):
        story.do(bruno, "mark_question", contribution_id="q-000001", status="answered")
    story.steer("defer_question", contribution_id="q-000002")
    moved = story.state.contributions["q-000002"]
    first_round = story.protocol.index_of("premier-tour")
    assert (moved.kind, moved.step_index, moved.author_id) == (
        ContributionKind.INTERPRETATION,
        first_round,
        chloe.participant_id,
    )


def test_the_narrator_answers_each_question_and_the_rapporteur_may_type_it(story, chosen):
    awa, bruno, chloe, _ = chosen
    story.go_to_kind("questions")
    story.do(bruno, "contribute", contribution_id="q-000001", body="Qui était au guichet ?")
    story.do(chloe, "contribute", contribution_id="q-000002", body="Et après ?")
    with refused("narrator_only"):
        story.do(
            bruno, "answer_question", contribution_id="a-000001", question_id="q-000001", body="Moi"
        )
    with refused("unknown_question"):
        story.do(
            awa, "answer_question", contribution_id="a-000001", question_id="nope-0001", body="?"
        )
    with refused("text_empty"):
        story.do(
            awa, "answer_question", contribution_id="a-000001", question_id="q-000001", body=" "
        )

    added, marked = story.do(
        awa,
        "answer_question",
        contribution_id="a-000001",
        question_id="q-000001",
        body="Une stagiaire.",
    )
    assert added.audience == ev.AUDIENCE_ALL and marked.type == ev.QUESTION_MARKED
    answer = story.state.contributions["a-000001"]
    assert (answer.kind, answer.author_id, answer.entered_by, answer.replies_to) == (
        ContributionKind.ANSWER,
        awa.participant_id,
        None,
        ["q-000001"],
    )
    assert story.state.contributions["q-000001"].status == "answered"
    with refused("already_answered"):
        story.do(
            awa, "answer_question", contribution_id="a-000002", question_id="q-000001", body="Bis"
        )

    # Said aloud, typed by the rapporteur: the narrator's words all the same.
    story.do(
        RAPPORTEUR,
        "answer_question",
        contribution_id="a-000002",
        question_id="q-000002",
        body="Rien.",
    )
    typed = story.state.contributions["a-000002"]
    assert (typed.author_id, typed.entered_by) == (awa.participant_id, "rapporteur")
    # The narrator corrects their answer during the step, like any contribution of theirs.
    story.do(awa, "edit_contribution", contribution_id="a-000002", body="Rien du tout.")
    assert typed.body == "Rien du tout."
    story.next()
    with refused("wrong_step"):
        story.do(
            awa, "answer_question", contribution_id="a-000003", question_id="q-000002", body="?"
        )


# ---------------------------------------------------------------- rounds


def go_to_first_round(story):
    story.go_to_step("premier-tour")
    story.steer("start_round")
    return story.state.current_round


def test_the_speaking_order_follows_the_seating_with_the_narrator_last(story, chosen):
    awa, bruno, chloe, driss = chosen
    seating = [awa, driss, chloe, bruno]
    story.steer("set_seating", order=[p.participant_id for p in seating])
    round_ = go_to_first_round(story)
    assert round_.order == [p.participant_id for p in (driss, chloe, bruno, awa)]
    assert round_.turn_seconds == 5 * 60
    with refused("round_running"):
        story.steer("start_round")


def test_a_shuffled_order_is_drawn_once_and_kept_in_the_log(story):
    from mag.domain.steps.rounds import speaking_order

    people = story.group(6)
    step = story.protocol.steps[story.protocol.index_of("presentation")]
    order = speaking_order(story.state, step, lambda ids: ids.reverse())
    assert order == [p.participant_id for p in people]  # presentation: join order
    shuffled = step.__class__(**{**step.__dict__, "options": {**step.options, "order": "shuffled"}})
    assert speaking_order(story.state, shuffled, lambda ids: ids.reverse()) == order[::-1]


def test_turns_pass_come_back_at_the_end_and_nobody_speaks_out_of_turn(story, chosen):
    awa, bruno, chloe, driss = chosen
    round_ = go_to_first_round(story)
    first, second = round_.order[0], round_.order[1]
    by_id = {p.participant_id: p for p in chosen}
    with refused("not_your_turn"):
        story.do(by_id[second], "end_turn", speaker=first, outcome="spoke")
    with refused("turn_moved"):
        story.steer("end_turn", speaker=second, outcome="spoke")
    narrator = round_.order[-1]
    story.do(by_id[first], "end_turn", speaker=first, outcome="passed")
    # Back at the end of the round, before the narrator, who speaks last.
    assert round_.order[-2:] == [first, narrator] and round_.speaker == second
    while round_.speaker != first:
        story.steer("end_turn", speaker=round_.speaker, outcome="spoke")
    story.steer("end_turn", speaker=first, outcome="passed")
    assert round_.speaker == narrator
    story.steer("end_turn", speaker=narrator, outcome="spoke")
    assert round_.is_over
    assert round_.outcomes[first] == "passed"
    assert all(round_.outcomes[p] == "spoke" for p in round_.outcomes if p != first)
    with refused("no_round"):
        story.steer("end_turn", speaker=first, outcome="spoke")


def test_the_narrator_speaks_last_however_many_pass_and_whoever_passes(story, chosen):
    awa, bruno, chloe, driss = chosen
    round_ = go_to_first_round(story)
    narrator = story.state.narrator(story.state.recit_index)
    assert narrator == awa.participant_id and round_.order[-1] == narrator
    others = round_.order[:-1]
    for speaker in others[:2]:
        story.steer("end_turn", speaker=speaker, outcome="passed")
    assert round_.order == [*others, *others[:2], narrator]
    story.steer("end_turn", speaker=others[2], outcome="spoke")
    # Those who passed come back in the order they passed, the narrator still last.
    assert [round_.speaker, round_.next_speaker] == others[:2]
    story.steer("end_turn", speaker=others[0], outcome="spoke")
    story.steer("end_turn", speaker=others[1], outcome="passed")  # a second pass: done
    assert round_.speaker == narrator
    # The narrator may pass too: they come back after everyone, so still last.
    story.steer("end_turn", speaker=narrator, outcome="passed")
    assert round_.speaker == narrator and round_.next_speaker is None
    story.steer("end_turn", speaker=narrator, outcome="spoke")
    assert round_.is_over
    assert round_.outcomes == {
        others[0]: "spoke",
        others[1]: "passed",
        others[2]: "spoke",
        narrator: "spoke",
    }


def test_a_round_logged_before_the_narrator_kept_the_last_place_replays_as_it_ran(story, chosen):
    round_ = go_to_first_round(story)
    round_.last = None  # what a round_started event without "last" gives
    first, narrator = round_.order[0], round_.order[-1]
    story.steer("end_turn", speaker=first, outcome="passed")
    assert round_.order[-2:] == [narrator, first]


def test_the_timer_pauses_and_extends_but_never_cuts_anyone_off(story, chosen):
    round_ = go_to_first_round(story)
    story.wait(minutes=2)
    story.steer("pause_timer")
    story.wait(minutes=10)
    with refused("timer_paused"):
        story.steer("pause_timer")
    story.steer("resume_timer")
    story.steer("extend_timer", minutes=2)
    with refused("invalid_minutes"):
        story.steer("extend_timer", minutes=0)
    assert round_.paused_seconds == 600 and round_.extra_seconds == 120
    story.wait(minutes=30)  # far beyond the time: the speaker still has the floor
    assert round_.speaker == round_.order[0]


def test_hidden_interpretations_reach_others_only_with_the_reveal(story, chosen):
    awa, bruno, chloe, driss = chosen
    go_to_first_round(story)
    [added] = story.do(bruno, "contribute", contribution_id="int-0001", body="C'est l'institution.")
    assert added.audience == ev.audience_participant(bruno.participant_id)
    assert not can_see(added, chloe) and can_see(added, bruno) and can_see(added, RAPPORTEUR)
    assert not can_see(added, OBSERVER)
    assert "int-0001" not in snapshot(story.state, story.protocol, chloe)["contributions"]
    assert "int-0001" in snapshot(story.state, story.protocol, bruno)["contributions"]
    # Asking for it by its id tells nothing either.
    with refused("unknown_contribution"):
        story.do(chloe, "edit_contribution", contribution_id="int-0001", body="À moi")
    with refused("already_contributed"):
        story.do(bruno, "contribute", contribution_id="int-0002", body="Une deuxième")
    with refused("forbidden"):
        story.do(bruno, "reveal")
    [revealed] = story.steer("reveal")
    assert revealed.audience == ev.AUDIENCE_ALL
    assert [c["body"] for c in revealed.data["contributions"]] == ["C'est l'institution."]
    assert "int-0001" in snapshot(story.state, story.protocol, chloe)["contributions"]
    [after] = story.do(chloe, "contribute", contribution_id="int-0003", body="Et la peur.")
    assert after.audience == ev.AUDIENCE_ALL
    with refused("not_author"):
        story.do(chloe, "edit_contribution", contribution_id="int-0001", body="À moi")
    with refused("already_revealed"):
        story.steer("reveal")


def test_leaving_a_hidden_step_unrevealed_takes_the_animateurs_word(story, chosen):
    awa, bruno, *_ = chosen
    go_to_first_round(story)
    index = story.state.step_index
    story.do(bruno, "contribute", contribution_id="int-0001", body="C'est l'institution.")
    for name, args in (("next_step", {"from_index": index}), ("end_session", {})):
        with pytest.raises(DomainError) as caught:
            story.steer(name, **args)
        assert (caught.value.code, caught.value.params) == ("unrevealed", {"count": 1})
    with refused("unrevealed"):
        story.steer("next_step", from_index=index, keep_hidden="oui")  # only a real yes
    assert story.state.step_index == index

    kept, moved = story.steer("next_step", from_index=index, keep_hidden=True)
    assert (kept.type, moved.type) == (ev.HIDDEN_KEPT, ev.STEP_CHANGED)
    assert kept.audience == ev.AUDIENCE_STAFF
    assert story.state.kept_hidden == {(index, 0): 1}
    assert story.state.contributions["int-0001"].is_hidden
    # Coming back and leaving again asks again only if something new is hidden.
    story.steer("previous_step", from_index=index + 1)
    [moved] = story.steer("next_step", from_index=index)
    assert moved.type == ev.STEP_CHANGED
    story.steer("previous_step", from_index=index + 1)
    story.do(awa, "contribute", contribution_id="int-0002", body="Le guichet.")
    with refused("unrevealed"):
        story.steer("next_step", from_index=index)


def test_a_revealed_or_empty_hidden_step_is_left_without_a_question(story, chosen):
    awa, bruno, *_ = chosen
    go_to_first_round(story)
    index = story.state.step_index
    story.do(bruno, "contribute", contribution_id="int-0001", body="C'est l'institution.")
    story.steer("reveal")
    [moved] = story.steer("next_step", from_index=index)
    assert moved.type == ev.STEP_CHANGED and story.state.kept_hidden == {}


def test_the_second_round_answers_earlier_interpretations(story, chosen):
    awa, bruno, chloe, driss = chosen
    go_to_first_round(story)
    story.do(bruno, "contribute", contribution_id="int-0001", body="L'institution.")
    story.do(chloe, "contribute", contribution_id="int-0002", body="La peur.")
    story.steer("reveal")
    story.go_to_step("reactions")
    story.do(
        RAPPORTEUR,
        "contribute",
        contribution_id="rea-0001",
        body="Je me reconnais.",
        on_behalf_of=awa.participant_id,
    )
    story.next()
    story.do(
        driss,
        "contribute",
        contribution_id="int-0003",
        body="Je rejoins Bruno.",
        replies_to=["int-0001"],
    )
    assert story.state.contributions["int-0003"].replies_to == ["int-0001"]
    with refused("invalid_reply"):
        story.do(chloe, "contribute", contribution_id="int-0004", body="?", replies_to=["rea-0001"])


def test_a_participant_edits_only_their_own_words_and_only_during_the_step(story, chosen):
    awa, bruno, chloe, driss = chosen
    story.go_to_kind("questions")
    story.do(bruno, "contribute", contribution_id="q-000001", body="Qui ?")
    with refused("not_author"):
        story.do(chloe, "edit_contribution", contribution_id="q-000001", body="Quoi ?")
    story.do(bruno, "edit_contribution", contribution_id="q-000001", body="Qui donc ?")
    story.next()
    with refused("step_over"):
        story.do(bruno, "withdraw_contribution", contribution_id="q-000001")
    story.do(
        RAPPORTEUR, "edit_contribution", contribution_id="q-000001", body="Qui donc était là ?"
    )
    assert story.state.contributions["q-000001"].body == "Qui donc était là ?"


# ---------------------------------------------------------------- analysis, theory, hypotheses


def test_researchers_build_the_board_participants_suggest(story, chosen):
    awa, bruno, chloe, driss = chosen
    go_to_first_round(story)
    story.do(bruno, "contribute", contribution_id="int-0001", body="L'institution.")
    story.do(chloe, "contribute", contribution_id="int-0002", body="La peur.")
    story.steer("reveal")
    story.go_to_kind("analysis")
    with refused("forbidden"):
        story.do(
            bruno, "add_board_item", item_id="item-0001", kind="convergence", title="T", links=[]
        )
    story.do(
        RAPPORTEUR,
        "add_board_item",
        item_id="item-0001",
        kind="convergence",
        title="Le poids de l'institution",
        formulation="",
        links=["int-0001", "int-0002"],
    )
    story.steer(
        "add_board_item",
        item_id="item-0002",
        kind="noeud",
        title="La peur",
        formulation="",
        links=["int-0002"],
    )
    assert story.state.board["item-0002"].links == ["int-0002"]  # one interpretation, two items
    story.steer("reorder_board", order=["item-0002", "item-0001"])
    assert story.state.board["item-0001"].position == 1
    story.do(
        driss,
        "contribute",
        contribution_id="sug-0001",
        board_kind="divergence",
        title="Le rôle du chef",
        body="On ne s'accorde pas.",
    )
    story.do(
        chloe,
        "contribute",
        contribution_id="sug-0002",
        board_kind="noeud",
        title="La peur de l'erreur",
        body="Mieux dit.",
        item_id="item-0002",
    )
    story.steer(
        "settle_suggestion", contribution_id="sug-0001", decision="accepted", item_id="item-0003"
    )
    story.steer("settle_suggestion", contribution_id="sug-0002", decision="accepted")
    assert story.state.board["item-0003"].title == "Le rôle du chef"
    assert story.state.board["item-0002"].title == "La peur de l'erreur"
    with refused("already_settled"):
        story.steer("settle_suggestion", contribution_id="sug-0001", decision="declined")
    with refused("unknown_contribution"):
        story.steer(
            "add_board_item", item_id="item-0004", kind="noeud", title="X", links=["nope-0000"]
        )
    story.steer("remove_board_item", item_id="item-0003")
    assert "item-0003" not in story.state.board
    story.next()  # apports théoriques
    story.steer(
        "contribute",
        contribution_id="th-00001",
        title="Non-recours",
        body="Ne pas demander un droit.",
        reference="Warin, 2016",
        links=["item-0001"],
    )
    story.do(bruno, "contribute", contribution_id="th-00002", title="Fracture numérique", body="…")
    theory = story.state.contributions["th-00001"]
    assert (theory.kind, theory.author_id, theory.entered_by, theory.links) == (
        ContributionKind.THEORY,
        None,
        "animateur",
        ["item-0001"],
    )
    story.next()  # hypothèses
    story.do(
        chloe,
        "contribute",
        contribution_id="hyp-0001",
        body="La numérisation déplace la charge.",
        links=["item-0002"],
    )
    assert story.state.contributions["hyp-0001"].recit == 0


# ---------------------------------------------------------------- perspectives and evaluation


def test_perspectives_have_a_level_and_supporters(story, chosen):
    awa, bruno, chloe, driss = chosen
    story.go_to_kind("perspectives")
    with refused("invalid_level"):
        story.do(bruno, "contribute", contribution_id="per-0001", body="Former", level="monde")
    story.do(
        bruno,
        "contribute",
        contribution_id="per-0001",
        body="Un guichet humain",
        level="institution",
    )
    assert story.state.contributions["per-0001"].recit is None
    story.do(chloe, "support_perspective", contribution_id="per-0001")
    story.do(
        RAPPORTEUR,
        "support_perspective",
        contribution_id="per-0001",
        on_behalf_of=driss.participant_id,
    )
    with refused("already_supported"):
        story.do(chloe, "support_perspective", contribution_id="per-0001")
    story.do(chloe, "unsupport_perspective", contribution_id="per-0001")
    assert story.state.contributions["per-0001"].supporters == [driss.participant_id]


def test_notes_taken_during_the_evaluation_are_revealed_with_its_summary(story, chosen):
    awa, *_ = chosen
    story.go_to_kind("evaluation")
    story.do(awa, "answer_evaluation", answers={"methode": 4})
    story.do(RAPPORTEUR, "add_note", contribution_id="note-0009", body="Rires dans la salle.")
    assert story.state.contributions["note-0009"].is_hidden
    summary, revealed = story.steer("reveal")
    assert (summary.type, revealed.type) == (ev.EVALUATION_REVEALED, ev.CONTRIBUTIONS_REVEALED)
    assert not story.state.contributions["note-0009"].is_hidden
    story.steer("end_session")  # nothing left hidden: no question asked


def test_evaluation_answers_are_anonymous_and_shown_summarised(story, chosen):
    awa, bruno, chloe, driss = chosen
    story.go_to_kind("evaluation")
    answer, done = story.do(
        bruno, "answer_evaluation", answers={"methode": 4, "utile": "Le cadre."}
    )
    assert answer.actor == ev.ANONYMOUS and "participant_id" not in answer.data
    assert answer.audience == ev.AUDIENCE_NOBODY
    assert not any(can_see(answer, v) for v in (FACILITATOR, RAPPORTEUR, bruno, OBSERVER))
    assert done.data["participant_id"] == bruno.participant_id and "answers" not in done.data
    with refused("already_answered"):
        story.do(bruno, "answer_evaluation", answers={"methode": 5})
    with refused("invalid_scale"):
        story.do(chloe, "answer_evaluation", answers={"methode": 9})
    with refused("no_answer"):
        story.do(chloe, "answer_evaluation", answers={})
    story.do(
        RAPPORTEUR,
        "answer_evaluation",
        answers={"methode": 2, "utile": "Avoir du temps."},
        on_behalf_of=driss.participant_id,
    )
    assert snapshot(story.state, story.protocol, FACILITATOR)["evaluation"]["summary"] is None
    [revealed] = story.steer("reveal")
    summary = revealed.data["summary"]
    methode = next(q for q in summary["questions"] if q["id"] == "methode")
    assert (methode["count"], methode["mean"], methode["distribution"]["4"]) == (2, 3.0, 1)
    utile = next(q for q in summary["questions"] if q["id"] == "utile")
    assert utile["answers"] == ["Avoir du temps.", "Le cadre."]
    assert summary["respondents"] == 2
    with refused("evaluation_closed"):
        story.do(chloe, "answer_evaluation", answers={"methode": 3})


# ---------------------------------------------------------------- time and roles


def test_the_real_duration_of_every_step_is_kept(story, chosen):
    narration = story.state.step_index
    story.wait(minutes=25)
    story.next()
    story.wait(minutes=4)
    story.steer("previous_step", from_index=narration + 1)
    story.wait(minutes=5)
    story.next()
    spent = {}
    for visit in story.state.visits:
        if visit.ended_at:
            key = (visit.step_index, visit.recit)
            spent[key] = spent.get(key, 0) + visit.seconds(story.now)
    assert spent[(narration, 0)] == 30 * 60
    assert spent[(narration + 1, 0)] == 4 * 60


@pytest.mark.parametrize(
    "command", ["next_step", "add_note", "contribute", "cast_ballot", "add_board_item"]
)
def test_an_observer_screen_changes_nothing(story, chosen, command):
    with refused("forbidden"):
        story.do(OBSERVER, command, contribution_id="x-000001", body="x")


def test_the_rapporteur_does_not_steer_the_session(story, chosen):
    with refused("forbidden"):
        story.do(RAPPORTEUR, "next_step", from_index=story.state.step_index)


def test_a_researcher_records_consent_for_someone_without_a_device(story):
    from mag.domain.steps.session import join

    story._apply(RAPPORTEUR.key, join(story.state, "Fatou", "aide familiale", "p-9", "rapporteur"))
    assert story.state.participants["p-9"].entered_by == "rapporteur"
    [accepted] = story.do(RAPPORTEUR, "accept_convention", version=1, on_behalf_of="p-9")
    assert accepted.data["entered_by"] == "rapporteur"
    assert story.state.is_admitted_participant("p-9")


@pytest.mark.parametrize("name", ["mag-complet", "mag-court"])
def test_every_builtin_protocol_plays_from_the_first_step_to_the_end(name, make_story):
    story = make_story(name)
    awa, bruno = story.group(2)
    story.go_to_kind("proposals")
    story.choose(story.propose(awa, "Le guichet fermé"))
    while story.state.step_index < len(story.protocol.steps) - 1:
        story.next()
    story.steer("end_session")
    block = story.protocol.recit_block
    assert {visit.recit for visit in story.state.visits if visit.step_index in block} == {0}


def test_a_researchers_correction_is_recorded_without_relabelling_the_authors_words(story, chosen):
    awa, bruno, chloe, driss = chosen
    story.go_to_kind("questions")
    story.do(bruno, "contribute", contribution_id="q-000001", body="Qui était là ?")
    story.do(
        RAPPORTEUR,
        "edit_contribution",
        contribution_id="q-000001",
        body="Qui était là ce jour-là ?",
    )
    question = story.state.contributions["q-000001"]
    assert (question.entered_by, question.edited_by) == (None, "rapporteur")


def test_a_deferred_question_leaves_its_author_free_to_give_an_interpretation(story, chosen):
    awa, bruno, *_ = chosen
    story.go_to_kind("questions")
    story.do(bruno, "contribute", contribution_id="q-000001", body="N'était-ce pas la peur ?")
    story.steer("defer_question", contribution_id="q-000001")
    go_to_first_round(story)
    story.do(bruno, "contribute", contribution_id="int-0001", body="L'institution pèse.")
    with refused("already_contributed"):
        story.do(bruno, "contribute", contribution_id="int-0002", body="Encore une.")
