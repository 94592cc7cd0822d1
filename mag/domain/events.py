"""Event names and the event record.

Every change to a session is an event, appended with the next per-session
sequence number. The names of the method's own events are here; the module of
mag.domain.steps that makes and folds an event declares it (``PAYLOADS``), and
``mag.domain.steps.PAYLOADS`` is the list of every event type. Names are in the
past tense; commands (in mag.domain.commands) are in the imperative.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

SESSION_CREATED = "session_created"
PARTICIPANT_JOINED = "participant_joined"
CONVENTION_ACCEPTED = "convention_accepted"
MEMBER_INVITED = "member_invited"
JOINING_CLOSED = "joining_closed"
JOINING_OPENED = "joining_opened"
SESSION_STARTED = "session_started"
STEP_CHANGED = "step_changed"
SESSION_ENDED = "session_ended"
PROPOSAL_SUBMITTED = "proposal_submitted"
PROPOSAL_EDITED = "proposal_edited"
PROPOSAL_WITHDRAWN = "proposal_withdrawn"
PROPOSAL_CONSENTED = "proposal_consented"
BALLOT_CAST = "ballot_cast"
VOTED = "voted"
VOTE_CLOSED = "vote_closed"
VOTE_REOPENED = "vote_reopened"
RECITS_CHOSEN = "recits_chosen"
NARRATION_ACCEPTED = "narration_accepted"
NARRATION_DECLINED = "narration_declined"
CONTRIBUTION_ADDED = "contribution_added"
CONTRIBUTION_EDITED = "contribution_edited"
CONTRIBUTION_WITHDRAWN = "contribution_withdrawn"
CONTRIBUTIONS_REVEALED = "contributions_revealed"
HIDDEN_KEPT = "hidden_kept"
QUESTION_MARKED = "question_marked"
QUESTION_DEFERRED = "question_deferred"
SEATING_SET = "seating_set"
ROUND_STARTED = "round_started"
TURN_ENDED = "turn_ended"
TIMER_PAUSED = "timer_paused"
TIMER_RESUMED = "timer_resumed"
TIMER_EXTENDED = "timer_extended"
BOARD_ITEM_ADDED = "board_item_added"
BOARD_ITEM_EDITED = "board_item_edited"
BOARD_ITEM_REMOVED = "board_item_removed"
BOARD_REORDERED = "board_reordered"
SUGGESTION_SETTLED = "suggestion_settled"
PERSPECTIVE_SUPPORTED = "perspective_supported"
PERSPECTIVE_UNSUPPORTED = "perspective_unsupported"
EVALUATION_ANSWERED = "evaluation_answered"
EVALUATION_DONE = "evaluation_done"
EVALUATION_REVEALED = "evaluation_revealed"
SYNTHESIS_SAVED = "synthesis_saved"
VALIDATION_OPENED = "validation_opened"
VALIDATION_CLOSED = "validation_closed"
SYNTHESIS_COMMENTED = "synthesis_commented"
AMENDMENT_SETTLED = "amendment_settled"
SYNTHESIS_APPROVED = "synthesis_approved"
SETTINGS_CHANGED = "settings_changed"
REPLACEMENTS_SET = "replacements_set"
CONSENT_WITHDRAWN = "consent_withdrawn"
SESSION_ARCHIVED = "session_archived"

# Who receives an event: everyone admitted to the session, the staff only, or
# one participant (and the staff). Decided when the event is made, stored with it.
AUDIENCE_ALL = "all"
AUDIENCE_STAFF = "staff"
# Kept in the log, sent to no one (evaluation answers: only their summary is shown).
AUDIENCE_NOBODY = "none"
# Kept apart from the log by the server, linked to nobody and to no moment: a session's
# evaluation answers (mag.models.EvaluationPoolRecord). The log says only who answered.
KEPT_APART = frozenset({EVALUATION_ANSWERED})
ANONYMOUS = "anonyme"
"""Stored as the actor of events that must not say who caused them (evaluation answers)."""


def audience_participant(participant_id: str) -> str:
    """That participant and the staff (a contribution hidden until the reveal)."""
    return f"p:{participant_id}"


def audience_self(participant_id: str) -> str:
    """That participant alone, not even the staff (a secret ballot before the count)."""
    return f"self:{participant_id}"


@dataclass(frozen=True)
class NewEvent:
    """An event decided by a command, before storage gives it a sequence number."""

    type: str
    data: Mapping[str, object]
    audience: str = AUDIENCE_ALL
    # Overrides the stored actor, e.g. ANONYMOUS for evaluation answers.
    actor: str | None = None


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
