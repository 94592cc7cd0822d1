"""A « minute de silence » the animateur may hold between two steps.

It stands for ``mag/domain/steps/silence.py``: a kind of step written as a new one
would be, registered by tests only (``steps.register(silence)``). Its screens are
``tests/kinds/silence.js``, which would be ``static/js/kinds/silence.js``.
"""

from typing import TypedDict

from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.steps.base import BY_ANIMATEUR, Command, check_step_accepts

KIND = "silence"
KINDS = (KIND,)
SILENCE_OBSERVED = "silence_observed"
MINUTE = 60


class SilenceObserved(TypedDict):
    step_index: int
    seconds: int


def observe_silence(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, KIND)
    if str(state.step_index) in observed(state):
        raise DomainError("already_observed", N_("La minute de silence a déjà été observée."))
    return [NewEvent(SILENCE_OBSERVED, {"step_index": state.step_index, "seconds": MINUTE})]


def observed(state) -> dict[str, int]:
    """Seconds of silence held, by step index (a string, as in JSON): its ``kind_state``."""
    return state.kind_state.get(KIND, {}).get("observed", {})


def fold_observed(state, event) -> None:
    data = state.kind_state.setdefault(KIND, {"observed": {}})
    # Keyed by a string: the state is sent to the pages as JSON.
    data["observed"][str(event.data["step_index"])] = event.data["seconds"]


COMMANDS = {"observe_silence": Command(observe_silence, BY_ANIMATEUR)}
PAYLOADS = {SILENCE_OBSERVED: SilenceObserved}
FOLDS = {SILENCE_OBSERVED: fold_observed}
MESSAGES = {
    "silence_heading": N_("Minute de silence"),
    "silence_waiting": N_("Une minute de silence, ensemble, va commencer."),
    "silence_done": N_("La minute de silence a été observée."),
    "silence_observe": N_("Observer la minute de silence"),
}
