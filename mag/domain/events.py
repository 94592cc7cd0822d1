"""Event names and the event record.

Every change to a session is one of these events, appended with the next
per-session sequence number. Names are in the past tense; commands (in
mag.domain.commands) are in the imperative.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

SESSION_CREATED = "session_created"
PARTICIPANT_JOINED = "participant_joined"
CONVENTION_ACCEPTED = "convention_accepted"
JOINING_CLOSED = "joining_closed"
JOINING_OPENED = "joining_opened"
SESSION_STARTED = "session_started"
STEP_CHANGED = "step_changed"
SESSION_ENDED = "session_ended"
PROPOSAL_SUBMITTED = "proposal_submitted"
PROPOSAL_EDITED = "proposal_edited"
PROPOSAL_WITHDRAWN = "proposal_withdrawn"

ALL = frozenset(
    {
        SESSION_CREATED,
        PARTICIPANT_JOINED,
        CONVENTION_ACCEPTED,
        JOINING_CLOSED,
        JOINING_OPENED,
        SESSION_STARTED,
        STEP_CHANGED,
        SESSION_ENDED,
        PROPOSAL_SUBMITTED,
        PROPOSAL_EDITED,
        PROPOSAL_WITHDRAWN,
    }
)

# Who receives an event: everyone admitted to the session, the staff only, or
# one participant (and the staff). Decided when the event is made, stored with it.
AUDIENCE_ALL = "all"
AUDIENCE_STAFF = "staff"


def audience_participant(participant_id: str) -> str:
    return f"p:{participant_id}"


@dataclass(frozen=True)
class NewEvent:
    """An event decided by a command, before storage gives it a sequence number."""

    type: str
    data: Mapping[str, object]
    audience: str = AUDIENCE_ALL


@dataclass(frozen=True)
class Event:
    """A stored event."""

    seq: int
    type: str
    data: Mapping[str, object]
    actor: str
    at: datetime
    audience: str = AUDIENCE_ALL

    def to_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "type": self.type,
            "data": dict(self.data),
            "actor": self.actor,
            "at": self.at.isoformat(),
        }
