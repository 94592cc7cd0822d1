"""The session's course: starting, moving between steps, ending; joining, the team, the convention."""

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import ByParticipant, Empty, Id
from mag.domain.protocol import Protocol, StepKind
from mag.domain.roles import STAFF_ROLES
from mag.domain.state import (
    Member,
    Participant,
    SessionState,
    Status,
    Visit,
    recit_of,
    text_or_none,
)
from mag.domain.steps.base import (
    BY_ANIMATEUR,
    BY_STAFF,
    Command,
    by_the_edge,
    clean_text,
    current_step,
    for_participants,
)

# Limits on what people type. Generous for speech written down, small enough
# that one contribution can never weigh on the room's screens.
PSEUDONYM_MAX = 40
FUNCTION_MAX = 80
SESSION_TITLE_MAX = 200
QUESTION_MAX = 1000
CONVENTION_MAX = 20000


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


def _place_after(state: SessionState, protocol: Protocol, forward: bool) -> tuple[int, int | None]:
    """The next (or previous) step and récit: the récit block runs once per chosen récit."""
    index, recit = state.place
    block = protocol.recit_block
    count = len(state.recits)
    if forward:
        if index == block.stop - 1 and recit is not None and recit + 1 < count:
            return block.start, recit + 1
        target = index + 1
        if target in block:
            return target, recit if index in block else (0 if count else None)
        return target, None
    if index == block.start and recit:
        return block.stop - 1, recit - 1
    target = index - 1
    if target in block:
        return target, recit if index in block else (count - 1 if count else None)
    return target, None


def _check_recits_ready(state: SessionState, protocol: Protocol, target: int) -> None:
    """The récit block starts only once the récits are chosen and their narrators agreed."""
    index = state.step_index or 0
    block = protocol.recit_block
    if target not in block or index in block:
        return
    if not any(step.kind is StepKind.VOTE for step in protocol.steps[:target]):
        return
    if not state.recits:
        raise DomainError(
            "no_recit", N_("Choisissez d'abord le ou les récits que le groupe va analyser.")
        )
    if not all(recit.accepted for recit in state.recits):
        raise DomainError(
            "narrator_pending",
            N_("Chaque personne choisie pour raconter doit d'abord accepter."),
        )


def _leave_hidden_step(
    state: SessionState, protocol: Protocol, args: Mapping[str, object]
) -> list[NewEvent]:
    """Leaving a hidden step whose contributions were never revealed happens only on purpose.

    The animateur reveals them first, or confirms (``keep_hidden``) that they stay
    hidden: the choice is kept in the log.
    """
    step = protocol.steps[state.step_index]
    if not step.is_hidden or state.place in state.revealed:
        return []
    hidden = [c for c in state.contributions_here(state.place) if c.is_hidden]
    if not hidden or state.kept_hidden.get(state.place) == len(hidden):
        return []  # nothing hidden, or kept hidden on purpose already
    if args.get("keep_hidden") is not True:
        raise DomainError(
            "unrevealed",
            N_(
                "Des contributions de cette étape n'ont pas été dévoilées (%(count)s) : "
                "dévoilez-les, ou confirmez qu'elles restent cachées."
            ),
            count=len(hidden),
        )
    step_index, recit = state.place
    return [
        NewEvent(
            ev.HIDDEN_KEPT,
            {"step_index": step_index, "recit": recit, "count": len(hidden)},
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def _move(
    state: SessionState, protocol: Protocol, forward: bool, args: Mapping[str, object]
) -> list[NewEvent]:
    index, recit = _place_after(state, protocol, forward)
    if forward:
        _check_recits_ready(state, protocol, index)
    return [
        *_leave_hidden_step(state, protocol, args),
        NewEvent(
            ev.STEP_CHANGED,
            {
                "index": index,
                "recit": recit,
                "from": state.step_index,
                "from_recit": state.recit_index,
            },
        ),
    ]


def next_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == len(protocol.steps) - 1:
        raise DomainError(
            "last_step", N_("C'est la dernière étape : il reste à terminer la séance.")
        )
    return _move(state, protocol, True, args)


def previous_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == 0:
        raise DomainError("first_step", N_("C'est déjà la première étape."))
    return _move(state, protocol, False, args)


def end_session(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    return [*_leave_hidden_step(state, protocol, args), NewEvent(ev.SESSION_ENDED, {})]


def close_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.is_over:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if not state.is_joining_open:
        raise DomainError("joining_already_closed", N_("Les inscriptions sont déjà fermées."))
    return [NewEvent(ev.JOINING_CLOSED, {})]


def open_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.is_over:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if state.is_joining_open:
        raise DomainError("joining_already_open", N_("Les inscriptions sont déjà ouvertes."))
    return [NewEvent(ev.JOINING_OPENED, {})]


ADD_PARTICIPANT = "add_participant"


"""The staff's command to register someone without a device (carried out by ``join``)."""


INVITE_MEMBER = "invite_member"


"""An animateur makes a team member's private link (``invite_member``, from the console)."""


def join(
    state: SessionState,
    pseudonym: object,
    function: object,
    participant_id: str,
    entered_by: str | None = None,
):
    """A person joins the room, or a researcher (``entered_by``) registers someone.

    Not an ordinary command: it also creates the person's identity record.
    Researchers may still add someone after joining closed.
    """
    if state.is_over or not (state.is_joining_open or entered_by):
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
            {
                "participant_id": participant_id,
                "pseudonym": name,
                "function": role,
                "entered_by": entered_by,
            },
        )
    ]


MEMBER_NAME_MAX = 60


def invite_member(state: SessionState, role: object, name: object, member_id: str):
    """The session's creator invites a team member (not a socket command: it makes a link)."""
    if role not in {r.value for r in STAFF_ROLES}:
        raise DomainError("invalid_role", N_("Rôle inconnu."))
    if state.is_over:
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
    language = args.get("language", state.convention_language)
    if language not in state.convention_texts:
        raise DomainError("malformed", N_("Requête mal formée."))
    text = state.convention_texts[language]
    return [
        NewEvent(
            ev.CONVENTION_ACCEPTED,
            {
                "participant_id": participant.id,
                "version": state.convention_version,
                # Consent records the exact text accepted: its language and its digest.
                "language": language,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "entered_by": actor.entered_by,
            },
        )
    ]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "start_session": Command(start_session, BY_ANIMATEUR),
    "next_step": Command(next_step, BY_ANIMATEUR),
    "previous_step": Command(previous_step, BY_ANIMATEUR),
    "end_session": Command(end_session, BY_ANIMATEUR),
    "close_joining": Command(close_joining, BY_ANIMATEUR),
    "open_joining": Command(open_joining, BY_ANIMATEUR),
    "accept_convention": for_participants(accept_convention, needs_consent=False),
    ADD_PARTICIPANT: by_the_edge(BY_STAFF, needs_consent=False),  # Live.execute: an identity too
    INVITE_MEMBER: by_the_edge(BY_ANIMATEUR, is_socket_command=False),  # a private link
}


# ---------------------------------------------------------------- folds


def _session_created(state: SessionState, event: Event) -> None:
    data = event.data
    state.title = str(data["title"])
    state.question = str(data["question"])
    state.protocol_name = str(data["protocol"])
    state.planned_dates = [str(d) for d in data["planned_dates"]]  # type: ignore[union-attr]
    convention = data["convention"]
    state.convention_text = str(convention["text"])  # type: ignore[index]
    state.convention_version = int(convention["version"])  # type: ignore[index]
    state.convention_language = str(convention.get("language", "fr"))  # type: ignore[union-attr]
    state.convention_translations = dict(convention.get("translations", {}))  # type: ignore[union-attr]
    state.settings.language = str(data.get("language", "fr"))


def _participant_joined(state: SessionState, event: Event) -> None:
    data = event.data
    pid = str(data["participant_id"])
    state.participants[pid] = Participant(
        id=pid,
        pseudonym=str(data["pseudonym"]),
        function=str(data["function"]),
        joined_at=event.at,
        entered_by=text_or_none(data, "entered_by"),
    )


def _convention_accepted(state: SessionState, event: Event) -> None:
    participant = state.participants[str(event.data["participant_id"])]
    participant.accepted_version = int(event.data["version"])  # type: ignore[arg-type]
    participant.accepted_at = event.at


def _member_invited(state: SessionState, event: Event) -> None:
    data = event.data
    member_id = str(data["member_id"])
    state.members[member_id] = Member(member_id, str(data["role"]), str(data["name"]))


def _joining_closed(state: SessionState, event: Event) -> None:
    state.is_joining_open = False


def _joining_opened(state: SessionState, event: Event) -> None:
    state.is_joining_open = True


def _end_visit(state: SessionState, at: datetime) -> None:
    if state.visits and state.visits[-1].ended_at is None:
        state.visits[-1].ended_at = at


def _enter(state: SessionState, index: int, recit: int | None, at: datetime) -> None:
    _end_visit(state, at)
    state.step_index = index
    state.recit_index = recit
    state.step_started_at = at
    state.visits.append(Visit(index, recit, at))


def _session_started(state: SessionState, event: Event) -> None:
    state.status = Status.RUNNING
    _enter(state, 0, None, event.at)


def _step_changed(state: SessionState, event: Event) -> None:
    _enter(state, int(event.data["index"]), recit_of(event.data), event.at)  # type: ignore[arg-type]


def _session_ended(state: SessionState, event: Event) -> None:
    state.status = Status.ENDED
    state.is_joining_open = False
    _end_visit(state, event.at)


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.SESSION_CREATED: _session_created,
    ev.PARTICIPANT_JOINED: _participant_joined,
    ev.CONVENTION_ACCEPTED: _convention_accepted,
    ev.MEMBER_INVITED: _member_invited,
    ev.JOINING_CLOSED: _joining_closed,
    ev.JOINING_OPENED: _joining_opened,
    ev.SESSION_STARTED: _session_started,
    ev.STEP_CHANGED: _step_changed,
    ev.SESSION_ENDED: _session_ended,
}


# ---------------------------------------------------------------- payloads


class Convention(TypedDict):
    version: int
    text: str
    language: NotRequired[str]  # the language ``text`` is written in (French when not said)
    translations: NotRequired[dict[str, str]]  # the same convention in other languages


class SessionCreated(TypedDict):
    title: str
    question: str
    protocol: str
    planned_dates: list[str]
    convention: Convention
    language: NotRequired[str]  # the report's language (French when not said)


class ParticipantJoined(TypedDict):
    participant_id: Id
    pseudonym: str
    function: str
    entered_by: NotRequired[str | None]  # a researcher registered someone without a device


class ConventionAccepted(ByParticipant):
    version: int
    language: NotRequired[str]  # the language of the text they accepted
    text_sha256: NotRequired[str]  # that exact text's SHA-256


class MemberInvited(TypedDict):
    member_id: Id
    role: str
    name: str


class StepChanged(TypedDict):
    index: int
    recit: NotRequired[int | None]
    # Where the session was (absent from logs older than this field).
    from_: NotRequired[int | None]
    from_recit: NotRequired[int | None]


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.SESSION_CREATED: SessionCreated,
    ev.PARTICIPANT_JOINED: ParticipantJoined,
    ev.CONVENTION_ACCEPTED: ConventionAccepted,
    ev.MEMBER_INVITED: MemberInvited,
    ev.JOINING_CLOSED: Empty,
    ev.JOINING_OPENED: Empty,
    ev.SESSION_STARTED: Empty,
    ev.STEP_CHANGED: StepChanged,
    ev.SESSION_ENDED: Empty,
}
