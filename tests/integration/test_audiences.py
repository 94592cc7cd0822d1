"""Who receives an event: one rule for the live rooms and for replays, audience by viewer."""

from datetime import UTC, datetime

import pytest

from mag.domain.events import Event
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.views import can_see
from mag.realtime import audience_rooms, participant_room, session_room, staff_room

SESSION = "s1"
VIEWERS = {
    "animateur": FACILITATOR,
    "rapporteur": Actor(Role.RAPPORTEUR, member_id="m-1"),
    "projection": Actor(Role.OBSERVATEUR, member_id="m-2"),
    "amina": Actor(Role.PARTICIPANT, participant_id="p-amina"),
    "bruno": Actor(Role.PARTICIPANT, participant_id="p-bruno"),
}
# Audience -> who sees it: the method's visibility, written out once by hand.
TABLE = {
    "all": {"animateur", "rapporteur", "projection", "amina", "bruno"},
    "staff": {"animateur", "rapporteur"},
    "p:p-amina": {"animateur", "rapporteur", "amina"},  # hidden until revealed: author and staff
    "self:p-amina": {"amina"},  # a secret ballot: not even the staff
    "none": set(),
}


def rooms_of(viewer: Actor) -> set[str]:
    """The rooms an admitted viewer's socket is in (realtime.on_connect)."""
    rooms = {session_room(SESSION)}
    if viewer.participant_id:
        rooms.add(participant_room(viewer.participant_id))
    if viewer.role.is_staff:
        rooms.add(staff_room(SESSION))
    return rooms


@pytest.mark.parametrize("audience", TABLE)
def test_live_rooms_and_replays_reach_the_same_viewers(audience):
    event = Event(seq=1, type="x", data={}, actor="a", at=datetime.now(UTC), audience=audience)
    rooms = set(audience_rooms(SESSION, audience))
    replayed = {name for name, viewer in VIEWERS.items() if can_see(event, viewer)}
    live = {name for name, viewer in VIEWERS.items() if rooms & rooms_of(viewer)}
    assert replayed == live == TABLE[audience]
