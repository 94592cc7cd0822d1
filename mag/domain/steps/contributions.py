"""What people say at a step: contributing, the rapporteur's notes, editing, withdrawing, revealing
a hidden step.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Id, Iso
from mag.domain.protocol import Protocol, Step, StepKind
from mag.domain.roles import Actor, Role
from mag.domain.state import (
    BoardKind,
    Contribution,
    ContributionKind,
    Level,
    QuestionStatus,
    SessionState,
    SuggestionStatus,
    recit_of,
    text_or_none,
)
from mag.domain.steps.base import (
    BY_ANIMATEUR,
    BY_ANYONE,
    BY_STAFF,
    CONTRIBUTION_MAX,
    REFERENCE_MAX,
    TITLE_MAX,
    Command,
    check_participant_contributes,
    clean_text,
    client_id,
    current_step,
    list_of_ids,
)
from mag.domain.steps.evaluation import evaluation_summary
from mag.domain.views import contribution_data, may_see

KIND_OF_STEP = {
    StepKind.STAKES: ContributionKind.STAKES,
    StepKind.QUESTIONS: ContributionKind.QUESTION,
    StepKind.ROUND: ContributionKind.INTERPRETATION,
    StepKind.REACTIONS: ContributionKind.REACTION,
    StepKind.ANALYSIS: ContributionKind.SUGGESTION,
    StepKind.THEORY: ContributionKind.THEORY,
    StepKind.HYPOTHESES: ContributionKind.HYPOTHESIS,
    StepKind.PERSPECTIVES: ContributionKind.PERSPECTIVE,
}


# What only a participant (or a researcher on their behalf) can say.
PARTICIPANT_KINDS = frozenset(
    {
        ContributionKind.STAKES,
        ContributionKind.QUESTION,
        ContributionKind.INTERPRETATION,
        ContributionKind.REACTION,
        ContributionKind.SUGGESTION,
    }
)


NARRATOR_KINDS = frozenset({ContributionKind.STAKES, ContributionKind.REACTION})


def _audience(is_hidden: bool, author_id: str | None) -> str:
    """Hidden contributions go to their author and the staff; the others to everyone."""
    if not is_hidden:
        return ev.AUDIENCE_ALL
    return ev.audience_participant(author_id) if author_id else ev.AUDIENCE_STAFF


def contribution_audience(contribution: Contribution) -> str:
    return _audience(contribution.is_hidden, contribution.author_id)


def typist_of(actor: Actor) -> str | None:
    """The researcher's role when a researcher typed it, for someone or for themselves."""
    return actor.entered_by or (None if actor.role is Role.PARTICIPANT else actor.role.value)


def visible_contribution(
    state: SessionState,
    actor: Actor,
    contribution_id: object,
    kind: ContributionKind | None = None,
) -> Contribution:
    contribution = state.contributions.get(str(contribution_id))
    wrong_kind = contribution is not None and kind is not None and contribution.kind is not kind
    if contribution is None or wrong_kind or not may_see(contribution, actor):
        # The same answer whether it does not exist or is hidden from this person.
        raise DomainError(
            "unknown_contribution", N_("Cette contribution n'existe pas ou a été retirée.")
        )
    return contribution


def _board_links(state: SessionState, value: object) -> list[str]:
    links = list_of_ids(value, N_("Éléments du tableau"))
    for item_id in links:
        if item_id not in state.board:
            raise DomainError("unknown_item", N_("Cet élément du tableau n'existe pas."))
    return links


def _contribution_fields(
    state: SessionState,
    actor: Actor,
    kind: ContributionKind,
    args: Mapping[str, object],
    *,
    hand: bool = False,
) -> dict[str, object]:
    """Check and clean the fields a contribution of ``kind`` carries."""
    if kind is ContributionKind.THEORY:
        return {
            "title": clean_text(args.get("title"), N_("Notion"), TITLE_MAX),
            "body": clean_text(args.get("body"), N_("Explication"), CONTRIBUTION_MAX),
            "reference": clean_text(
                args.get("reference"), N_("Référence"), REFERENCE_MAX, required=False
            ),
            "links": _board_links(state, args.get("links")),
        }
    fields: dict[str, object] = {
        "body": clean_text(args.get("body"), N_("Texte"), CONTRIBUTION_MAX, required=not hand)
    }
    if kind is ContributionKind.HYPOTHESIS:
        fields["links"] = _board_links(state, args.get("links"))
    elif kind is ContributionKind.PERSPECTIVE:
        level = args.get("level")
        if level not in {lv.value for lv in Level}:
            raise DomainError("invalid_level", N_("Choisissez un niveau pour cette perspective."))
        fields["level"] = str(level)
    elif kind is ContributionKind.SUGGESTION:
        board_kind = args.get("board_kind")
        if board_kind not in {k.value for k in BoardKind}:
            raise DomainError(
                "invalid_board_kind", N_("Choisissez : convergence, divergence ou nœud.")
            )
        item_id = str(args.get("item_id") or "")
        if item_id and item_id not in state.board:
            raise DomainError("unknown_item", N_("Cet élément du tableau n'existe pas."))
        fields.update(
            board_kind=str(board_kind),
            item_id=item_id,
            title=clean_text(args.get("title"), N_("Titre"), TITLE_MAX),
        )
    elif kind is ContributionKind.INTERPRETATION:
        replies = list_of_ids(args.get("replies_to"), N_("En réponse à"))
        for reply_id in replies:
            earlier = visible_contribution(state, actor, reply_id)
            if (
                earlier.kind is not ContributionKind.INTERPRETATION
                or earlier.recit != state.recit_index
            ):
                raise DomainError(
                    "invalid_reply", N_("On ne peut répondre qu'à une interprétation de ce récit.")
                )
        fields["replies_to"] = replies
    return fields


def check_author(
    state: SessionState, protocol: Protocol, step: Step, actor: Actor, kind: ContributionKind
) -> None:
    if kind in PARTICIPANT_KINDS and actor.role is not Role.PARTICIPANT:
        raise DomainError(
            "needs_author",
            N_("Choisissez le participant pour qui vous saisissez cette contribution."),
        )
    if actor.role is not Role.PARTICIPANT:
        return
    narrator = state.narrator(state.recit_index)
    if kind in NARRATOR_KINDS:
        if actor.participant_id != narrator:
            raise DomainError(
                "narrator_only",
                N_("À l'étape « %(step)s », seule la personne qui a raconté s'exprime."),
                step=step.title,
            )
        return
    check_participant_contributes(step)
    if kind is ContributionKind.QUESTION and actor.participant_id == narrator:
        raise DomainError(
            "narrator_answers",
            N_("La personne qui a raconté répond aux questions ; elle n'en pose pas."),
        )


def add_contribution(
    state: SessionState,
    step: Step,
    actor: Actor,
    kind: ContributionKind,
    fields: Mapping[str, object],
    args: Mapping[str, object],
    **extra: object,
) -> list[NewEvent]:
    contribution_id = client_id(args.get("contribution_id"))
    if contribution_id in state.contributions:
        raise DomainError("duplicate_id", N_("Cette contribution existe déjà."))
    author = actor.participant_id
    hidden = state.is_hidden_now(step.is_hidden)
    data = {
        "contribution_id": contribution_id,
        "kind": kind.value,
        "author_id": author,
        "entered_by": typist_of(actor),
        "step_index": state.step_index,
        "recit": state.recit_index,
        "is_hidden": hidden,
        **fields,
        **extra,
    }
    return [NewEvent(ev.CONTRIBUTION_ADDED, data, audience=_audience(hidden, author))]


def contribute(state, protocol, actor, args) -> list[NewEvent]:
    step = current_step(state, protocol)
    kind = KIND_OF_STEP.get(step.kind)
    if kind is None:
        raise DomainError(
            "wrong_step", N_("Ce n'est pas possible à l'étape « %(step)s »."), step=step.title
        )
    check_author(state, protocol, step, actor, kind)
    if kind is ContributionKind.INTERPRETATION and any(
        c.kind is ContributionKind.INTERPRETATION
        and c.author_id == actor.participant_id
        and c.deferred_from is None  # a question moved here does not count
        for c in state.contributions_here(state.place)
    ):
        raise DomainError(
            "already_contributed",
            N_(
                "Une interprétation par personne et par tour : modifiez celle que vous avez donnée."
            ),
        )
    fields = _contribution_fields(state, actor, kind, args)
    extra: dict[str, object] = {}
    if kind is ContributionKind.QUESTION:
        extra["status"] = QuestionStatus.QUEUED.value
    elif kind is ContributionKind.SUGGESTION:
        extra["status"] = SuggestionStatus.PENDING.value
    return add_contribution(state, step, actor, kind, fields, args, **extra)


def add_note(state, protocol, actor, args) -> list[NewEvent]:
    step = current_step(state, protocol)
    body = clean_text(args.get("body"), N_("Note"), CONTRIBUTION_MAX)
    narrator = state.narrator(state.recit_index)
    if step.kind is StepKind.NARRATION and narrator is not None:
        # What the narrator tells, typed by the rapporteur, is the narrator's.
        actor = Actor(Role.PARTICIPANT, narrator, entered_by=actor.role.value)
    return add_contribution(state, step, actor, ContributionKind.NOTE, {"body": body}, args)


def _editable(
    state: SessionState, protocol: Protocol, actor: Actor, args: Mapping[str, object]
) -> Contribution:
    contribution = visible_contribution(state, actor, args.get("contribution_id"))
    if actor.role is Role.PARTICIPANT:
        if contribution.author_id != actor.participant_id:
            raise DomainError(
                "not_author", N_("Seul l'auteur ou l'autrice d'une contribution peut la modifier.")
            )
        if (contribution.step_index, contribution.recit) != state.place:
            raise DomainError(
                "step_over",
                N_(
                    "Cette étape est passée : demandez au rapporteur de corriger votre contribution."
                ),
            )
    return contribution


def edit_contribution(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    contribution = _editable(state, protocol, actor, args)
    fields = _contribution_fields(state, actor, contribution.kind, args, hand=contribution.is_hand)
    if (
        contribution.kind is ContributionKind.INTERPRETATION
        and contribution.step_index != state.step_index
    ):
        fields.pop("replies_to", None)  # a deferred question keeps its place
    return [
        NewEvent(
            ev.CONTRIBUTION_EDITED,
            {"contribution_id": contribution.id, "entered_by": typist_of(actor), **fields},
            audience=contribution_audience(contribution),
        )
    ]


def withdraw_contribution(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    contribution = _editable(state, protocol, actor, args)
    return [
        NewEvent(
            ev.CONTRIBUTION_WITHDRAWN,
            {"contribution_id": contribution.id},
            audience=contribution_audience(contribution),
        )
    ]


def reveal(state, protocol, actor, args) -> list[NewEvent]:
    step = current_step(state, protocol)
    if not step.is_hidden:
        raise DomainError("not_hidden", N_("Les contributions de cette étape sont déjà visibles."))
    if state.place in state.revealed or state.evaluation_summary is not None:
        raise DomainError("already_revealed", N_("Les contributions ont déjà été dévoilées."))
    hidden = [contribution_data(c) for c in state.contributions_here(state.place) if c.is_hidden]
    step_index, recit = state.place
    revealed = NewEvent(
        ev.CONTRIBUTIONS_REVEALED,
        {"step_index": step_index, "recit": recit, "contributions": hidden},
    )
    if step.kind is StepKind.EVALUATION:
        # The summary of the answers, and the notes taken meanwhile, if any.
        summary = NewEvent(ev.EVALUATION_REVEALED, {"summary": evaluation_summary(state, step)})
        return [summary, revealed] if hidden else [summary]
    return [revealed]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "contribute": Command(contribute, BY_ANYONE, on_behalf=True),
    "edit_contribution": Command(edit_contribution, BY_ANYONE, on_behalf=True),
    "withdraw_contribution": Command(withdraw_contribution, BY_ANYONE, on_behalf=True),
    "add_note": Command(add_note, BY_STAFF),
    "reveal": Command(reveal, BY_ANIMATEUR),
}


# ---------------------------------------------------------------- folds


_CONTRIBUTION_FIELDS = ("title", "body", "reference", "level", "board_kind", "item_id")


def _contribution_added(state: SessionState, event: Event) -> None:
    data = event.data
    contribution = Contribution(
        id=str(data["contribution_id"]),
        kind=ContributionKind(str(data["kind"])),
        author_id=text_or_none(data, "author_id"),
        entered_by=text_or_none(data, "entered_by"),
        step_index=int(data["step_index"]),  # type: ignore[arg-type]
        recit=recit_of(data),
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
    index_contribution(state, contribution)


def index_contribution(state: SessionState, contribution: Contribution) -> None:
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
    editor = text_or_none(data, "entered_by")
    if contribution.is_hand:
        contribution.entered_by = editor  # the question was written down by whoever filled the hand
    contribution.edited_by = editor
    contribution.is_hand = False
    contribution.edited_at = event.at


def _contribution_withdrawn(state: SessionState, event: Event) -> None:
    state.contributions[str(event.data["contribution_id"])].is_withdrawn = True


def _contributions_revealed(state: SessionState, event: Event) -> None:
    data = event.data
    place = (int(data["step_index"]), recit_of(data))  # type: ignore[arg-type]
    state.revealed.add(place)
    for item in data["contributions"]:  # type: ignore[union-attr]
        known = state.contributions.get(str(item["contribution_id"]))
        if known is None:
            # A viewer who never saw it hidden (a participant's browser, or a replay).
            at = datetime.fromisoformat(str(item["at"]))
            _contribution_added(state, Event(event.seq, event.type, item, event.actor, at))
            known = state.contributions[str(item["contribution_id"])]
        known.is_hidden = False


def _hidden_kept(state: SessionState, event: Event) -> None:
    place = (int(event.data["step_index"]), recit_of(event.data))  # type: ignore[arg-type]
    state.kept_hidden[place] = int(event.data["count"])  # type: ignore[arg-type]


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.CONTRIBUTION_ADDED: _contribution_added,
    ev.CONTRIBUTION_EDITED: _contribution_edited,
    ev.CONTRIBUTION_WITHDRAWN: _contribution_withdrawn,
    ev.CONTRIBUTIONS_REVEALED: _contributions_revealed,
    ev.HIDDEN_KEPT: _hidden_kept,
}


# ---------------------------------------------------------------- payloads


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


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.CONTRIBUTION_ADDED: ContributionAdded,
    ev.CONTRIBUTION_EDITED: ContributionEdited,
    ev.CONTRIBUTION_WITHDRAWN: ContributionWithdrawn,
    ev.CONTRIBUTIONS_REVEALED: ContributionsRevealed,
    ev.HIDDEN_KEPT: HiddenKept,
}
