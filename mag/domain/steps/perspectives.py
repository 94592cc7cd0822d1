"""« Perspectives pratiques »: supporting a perspective."""

from typing import TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Id
from mag.domain.protocol import StepKind
from mag.domain.state import Contribution, ContributionKind, SessionState
from mag.domain.steps.base import Command, check_step_accepts, for_participants
from mag.domain.steps.contributions import visible_contribution


def _perspective(state, protocol, actor, args) -> Contribution:
    check_step_accepts(state, protocol, StepKind.PERSPECTIVES)
    return visible_contribution(
        state, actor, args.get("contribution_id"), ContributionKind.PERSPECTIVE
    )


def support_perspective(state, protocol, actor, args) -> list[NewEvent]:
    perspective = _perspective(state, protocol, actor, args)
    if actor.participant_id in perspective.supporters:
        raise DomainError("already_supported", N_("Vous soutenez déjà cette proposition."))
    return [
        NewEvent(
            ev.PERSPECTIVE_SUPPORTED,
            {"contribution_id": perspective.id, "participant_id": actor.participant_id},
        )
    ]


def unsupport_perspective(state, protocol, actor, args) -> list[NewEvent]:
    perspective = _perspective(state, protocol, actor, args)
    if actor.participant_id not in perspective.supporters:
        raise DomainError("not_supported", N_("Vous ne soutenez pas cette proposition."))
    return [
        NewEvent(
            ev.PERSPECTIVE_UNSUPPORTED,
            {"contribution_id": perspective.id, "participant_id": actor.participant_id},
        )
    ]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "support_perspective": for_participants(support_perspective),
    "unsupport_perspective": for_participants(unsupport_perspective),
}


# ---------------------------------------------------------------- folds


def _perspective_supported(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].supporters.append(
        str(event.data["participant_id"])
    )


def _perspective_unsupported(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].supporters.remove(
        str(event.data["participant_id"])
    )


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.PERSPECTIVE_SUPPORTED: _perspective_supported,
    ev.PERSPECTIVE_UNSUPPORTED: _perspective_unsupported,
}


# ---------------------------------------------------------------- payloads


class PerspectiveSupport(TypedDict):
    contribution_id: Id
    participant_id: Id


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.PERSPECTIVE_SUPPORTED: PerspectiveSupport,
    ev.PERSPECTIVE_UNSUPPORTED: PerspectiveSupport,
}
