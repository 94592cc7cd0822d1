"""Roles and the actor behind a command.

Which role may send which command is listed in ``mag.domain.commands.COMMANDS``
and checked on the server for every command; the browser only hides controls
a role cannot use.
"""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ANIMATEUR = "animateur"
    RAPPORTEUR = "rapporteur"
    PARTICIPANT = "participant"
    OBSERVATEUR = "observateur"

    @property
    def is_staff(self) -> bool:
        """Researchers running the session (animateurs, rapporteur): they see everything."""
        return self in (Role.ANIMATEUR, Role.RAPPORTEUR)


STAFF_ROLES = (Role.ANIMATEUR, Role.RAPPORTEUR, Role.OBSERVATEUR)
"""Roles given by a link the facilitator hands out (the session's creator is an animateur)."""


@dataclass(frozen=True)
class Actor:
    """Who sends a command.

    ``participant_id`` for participants; ``member_id`` for the team members the
    creator invited (a second animateur, the rapporteur, an observer screen).
    ``entered_by`` is set when a researcher acts on a participant's behalf: the
    actor is then that participant, and ``entered_by`` the researcher's role.
    """

    role: Role
    participant_id: str | None = None
    member_id: str | None = None
    entered_by: str | None = None

    @property
    def key(self) -> str:
        """Stable label stored with every event this actor causes."""
        if self.participant_id:
            return self.participant_id
        if self.member_id:
            return f"{self.role.value}:{self.member_id}"
        return self.role.value


FACILITATOR = Actor(Role.ANIMATEUR)
"""The session's creator."""
