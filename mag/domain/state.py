"""The live state of a session, derived from its events.

``SessionState.apply`` is the only way state changes, so the state a server
holds, the state a reconnecting browser rebuilds and the state an export reads
all come from the same event log.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from mag.domain import events as ev
from mag.domain.events import Event


class Status(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    ENDED = "ended"


@dataclass
class Participant:
    id: str
    pseudonym: str
    function: str
    joined_at: datetime
    accepted_version: int | None = None
    accepted_at: datetime | None = None

    @property
    def has_accepted(self) -> bool:
        return self.accepted_version is not None


@dataclass
class Member:
    """A team member invited by the session's creator: animateur, rapporteur or observer."""

    id: str
    role: str
    name: str


@dataclass
class Proposal:
    id: str
    author_id: str
    title: str
    body: str
    step_index: int
    submitted_at: datetime
    edited_at: datetime | None = None
    is_withdrawn: bool = False


@dataclass
class SessionState:
    session_id: str
    title: str = ""
    question: str = ""
    protocol_name: str = ""
    planned_dates: list[str] = field(default_factory=list)
    convention_text: str = ""
    convention_version: int = 0
    status: Status = Status.LOBBY
    step_index: int | None = None
    step_started_at: datetime | None = None
    is_joining_open: bool = True
    participants: dict[str, Participant] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    seq: int = 0

    def apply(self, event: Event) -> None:
        """Fold one event into the state. Events arrive in sequence order."""
        handler = _APPLY.get(event.type)
        if handler is None:
            raise ValueError(f"unknown event type {event.type!r}")
        handler(self, event)
        self.seq = event.seq

    def pseudonym_taken(self, pseudonym: str) -> bool:
        key = pseudonym.casefold()
        return any(p.pseudonym.casefold() == key for p in self.participants.values())


def _session_created(state: SessionState, event: Event) -> None:
    data = event.data
    state.title = str(data["title"])
    state.question = str(data["question"])
    state.protocol_name = str(data["protocol"])
    state.planned_dates = [str(d) for d in data["planned_dates"]]  # type: ignore[union-attr]
    convention = data["convention"]
    state.convention_text = str(convention["text"])  # type: ignore[index]
    state.convention_version = int(convention["version"])  # type: ignore[index]


def _participant_joined(state: SessionState, event: Event) -> None:
    data = event.data
    pid = str(data["participant_id"])
    state.participants[pid] = Participant(
        id=pid,
        pseudonym=str(data["pseudonym"]),
        function=str(data["function"]),
        joined_at=event.at,
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


def _session_started(state: SessionState, event: Event) -> None:
    state.status = Status.RUNNING
    state.step_index = 0
    state.step_started_at = event.at


def _step_changed(state: SessionState, event: Event) -> None:
    state.step_index = int(event.data["index"])  # type: ignore[arg-type]
    state.step_started_at = event.at


def _session_ended(state: SessionState, event: Event) -> None:
    state.status = Status.ENDED
    state.is_joining_open = False


def _proposal_submitted(state: SessionState, event: Event) -> None:
    data = event.data
    pid = str(data["proposal_id"])
    state.proposals[pid] = Proposal(
        id=pid,
        author_id=str(data["author_id"]),
        title=str(data["title"]),
        body=str(data["body"]),
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        submitted_at=event.at,
    )


def _proposal_edited(state: SessionState, event: Event) -> None:
    proposal = state.proposals[str(event.data["proposal_id"])]
    proposal.title = str(event.data["title"])
    proposal.body = str(event.data["body"])
    proposal.edited_at = event.at


def _proposal_withdrawn(state: SessionState, event: Event) -> None:
    state.proposals[str(event.data["proposal_id"])].is_withdrawn = True


_APPLY = {
    ev.SESSION_CREATED: _session_created,
    ev.PARTICIPANT_JOINED: _participant_joined,
    ev.CONVENTION_ACCEPTED: _convention_accepted,
    ev.MEMBER_INVITED: _member_invited,
    ev.JOINING_CLOSED: _joining_closed,
    ev.JOINING_OPENED: _joining_opened,
    ev.SESSION_STARTED: _session_started,
    ev.STEP_CHANGED: _step_changed,
    ev.SESSION_ENDED: _session_ended,
    ev.PROPOSAL_SUBMITTED: _proposal_submitted,
    ev.PROPOSAL_EDITED: _proposal_edited,
    ev.PROPOSAL_WITHDRAWN: _proposal_withdrawn,
}
