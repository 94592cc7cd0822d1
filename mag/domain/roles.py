"""Roles and the actor behind a command.

Which role may send which command is listed in ``mag.domain.commands.COMMANDS``
and checked on the server for every command; the browser only hides controls
a role cannot use.
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
