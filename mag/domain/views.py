"""What each viewer may see: event filtering and the full-state snapshot.

The server sends a viewer only what this module lets through; the browser
never receives something it would merely have to hide.
"""

from mag.domain import events as ev
from mag.domain.events import Event
from mag.domain.protocol import Protocol
from mag.domain.roles import Actor
from mag.domain.state import SessionState


def is_admitted(viewer: Actor, state: SessionState) -> bool:
    """Staff always; a participant once they accepted the current convention."""
    if viewer.role.is_staff:
        return True
    participant = state.participants.get(viewer.participant_id or "")
    return participant is not None and participant.accepted_version == state.convention_version


def can_see(event: Event, viewer: Actor) -> bool:
    if viewer.role.is_staff:
        return True
    if event.audience == ev.AUDIENCE_ALL:
        return True
    return event.audience == ev.audience_participant(viewer.participant_id or "")


def protocol_view(protocol: Protocol) -> dict[str, object]:
    return {
        "name": protocol.name,
        "title": protocol.title,
        "steps": [
            {
                "id": step.id,
                "number": step.number,
                "phase": step.phase,
                "title": step.title,
                "kind": step.kind.value,
                "contributors": sorted(c.value for c in step.contributors),
                "visibility": step.visibility.value,
                "duration_minutes": step.duration_minutes,
                "instructions": step.instructions,
                "per_recit": step.per_recit,
            }
            for step in protocol.steps
        ],
    }


def snapshot(state: SessionState, protocol: Protocol, viewer: Actor) -> dict[str, object]:
    """The whole state as ``viewer`` may see it, in the shape the browser keeps."""
    session = {
        "id": state.session_id,
        "title": state.title,
        "question": state.question,
        "planned_dates": list(state.planned_dates),
        "status": state.status.value,
        "step_index": state.step_index,
        "step_started_at": state.step_started_at.isoformat() if state.step_started_at else None,
        "is_joining_open": state.is_joining_open,
        "convention": {"version": state.convention_version, "text": state.convention_text},
    }
    if not is_admitted(viewer, state):
        # Before accepting the convention a participant sees the convention only.
        return {"seq": state.seq, "session": session, "admitted": False}
    return {
        "seq": state.seq,
        "admitted": True,
        "session": session,
        "protocol": protocol_view(protocol),
        "participants": {
            p.id: {
                "pseudonym": p.pseudonym,
                "function": p.function,
                "has_accepted": p.accepted_version == state.convention_version,
            }
            for p in state.participants.values()
        },
        "proposals": {
            p.id: {
                "author_id": p.author_id,
                "title": p.title,
                "body": p.body,
                "step_index": p.step_index,
            }
            for p in state.proposals.values()
            if not p.is_withdrawn
        },
    }
