"""What each viewer may see: event filtering and the full-state snapshot.

The server sends a viewer only what this module lets through; the browser
never receives something it would merely have to hide.
"""

from collections.abc import Callable

from mag.domain import events as ev
from mag.domain.events import Event
from mag.domain.protocol import Protocol
from mag.domain.roles import Actor, Role
from mag.domain.state import Contribution, Round, SessionState, SynthesisComment


def is_admitted(viewer: Actor, state: SessionState) -> bool:
    """Staff and observers always; a participant once they accepted the current convention."""
    if viewer.role is not Role.PARTICIPANT:
        return True
    return state.is_admitted_participant(viewer.participant_id)


# Who an event reaches, by its audience: groups of viewers. The one rule that both the
# live rooms (``realtime.audience_rooms``, a room per group) and replays (``can_see``)
# follow. « everyone » is every admitted viewer: a participant before accepting the
# convention is in no room but their own, and their snapshot holds the convention alone.
EVERYONE = "everyone"
STAFF = "staff"
ONE_PARTICIPANT = "participant"
Group = tuple[str, str | None]  # (EVERYONE | STAFF | ONE_PARTICIPANT, participant id)


def audience_groups(audience: str) -> list[Group]:
    if audience == ev.AUDIENCE_ALL:
        return [(EVERYONE, None)]
    if audience == ev.AUDIENCE_STAFF:
        return [(STAFF, None)]
    if audience.startswith("p:"):  # a contribution hidden until revealed: its author, the staff
        return [(STAFF, None), (ONE_PARTICIPANT, audience.removeprefix("p:"))]
    if audience.startswith("self:"):  # a secret ballot: its voter alone, not even the staff
        return [(ONE_PARTICIPANT, audience.removeprefix("self:"))]
    return []  # ev.AUDIENCE_NOBODY


def in_group(viewer: Actor, group: Group) -> bool:
    kind, participant_id = group
    if kind == EVERYONE:
        return True
    if kind == STAFF:
        return viewer.role.is_staff
    return viewer.participant_id is not None and viewer.participant_id == participant_id


def can_see(event: Event, viewer: Actor) -> bool:
    return any(in_group(viewer, group) for group in audience_groups(event.audience))


def contribution_data(contribution: Contribution) -> dict[str, object]:
    """A contribution as ``contribution_added`` carries it (also used by snapshots)."""
    return {
        "contribution_id": contribution.id,
        "kind": contribution.kind.value,
        "author_id": contribution.author_id,
        "entered_by": contribution.entered_by,
        "step_index": contribution.step_index,
        "recit": contribution.recit,
        "title": contribution.title,
        "body": contribution.body,
        "reference": contribution.reference,
        "level": contribution.level,
        "board_kind": contribution.board_kind,
        "item_id": contribution.item_id,
        "links": list(contribution.links),
        "replies_to": list(contribution.replies_to),
        "status": contribution.status,
        "is_hand": contribution.is_hand,
        "is_hidden": contribution.is_hidden,
        "deferred_from": contribution.deferred_from,
        "edited_by": contribution.edited_by,
        "supporters": list(contribution.supporters),
        "at": contribution.at.isoformat(),
    }


def may_see(contribution: Contribution, actor: Actor) -> bool:
    """A contribution in a snapshot or a command's reach: not withdrawn, hidden but to some."""
    if contribution.is_withdrawn:
        return False
    if not contribution.is_hidden or actor.role.is_staff:
        return True
    return contribution.author_id is not None and contribution.author_id == actor.participant_id


def round_key(step_index: int, recit: int | None) -> str:
    """How rounds are keyed in JSON (the browser builds the same key)."""
    return f"{step_index}:{'-' if recit is None else recit}"


def round_view(round_: Round) -> dict[str, object]:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "step_index": round_.step_index,
        "recit": round_.recit,
        "order": list(round_.order),
        "position": round_.position,
        "outcomes": dict(round_.outcomes),
        "passed_once": sorted(round_.passed_once),
        "last": round_.last,
        "turn_seconds": round_.turn_seconds,
        "turn_started_at": iso(round_.turn_started_at),
        "paused_at": iso(round_.paused_at),
        "paused_seconds": round_.paused_seconds,
        "extra_seconds": round_.extra_seconds,
    }


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
                "kind": str(step.kind),
                "contributors": sorted(c.value for c in step.contributors),
                "visibility": step.visibility.value,
                "duration_minutes": step.duration_minutes,
                "instructions": step.instructions,
                "per_recit": step.per_recit,
                "options": step.plain_options(),
            }
            for step in protocol.steps
        ],
    }


def snapshot(
    state: SessionState, protocol: Protocol, viewer: Actor, language: str | None = None
) -> dict[str, object]:
    """The whole state as ``viewer`` may see it, in the shape the browser keeps.

    ``language``: the viewer's, for the convention's text if it is given in it (the
    caller passes ``protocol`` translated into it too).
    """
    convention_language, convention_text = state.convention_in(language)
    session = {
        "id": state.session_id,
        "title": state.title,
        "question": state.question,
        "planned_dates": list(state.planned_dates),
        "status": state.status.value,
        "step_index": state.step_index,
        "recit_index": state.recit_index,
        "step_started_at": state.step_started_at.isoformat() if state.step_started_at else None,
        "is_joining_open": state.is_joining_open,
        "convention": {
            "version": state.convention_version,
            "text": convention_text,
            "language": convention_language,
        },
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
                "entered_by": p.entered_by,
                "withdrawn": p.withdrawn_at is not None,
            }
            for p in state.participants.values()
        },
        "members": (
            {m.id: {"role": m.role, "name": m.name} for m in state.members.values()}
            if viewer.role.is_staff
            else {}
        ),
        "proposals": {
            p.id: {
                "author_id": p.author_id,
                "entered_by": p.entered_by,
                "from_fiche": p.fiche_id is not None,
                "awaiting_consent": p.awaiting_consent,
                "title": p.title,
                "body": p.body,
                "step_index": p.step_index,
            }
            for p in state.proposals.values()
            if p.is_open
            or (
                not p.is_withdrawn
                and (viewer.role.is_staff or viewer.participant_id == p.author_id)
            )
        },
        "vote": {
            "voters": list(state.voters),
            "is_closed": state.is_vote_closed,
            "results": [dict(r) for r in state.vote_results],
            "my_ballot": state.ballots.get(viewer.participant_id or ""),
        },
        "recits": [
            {"proposal_id": r.proposal_id, "narrator_id": r.narrator_id, "accepted": r.accepted}
            for r in state.recits
        ],
        "contributions": {
            c.id: contribution_data(c) for c in state.contributions.values() if may_see(c, viewer)
        },
        "revealed": [[step, recit] for step, recit in state.revealed],
        "seating": list(state.seating),
        "rounds": {round_key(*key): round_view(r) for key, r in state.rounds.items()},
        "board": {
            item.id: {
                "kind": item.kind.value,
                "title": item.title,
                "formulation": item.formulation,
                "recit": item.recit,
                "links": list(item.links),
                "position": item.position,
            }
            for item in state.board.values()
        },
        "evaluation": {"evaluated": list(state.evaluated), "summary": state.evaluation_summary},
        "visits": [
            {
                "step_index": v.step_index,
                "recit": v.recit,
                "started_at": v.started_at.isoformat(),
                "ended_at": v.ended_at.isoformat() if v.ended_at else None,
            }
            for v in state.visits
        ],
        "validation": {
            "is_open": state.is_validation_open,
            "version": state.validation_version,
            "approvals": [
                {"participant_id": a.participant_id, "version": a.version, "at": a.at.isoformat()}
                for a in state.approvals
            ],
        },
        "comments": {
            c.id: comment_view(c)
            for c in state.comments.values()
            if viewer.role.is_staff or c.participant_id == viewer.participant_id
        },
        "kind_state": {
            kind: _kind_views().get(kind, _whole)(data, viewer)
            for kind, data in state.kind_state.items()
        },
        **(_staff_only(state) if viewer.role.is_staff else {}),
    }


def _kind_views() -> dict[str, Callable]:
    """Imported on use: the step modules import this one for what a viewer may see."""
    from mag.domain.steps import VIEWS

    return VIEWS


def _whole(data: dict[str, object], viewer: Actor) -> dict[str, object]:
    """A kind of step's state that every admitted viewer may see."""
    return data


def comment_view(comment: SynthesisComment) -> dict[str, object]:
    return {
        "participant_id": comment.participant_id,
        "entered_by": comment.entered_by,
        "version": comment.version,
        "section": comment.section,
        "body": comment.body,
        "is_amendment": comment.is_amendment,
        "status": comment.status,
        "at": comment.at.isoformat(),
    }


def _staff_only(state: SessionState) -> dict[str, object]:
    """The synthesis draft, pseudonymisation and settings: the researchers' business."""
    return {
        "synthesis": {
            "text": state.synthesis_text,
            "versions": [
                {"version": v.version, "author": v.author, "at": v.at.isoformat()}
                for v in state.synthesis_versions
            ],
        },
        "settings": {
            "attribution": state.settings.attribution.value,
            "withdrawal": state.settings.withdrawal.value,
            "retention_until": state.settings.retention_until,
            "language": state.settings.language,
        },
        "replacements": [{"find": f, "replace": r} for f, r in state.replacements],
        "archive_folder": state.archive_folder,
    }
