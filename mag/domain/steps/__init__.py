"""The method, a module per part of a session.

Each module holds that part's commands with their rules and who may send them
(``COMMANDS``), what its events carry (``PAYLOADS``) and how they change the
session's state (``FOLDS``).
Listing a module in ``STEP_MODULES`` is all the wiring it needs:
:mod:`mag.domain.commands` registers the commands, ``SessionState.apply`` finds
the folds here.
"""

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

# Every part of a session: registering a module here is the only wiring it needs.
STEP_MODULES = (
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
)
# How each event changes the state: every module's folds (SessionState.apply reads them).
FOLDS = {event: fold for module in STEP_MODULES for event, fold in module.FOLDS.items()}
# What each event carries (payloads.py makes the archive's JSON Schema of it).
PAYLOADS = {event: payload for module in STEP_MODULES for event, payload in module.PAYLOADS.items()}
