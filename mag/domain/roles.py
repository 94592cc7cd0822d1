"""Who may do what in a session.

Permissions are decided here and checked on the server for every command;
the browser only hides controls a role cannot use.
"""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ANIMATEUR = "animateur"
    PARTICIPANT = "participant"

    @property
    def is_staff(self) -> bool:
        """Researchers running the session: they see everything."""
        return self is Role.ANIMATEUR

    def can_steer(self) -> bool:
        """Start the session, move between steps, open or close joining."""
        return self is Role.ANIMATEUR

    def can_contribute(self) -> bool:
        return self is Role.PARTICIPANT


@dataclass(frozen=True)
class Actor:
    """Who sends a command: a role, and the participant's id for participants."""

    role: Role
    participant_id: str | None = None

    @property
    def key(self) -> str:
        """Stable label stored with every event this actor causes."""
        return self.participant_id or self.role.value


FACILITATOR = Actor(Role.ANIMATEUR)
