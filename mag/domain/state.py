"""The live state of a session, derived from its events.

``SessionState.apply`` is the only way state changes, so the state a server
holds, the state a reconnecting browser rebuilds and the state an export reads
all come from the same event log.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from mag.domain import events as ev
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
    seq: int = 0

    def apply(self, event: Event) -> None:
        """Fold one event into the state. Events arrive in sequence order."""
        handler = _APPLY.get(event.type)
        if handler is None:
            raise ValueError(f"unknown event type {event.type!r}")
        handler(self, event)
        self.seq = event.seq

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


def _text_or_none(data, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _recit(data) -> int | None:
    value = data.get("recit")
    return None if value is None else int(value)


def _session_created(state: SessionState, event: Event) -> None:
    data = event.data
    state.title = str(data["title"])
    state.question = str(data["question"])
    state.protocol_name = str(data["protocol"])
    state.planned_dates = [str(d) for d in data["planned_dates"]]  # type: ignore[union-attr]
    convention = data["convention"]
    state.convention_text = str(convention["text"])  # type: ignore[index]
    state.convention_version = int(convention["version"])  # type: ignore[index]


def _participant_joined(state: SessionState, event: Event) -> None:
    data = event.data
    pid = str(data["participant_id"])
    state.participants[pid] = Participant(
        id=pid,
        pseudonym=str(data["pseudonym"]),
        function=str(data["function"]),
        joined_at=event.at,
        entered_by=_text_or_none(data, "entered_by"),
    )


def _convention_accepted(state: SessionState, event: Event) -> None:
    participant = state.participants[str(event.data["participant_id"])]
    participant.accepted_version = int(event.data["version"])  # type: ignore[arg-type]
    participant.accepted_at = event.at


def _member_invited(state: SessionState, event: Event) -> None:
    data = event.data
    member_id = str(data["member_id"])
    state.members[member_id] = Member(member_id, str(data["role"]), str(data["name"]))


def _joining_closed(state: SessionState, event: Event) -> None:
    state.is_joining_open = False


def _joining_opened(state: SessionState, event: Event) -> None:
    state.is_joining_open = True


def _end_visit(state: SessionState, at: datetime) -> None:
    if state.visits and state.visits[-1].ended_at is None:
        state.visits[-1].ended_at = at


def _enter(state: SessionState, index: int, recit: int | None, at: datetime) -> None:
    _end_visit(state, at)
    state.step_index = index
    state.recit_index = recit
    state.step_started_at = at
    state.visits.append(Visit(index, recit, at))


def _session_started(state: SessionState, event: Event) -> None:
    state.status = Status.RUNNING
    _enter(state, 0, None, event.at)


def _step_changed(state: SessionState, event: Event) -> None:
    _enter(state, int(event.data["index"]), _recit(event.data), event.at)  # type: ignore[arg-type]


def _session_ended(state: SessionState, event: Event) -> None:
    state.status = Status.ENDED
    state.is_joining_open = False
    _end_visit(state, event.at)


def _proposal_submitted(state: SessionState, event: Event) -> None:
    data = event.data
    pid = str(data["proposal_id"])
    state.proposals[pid] = Proposal(
        id=pid,
        author_id=str(data["author_id"]),
        title=str(data["title"]),
        body=str(data["body"]),
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        submitted_at=event.at,
        entered_by=_text_or_none(data, "entered_by"),
    )


def _proposal_edited(state: SessionState, event: Event) -> None:
    proposal = state.proposals[str(event.data["proposal_id"])]
    proposal.title = str(event.data["title"])
    proposal.body = str(event.data["body"])
    proposal.edited_at = event.at


def _proposal_withdrawn(state: SessionState, event: Event) -> None:
    state.proposals[str(event.data["proposal_id"])].is_withdrawn = True


def _ballot_cast(state: SessionState, event: Event) -> None:
    state.ballots[str(event.data["participant_id"])] = [str(c) for c in event.data["choices"]]  # type: ignore[union-attr]


def _voted(state: SessionState, event: Event) -> None:
    state.voters.append(str(event.data["participant_id"]))


def _vote_closed(state: SessionState, event: Event) -> None:
    state.is_vote_closed = True
    state.vote_results = [dict(r) for r in event.data["results"]]  # type: ignore[union-attr]


def _vote_reopened(state: SessionState, event: Event) -> None:
    state.is_vote_closed = False
    state.vote_results = []


def _recits_chosen(state: SessionState, event: Event) -> None:
    state.recits = [
        Recit(str(r["proposal_id"]), str(r["narrator_id"]))
        for r in event.data["recits"]  # type: ignore[union-attr]
    ]


def _narration_answered(accepted: bool):
    def fold(state: SessionState, event: Event) -> None:
        state.recits[int(event.data["recit"])].accepted = accepted  # type: ignore[arg-type]

    return fold


_CONTRIBUTION_FIELDS = ("title", "body", "reference", "level", "board_kind", "item_id")


def _contribution_added(state: SessionState, event: Event) -> None:
    data = event.data
    contribution = Contribution(
        id=str(data["contribution_id"]),
        kind=ContributionKind(str(data["kind"])),
        author_id=_text_or_none(data, "author_id"),
        entered_by=_text_or_none(data, "entered_by"),
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        recit=_recit(data),
        body=str(data.get("body", "")),
        at=event.at,
        links=[str(x) for x in data.get("links", ())],  # type: ignore[union-attr]
        replies_to=[str(x) for x in data.get("replies_to", ())],  # type: ignore[union-attr]
        status=str(data.get("status", "")),
        is_hand=bool(data.get("is_hand", False)),
        is_hidden=bool(data.get("is_hidden", False)),
    )
    for name in _CONTRIBUTION_FIELDS:
        if name in data:
            setattr(contribution, name, str(data[name]))
    state.contributions[contribution.id] = contribution
    _index(state, contribution)


def _index(state: SessionState, contribution: Contribution) -> None:
    place = (contribution.step_index, contribution.recit)
    state.contributions_at.setdefault(place, []).append(contribution.id)


def _contribution_edited(state: SessionState, event: Event) -> None:
    data = event.data
    contribution = state.contributions[str(data["contribution_id"])]
    for name in _CONTRIBUTION_FIELDS:
        if name in data:
            setattr(contribution, name, str(data[name]))
    for name in ("links", "replies_to"):
        if name in data:
            setattr(contribution, name, [str(x) for x in data[name]])  # type: ignore[union-attr]
    editor = _text_or_none(data, "entered_by")
    if contribution.is_hand:
        contribution.entered_by = editor  # the question was written down by whoever filled the hand
    contribution.edited_by = editor
    contribution.is_hand = False
    contribution.edited_at = event.at


def _contribution_withdrawn(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].is_withdrawn = True


def _contributions_revealed(state: SessionState, event: Event) -> None:
    data = event.data
    place = (int(data["step_index"]), _recit(data))  # type: ignore[arg-type]
    state.revealed.add(place)
    for item in data["contributions"]:  # type: ignore[union-attr]
        known = state.contributions.get(str(item["contribution_id"]))
        if known is None:
            # A viewer who never saw it hidden (a participant's browser, or a replay).
            at = datetime.fromisoformat(str(item["at"]))
            _contribution_added(state, Event(event.seq, event.type, item, event.actor, at))
            known = state.contributions[str(item["contribution_id"])]
        known.is_hidden = False


def _question_marked(state: SessionState, event: Event) -> None:
    status = str(event.data["status"])
    question = state.contributions[str(event.data["contribution_id"])]
    if status == QuestionStatus.CURRENT:
        previous = state.contributions.get(state.current_question or "")
        if previous is not None and previous.status == QuestionStatus.CURRENT:
            previous.status = QuestionStatus.QUEUED
        state.current_question = question.id
    question.status = status


def _question_deferred(state: SessionState, event: Event) -> None:
    contribution = state.contributions[str(event.data["contribution_id"])]
    contribution.deferred_from = contribution.step_index
    contribution.step_index = int(event.data["step_index"])  # type: ignore[arg-type]
    contribution.kind = ContributionKind.INTERPRETATION
    contribution.status = ""
    contribution.is_hidden = False  # it was asked aloud, in front of everyone
    _index(state, contribution)  # listed at its new place; contributions_here skips the old one


def _seating_set(state: SessionState, event: Event) -> None:
    state.seating = [str(x) for x in event.data["order"]]  # type: ignore[union-attr]


def _round_started(state: SessionState, event: Event) -> None:
    data = event.data
    round_ = Round(
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        recit=_recit(data),
        order=[str(x) for x in data["order"]],  # type: ignore[union-attr]
        turn_seconds=int(data["turn_seconds"]),  # type: ignore[arg-type]
        turn_started_at=event.at,
        last=_text_or_none(data, "last"),  # None in rounds logged before it existed
    )
    state.rounds[(round_.step_index, round_.recit)] = round_


def _turn_ended(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    speaker = round_.speaker
    assert speaker is not None
    outcome = str(event.data["outcome"])
    if outcome == "passed" and speaker not in round_.passed_once:
        round_.passed_once.add(speaker)
        # They come back at the end of the round, before the narrator still to speak.
        at = len(round_.order)
        if speaker != round_.last and round_.order[-1] == round_.last and at - 1 > round_.position:
            at -= 1
        round_.order.insert(at, speaker)
    else:
        round_.outcomes[speaker] = outcome
    round_.position += 1
    round_.turn_started_at = event.at
    round_.paused_at = None
    round_.paused_seconds = 0.0
    round_.extra_seconds = 0


def _timer_paused(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    round_.paused_at = event.at


def _timer_resumed(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None and round_.paused_at is not None
    round_.paused_seconds += (event.at - round_.paused_at).total_seconds()
    round_.paused_at = None


def _timer_extended(state: SessionState, event: Event) -> None:
    round_ = state.current_round
    assert round_ is not None
    round_.extra_seconds += int(event.data["seconds"])  # type: ignore[arg-type]


def _board_item_added(state: SessionState, event: Event) -> None:
    data = event.data
    item = BoardItem(
        id=str(data["item_id"]),
        kind=BoardKind(str(data["kind"])),
        title=str(data["title"]),
        formulation=str(data["formulation"]),
        recit=_recit(data),
        links=[str(x) for x in data["links"]],  # type: ignore[union-attr]
        position=int(data["position"]),  # type: ignore[arg-type]
        entered_by=event.actor,
        at=event.at,
    )
    state.board[item.id] = item
    state.next_board_position = max(state.next_board_position, item.position + 1)


def _board_item_edited(state: SessionState, event: Event) -> None:
    data = event.data
    item = state.board[str(data["item_id"])]
    item.kind = BoardKind(str(data["kind"]))
    item.title = str(data["title"])
    item.formulation = str(data["formulation"])
    item.links = [str(x) for x in data["links"]]  # type: ignore[union-attr]
    item.edited_at = event.at


def _board_item_removed(state: SessionState, event: Event) -> None:
    del state.board[str(event.data["item_id"])]


def _board_reordered(state: SessionState, event: Event) -> None:
    for position, item_id in enumerate(event.data["order"]):  # type: ignore[arg-type]
        state.board[str(item_id)].position = position


def _suggestion_settled(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].status = str(event.data["status"])


def _perspective_supported(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].supporters.append(
        str(event.data["participant_id"])
    )


def _perspective_unsupported(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].supporters.remove(
        str(event.data["participant_id"])
    )


def _evaluation_answered(state: SessionState, event: Event) -> None:
    if "answers" in event.data:  # moved out of the log (mag.models.EvaluationPoolRecord)
        state.evaluation_answers.append(dict(event.data["answers"]))  # type: ignore[arg-type]


def _evaluation_done(state: SessionState, event: Event) -> None:
    state.evaluated.append(str(event.data["participant_id"]))


def _hidden_kept(state: SessionState, event: Event) -> None:
    place = (int(event.data["step_index"]), _recit(event.data))  # type: ignore[arg-type]
    state.kept_hidden[place] = int(event.data["count"])  # type: ignore[arg-type]


def _evaluation_revealed(state: SessionState, event: Event) -> None:
    state.evaluation_summary = dict(event.data["summary"])  # type: ignore[arg-type]


def _synthesis_saved(state: SessionState, event: Event) -> None:
    state.synthesis_versions.append(
        SynthesisVersion(int(event.data["version"]), event.actor, event.at, event.seq)  # type: ignore[arg-type]
    )
    state.synthesis_text = str(event.data["text"])


def _validation_opened(state: SessionState, event: Event) -> None:
    state.validation_version = int(event.data["version"])  # type: ignore[arg-type]
    state.is_validation_open = True


def _validation_closed(state: SessionState, event: Event) -> None:
    state.is_validation_open = False


def _synthesis_commented(state: SessionState, event: Event) -> None:
    data = event.data
    comment = SynthesisComment(
        id=str(data["comment_id"]),
        participant_id=str(data["participant_id"]),
        entered_by=_text_or_none(data, "entered_by"),
        version=int(data["version"]),  # type: ignore[arg-type]
        section=str(data["section"]),
        body=str(data["body"]),
        is_amendment=bool(data["is_amendment"]),
        at=event.at,
        status=AmendmentStatus.PENDING if data["is_amendment"] else "",
    )
    state.comments[comment.id] = comment


def _amendment_settled(state: SessionState, event: Event) -> None:
    state.comments[str(event.data["comment_id"])].status = str(event.data["status"])


def _synthesis_approved(state: SessionState, event: Event) -> None:
    data = event.data
    state.approvals.append(
        Approval(
            str(data["participant_id"]),
            int(data["version"]),  # type: ignore[arg-type]
            event.at,
            _text_or_none(data, "entered_by"),
        )
    )


def _settings_changed(state: SessionState, event: Event) -> None:
    data = event.data
    settings = state.settings
    if "attribution" in data:
        settings.attribution = Attribution(str(data["attribution"]))
    if "withdrawal" in data:
        settings.withdrawal = Withdrawal(str(data["withdrawal"]))
    if "retention_until" in data:
        settings.retention_until = _text_or_none(data, "retention_until")


def _replacements_set(state: SessionState, event: Event) -> None:
    state.replacements = [
        (str(r["find"]), str(r["replace"]))
        for r in event.data["replacements"]  # type: ignore[union-attr]
    ]


def _consent_withdrawn(state: SessionState, event: Event) -> None:
    state.participants[str(event.data["participant_id"])].withdrawn_at = event.at


def _session_archived(state: SessionState, event: Event) -> None:
    state.status = Status.ARCHIVED
    state.archived_at = event.at
    state.archive_folder = str(event.data["folder"])
    state.is_validation_open = False


_APPLY = {
    ev.SESSION_CREATED: _session_created,
    ev.PARTICIPANT_JOINED: _participant_joined,
    ev.CONVENTION_ACCEPTED: _convention_accepted,
    ev.MEMBER_INVITED: _member_invited,
    ev.JOINING_CLOSED: _joining_closed,
    ev.JOINING_OPENED: _joining_opened,
    ev.SESSION_STARTED: _session_started,
    ev.STEP_CHANGED: _step_changed,
    ev.SESSION_ENDED: _session_ended,
    ev.PROPOSAL_SUBMITTED: _proposal_submitted,
    ev.PROPOSAL_EDITED: _proposal_edited,
    ev.PROPOSAL_WITHDRAWN: _proposal_withdrawn,
    ev.BALLOT_CAST: _ballot_cast,
    ev.VOTED: _voted,
    ev.VOTE_CLOSED: _vote_closed,
    ev.VOTE_REOPENED: _vote_reopened,
    ev.RECITS_CHOSEN: _recits_chosen,
    ev.NARRATION_ACCEPTED: _narration_answered(True),
    ev.NARRATION_DECLINED: _narration_answered(False),
    ev.CONTRIBUTION_ADDED: _contribution_added,
    ev.CONTRIBUTION_EDITED: _contribution_edited,
    ev.CONTRIBUTION_WITHDRAWN: _contribution_withdrawn,
    ev.CONTRIBUTIONS_REVEALED: _contributions_revealed,
    ev.HIDDEN_KEPT: _hidden_kept,
    ev.QUESTION_MARKED: _question_marked,
    ev.QUESTION_DEFERRED: _question_deferred,
    ev.SEATING_SET: _seating_set,
    ev.ROUND_STARTED: _round_started,
    ev.TURN_ENDED: _turn_ended,
    ev.TIMER_PAUSED: _timer_paused,
    ev.TIMER_RESUMED: _timer_resumed,
    ev.TIMER_EXTENDED: _timer_extended,
    ev.BOARD_ITEM_ADDED: _board_item_added,
    ev.BOARD_ITEM_EDITED: _board_item_edited,
    ev.BOARD_ITEM_REMOVED: _board_item_removed,
    ev.BOARD_REORDERED: _board_reordered,
    ev.SUGGESTION_SETTLED: _suggestion_settled,
    ev.PERSPECTIVE_SUPPORTED: _perspective_supported,
    ev.PERSPECTIVE_UNSUPPORTED: _perspective_unsupported,
    ev.EVALUATION_ANSWERED: _evaluation_answered,
    ev.EVALUATION_DONE: _evaluation_done,
    ev.EVALUATION_REVEALED: _evaluation_revealed,
    ev.SYNTHESIS_SAVED: _synthesis_saved,
    ev.VALIDATION_OPENED: _validation_opened,
    ev.VALIDATION_CLOSED: _validation_closed,
    ev.SYNTHESIS_COMMENTED: _synthesis_commented,
    ev.AMENDMENT_SETTLED: _amendment_settled,
    ev.SYNTHESIS_APPROVED: _synthesis_approved,
    ev.SETTINGS_CHANGED: _settings_changed,
    ev.REPLACEMENTS_SET: _replacements_set,
    ev.CONSENT_WITHDRAWN: _consent_withdrawn,
    ev.SESSION_ARCHIVED: _session_archived,
}
