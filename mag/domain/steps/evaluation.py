"""« Évaluation »: answers kept apart from the log, and the summary the group is shown."""

from collections.abc import Mapping
from typing import Any, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import ByParticipant
from mag.domain.protocol import QuestionKind, Step, StepKind
from mag.domain.state import SessionState
from mag.domain.steps.base import (
    CONTRIBUTION_MAX,
    Command,
    check_participant_contributes,
    check_step_accepts,
    clean_text,
    for_participants,
)


def _evaluation_answers(step: Step, raw: object) -> dict[str, object]:
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_answers", N_("Requête mal formée."))
    answers: dict[str, object] = {}
    for question in step.options["questions"]:  # type: ignore[union-attr]
        value = raw.get(question["id"])
        if value is None or value == "":
            continue
        if question["kind"] == QuestionKind.SCALE:
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not question["min"] <= value <= question["max"]
            ):
                raise DomainError(
                    "invalid_scale",
                    N_("Répondez par un nombre de %(min)s à %(max)s."),
                    min=question["min"],
                    max=question["max"],
                )
            answers[question["id"]] = value
        else:
            answers[question["id"]] = clean_text(value, N_("Réponse"), CONTRIBUTION_MAX)
    if not answers:
        raise DomainError("no_answer", N_("Répondez au moins à une question."))
    return answers


def answer_evaluation(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.EVALUATION)
    check_participant_contributes(step)
    if state.evaluation_summary is not None:
        raise DomainError("evaluation_closed", N_("L'évaluation est close."))
    if actor.participant_id in state.evaluated:
        raise DomainError("already_answered", N_("Vous avez déjà répondu à l'évaluation."))
    answers = _evaluation_answers(step, args.get("answers"))
    return [
        # The answers name nobody and are sent to nobody: only the summary is shown.
        NewEvent(
            ev.EVALUATION_ANSWERED,
            {"answers": answers},
            audience=ev.AUDIENCE_NOBODY,
            actor=ev.ANONYMOUS,
        ),
        NewEvent(
            ev.EVALUATION_DONE,
            {"participant_id": actor.participant_id, "entered_by": actor.entered_by},
        ),
    ]


def evaluation_summary(state: SessionState, step: Step) -> dict[str, object]:
    """Counts and means for scales, the open answers in alphabetical order: nothing links an answer to a person."""
    summary: dict[str, object] = {"respondents": len(state.evaluated), "questions": []}
    for question in step.options["questions"]:  # type: ignore[union-attr]
        values = [a[question["id"]] for a in state.evaluation_answers if question["id"] in a]
        item: dict[str, object] = {
            "id": question["id"],
            "kind": str(question["kind"]),
            "text": question["text"],
            "count": len(values),
        }
        if question["kind"] == QuestionKind.SCALE:
            item["min"], item["max"] = question["min"], question["max"]
            item["distribution"] = {
                str(v): values.count(v) for v in range(question["min"], question["max"] + 1)
            }
            item["mean"] = round(sum(values) / len(values), 2) if values else None
        else:
            item["answers"] = sorted(values, key=lambda text: str(text).casefold())
        summary["questions"].append(item)  # type: ignore[union-attr]
    return summary


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "answer_evaluation": for_participants(answer_evaluation),
}


# ---------------------------------------------------------------- folds


def _evaluation_answered(state: SessionState, event: Event) -> None:
    if "answers" in event.data:  # moved out of the log (mag.models.EvaluationPoolRecord)
        state.evaluation_answers.append(dict(event.data["answers"]))  # type: ignore[arg-type]


def _evaluation_done(state: SessionState, event: Event) -> None:
    state.evaluated.append(str(event.data["participant_id"]))


def _evaluation_revealed(state: SessionState, event: Event) -> None:
    state.evaluation_summary = dict(event.data["summary"])  # type: ignore[arg-type]


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.EVALUATION_ANSWERED: _evaluation_answered,
    ev.EVALUATION_DONE: _evaluation_done,
    ev.EVALUATION_REVEALED: _evaluation_revealed,
}


# ---------------------------------------------------------------- payloads


class EvaluationAnswered(TypedDict):
    answers: dict[str, Any]


class EvaluationRevealed(TypedDict):
    summary: dict[str, Any]


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.EVALUATION_ANSWERED: EvaluationAnswered,
    ev.EVALUATION_DONE: ByParticipant,
    ev.EVALUATION_REVEALED: EvaluationRevealed,
}
