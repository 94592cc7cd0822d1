"""The method note's facts, worked out once for every format.

The synthesis (and so the Markdown, HTML, PDF and DOCX reports) and the REFI-QDA
project each write a method note: the protocol, the dates, how many people took
part, the time each step took against its plan. They read these facts from
:func:`facts`, so no two documents of one session count differently.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import ngettext

from mag.domain import events as ev
from mag.report.material import Material


@dataclass(frozen=True)
class StepTime:
    """One step as the session went through it: in the récit block, once per récit."""

    index: int
    recit: int | None
    planned: int  # minutes, from the protocol
    spent: float | None  # minutes, None when the session never went there


@dataclass(frozen=True)
class Facts:
    protocol_title: str
    protocol_name: str
    question: str
    planned_dates: list[str]  # as the session was created with them (ISO dates, mostly)
    started_at: datetime | None  # when the first step began
    ended_at: datetime | None  # when the animateur ended the session
    participants: int  # who took part: accepted the convention, withdrawn or not
    withdrawn: int  # of them, who withdrew their consent
    timezone: str
    steps: list[StepTime]

    @property
    def planned_total(self) -> int:
        return sum(step.planned for step in self.steps)

    @property
    def spent_total(self) -> float:
        return sum(step.spent or 0 for step in self.steps)


def facts(material: Material) -> Facts:
    state = material.state
    protocol = material.protocol
    took_part = [p for p in state.participants.values() if p.has_accepted]
    ends = (e.at for e in reversed(material.events) if e.type == ev.SESSION_ENDED)
    spent = minutes_spent(material)
    recits: list[int | None] = list(range(len(state.recits))) or [None]
    steps = [
        StepTime(index, recit, step.duration_minutes, spent.get((index, recit)))
        for index, step in enumerate(protocol.steps)
        for recit in (recits if index in protocol.recit_block else [None])
    ]
    return Facts(
        protocol_title=protocol.title,
        protocol_name=protocol.name,
        question=state.question,
        planned_dates=list(state.planned_dates),
        started_at=started_at(material),
        ended_at=next(ends, None),
        participants=len(took_part),
        withdrawn=sum(1 for p in took_part if p.withdrawn_at is not None),
        timezone=str(material.timezone),
        steps=steps,
    )


def started_at(material: Material) -> datetime | None:
    """When the session's first step began (None before it started)."""
    visits = material.state.visits
    return visits[0].started_at if visits else None


def minutes_spent(material: Material) -> dict[tuple[int, int | None], float]:
    """Minutes spent at each place, from the visits (an open visit runs to the last event)."""
    last = material.last_changed
    spent: dict[tuple[int, int | None], float] = defaultdict(float)
    for visit in material.state.visits:
        spent[(visit.step_index, visit.recit)] += visit.seconds(last) / 60
    return spent


def participants_text(known: Facts) -> str:
    """« 4 participant·es (dont 1 a retiré son consentement) »."""
    text = ngettext("%(num)s participant·e", "%(num)s participant·es", known.participants)
    if known.withdrawn:
        text += " " + ngettext(
            "(dont %(num)s a retiré son consentement)",
            "(dont %(num)s ont retiré leur consentement)",
            known.withdrawn,
        )
    return text
