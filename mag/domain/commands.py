"""Commands: check a request against the rules of the method, decide its events.

Each command is a function ``(state, protocol, actor, args) -> list[NewEvent]``
that raises ``DomainError`` with a French message when the request breaks a
rule, and changes nothing itself: the caller stores the events and applies
them. ``COMMANDS`` lists which role may send which command.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mag.domain import events as ev
from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Contributor, Protocol, Step, StepKind
from mag.domain.roles import STAFF_ROLES, Actor, Role
from mag.domain.state import SessionState, Status

# Limits on what people type. Generous for speech written down, small enough
# that one contribution can never weigh on the room's screens.
PSEUDONYM_MAX = 40
FUNCTION_MAX = 80
PROPOSAL_TITLE_MAX = 120
PROPOSAL_BODY_MAX = 2000
SESSION_TITLE_MAX = 200
QUESTION_MAX = 1000
CONVENTION_MAX = 20000
DATE_MAX = 40
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: object, label: str, limit: int, *, required: bool = True) -> str:
    """Return ``value`` stripped, or raise a message naming the field in French."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_text", N_("Le champ « %(field)s » doit être du texte."), field=label
        )
    text = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if required and not text:
        raise DomainError("text_empty", N_("Le champ « %(field)s » est vide."), field=label)
    if len(text) > limit:
        raise DomainError(
            "text_too_long",
            N_("Le champ « %(field)s » dépasse %(limit)s caractères (%(length)s)."),
            field=label,
            limit=limit,
            length=len(text),
        )
    return text


def client_id(value: object) -> str:
    """An id made by the browser for something it creates (retries reuse it)."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise DomainError("invalid_id", N_("Identifiant invalide."))
    return value


# ---------------------------------------------------------------- checks


def current_step(state: SessionState, protocol: Protocol) -> Step:
    if state.status is not Status.RUNNING or state.step_index is None:
        raise DomainError("not_running", N_("La séance n'est pas en cours."))
    return protocol.steps[state.step_index]


def _check_step_accepts(state: SessionState, protocol: Protocol, kind: StepKind) -> Step:
    step = current_step(state, protocol)
    if step.kind is not kind:
        raise DomainError(
            "wrong_step",
            N_("Ce n'est pas possible à l'étape « %(step)s »."),
            step=step.title,
        )
    return step


def _check_participant_contributes(step: Step) -> None:
    if Contributor.PARTICIPANTS not in step.contributors:
        raise DomainError(
            "not_a_contributor",
            N_("Les participants ne contribuent pas par écrit à l'étape « %(step)s »."),
            step=step.title,
        )


def _own_proposal(state: SessionState, actor: Actor, args: Mapping[str, object]):
    proposal = state.proposals.get(str(args.get("proposal_id")))
    if proposal is None or proposal.is_withdrawn:
        raise DomainError(
            "unknown_proposal", N_("Cette proposition n'existe pas ou a été retirée.")
        )
    if proposal.author_id != actor.participant_id:
        raise DomainError(
            "not_author", N_("Seul l'auteur ou l'autrice d'une proposition peut la modifier.")
        )
    return proposal


# ---------------------------------------------------------------- commands


def start_session(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is not Status.LOBBY:
        raise DomainError("already_started", N_("La séance a déjà commencé."))
    return [NewEvent(ev.SESSION_STARTED, {})]


def _expect_step(state: SessionState, args: Mapping[str, object]) -> None:
    """Two clicks on "next" must not skip a step: the client says where it is."""
    if args.get("from_index") != state.step_index:
        raise DomainError(
            "step_moved", N_("L'étape a déjà changé entre-temps ; l'écran est mis à jour.")
        )


def next_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == len(protocol.steps) - 1:
        raise DomainError(
            "last_step", N_("C'est la dernière étape : il reste à terminer la séance.")
        )
    return [NewEvent(ev.STEP_CHANGED, {"index": state.step_index + 1, "from": state.step_index})]


def previous_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == 0:
        raise DomainError("first_step", N_("C'est déjà la première étape."))
    return [NewEvent(ev.STEP_CHANGED, {"index": state.step_index - 1, "from": state.step_index})]


def end_session(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    return [NewEvent(ev.SESSION_ENDED, {})]


def close_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is Status.ENDED:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if not state.is_joining_open:
        raise DomainError("joining_already_closed", N_("Les inscriptions sont déjà fermées."))
    return [NewEvent(ev.JOINING_CLOSED, {})]


def open_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is Status.ENDED:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if state.is_joining_open:
        raise DomainError("joining_already_open", N_("Les inscriptions sont déjà ouvertes."))
    return [NewEvent(ev.JOINING_OPENED, {})]


def join(state: SessionState, pseudonym: object, function: object, participant_id: str):
    """A person asks to join the room (not a socket command: they have no identity yet)."""
    if state.status is Status.ENDED or not state.is_joining_open:
        raise DomainError("joining_closed", N_("Cette séance n'accepte plus de participants."))
    name = clean_text(pseudonym, N_("Pseudonyme"), PSEUDONYM_MAX)
    role = clean_text(function, N_("Fonction"), FUNCTION_MAX, required=False)
    if state.pseudonym_taken(name):
        raise DomainError(
            "pseudonym_taken",
            N_(
                "Le pseudonyme « %(pseudonym)s » est déjà pris dans cette séance. Choisissez-en un autre."
            ),
            pseudonym=name,
        )
    return [
        NewEvent(
            ev.PARTICIPANT_JOINED,
            {"participant_id": participant_id, "pseudonym": name, "function": role},
        )
    ]


MEMBER_NAME_MAX = 60


def invite_member(state: SessionState, role: object, name: object, member_id: str):
    """The session's creator invites a team member (not a socket command: it makes a link)."""
    if role not in {r.value for r in STAFF_ROLES}:
        raise DomainError("invalid_role", N_("Rôle inconnu."))
    if state.status is Status.ENDED:
        raise DomainError("session_ended", N_("La séance est terminée."))
    label = clean_text(name, N_("Nom"), MEMBER_NAME_MAX, required=False)
    return [
        NewEvent(
            ev.MEMBER_INVITED,
            {"member_id": member_id, "role": str(role), "name": label},
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def accept_convention(state, protocol, actor, args) -> list[NewEvent]:
    participant = state.participants[actor.participant_id]
    if args.get("version") != state.convention_version:
        raise DomainError(
            "convention_changed",
            N_("La convention a changé : relisez-la avant de l'accepter."),
        )
    if participant.accepted_version == state.convention_version:
        raise DomainError("already_accepted", N_("Vous avez déjà accepté la convention."))
    return [
        NewEvent(
            ev.CONVENTION_ACCEPTED,
            {"participant_id": participant.id, "version": state.convention_version},
        )
    ]


def _proposal_fields(args: Mapping[str, object]) -> dict[str, str]:
    return {
        "title": clean_text(args.get("title"), N_("Titre"), PROPOSAL_TITLE_MAX),
        "body": clean_text(args.get("body"), N_("Quelques lignes"), PROPOSAL_BODY_MAX),
    }


def submit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    _check_participant_contributes(step)
    proposal_id = client_id(args.get("proposal_id"))
    if proposal_id in state.proposals:
        raise DomainError("duplicate_id", N_("Cette proposition existe déjà."))
    return [
        NewEvent(
            ev.PROPOSAL_SUBMITTED,
            {
                "proposal_id": proposal_id,
                "author_id": actor.participant_id,
                "step_index": state.step_index,
                **_proposal_fields(args),
            },
        )
    ]


def edit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [NewEvent(ev.PROPOSAL_EDITED, {"proposal_id": proposal.id, **_proposal_fields(args)})]


def withdraw_proposal(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [NewEvent(ev.PROPOSAL_WITHDRAWN, {"proposal_id": proposal.id})]


Decide = Callable[[SessionState, Protocol, Actor, Mapping[str, object]], list[NewEvent]]


@dataclass(frozen=True)
class Command:
    decide: Decide
    roles: frozenset[Role]
    needs_consent: bool = True


_STEER = frozenset({Role.ANIMATEUR})
_CONTRIBUTE = frozenset({Role.PARTICIPANT})

COMMANDS: dict[str, Command] = {
    "start_session": Command(start_session, _STEER),
    "next_step": Command(next_step, _STEER),
    "previous_step": Command(previous_step, _STEER),
    "end_session": Command(end_session, _STEER),
    "close_joining": Command(close_joining, _STEER),
    "open_joining": Command(open_joining, _STEER),
    "accept_convention": Command(accept_convention, _CONTRIBUTE, needs_consent=False),
    "submit_proposal": Command(submit_proposal, _CONTRIBUTE),
    "edit_proposal": Command(edit_proposal, _CONTRIBUTE),
    "withdraw_proposal": Command(withdraw_proposal, _CONTRIBUTE),
}


def decide(
    state: SessionState, protocol: Protocol, actor: Actor, name: str, args: Mapping[str, object]
) -> list[NewEvent]:
    """Check that ``actor`` may send command ``name`` now and return its events."""
    command = COMMANDS.get(name)
    if command is None:
        raise DomainError("unknown_command", N_("Commande inconnue : « %(name)s »."), name=name)
    if actor.role not in command.roles:
        if actor.role is Role.PARTICIPANT:
            raise DomainError("forbidden", N_("Seule l'équipe d'animation peut faire cela."))
        raise DomainError("forbidden", N_("Cette action est réservée aux participants."))
    if actor.role is Role.PARTICIPANT and command.needs_consent:
        participant = state.participants[actor.participant_id]
        if participant.accepted_version != state.convention_version:
            raise DomainError(
                "consent_required",
                N_("Acceptez d'abord la convention de travail."),
            )
    return command.decide(state, protocol, actor, args)
