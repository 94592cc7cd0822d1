"""What each event carries: one typed declaration per event type.

The commands make these payloads, the state folds them, the browser's store applies
them and researchers read them in the JSON export. :func:`json_schema` turns the
declarations into the JSON Schema of ``data`` for each type, which the archive's
``session.schema.json`` holds (``tests/domain/test_payloads.py`` keeps the two
equal and checks every event a session makes against its declaration).

A key that is ``NotRequired`` may be absent: the state reads it with a default.
"""

import types
import typing
from typing import Any, NotRequired, TypedDict

from mag.domain import events as ev

Id = str
Iso = str  # a date or date-time, ISO 8601


class Empty(TypedDict):
    """Nothing to say but that it happened (the session started, the timer paused…)."""


class Convention(TypedDict):
    version: int
    text: str


class SessionCreated(TypedDict):
    title: str
    question: str
    protocol: str
    planned_dates: list[str]
    convention: Convention


class ParticipantJoined(TypedDict):
    participant_id: Id
    pseudonym: str
    function: str
    entered_by: NotRequired[str | None]  # a researcher registered someone without a device


class ByParticipant(TypedDict):
    """Something a participant did, on their device or typed for them (``entered_by``)."""

    participant_id: Id
    entered_by: NotRequired[str | None]


class ConventionAccepted(ByParticipant):
    version: int


class MemberInvited(TypedDict):
    member_id: Id
    role: str
    name: str


class StepChanged(TypedDict):
    index: int
    recit: NotRequired[int | None]
    # Where the session was (absent from logs older than this field).
    from_: NotRequired[int | None]
    from_recit: NotRequired[int | None]


class ProposalSubmitted(TypedDict):
    proposal_id: Id
    author_id: Id
    entered_by: NotRequired[str | None]
    step_index: int
    title: str
    body: str


class ProposalEdited(TypedDict):
    proposal_id: Id
    title: str
    body: str


class ProposalWithdrawn(TypedDict):
    proposal_id: Id


class BallotCast(TypedDict):
    participant_id: Id
    choices: list[Id]


class VoteClosed(TypedDict):
    results: list[dict[str, Any]]
    ballots: NotRequired[int]


class RecitsChosen(TypedDict):
    recits: list[dict[str, Any]]


class NarrationAnswered(ByParticipant):
    recit: int


class ContributionFields(TypedDict):
    """What a contribution says, each as its kind has it; an edit carries what it changes."""

    title: NotRequired[str]
    body: NotRequired[str]
    reference: NotRequired[str]
    level: NotRequired[str]
    board_kind: NotRequired[str]
    item_id: NotRequired[Id]
    links: NotRequired[list[Id]]
    replies_to: NotRequired[list[Id]]


class ContributionAdded(ContributionFields):
    contribution_id: Id
    kind: str
    author_id: NotRequired[Id | None]
    entered_by: NotRequired[str | None]
    step_index: int
    recit: NotRequired[int | None]
    is_hidden: NotRequired[bool]
    is_hand: NotRequired[bool]
    status: NotRequired[str]


class ContributionEdited(ContributionFields):
    contribution_id: Id
    entered_by: NotRequired[str | None]


class ContributionWithdrawn(TypedDict):
    contribution_id: Id


class RevealedContribution(ContributionAdded):
    """A contribution as revealed: as it was added, and what happened to it since."""

    deferred_from: NotRequired[int | None]
    edited_by: NotRequired[str | None]
    supporters: NotRequired[list[Id]]
    at: NotRequired[Iso]


class ContributionsRevealed(TypedDict):
    step_index: int
    recit: NotRequired[int | None]
    contributions: list[RevealedContribution]


class HiddenKept(TypedDict):
    step_index: int
    recit: NotRequired[int | None]
    count: int


class QuestionMarked(TypedDict):
    contribution_id: Id
    status: str


class QuestionDeferred(TypedDict):
    contribution_id: Id
    step_index: int


class Order(TypedDict):
    order: list[Id]


class RoundStarted(TypedDict):
    step_index: int
    recit: NotRequired[int | None]
    order: list[Id]
    turn_seconds: int
    last: NotRequired[Id | None]  # the narrator, who keeps the last place


class TurnEnded(TypedDict):
    participant_id: NotRequired[Id]
    outcome: str


class TimerExtended(TypedDict):
    seconds: int


class BoardItemEdited(TypedDict):
    item_id: Id
    kind: str
    title: str
    formulation: str
    links: list[Id]


class BoardItemAdded(BoardItemEdited):
    position: int
    recit: NotRequired[int | None]


class BoardItemRemoved(TypedDict):
    item_id: Id


class Settled(TypedDict):
    """A suggestion or an amendment, accepted or declined."""

    status: str


class SuggestionSettled(Settled):
    contribution_id: Id


class AmendmentSettled(Settled):
    comment_id: Id


class PerspectiveSupport(TypedDict):
    contribution_id: Id
    participant_id: Id


class EvaluationAnswered(TypedDict):
    answers: dict[str, Any]


class EvaluationRevealed(TypedDict):
    summary: dict[str, Any]


class SynthesisSaved(TypedDict):
    version: int
    text: str
    base_version: NotRequired[int]


class Version(TypedDict):
    version: int


class SynthesisCommented(ByParticipant):
    comment_id: Id
    version: int
    section: str
    body: str
    is_amendment: bool


class SynthesisApproved(ByParticipant):
    version: int


class SettingsChanged(TypedDict):
    attribution: NotRequired[str]
    withdrawal: NotRequired[str]
    retention_until: NotRequired[Iso | None]


class Replacement(TypedDict):
    find: str
    replace: str


class ReplacementsSet(TypedDict):
    replacements: list[Replacement]


class SessionArchived(TypedDict):
    folder: str


PAYLOADS: dict[str, type] = {
    ev.SESSION_CREATED: SessionCreated,
    ev.PARTICIPANT_JOINED: ParticipantJoined,
    ev.CONVENTION_ACCEPTED: ConventionAccepted,
    ev.MEMBER_INVITED: MemberInvited,
    ev.JOINING_CLOSED: Empty,
    ev.JOINING_OPENED: Empty,
    ev.SESSION_STARTED: Empty,
    ev.STEP_CHANGED: StepChanged,
    ev.SESSION_ENDED: Empty,
    ev.PROPOSAL_SUBMITTED: ProposalSubmitted,
    ev.PROPOSAL_EDITED: ProposalEdited,
    ev.PROPOSAL_WITHDRAWN: ProposalWithdrawn,
    ev.BALLOT_CAST: BallotCast,
    ev.VOTED: ByParticipant,
    ev.VOTE_CLOSED: VoteClosed,
    ev.VOTE_REOPENED: Empty,
    ev.RECITS_CHOSEN: RecitsChosen,
    ev.NARRATION_ACCEPTED: NarrationAnswered,
    ev.NARRATION_DECLINED: NarrationAnswered,
    ev.CONTRIBUTION_ADDED: ContributionAdded,
    ev.CONTRIBUTION_EDITED: ContributionEdited,
    ev.CONTRIBUTION_WITHDRAWN: ContributionWithdrawn,
    ev.CONTRIBUTIONS_REVEALED: ContributionsRevealed,
    ev.HIDDEN_KEPT: HiddenKept,
    ev.QUESTION_MARKED: QuestionMarked,
    ev.QUESTION_DEFERRED: QuestionDeferred,
    ev.SEATING_SET: Order,
    ev.ROUND_STARTED: RoundStarted,
    ev.TURN_ENDED: TurnEnded,
    ev.TIMER_PAUSED: Empty,
    ev.TIMER_RESUMED: Empty,
    ev.TIMER_EXTENDED: TimerExtended,
    ev.BOARD_ITEM_ADDED: BoardItemAdded,
    ev.BOARD_ITEM_EDITED: BoardItemEdited,
    ev.BOARD_ITEM_REMOVED: BoardItemRemoved,
    ev.BOARD_REORDERED: Order,
    ev.SUGGESTION_SETTLED: SuggestionSettled,
    ev.PERSPECTIVE_SUPPORTED: PerspectiveSupport,
    ev.PERSPECTIVE_UNSUPPORTED: PerspectiveSupport,
    ev.EVALUATION_ANSWERED: EvaluationAnswered,
    ev.EVALUATION_DONE: ByParticipant,
    ev.EVALUATION_REVEALED: EvaluationRevealed,
    ev.SYNTHESIS_SAVED: SynthesisSaved,
    ev.VALIDATION_OPENED: Version,
    ev.VALIDATION_CLOSED: Empty,
    ev.SYNTHESIS_COMMENTED: SynthesisCommented,
    ev.AMENDMENT_SETTLED: AmendmentSettled,
    ev.SYNTHESIS_APPROVED: SynthesisApproved,
    ev.SETTINGS_CHANGED: SettingsChanged,
    ev.REPLACEMENTS_SET: ReplacementsSet,
    ev.CONSENT_WITHDRAWN: ByParticipant,
    ev.SESSION_ARCHIVED: SessionArchived,
}

# Python names cannot be keywords: the key written ``from_`` is ``from``.
_KEYS = {"from_": "from"}
_SCALARS = {str: "string", int: "integer", bool: "boolean", float: "number"}


def json_schema(payload: type) -> dict[str, Any]:
    """The JSON Schema of a payload declared as a TypedDict (no other keys allowed)."""
    hints = typing.get_type_hints(payload, include_extras=True)
    properties: dict[str, Any] = {}
    required = []
    for name, hint in hints.items():
        key = _KEYS.get(name, name)
        if typing.get_origin(hint) is NotRequired:
            (hint,) = typing.get_args(hint)
        else:
            required.append(key)
        properties[key] = _type_schema(hint)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _type_schema(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if hint is Any:
        return {}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if hint is type(None):
        return {"type": "null"}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_type_schema(arg) for arg in typing.get_args(hint)]}
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _type_schema(item)}
    if origin is dict:
        return {"type": "object"}
    if typing.is_typeddict(hint):
        return json_schema(hint)
    raise TypeError(f"no JSON Schema for {hint!r}")


def schema_rules() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """For ``session.schema.json``: each type's ``data`` schema, and the rules choosing it."""
    defs = {f"data_{name}": json_schema(PAYLOADS[name]) for name in sorted(PAYLOADS)}
    rules = [
        {
            "if": {"properties": {"type": {"const": name}}},
            "then": {"properties": {"data": {"$ref": f"#/$defs/data_{name}"}}},
        }
        for name in sorted(PAYLOADS)
    ]
    return defs, rules
