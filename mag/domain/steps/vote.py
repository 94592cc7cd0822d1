"""« Choix du récit »: the vote, its results, the récits chosen and their narrators' answer."""

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import ByParticipant, Empty, Id
from mag.domain.protocol import StepKind
from mag.domain.state import Recit, SessionState
from mag.domain.steps.base import (
    BY_ANIMATEUR,
    Command,
    check_participant_contributes,
    check_step_accepts,
    current_step,
    for_participants,
    list_of_ids,
)

MAX_RECITS = 5


def _live_proposal(state: SessionState, proposal_id: str):
    proposal = state.proposals.get(proposal_id)
    if proposal is None or not proposal.is_open:
        raise DomainError(
            "unknown_proposal", N_("Cette proposition n'existe pas ou a été retirée.")
        )
    return proposal


def cast_ballot(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.VOTE)
    check_participant_contributes(step)
    if state.is_vote_closed:
        raise DomainError("vote_closed", N_("Le vote est clos."))
    voter = actor.participant_id
    if voter in state.voters:
        raise DomainError("already_voted", N_("Vous avez déjà voté."))
    choices = list_of_ids(args.get("choices"), N_("Choix"))
    for proposal_id in choices:
        _live_proposal(state, proposal_id)
    allowed = int(step.options["votes"])  # type: ignore[arg-type]
    if not 1 <= len(choices) <= allowed:
        raise DomainError(
            "wrong_vote_count",
            N_("Choisissez entre 1 et %(count)s récit(s)."),
            count=allowed,
        )
    return [
        NewEvent(
            ev.BALLOT_CAST,
            {"participant_id": voter, "choices": choices},
            audience=ev.audience_self(voter),
        ),
        NewEvent(ev.VOTED, {"participant_id": voter, "entered_by": actor.entered_by}),
    ]


def tally(state: SessionState, mode: str, votes: int) -> list[dict[str, object]]:
    """Scores of every live proposal, best first; equal scores share a rank (ties are shown)."""
    scores = {pid: 0 for pid, p in state.proposals.items() if p.is_open}
    for choices in state.ballots.values():
        for position, proposal_id in enumerate(choices):
            if proposal_id in scores:
                scores[proposal_id] += votes - position if mode == "ranking" else 1
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    results: list[dict[str, object]] = []
    for position, (proposal_id, score) in enumerate(ordered):
        tied_with_previous = results and results[-1]["score"] == score
        rank = results[-1]["rank"] if tied_with_previous else position + 1
        results.append({"proposal_id": proposal_id, "score": score, "rank": rank})
    return results


def close_vote(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.VOTE)
    if state.is_vote_closed:
        raise DomainError("vote_closed", N_("Le vote est clos."))
    results = tally(state, str(step.options["mode"]), int(step.options["votes"]))  # type: ignore[arg-type]
    return [NewEvent(ev.VOTE_CLOSED, {"results": results, "ballots": len(state.voters)})]


def reopen_vote(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.VOTE)
    if not state.is_vote_closed:
        raise DomainError("vote_open", N_("Le vote est encore ouvert."))
    if state.recits:
        raise DomainError(
            "recits_chosen", N_("Le récit est déjà choisi : le vote ne peut plus rouvrir.")
        )
    return [NewEvent(ev.VOTE_REOPENED, {})]


def choose_recits(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.VOTE)
    if not state.is_vote_closed:
        raise DomainError("vote_open", N_("Clôturez d'abord le vote."))
    raw = args.get("recits")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_RECITS:
        raise DomainError(
            "invalid_recits", N_("Choisissez entre 1 et %(count)s récits."), count=MAX_RECITS
        )
    chosen = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise DomainError("invalid_recits", N_("Requête mal formée."))
        proposal = _live_proposal(state, str(item.get("proposal_id")))
        narrator = str(item.get("narrator_id") or proposal.author_id)
        if narrator not in state.participants:
            raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
        chosen.append({"proposal_id": proposal.id, "narrator_id": narrator})
    if len({c["proposal_id"] for c in chosen}) != len(chosen):
        raise DomainError("duplicate_choice", N_("Le même récit est choisi deux fois."))
    return [NewEvent(ev.RECITS_CHOSEN, {"recits": chosen})]


def _answer_narration(accepted: bool):
    def command(state, protocol, actor, args) -> list[NewEvent]:
        current_step(state, protocol)
        recit = args.get("recit")
        if not isinstance(recit, int) or not 0 <= recit < len(state.recits):
            raise DomainError("unknown_recit", N_("Ce récit n'a pas été choisi."))
        if state.recits[recit].narrator_id != actor.participant_id:
            raise DomainError(
                "not_narrator", N_("Seule la personne choisie pour raconter peut répondre.")
            )
        if state.recit_index is not None:
            raise DomainError("narration_started", N_("L'analyse des récits a commencé."))
        return [
            NewEvent(
                ev.NARRATION_ACCEPTED if accepted else ev.NARRATION_DECLINED,
                {
                    "recit": recit,
                    "participant_id": actor.participant_id,
                    "entered_by": actor.entered_by,
                },
            )
        ]

    return command


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "cast_ballot": for_participants(cast_ballot),
    "close_vote": Command(close_vote, BY_ANIMATEUR),
    "reopen_vote": Command(reopen_vote, BY_ANIMATEUR),
    "choose_recits": Command(choose_recits, BY_ANIMATEUR),
    "accept_narration": for_participants(_answer_narration(True)),
    "decline_narration": for_participants(_answer_narration(False)),
}


# ---------------------------------------------------------------- folds


def _ballot_cast(state: SessionState, event: Event) -> None:
    state.ballots[str(event.data["participant_id"])] = [str(c) for c in event.data["choices"]]  # type: ignore[union-attr]


def _voted(state: SessionState, event: Event) -> None:
    state.voters.append(str(event.data["participant_id"]))


def _vote_closed(state: SessionState, event: Event) -> None:
    state.is_vote_closed = True
    state.vote_results = [dict(r) for r in event.data["results"]]  # type: ignore[union-attr]


def _vote_reopened(state: SessionState, event: Event) -> None:
    state.is_vote_closed = False
    state.vote_results = []


def _recits_chosen(state: SessionState, event: Event) -> None:
    state.recits = [
        Recit(str(r["proposal_id"]), str(r["narrator_id"]))
        for r in event.data["recits"]  # type: ignore[union-attr]
    ]


def _narration_answered(accepted: bool):
    def fold(state: SessionState, event: Event) -> None:
        state.recits[int(event.data["recit"])].accepted = accepted  # type: ignore[arg-type]

    return fold


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.BALLOT_CAST: _ballot_cast,
    ev.VOTED: _voted,
    ev.VOTE_CLOSED: _vote_closed,
    ev.VOTE_REOPENED: _vote_reopened,
    ev.RECITS_CHOSEN: _recits_chosen,
    ev.NARRATION_ACCEPTED: _narration_answered(True),
    ev.NARRATION_DECLINED: _narration_answered(False),
}


# ---------------------------------------------------------------- payloads


class BallotCast(TypedDict):
    participant_id: Id
    choices: list[Id]


class VoteClosed(TypedDict):
    results: list[dict[str, Any]]
    ballots: NotRequired[int]


class RecitsChosen(TypedDict):
    recits: list[dict[str, Any]]


class NarrationAnswered(ByParticipant):
    recit: int


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.BALLOT_CAST: BallotCast,
    ev.VOTED: ByParticipant,
    ev.VOTE_CLOSED: VoteClosed,
    ev.VOTE_REOPENED: Empty,
    ev.RECITS_CHOSEN: RecitsChosen,
    ev.NARRATION_ACCEPTED: NarrationAnswered,
    ev.NARRATION_DECLINED: NarrationAnswered,
}
