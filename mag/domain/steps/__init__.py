"""The method, a module per part of a session.

Each module holds that part's commands with their rules and who may send them
(``COMMANDS``), what its events carry (``PAYLOADS``) and how they change the
session's state (``FOLDS``).
``register`` is all the wiring a module needs: its commands go to the table
:mod:`mag.domain.commands` decides with, its folds to ``SessionState.apply``, its payloads to
the archive's schema, its kinds of step to the protocol reader.
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


def register(module: ModuleType) -> None:
    """Wire a part of the session in: its commands, folds, payloads and step kinds.

    A module has ``COMMANDS``, ``FOLDS`` and ``PAYLOADS``, and may have ``KINDS``: the
    names of the kinds of step it serves that the protocol model does not know, which
    protocol files may then use. An event or a kind declared twice is a programming
    error.
    """
    for mine, theirs in (
        (COMMANDS, module.COMMANDS),
        (FOLDS, module.FOLDS),
        (PAYLOADS, module.PAYLOADS),
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
    KINDS.update(kinds)
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
