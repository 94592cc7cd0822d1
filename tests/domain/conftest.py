"""A session played in the domain alone: states built by applying events, as the server does."""

from datetime import UTC, datetime, timedelta

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
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
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
                actor=new.actor or actor,
                at=self.now,
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

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def next(self) -> None:
        self.steer("next_step", from_index=self.state.step_index)

    def go_to_kind(self, kind: str) -> None:
        """Start the session if needed and move forward to the first step of ``kind``."""
        if self.state.step_index is None:
            self.steer("start_session")
        while self.protocol.steps[self.state.step_index].kind.value != kind:
            self.next()

    def go_to_step(self, step_id: str) -> None:
        if self.state.step_index is None:
            self.steer("start_session")
        while self.protocol.steps[self.state.step_index].id != step_id:
            self.next()

    def propose(self, actor: Actor, title: str) -> str:
        proposal_id = f"prop-{len(self.state.proposals) + 1:04d}"
        self.do(
            actor,
            "submit_proposal",
            proposal_id=proposal_id,
            title=title,
            body="Il était une fois.",
        )
        return proposal_id

    def choose(self, *proposal_ids: str) -> None:
        """Close the vote, choose these récits; each proposer accepts to narrate."""
        self.go_to_kind("vote")
        if not self.state.is_vote_closed:
            self.steer("close_vote")
        self.steer("choose_recits", recits=[{"proposal_id": pid} for pid in proposal_ids])
        for index, recit in enumerate(self.state.recits):
            self.do(Actor(Role.PARTICIPANT, recit.narrator_id), "accept_narration", recit=index)

    def group(self, count: int = 4) -> list[Actor]:
        """``count`` participants who joined and accepted, the first one's récit chosen."""
        people = [
            self.join(name) for name in ["Awa", "Bruno", "Chloé", "Driss", "Emma", "Fatou"][:count]
        ]
        return people


@pytest.fixture
def story() -> Story:
    """A mag-complet session in its lobby."""
    return Story()


@pytest.fixture
def make_story():
    """Make a session of another protocol: ``make_story("mag-court")``."""
    return Story
