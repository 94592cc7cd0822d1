"""A session played in the domain alone: states built by applying events, as the server does."""

from datetime import UTC, datetime

import pytest

from mag.domain.commands import decide, join
from mag.domain.events import SESSION_CREATED, Event, NewEvent
from mag.domain.protocol import builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState


class Story:
    """A session played command by command, as mag.live would, without storage."""

    def __init__(self, protocol_name: str = "mag-complet") -> None:
        self.protocol = builtin_protocol(protocol_name)
        self.state = SessionState("s1")
        self.log: list[Event] = []
        self._apply(
            "animateur",
            [
                NewEvent(
                    SESSION_CREATED,
                    {
                        "title": "Numérique et travail social",
                        "question": "Qu'est-ce que la numérisation change ?",
                        "protocol": self.protocol.name,
                        "planned_dates": ["2026-12-01"],
                        "convention": {"version": 1, "text": "On s'écoute."},
                    },
                )
            ],
        )

    def _apply(self, actor: str, new_events: list[NewEvent]) -> list[Event]:
        stored = []
        for new in new_events:
            event = Event(
                seq=self.state.seq + 1,
                type=new.type,
                data=dict(new.data),
                actor=actor,
                at=datetime.now(UTC),
                audience=new.audience,
            )
            self.state.apply(event)
            self.log.append(event)
            stored.append(event)
        return stored

    def join(self, pseudonym: str, function: str = "", *, accept: bool = True) -> Actor:
        pid = f"p-{len(self.state.participants) + 1}"
        self._apply(pid, join(self.state, pseudonym, function, pid))
        actor = Actor(Role.PARTICIPANT, pid)
        if accept:
            self.do(actor, "accept_convention", version=self.state.convention_version)
        return actor

    def do(self, actor: Actor, name: str, **args: object) -> list[Event]:
        return self._apply(actor.key, decide(self.state, self.protocol, actor, name, args))

    def steer(self, name: str, **args: object) -> list[Event]:
        return self.do(FACILITATOR, name, **args)

    def go_to_kind(self, kind: str) -> None:
        """Start the session if needed and move forward to the first step of ``kind``."""
        if self.state.step_index is None:
            self.steer("start_session")
        while self.protocol.steps[self.state.step_index].kind.value != kind:
            self.steer("next_step", from_index=self.state.step_index)


@pytest.fixture
def story() -> Story:
    """A mag-complet session in its lobby."""
    return Story()
