"""The method, a module per part of a session.

Each module holds that part's commands with their rules and who may send them
(``COMMANDS``), what its events carry (``PAYLOADS``) and how they change the
session's state (``FOLDS``).
``register`` is all the wiring a module needs: its commands go to the table
:mod:`mag.domain.commands` decides with, its folds to ``SessionState.apply``, its payloads to
the archive's schema, its kinds of step to the protocol reader and to the pages (which
load each one's screens from ``static/js/kinds/<kind>.js``), its messages to the pages.
"""

from collections.abc import Callable
from types import ModuleType

from mag.domain.protocol import StepKind
from mag.domain.steps import (
    after,
    board,
    contributions,
    evaluation,
    perspectives,
    proposals,
    questions,
    rounds,
    session,
    vote,
)
from mag.domain.steps.base import Command

# Every part of a session, in order; ``register`` adds one.
STEP_MODULES: list[ModuleType] = []
# Who may send each command (mag.domain.commands decides with it).
COMMANDS: dict[str, Command] = {}
# How each event changes the state: every module's folds (SessionState.apply reads them).
FOLDS: dict[str, Callable] = {}
# What each event carries (payloads.py makes the archive's JSON Schema of it).
PAYLOADS: dict[str, type] = {}
# Kinds of step a module brings beside the protocol model's own (``StepKind``).
KINDS: set[str] = set()
# What those kinds keep (``SessionState.kind_state[kind]``) as a viewer may see it.
VIEWS: dict[str, Callable] = {}
# The pages' texts for those kinds' screens: key -> French message marked with ``N_``.
MESSAGES: dict[str, str] = {}


def register(module: ModuleType) -> None:
    """Wire a part of the session in: its commands, folds, payloads and step kinds.

    A module has ``COMMANDS``, ``FOLDS`` and ``PAYLOADS`` (the same events in both), and
    may have ``KINDS``: the names of the kinds of step it serves that the protocol model
    does not know, which protocol files may then use. Such a kind keeps its state in
    ``SessionState.kind_state[kind]``, which every admitted viewer is sent unless the
    module's ``view(data, viewer)`` says what a viewer sees of it, and its screens'
    texts are the module's ``MESSAGES``. An event, a kind or a message declared twice
    is a programming error.
    """
    if module.FOLDS.keys() != module.PAYLOADS.keys():
        raise ValueError(
            f"{module.__name__} folds and declares different events: "
            f"{sorted(module.FOLDS.keys() ^ module.PAYLOADS.keys())}"
        )
    messages = getattr(module, "MESSAGES", {})
    for mine, theirs in (
        (COMMANDS, module.COMMANDS),
        (FOLDS, module.FOLDS),
        (MESSAGES, messages),
    ):
        taken = mine.keys() & theirs.keys()
        if taken:
            raise ValueError(f"declared twice: {sorted(taken)}")
    kinds = set(getattr(module, "KINDS", ()))
    taken = kinds & (KINDS | {kind.value for kind in StepKind})
    if taken:
        raise ValueError(f"step kinds declared twice: {sorted(taken)}")
    COMMANDS.update(module.COMMANDS)
    FOLDS.update(module.FOLDS)
    PAYLOADS.update(module.PAYLOADS)
    MESSAGES.update(messages)
    KINDS.update(kinds)
    if hasattr(module, "view"):
        VIEWS.update(dict.fromkeys(kinds, module.view))
    STEP_MODULES.append(module)


for _module in (
    session,
    proposals,
    vote,
    contributions,
    questions,
    rounds,
    board,
    perspectives,
    evaluation,
    after,
):
    register(_module)
