"""The rules every step's commands share: cleaning what people type, the current step, who may send
a command.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Contributor, Protocol, Step, StepKind
from mag.domain.roles import Actor, Role
from mag.domain.state import SessionState, Status

# Limits on what people type. Generous for speech written down, small enough
# that one contribution can never weigh on the room's screens.
DATE_MAX = 40
CONTRIBUTION_MAX = 4000
TITLE_MAX = 120
REFERENCE_MAX = 500
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")


# Control characters, and halves of a UTF-16 pair left alone (JSON can carry them, no
# UTF-8 text can: PostgreSQL and every export would refuse them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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


def current_step(state: SessionState, protocol: Protocol) -> Step:
    if state.status is not Status.RUNNING or state.step_index is None:
        raise DomainError("not_running", N_("La séance n'est pas en cours."))
    return protocol.steps[state.step_index]


def check_step_accepts(state: SessionState, protocol: Protocol, kind: StepKind | str) -> Step:
    """The current step, if it is of ``kind`` (a kind brought by a module is a string)."""
    step = current_step(state, protocol)
    if step.kind != kind:
        raise DomainError(
            "wrong_step",
            N_("Ce n'est pas possible à l'étape « %(step)s »."),
            step=step.title,
        )
    return step


def check_participant_contributes(step: Step) -> None:
    if Contributor.PARTICIPANTS not in step.contributors:
        raise DomainError(
            "not_a_contributor",
            N_("Les participants ne contribuent pas par écrit à l'étape « %(step)s »."),
            step=step.title,
        )


def list_of_ids(value: object, label: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DomainError(
            "invalid_list", N_("Le champ « %(field)s » doit être une liste."), field=label
        )
    if len(set(value)) != len(value):
        raise DomainError(
            "duplicate_choice",
            N_("Le même élément figure deux fois dans « %(field)s »."),
            field=label,
        )
    return list(value)


def archived_refusal() -> DomainError:
    return DomainError("archived", N_("La séance est archivée : elle ne change plus."))


Decide = Callable[[SessionState, Protocol, Actor, Mapping[str, object]], list[NewEvent]]


@dataclass(frozen=True)
class Command:
    decide: Decide
    roles: frozenset[Role]
    needs_consent: bool = True
    # A researcher may send it for a participant (``on_behalf_of``): it is stored as theirs.
    on_behalf: bool = False
    # Sent by a browser as a command. Otherwise the edge carries it out (it makes a
    # link, writes a folder) after :func:`check_may`; the table still says who may.
    is_socket_command: bool = True
    # What a refused role is told, when the general refusals would say too little.
    refusal: str | None = None


BY_ANIMATEUR = frozenset({Role.ANIMATEUR})
BY_STAFF = frozenset({Role.ANIMATEUR, Role.RAPPORTEUR})
BY_PARTICIPANTS = frozenset({Role.PARTICIPANT})
BY_ANYONE = BY_STAFF | BY_PARTICIPANTS


def for_participants(decide: Decide, **options: bool) -> Command:
    return Command(decide, BY_PARTICIPANTS, on_behalf=True, **options)


def _carried_out_by_the_edge(state, protocol, actor, args) -> list[NewEvent]:
    raise AssertionError("carried out by its own path, after check_may")


def by_the_edge(roles: frozenset[Role], **options) -> Command:
    return Command(_carried_out_by_the_edge, roles, **options)
