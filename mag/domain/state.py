"""The live state of a session, derived from its events.

``SessionState.apply`` is the only way state changes, so the state a server
holds, the state a reconnecting browser rebuilds and the state an export reads
all come from the same event log. How each event changes it lives with the
commands that make it, in :mod:`mag.domain.steps` (``FOLDS``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Any

from mag.domain.events import Event


class Status(StrEnum):
    LOBBY = "lobby"
    RUNNING = "running"
    ENDED = "ended"
    ARCHIVED = "archived"


@dataclass
class Participant:
    id: str
    pseudonym: str
    function: str
    joined_at: datetime
    accepted_version: int | None = None
    accepted_at: datetime | None = None
    # Set when a researcher registered them (someone taking part without a device).
    entered_by: str | None = None
    # Set when they withdrew their consent: their words leave the synthesis and the archive.
    withdrawn_at: datetime | None = None

    @property
    def has_accepted(self) -> bool:
        return self.accepted_version is not None


@dataclass
class Member:
    """A team member invited by the session's creator: animateur, rapporteur or observer."""

    id: str
    role: str
    name: str


@dataclass
class Proposal:
    id: str
    author_id: str
    title: str
    body: str
    step_index: int
    submitted_at: datetime
    edited_at: datetime | None = None
    is_withdrawn: bool = False
    entered_by: str | None = None
    # The fiche incident it was made from (mag.programmes), if any: until its author agrees
    # to bring it to the group, only they and the staff see it, and it is not in the vote.
    fiche_id: str | None = None
    awaiting_consent: bool = False

    @property
    def is_open(self) -> bool:
        """In the group's list and the vote: neither withdrawn nor awaiting its author."""
        return not self.is_withdrawn and not self.awaiting_consent


class ContributionKind(StrEnum):
    """What a contribution is; most follow from the kind of step it was made in."""

    NOTE = "note"  # the rapporteur's running notes, in any step
    STAKES = "stakes"
    QUESTION = "question"
    ANSWER = "answer"  # the narrator's answer to an information question (``replies_to``)
    INTERPRETATION = "interpretation"  # what someone said or wrote in a round
    REACTION = "reaction"
    SUGGESTION = "suggestion"  # a participant's suggestion for the analysis board
    THEORY = "theory"
    HYPOTHESIS = "hypothesis"
    PERSPECTIVE = "perspective"


class QuestionStatus(StrEnum):
    QUEUED = "queued"
    CURRENT = "current"
    ANSWERED = "answered"


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class BoardKind(StrEnum):
    CONVERGENCE = "convergence"
    DIVERGENCE = "divergence"
    NOEUD = "noeud"


class Level(StrEnum):
    """The three levels of practical perspectives."""

    PRATIQUE = "pratique"
    INSTITUTION = "institution"
    POLITIQUE = "politique"


@dataclass
class Contribution:
    """Something said or written, with where it belongs: step, récit, author.

    ``author_id`` is the participant whose words these are, or None for the
    researchers' own (notes, theory); ``entered_by`` names the researcher's
    role when they typed it, for a participant or for themselves.
    """

    id: str
    kind: ContributionKind
    author_id: str | None
    entered_by: str | None
    step_index: int
    recit: int | None
    body: str
    at: datetime
    title: str = ""
    reference: str = ""
    level: str = ""
    board_kind: str = ""
    item_id: str = ""
    links: list[str] = field(default_factory=list)
    replies_to: list[str] = field(default_factory=list)
    status: str = ""
    is_hand: bool = False
    deferred_from: int | None = None
    supporters: list[str] = field(default_factory=list)
    is_hidden: bool = False
    is_withdrawn: bool = False
    edited_at: datetime | None = None
    # Who made the last change, when a researcher did (null: the author themselves).
    edited_by: str | None = None


@dataclass
class Recit:
    """A chosen récit and its narrator, who must accept (None: not answered yet)."""

    proposal_id: str
    narrator_id: str
    accepted: bool | None = None


@dataclass
class Round:
    """A tour de table: the speaking order and whose turn it is, with its timer.

    ``order`` grows when someone passes for the first time: they come back at
    the end, before ``last`` (the narrator, who speaks last) if ``last`` has not
    spoken yet. ``position`` points at the current speaker; past the end, the
    round is over.
    """

    step_index: int
    recit: int | None
    order: list[str]
    turn_seconds: int
    position: int = 0
    outcomes: dict[str, str] = field(default_factory=dict)
    passed_once: set[str] = field(default_factory=set)
    turn_started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: float = 0.0
    extra_seconds: int = 0
    last: str | None = None

    @property
    def speaker(self) -> str | None:
        return self.order[self.position] if self.position < len(self.order) else None

    @property
    def next_speaker(self) -> str | None:
        return self.order[self.position + 1] if self.position + 1 < len(self.order) else None

    @property
    def is_over(self) -> bool:
        return self.position >= len(self.order)


@dataclass
class BoardItem:
    id: str
    kind: BoardKind
    title: str
    formulation: str
    recit: int | None
    links: list[str]
    position: int
    entered_by: str
    at: datetime
    edited_at: datetime | None = None


class Attribution(StrEnum):
    """How exports name participants (a session setting)."""

    FUNCTION = "function"
    PSEUDONYM = "pseudonym"


class Withdrawal(StrEnum):
    """What exports show in place of a withdrawn participant's words (a session setting)."""

    REPLACE = "replace"  # "contribution retirée"
    REMOVE = "remove"


@dataclass
class Settings:
    attribution: Attribution = Attribution.FUNCTION
    withdrawal: Withdrawal = Withdrawal.REPLACE
    # ISO date (YYYY-MM-DD) after which ``mag purge`` deletes the session, or None.
    retention_until: str | None = None
    # The language of the synthesis's draft and of every export (mag.domain.i18n.LANGUAGES).
    language: str = "fr"


@dataclass
class SynthesisVersion:
    """A saved version of the synthesis; its text stays in the event log (``seq``)."""

    version: int
    author: str
    at: datetime
    seq: int


class AmendmentStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass
class SynthesisComment:
    """A participant's comment on a section of the draft, or an amendment they propose."""

    id: str
    participant_id: str
    entered_by: str | None
    version: int
    section: str
    body: str
    is_amendment: bool
    at: datetime
    status: str = ""


@dataclass
class Approval:
    participant_id: str
    version: int
    at: datetime
    entered_by: str | None = None


@dataclass
class Visit:
    """A stretch of time spent on one step (and récit), for the method note."""

    step_index: int
    recit: int | None
    started_at: datetime
    ended_at: datetime | None = None

    def seconds(self, now: datetime) -> float:
        return ((self.ended_at or now) - self.started_at).total_seconds()


@dataclass
class SessionState:
    session_id: str
    title: str = ""
    question: str = ""
    protocol_name: str = ""
    planned_dates: list[str] = field(default_factory=list)
    convention_text: str = ""
    convention_language: str = "fr"
    # The convention given in other languages (language -> text), for a mixed group.
    convention_translations: dict[str, str] = field(default_factory=dict)
    convention_version: int = 0
    status: Status = Status.LOBBY
    step_index: int | None = None
    recit_index: int | None = None
    step_started_at: datetime | None = None
    is_joining_open: bool = True
    participants: dict[str, Participant] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    proposals: dict[str, Proposal] = field(default_factory=dict)
    # Secret until the count: the server keeps ballots, nobody else sees them.
    ballots: dict[str, list[str]] = field(default_factory=dict)
    voters: list[str] = field(default_factory=list)
    is_vote_closed: bool = False
    vote_results: list[dict[str, object]] = field(default_factory=list)
    recits: list[Recit] = field(default_factory=list)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    # Indexes, so that no command has to look through the whole session's history.
    contributions_at: dict[tuple[int, int | None], list[str]] = field(default_factory=dict)
    current_question: str | None = None
    next_board_position: int = 0
    revealed: set[tuple[int, int | None]] = field(default_factory=set)
    # Hidden steps left without a reveal, on the animateur's word: place -> how many.
    kept_hidden: dict[tuple[int, int | None], int] = field(default_factory=dict)
    seating: list[str] = field(default_factory=list)
    rounds: dict[tuple[int, int | None], Round] = field(default_factory=dict)
    board: dict[str, BoardItem] = field(default_factory=dict)
    # Evaluation answers carry no author; ``evaluated`` says who answered, not what.
    evaluation_answers: list[dict[str, object]] = field(default_factory=list)
    evaluated: list[str] = field(default_factory=list)
    evaluation_summary: dict[str, object] | None = None
    visits: list[Visit] = field(default_factory=list)
    # After the session: the synthesis, its validation, pseudonymisation and the archive.
    synthesis_versions: list[SynthesisVersion] = field(default_factory=list)
    synthesis_text: str = ""
    validation_version: int | None = None
    is_validation_open: bool = False
    comments: dict[str, SynthesisComment] = field(default_factory=dict)
    approvals: list[Approval] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    replacements: list[tuple[str, str]] = field(default_factory=list)
    archived_at: datetime | None = None
    archive_folder: str = ""
    # What a kind of step brought by a module keeps (mag.domain.steps), by kind: plain
    # JSON-able data, folded by that module and shown through its ``view``.
    kind_state: dict[str, dict[str, Any]] = field(default_factory=dict)
    seq: int = 0

    def apply(self, event: Event) -> None:
        """Fold one event into the state. Events arrive in sequence order."""
        handler = _folds().get(event.type)
        if handler is None:
            raise ValueError(f"unknown event type {event.type!r}")
        handler(self, event)
        self.seq = event.seq

    @property
    def convention_texts(self) -> dict[str, str]:
        """The convention in each language it is given in (language -> text)."""
        return {self.convention_language: self.convention_text, **self.convention_translations}

    def convention_in(self, language: str | None) -> tuple[str, str]:
        """(language, text): the convention in ``language`` if given, else as written."""
        texts = self.convention_texts
        chosen = language if language in texts else self.convention_language
        return chosen, texts[chosen]

    def pseudonym_taken(self, pseudonym: str) -> bool:
        key = pseudonym.casefold()
        return any(p.pseudonym.casefold() == key for p in self.participants.values())

    @property
    def automatic_replacements(self) -> list[tuple[str, str]]:
        """Each pseudonym → its person's function, when exports name people by function.

        Otherwise a pseudonym left in someone's words (« je rejoins Luc ») would undo
        the attribution by function. A line of the replacement list for the same name
        overrides its automatic line; a withdrawn participant has none (exports name
        them « participant·e retiré·e »).
        """
        if self.settings.attribution is not Attribution.FUNCTION:
            return []
        listed = {find.casefold() for find, _replace in self.replacements}
        return [
            (p.pseudonym, p.function)
            for p in sorted(self.participants.values(), key=lambda p: p.joined_at)
            if p.function and p.withdrawn_at is None and p.pseudonym.casefold() not in listed
        ]

    @property
    def replacement_list(self) -> list[tuple[str, str]]:
        """What the exports replace: the automatic lines, then the list as the team wrote it."""
        return [*self.automatic_replacements, *self.replacements]

    @property
    def place(self) -> tuple[int, int | None]:
        """Where the session is: the step and, in the récit block, the récit."""
        return (self.step_index if self.step_index is not None else -1, self.recit_index)

    @property
    def current_round(self) -> Round | None:
        return self.rounds.get(self.place)

    def narrator(self, recit: int | None) -> str | None:
        if recit is None or recit >= len(self.recits):
            return None
        return self.recits[recit].narrator_id

    def is_admitted_participant(self, participant_id: str | None) -> bool:
        participant = self.participants.get(participant_id or "")
        return participant is not None and participant.accepted_version == self.convention_version

    @property
    def is_over(self) -> bool:
        """Ended or archived: the steps are done."""
        return self.status in (Status.ENDED, Status.ARCHIVED)

    @property
    def synthesis_version(self) -> int:
        """The latest saved version's number (0: none saved yet)."""
        return self.synthesis_versions[-1].version if self.synthesis_versions else 0

    def has_approved(self, participant_id: str, version: int) -> bool:
        return any(
            a.participant_id == participant_id and a.version == version for a in self.approvals
        )

    def contributions_here(self, place: tuple[int, int | None]) -> list[Contribution]:
        """The contributions made at ``place`` (step and récit), withdrawn ones excluded."""
        found = (self.contributions[cid] for cid in self.contributions_at.get(place, ()))
        return [c for c in found if not c.is_withdrawn and (c.step_index, c.recit) == place]

    def is_hidden_now(self, step_is_hidden: bool) -> bool:
        """True when contributions made now must wait for the reveal."""
        return step_is_hidden and self.place not in self.revealed


def text_or_none(data, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def recit_of(data) -> int | None:
    value = data.get("recit")
    return None if value is None else int(value)


@cache
def _folds() -> Mapping[str, Callable[[SessionState, Event], None]]:
    """Every event's fold, from the module of its part of the session (mag.domain.steps).

    Imported on first use: those modules import this one for the state they fold into.
    """
    from mag.domain.steps import FOLDS

    return FOLDS
