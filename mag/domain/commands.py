"""Commands: who may send what, and the one entry that decides a command's events.

Each command is a function ``(state, protocol, actor, args) -> list[NewEvent]``
that raises ``DomainError`` with a French message when the request breaks a
rule, and changes nothing itself: the caller stores the events and applies
them. The commands live in a module per part of the session
(:mod:`mag.domain.steps`), each listing its own in ``COMMANDS`` with who may
send them, gathered by :func:`mag.domain.steps.register`; this module checks the
sender's role, consent and the session's status against that table
(:func:`decide`), and tells the pages the method's limits and lists
(:func:`browser_table`).
"""

from collections.abc import Mapping

from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Protocol
from mag.domain.roles import Actor, Role
from mag.domain.state import BoardKind, Level, SessionState, Status
from mag.domain.steps import COMMANDS, KINDS
from mag.domain.steps.after import REPLACEMENT_MAX, SYNTHESIS_MAX
from mag.domain.steps.base import (
    CONTRIBUTION_MAX,
    REFERENCE_MAX,
    TITLE_MAX,
    Command,
    archived_refusal,
)
from mag.domain.steps.contributions import KIND_OF_STEP, NARRATOR_KINDS
from mag.domain.steps.proposals import PROPOSAL_BODY_MAX, PROPOSAL_TITLE_MAX
from mag.domain.steps.session import (
    CONVENTION_MAX,
    FUNCTION_MAX,
    MEMBER_NAME_MAX,
    PSEUDONYM_MAX,
    QUESTION_MAX,
    SESSION_TITLE_MAX,
)

# Every text field's limit, by the name the pages know it by: they read their
# ``maxlength`` from here (``browser_table``), so a limit is changed in one place.
LIMITS = {
    "pseudonym": PSEUDONYM_MAX,
    "function": FUNCTION_MAX,
    "session_title": SESSION_TITLE_MAX,
    "question": QUESTION_MAX,
    "convention": CONVENTION_MAX,
    "member_name": MEMBER_NAME_MAX,
    "proposal_title": PROPOSAL_TITLE_MAX,
    "proposal_body": PROPOSAL_BODY_MAX,
    "title": TITLE_MAX,
    "body": CONTRIBUTION_MAX,
    "reference": REFERENCE_MAX,
    "synthesis": SYNTHESIS_MAX,
    "replacement": REPLACEMENT_MAX,
}


def browser_table() -> dict[str, object]:
    """What the pages know of the method, sent to them as JSON: limits and the lists."""
    return {
        "limits": LIMITS,
        "levels": [level.value for level in Level],
        "board_kinds": [kind.value for kind in BoardKind],
        # What is written at each kind of step, and what the narrator alone writes.
        "contribution_kinds": {step.value: kind.value for step, kind in KIND_OF_STEP.items()},
        "narrator_kinds": sorted(kind.value for kind in NARRATOR_KINDS),
        # Kinds of step brought by a module: each one's screens are static/js/kinds/<kind>.js.
        "kind_modules": sorted(KINDS),
    }


# What an archived session still accepts: its retention date may change.
_AFTER_ARCHIVING = frozenset({"change_settings"})


def _on_behalf(state: SessionState, actor: Actor, participant_id: object) -> Actor:
    if str(participant_id) not in state.participants:
        raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
    return Actor(Role.PARTICIPANT, str(participant_id), entered_by=actor.role.value)


def may(name: str, actor: Actor) -> bool:
    """Whether ``actor``'s role may send command ``name`` at all (:data:`COMMANDS`)."""
    return actor.role in COMMANDS[name].roles


def check_may(name: str, actor: Actor) -> None:
    """Refuse ``actor`` a command the edge carries out itself, by the rule of :data:`COMMANDS`."""
    if not may(name, actor):
        raise _forbidden(actor, COMMANDS[name])


def _forbidden(actor: Actor, command: Command) -> DomainError:
    if command.refusal is not None:
        return DomainError("forbidden", command.refusal)
    if actor.role is Role.OBSERVATEUR:
        return DomainError(
            "forbidden", N_("Cet écran sert à suivre la séance : il ne modifie rien.")
        )
    if actor.role is Role.PARTICIPANT:
        return DomainError("forbidden", N_("Seule l'équipe d'animation peut faire cela."))
    if command.on_behalf:
        return DomainError(
            "forbidden",
            N_("Cette action revient aux participants : choisissez pour qui vous la saisissez."),
        )
    if Role.ANIMATEUR in command.roles:
        return DomainError("forbidden", N_("Seul l'animateur ou l'animatrice peut faire cela."))
    return DomainError("forbidden", N_("Cette action est réservée aux participants."))


def decide(
    state: SessionState, protocol: Protocol, actor: Actor, name: str, args: Mapping[str, object]
) -> list[NewEvent]:
    """Check that ``actor`` may send command ``name`` now and return its events."""
    command = COMMANDS.get(name)
    if command is None or not command.is_socket_command:
        raise DomainError("unknown_command", N_("Commande inconnue : « %(name)s »."), name=name)
    if command.on_behalf and actor.role.is_staff and args.get("on_behalf_of"):
        actor = _on_behalf(state, actor, args["on_behalf_of"])
    if actor.role not in command.roles:
        raise _forbidden(actor, command)
    if state.status is Status.ARCHIVED and name not in _AFTER_ARCHIVING:
        raise archived_refusal()
    if actor.role is Role.PARTICIPANT:
        participant = state.participants.get(actor.participant_id or "")
        if participant is not None and participant.withdrawn_at is not None:
            raise DomainError(
                "withdrawn",
                N_("Vous avez retiré votre participation : vous ne pouvez plus rien ajouter."),
            )
    needs_consent = actor.role is Role.PARTICIPANT and command.needs_consent
    if needs_consent and not state.is_admitted_participant(actor.participant_id):
        raise DomainError(
            "consent_required",
            N_("Acceptez d'abord la convention de travail."),
        )
    return command.decide(state, protocol, actor, args)
