"""Tours de table: the seating, the speaking order, turns and their timer."""

import random
from collections.abc import Callable
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Empty, Id, Order
from mag.domain.protocol import Protocol, RoundOrder, Step, StepKind
from mag.domain.roles import Role
from mag.domain.state import Round, SessionState, recit_of, text_or_none
from mag.domain.steps.base import (
    BY_ANIMATEUR,
    BY_PARTICIPANTS,
    Command,
    check_step_accepts,
    list_of_ids,
)

EXTEND_MINUTES_MAX = 30


def set_seating(state, protocol, actor, args) -> list[NewEvent]:
    order = list_of_ids(args.get("order"), N_("Ordre des places"))
    for participant_id in order:
        if participant_id not in state.participants:
            raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
    return [NewEvent(ev.SEATING_SET, {"order": order})]


def speaking_order(
    state: SessionState, step: Step, shuffle: Callable[[list[str]], None]
) -> list[str]:
    """Everyone admitted, in the protocol's order, the narrator last if the step says so."""
    present = [pid for pid in state.participants if state.is_admitted_participant(pid)]
    order_kind = step.options.get("order")
    if order_kind == RoundOrder.SEATING:
        seated = [pid for pid in state.seating if pid in present]
        order = seated + [pid for pid in present if pid not in seated]
    else:
        order = list(present)
        if order_kind == RoundOrder.SHUFFLED:
            shuffle(order)
    narrator = state.narrator(state.recit_index)
    if step.options.get("narrator_last") and narrator in order:
        order.remove(narrator)
        order.append(narrator)
    return order


def start_round(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.ROUND)
    existing = state.current_round
    if existing is not None and not existing.is_over:
        raise DomainError("round_running", N_("Le tour de table est déjà en cours."))
    order = speaking_order(state, step, random.SystemRandom().shuffle)
    if not order:
        raise DomainError("nobody", N_("Personne n'a encore rejoint la séance."))
    step_index, recit = state.place
    narrator = state.narrator(state.recit_index)
    return [
        NewEvent(
            ev.ROUND_STARTED,
            {
                "step_index": step_index,
                "recit": recit,
                "order": order,
                "turn_seconds": int(step.options["turn_minutes"]) * 60,  # type: ignore[arg-type]
                # Who keeps the last place when others pass and come back: the narrator.
                "last": narrator
                if step.options.get("narrator_last") and narrator in order
                else None,
            },
        )
    ]


def _running_round(state: SessionState, protocol: Protocol):
    check_step_accepts(state, protocol, StepKind.ROUND)
    round_ = state.current_round
    if round_ is None or round_.is_over:
        raise DomainError("no_round", N_("Aucun tour de table n'est en cours."))
    return round_


def end_turn(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    outcome = args.get("outcome")
    if outcome not in ("spoke", "passed"):
        raise DomainError("invalid_outcome", N_("Requête mal formée."))
    if actor.role is Role.PARTICIPANT and actor.participant_id != round_.speaker:
        raise DomainError("not_your_turn", N_("Ce n'est pas votre tour de parole."))
    if args.get("speaker") != round_.speaker:
        raise DomainError(
            "turn_moved",
            N_("Le tour de parole a déjà changé entre-temps ; l'écran est mis à jour."),
        )
    return [NewEvent(ev.TURN_ENDED, {"participant_id": round_.speaker, "outcome": outcome})]


def pause_timer(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    if round_.paused_at is not None:
        raise DomainError("timer_paused", N_("Le minuteur est déjà en pause."))
    return [NewEvent(ev.TIMER_PAUSED, {})]


def resume_timer(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    if round_.paused_at is None:
        raise DomainError("timer_running", N_("Le minuteur tourne déjà."))
    return [NewEvent(ev.TIMER_RESUMED, {})]


def extend_timer(state, protocol, actor, args) -> list[NewEvent]:
    _running_round(state, protocol)
    minutes = args.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 1 <= minutes <= EXTEND_MINUTES_MAX
    ):
        raise DomainError(
            "invalid_minutes",
            N_("Prolongez de 1 à %(limit)s minutes."),
            limit=EXTEND_MINUTES_MAX,
        )
    return [NewEvent(ev.TIMER_EXTENDED, {"seconds": minutes * 60})]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "set_seating": Command(set_seating, BY_ANIMATEUR),
    "start_round": Command(start_round, BY_ANIMATEUR),
    "end_turn": Command(end_turn, BY_ANIMATEUR | BY_PARTICIPANTS),
    "pause_timer": Command(pause_timer, BY_ANIMATEUR),
    "resume_timer": Command(resume_timer, BY_ANIMATEUR),
    "extend_timer": Command(extend_timer, BY_ANIMATEUR),
}


# ---------------------------------------------------------------- folds


def _seating_set(state: SessionState, event: Event) -> None:
    state.seating = [str(x) for x in event.data["order"]]  # type: ignore[union-attr]


def _round_started(state: SessionState, event: Event) -> None:
    data = event.data
    round_ = Round(
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        recit=recit_of(data),
        order=[str(x) for x in data["order"]],  # type: ignore[union-attr]
        turn_seconds=int(data["turn_seconds"]),  # type: ignore[arg-type]
        turn_started_at=event.at,
        last=text_or_none(data, "last"),  # None in rounds logged before it existed
    )
    state.rounds[(round_.step_index, round_.recit)] = round_


def _turn_ended(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    speaker = round_.speaker
    assert speaker is not None
    outcome = str(event.data["outcome"])
    if outcome == "passed" and speaker not in round_.passed_once:
        round_.passed_once.add(speaker)
        # They come back at the end of the round, before the narrator still to speak.
        at = len(round_.order)
        if speaker != round_.last and round_.order[-1] == round_.last and at - 1 > round_.position:
            at -= 1
        round_.order.insert(at, speaker)
    else:
        round_.outcomes[speaker] = outcome
    round_.position += 1
    round_.turn_started_at = event.at
    round_.paused_at = None
    round_.paused_seconds = 0.0
    round_.extra_seconds = 0


def _timer_paused(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    round_.paused_at = event.at


def _timer_resumed(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None and round_.paused_at is not None
    round_.paused_seconds += (event.at - round_.paused_at).total_seconds()
    round_.paused_at = None


def _timer_extended(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    round_.extra_seconds += int(event.data["seconds"])  # type: ignore[arg-type]


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.SEATING_SET: _seating_set,
    ev.ROUND_STARTED: _round_started,
    ev.TURN_ENDED: _turn_ended,
    ev.TIMER_PAUSED: _timer_paused,
    ev.TIMER_RESUMED: _timer_resumed,
    ev.TIMER_EXTENDED: _timer_extended,
}


# ---------------------------------------------------------------- payloads


class RoundStarted(TypedDict):
    step_index: int
    recit: NotRequired[int | None]
    order: list[Id]
    turn_seconds: int
    last: NotRequired[Id | None]  # the narrator, who keeps the last place


class TurnEnded(TypedDict):
    participant_id: NotRequired[Id]
    outcome: str


class TimerExtended(TypedDict):
    seconds: int


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.SEATING_SET: Order,
    ev.ROUND_STARTED: RoundStarted,
    ev.TURN_ENDED: TurnEnded,
    ev.TIMER_PAUSED: Empty,
    ev.TIMER_RESUMED: Empty,
    ev.TIMER_EXTENDED: TimerExtended,
}
