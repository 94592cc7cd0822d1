"""« Questions d'information »: questions asked or raised by hand, answered by the narrator,
marked, deferred.
"""

from collections.abc import Mapping
from typing import TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Id
from mag.domain.protocol import StepKind
from mag.domain.roles import Actor, Role
from mag.domain.state import (
    Contribution,
    ContributionKind,
    QuestionStatus,
    SessionState,
)
from mag.domain.steps.base import (
    BY_ANYONE,
    BY_STAFF,
    CONTRIBUTION_MAX,
    Command,
    check_step_accepts,
    clean_text,
    for_participants,
)
from mag.domain.steps.contributions import (
    add_contribution,
    check_author,
    index_contribution,
    typist_of,
)


def raise_hand(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.QUESTIONS)
    check_author(state, protocol, step, actor, ContributionKind.QUESTION)
    return add_contribution(
        state,
        step,
        actor,
        ContributionKind.QUESTION,
        {"body": ""},
        args,
        status=QuestionStatus.QUEUED.value,
        is_hand=True,
    )


def _question(state: SessionState, args: Mapping[str, object]) -> Contribution:
    contribution = state.contributions.get(str(args.get("contribution_id")))
    if (
        contribution is None
        or contribution.is_withdrawn
        or contribution.kind is not ContributionKind.QUESTION
    ):
        raise DomainError("unknown_question", N_("Cette question n'existe pas."))
    return contribution


def answer_question(state, protocol, actor, args) -> list[NewEvent]:
    """The narrator answers a question of this step, or the rapporteur types their answer."""
    step = check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, {"contribution_id": args.get("question_id")})
    if (question.step_index, question.recit) != state.place:
        raise DomainError("unknown_question", N_("Cette question n'existe pas."))
    narrator = state.narrator(state.recit_index)
    if narrator is None or (actor.role is Role.PARTICIPANT and actor.participant_id != narrator):
        raise DomainError(
            "narrator_only",
            N_("À l'étape « %(step)s », seule la personne qui a raconté s'exprime."),
            step=step.title,
        )
    if any(
        c.kind is ContributionKind.ANSWER and c.replies_to == [question.id]
        for c in state.contributions_here(state.place)
    ):
        raise DomainError(
            "already_answered", N_("Cette question a déjà sa réponse : modifiez-la si besoin.")
        )
    body = clean_text(args.get("body"), N_("Réponse"), CONTRIBUTION_MAX)
    said_by = Actor(Role.PARTICIPANT, narrator, entered_by=typist_of(actor))
    fields = {"body": body, "replies_to": [question.id]}
    events = add_contribution(state, step, said_by, ContributionKind.ANSWER, fields, args)
    if question.status != QuestionStatus.ANSWERED:
        events.append(
            NewEvent(
                ev.QUESTION_MARKED,
                {"contribution_id": question.id, "status": QuestionStatus.ANSWERED.value},
            )
        )
    return events


def mark_question(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, args)
    status = args.get("status")
    if status not in {s.value for s in QuestionStatus}:
        raise DomainError("invalid_status", N_("Requête mal formée."))
    return [NewEvent(ev.QUESTION_MARKED, {"contribution_id": question.id, "status": status})]


def defer_question(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, args)
    later = [
        index
        for index in range(question.step_index + 1, len(protocol.steps))
        if protocol.steps[index].kind is StepKind.ROUND
    ]
    if not later:
        raise DomainError("no_round", N_("Aucun tour de table ne suit cette étape."))
    return [
        NewEvent(ev.QUESTION_DEFERRED, {"contribution_id": question.id, "step_index": later[0]})
    ]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "raise_hand": for_participants(raise_hand),
    "answer_question": Command(answer_question, BY_ANYONE),
    "mark_question": Command(mark_question, BY_STAFF),
    "defer_question": Command(defer_question, BY_STAFF),
}


# ---------------------------------------------------------------- folds


def _question_marked(state: SessionState, event: Event) -> None:
    status = str(event.data["status"])
    question = state.contributions[str(event.data["contribution_id"])]
    if status == QuestionStatus.CURRENT:
        previous = state.contributions.get(state.current_question or "")
        if previous is not None and previous.status == QuestionStatus.CURRENT:
            previous.status = QuestionStatus.QUEUED
        state.current_question = question.id
    question.status = status


def _question_deferred(state: SessionState, event: Event) -> None:
    contribution = state.contributions[str(event.data["contribution_id"])]
    contribution.deferred_from = contribution.step_index
    contribution.step_index = int(event.data["step_index"])  # type: ignore[arg-type]
    contribution.kind = ContributionKind.INTERPRETATION
    contribution.status = ""
    contribution.is_hidden = False  # it was asked aloud, in front of everyone
    index_contribution(
        state, contribution
    )  # listed at its new place; contributions_here skips the old one


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.QUESTION_MARKED: _question_marked,
    ev.QUESTION_DEFERRED: _question_deferred,
}


# ---------------------------------------------------------------- payloads


class QuestionMarked(TypedDict):
    contribution_id: Id
    status: str


class QuestionDeferred(TypedDict):
    contribution_id: Id
    step_index: int


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.QUESTION_MARKED: QuestionMarked,
    ev.QUESTION_DEFERRED: QuestionDeferred,
}
