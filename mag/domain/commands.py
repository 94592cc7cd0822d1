"""Commands: check a request against the rules of the method, decide its events.

Each command is a function ``(state, protocol, actor, args) -> list[NewEvent]``
that raises ``DomainError`` with a French message when the request breaks a
rule, and changes nothing itself: the caller stores the events and applies
them. ``COMMANDS`` lists which role may send which command.
"""

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from mag.domain import events as ev
from mag.domain.events import NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Contributor, Protocol, QuestionKind, RoundOrder, Step, StepKind
from mag.domain.roles import STAFF_ROLES, Actor, Role
from mag.domain.state import (
    AmendmentStatus,
    Attribution,
    BoardKind,
    Contribution,
    ContributionKind,
    Level,
    QuestionStatus,
    SessionState,
    Status,
    SuggestionStatus,
    Withdrawal,
)
from mag.domain.views import contribution_data, may_see

# Limits on what people type. Generous for speech written down, small enough
# that one contribution can never weigh on the room's screens.
PSEUDONYM_MAX = 40
FUNCTION_MAX = 80
PROPOSAL_TITLE_MAX = 120
PROPOSAL_BODY_MAX = 2000
SESSION_TITLE_MAX = 200
QUESTION_MAX = 1000
CONVENTION_MAX = 20000
DATE_MAX = 40
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
# Control characters, and halves of a UTF-16 pair left alone (JSON can carry them, no
# UTF-8 text can: PostgreSQL and every export would refuse them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value: object, label: str, limit: int, *, required: bool = True) -> str:
    """Return ``value`` stripped, or raise a message naming the field in French."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(
            "invalid_text", N_("Le champ « %(field)s » doit être du texte."), field=label
        )
    text = _CONTROL.sub("", value.replace("\r\n", "\n")).strip()
    if required and not text:
        raise DomainError("text_empty", N_("Le champ « %(field)s » est vide."), field=label)
    if len(text) > limit:
        raise DomainError(
            "text_too_long",
            N_("Le champ « %(field)s » dépasse %(limit)s caractères (%(length)s)."),
            field=label,
            limit=limit,
            length=len(text),
        )
    return text


def client_id(value: object) -> str:
    """An id made by the browser for something it creates (retries reuse it)."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise DomainError("invalid_id", N_("Identifiant invalide."))
    return value


# ---------------------------------------------------------------- checks


def current_step(state: SessionState, protocol: Protocol) -> Step:
    if state.status is not Status.RUNNING or state.step_index is None:
        raise DomainError("not_running", N_("La séance n'est pas en cours."))
    return protocol.steps[state.step_index]


def _check_step_accepts(state: SessionState, protocol: Protocol, kind: StepKind) -> Step:
    step = current_step(state, protocol)
    if step.kind is not kind:
        raise DomainError(
            "wrong_step",
            N_("Ce n'est pas possible à l'étape « %(step)s »."),
            step=step.title,
        )
    return step


def _check_participant_contributes(step: Step) -> None:
    if Contributor.PARTICIPANTS not in step.contributors:
        raise DomainError(
            "not_a_contributor",
            N_("Les participants ne contribuent pas par écrit à l'étape « %(step)s »."),
            step=step.title,
        )


def _own_proposal(state: SessionState, actor: Actor, args: Mapping[str, object]):
    proposal = state.proposals.get(str(args.get("proposal_id")))
    if proposal is None or proposal.is_withdrawn:
        raise DomainError(
            "unknown_proposal", N_("Cette proposition n'existe pas ou a été retirée.")
        )
    if proposal.author_id != actor.participant_id:
        raise DomainError(
            "not_author", N_("Seul l'auteur ou l'autrice d'une proposition peut la modifier.")
        )
    return proposal


# ---------------------------------------------------------------- commands


def start_session(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is not Status.LOBBY:
        raise DomainError("already_started", N_("La séance a déjà commencé."))
    return [NewEvent(ev.SESSION_STARTED, {})]


def _expect_step(state: SessionState, args: Mapping[str, object]) -> None:
    """Two clicks on "next" must not skip a step: the client says where it is."""
    if args.get("from_index") != state.step_index:
        raise DomainError(
            "step_moved", N_("L'étape a déjà changé entre-temps ; l'écran est mis à jour.")
        )


def _place_after(state: SessionState, protocol: Protocol, forward: bool) -> tuple[int, int | None]:
    """The next (or previous) step and récit: the récit block runs once per chosen récit."""
    index, recit = state.place
    block = protocol.recit_block
    count = len(state.recits)
    if forward:
        if index == block.stop - 1 and recit is not None and recit + 1 < count:
            return block.start, recit + 1
        target = index + 1
        if target in block:
            return target, recit if index in block else (0 if count else None)
        return target, None
    if index == block.start and recit:
        return block.stop - 1, recit - 1
    target = index - 1
    if target in block:
        return target, recit if index in block else (count - 1 if count else None)
    return target, None


def _check_recits_ready(state: SessionState, protocol: Protocol, target: int) -> None:
    """The récit block starts only once the récits are chosen and their narrators agreed."""
    index = state.step_index or 0
    block = protocol.recit_block
    if target not in block or index in block:
        return
    if not any(step.kind is StepKind.VOTE for step in protocol.steps[:target]):
        return
    if not state.recits:
        raise DomainError(
            "no_recit", N_("Choisissez d'abord le ou les récits que le groupe va analyser.")
        )
    if not all(recit.accepted for recit in state.recits):
        raise DomainError(
            "narrator_pending",
            N_("Chaque personne choisie pour raconter doit d'abord accepter."),
        )


def _leave_hidden_step(
    state: SessionState, protocol: Protocol, args: Mapping[str, object]
) -> list[NewEvent]:
    """Leaving a hidden step whose contributions were never revealed happens only on purpose.

    The animateur reveals them first, or confirms (``keep_hidden``) that they stay
    hidden: the choice is kept in the log.
    """
    step = protocol.steps[state.step_index]
    if not step.is_hidden or state.place in state.revealed:
        return []
    hidden = [c for c in state.contributions_here(state.place) if c.is_hidden]
    if not hidden or state.kept_hidden.get(state.place) == len(hidden):
        return []  # nothing hidden, or kept hidden on purpose already
    if args.get("keep_hidden") is not True:
        raise DomainError(
            "unrevealed",
            N_(
                "Des contributions de cette étape n'ont pas été dévoilées (%(count)s) : "
                "dévoilez-les, ou confirmez qu'elles restent cachées."
            ),
            count=len(hidden),
        )
    step_index, recit = state.place
    return [
        NewEvent(
            ev.HIDDEN_KEPT,
            {"step_index": step_index, "recit": recit, "count": len(hidden)},
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def _move(
    state: SessionState, protocol: Protocol, forward: bool, args: Mapping[str, object]
) -> list[NewEvent]:
    index, recit = _place_after(state, protocol, forward)
    if forward:
        _check_recits_ready(state, protocol, index)
    return [
        *_leave_hidden_step(state, protocol, args),
        NewEvent(
            ev.STEP_CHANGED,
            {
                "index": index,
                "recit": recit,
                "from": state.step_index,
                "from_recit": state.recit_index,
            },
        ),
    ]


def next_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == len(protocol.steps) - 1:
        raise DomainError(
            "last_step", N_("C'est la dernière étape : il reste à terminer la séance.")
        )
    return _move(state, protocol, True, args)


def previous_step(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    _expect_step(state, args)
    if state.step_index == 0:
        raise DomainError("first_step", N_("C'est déjà la première étape."))
    return _move(state, protocol, False, args)


def end_session(state, protocol, actor, args) -> list[NewEvent]:
    current_step(state, protocol)
    return [*_leave_hidden_step(state, protocol, args), NewEvent(ev.SESSION_ENDED, {})]


def close_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.is_over:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if not state.is_joining_open:
        raise DomainError("joining_already_closed", N_("Les inscriptions sont déjà fermées."))
    return [NewEvent(ev.JOINING_CLOSED, {})]


def open_joining(state, protocol, actor, args) -> list[NewEvent]:
    if state.is_over:
        raise DomainError("session_ended", N_("La séance est terminée."))
    if state.is_joining_open:
        raise DomainError("joining_already_open", N_("Les inscriptions sont déjà ouvertes."))
    return [NewEvent(ev.JOINING_OPENED, {})]


ADD_PARTICIPANT = "add_participant"
"""The staff's command to register someone without a device (carried out by ``join``)."""
INVITE_MEMBER = "invite_member"
"""An animateur makes a team member's private link (``invite_member``, from the console)."""
ARCHIVE = "archive"
"""An animateur archives the ended session (``archive``, once the folder is written)."""


def join(
    state: SessionState,
    pseudonym: object,
    function: object,
    participant_id: str,
    entered_by: str | None = None,
):
    """A person joins the room, or a researcher (``entered_by``) registers someone.

    Not an ordinary command: it also creates the person's identity record.
    Researchers may still add someone after joining closed.
    """
    if state.is_over or not (state.is_joining_open or entered_by):
        raise DomainError("joining_closed", N_("Cette séance n'accepte plus de participants."))
    name = clean_text(pseudonym, N_("Pseudonyme"), PSEUDONYM_MAX)
    role = clean_text(function, N_("Fonction"), FUNCTION_MAX, required=False)
    if state.pseudonym_taken(name):
        raise DomainError(
            "pseudonym_taken",
            N_(
                "Le pseudonyme « %(pseudonym)s » est déjà pris dans cette séance. Choisissez-en un autre."
            ),
            pseudonym=name,
        )
    return [
        NewEvent(
            ev.PARTICIPANT_JOINED,
            {
                "participant_id": participant_id,
                "pseudonym": name,
                "function": role,
                "entered_by": entered_by,
            },
        )
    ]


MEMBER_NAME_MAX = 60


def invite_member(state: SessionState, role: object, name: object, member_id: str):
    """The session's creator invites a team member (not a socket command: it makes a link)."""
    if role not in {r.value for r in STAFF_ROLES}:
        raise DomainError("invalid_role", N_("Rôle inconnu."))
    if state.is_over:
        raise DomainError("session_ended", N_("La séance est terminée."))
    label = clean_text(name, N_("Nom"), MEMBER_NAME_MAX, required=False)
    return [
        NewEvent(
            ev.MEMBER_INVITED,
            {"member_id": member_id, "role": str(role), "name": label},
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def accept_convention(state, protocol, actor, args) -> list[NewEvent]:
    participant = state.participants[actor.participant_id]
    if args.get("version") != state.convention_version:
        raise DomainError(
            "convention_changed",
            N_("La convention a changé : relisez-la avant de l'accepter."),
        )
    if participant.accepted_version == state.convention_version:
        raise DomainError("already_accepted", N_("Vous avez déjà accepté la convention."))
    return [
        NewEvent(
            ev.CONVENTION_ACCEPTED,
            {
                "participant_id": participant.id,
                "version": state.convention_version,
                "entered_by": actor.entered_by,
            },
        )
    ]


def _proposal_fields(args: Mapping[str, object]) -> dict[str, str]:
    return {
        "title": clean_text(args.get("title"), N_("Titre"), PROPOSAL_TITLE_MAX),
        "body": clean_text(args.get("body"), N_("Quelques lignes"), PROPOSAL_BODY_MAX),
    }


def submit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    _check_participant_contributes(step)
    proposal_id = client_id(args.get("proposal_id"))
    if proposal_id in state.proposals:
        raise DomainError("duplicate_id", N_("Cette proposition existe déjà."))
    return [
        NewEvent(
            ev.PROPOSAL_SUBMITTED,
            {
                "proposal_id": proposal_id,
                "author_id": actor.participant_id,
                "entered_by": actor.entered_by,
                "step_index": state.step_index,
                **_proposal_fields(args),
            },
        )
    ]


def edit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [NewEvent(ev.PROPOSAL_EDITED, {"proposal_id": proposal.id, **_proposal_fields(args)})]


def withdraw_proposal(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [NewEvent(ev.PROPOSAL_WITHDRAWN, {"proposal_id": proposal.id})]


# ---------------------------------------------------------------- the récits: vote and choice

CONTRIBUTION_MAX = 4000
TITLE_MAX = 120
REFERENCE_MAX = 500
EXTEND_MINUTES_MAX = 30
MAX_RECITS = 5


def _list_of_ids(value: object, label: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DomainError(
            "invalid_list", N_("Le champ « %(field)s » doit être une liste."), field=label
        )
    if len(set(value)) != len(value):
        raise DomainError(
            "duplicate_choice",
            N_("Le même élément figure deux fois dans « %(field)s »."),
            field=label,
        )
    return list(value)


def _live_proposal(state: SessionState, proposal_id: str):
    proposal = state.proposals.get(proposal_id)
    if proposal is None or proposal.is_withdrawn:
        raise DomainError(
            "unknown_proposal", N_("Cette proposition n'existe pas ou a été retirée.")
        )
    return proposal


def cast_ballot(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.VOTE)
    _check_participant_contributes(step)
    if state.is_vote_closed:
        raise DomainError("vote_closed", N_("Le vote est clos."))
    voter = actor.participant_id
    if voter in state.voters:
        raise DomainError("already_voted", N_("Vous avez déjà voté."))
    choices = _list_of_ids(args.get("choices"), N_("Choix"))
    for proposal_id in choices:
        _live_proposal(state, proposal_id)
    allowed = int(step.options["votes"])  # type: ignore[arg-type]
    if not 1 <= len(choices) <= allowed:
        raise DomainError(
            "wrong_vote_count",
            N_("Choisissez entre 1 et %(count)s récit(s)."),
            count=allowed,
        )
    return [
        NewEvent(
            ev.BALLOT_CAST,
            {"participant_id": voter, "choices": choices},
            audience=ev.audience_self(voter),
        ),
        NewEvent(ev.VOTED, {"participant_id": voter, "entered_by": actor.entered_by}),
    ]


def tally(state: SessionState, mode: str, votes: int) -> list[dict[str, object]]:
    """Scores of every live proposal, best first; equal scores share a rank (ties are shown)."""
    scores = {pid: 0 for pid, p in state.proposals.items() if not p.is_withdrawn}
    for choices in state.ballots.values():
        for position, proposal_id in enumerate(choices):
            if proposal_id in scores:
                scores[proposal_id] += votes - position if mode == "ranking" else 1
    ordered = sorted(scores.items(), key=lambda item: -item[1])
    results: list[dict[str, object]] = []
    for position, (proposal_id, score) in enumerate(ordered):
        tied_with_previous = results and results[-1]["score"] == score
        rank = results[-1]["rank"] if tied_with_previous else position + 1
        results.append({"proposal_id": proposal_id, "score": score, "rank": rank})
    return results


def close_vote(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.VOTE)
    if state.is_vote_closed:
        raise DomainError("vote_closed", N_("Le vote est clos."))
    results = tally(state, str(step.options["mode"]), int(step.options["votes"]))  # type: ignore[arg-type]
    return [NewEvent(ev.VOTE_CLOSED, {"results": results, "ballots": len(state.voters)})]


def reopen_vote(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.VOTE)
    if not state.is_vote_closed:
        raise DomainError("vote_open", N_("Le vote est encore ouvert."))
    if state.recits:
        raise DomainError(
            "recits_chosen", N_("Le récit est déjà choisi : le vote ne peut plus rouvrir.")
        )
    return [NewEvent(ev.VOTE_REOPENED, {})]


def choose_recits(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.VOTE)
    if not state.is_vote_closed:
        raise DomainError("vote_open", N_("Clôturez d'abord le vote."))
    raw = args.get("recits")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_RECITS:
        raise DomainError(
            "invalid_recits", N_("Choisissez entre 1 et %(count)s récits."), count=MAX_RECITS
        )
    chosen = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise DomainError("invalid_recits", N_("Requête mal formée."))
        proposal = _live_proposal(state, str(item.get("proposal_id")))
        narrator = str(item.get("narrator_id") or proposal.author_id)
        if narrator not in state.participants:
            raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
        chosen.append({"proposal_id": proposal.id, "narrator_id": narrator})
    if len({c["proposal_id"] for c in chosen}) != len(chosen):
        raise DomainError("duplicate_choice", N_("Le même récit est choisi deux fois."))
    return [NewEvent(ev.RECITS_CHOSEN, {"recits": chosen})]


def _answer_narration(accepted: bool):
    def command(state, protocol, actor, args) -> list[NewEvent]:
        current_step(state, protocol)
        recit = args.get("recit")
        if not isinstance(recit, int) or not 0 <= recit < len(state.recits):
            raise DomainError("unknown_recit", N_("Ce récit n'a pas été choisi."))
        if state.recits[recit].narrator_id != actor.participant_id:
            raise DomainError(
                "not_narrator", N_("Seule la personne choisie pour raconter peut répondre.")
            )
        if state.recit_index is not None:
            raise DomainError("narration_started", N_("L'analyse des récits a commencé."))
        return [
            NewEvent(
                ev.NARRATION_ACCEPTED if accepted else ev.NARRATION_DECLINED,
                {
                    "recit": recit,
                    "participant_id": actor.participant_id,
                    "entered_by": actor.entered_by,
                },
            )
        ]

    return command


# ---------------------------------------------------------------- contributions

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
_PARTICIPANT_KINDS = frozenset(
    {
        ContributionKind.STAKES,
        ContributionKind.QUESTION,
        ContributionKind.INTERPRETATION,
        ContributionKind.REACTION,
        ContributionKind.SUGGESTION,
    }
)
_NARRATOR_KINDS = frozenset({ContributionKind.STAKES, ContributionKind.REACTION})


def _audience(is_hidden: bool, author_id: str | None) -> str:
    """Hidden contributions go to their author and the staff; the others to everyone."""
    if not is_hidden:
        return ev.AUDIENCE_ALL
    return ev.audience_participant(author_id) if author_id else ev.AUDIENCE_STAFF


def contribution_audience(contribution: Contribution) -> str:
    return _audience(contribution.is_hidden, contribution.author_id)


def _typist(actor: Actor) -> str | None:
    """The researcher's role when a researcher typed it, for someone or for themselves."""
    return actor.entered_by or (None if actor.role is Role.PARTICIPANT else actor.role.value)


def _visible_contribution(
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
    links = _list_of_ids(value, N_("Éléments du tableau"))
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
        replies = _list_of_ids(args.get("replies_to"), N_("En réponse à"))
        for reply_id in replies:
            earlier = _visible_contribution(state, actor, reply_id)
            if (
                earlier.kind is not ContributionKind.INTERPRETATION
                or earlier.recit != state.recit_index
            ):
                raise DomainError(
                    "invalid_reply", N_("On ne peut répondre qu'à une interprétation de ce récit.")
                )
        fields["replies_to"] = replies
    return fields


def _check_author(
    state: SessionState, protocol: Protocol, step: Step, actor: Actor, kind: ContributionKind
) -> None:
    if kind in _PARTICIPANT_KINDS and actor.role is not Role.PARTICIPANT:
        raise DomainError(
            "needs_author",
            N_("Choisissez le participant pour qui vous saisissez cette contribution."),
        )
    if actor.role is not Role.PARTICIPANT:
        return
    narrator = state.narrator(state.recit_index)
    if kind in _NARRATOR_KINDS:
        if actor.participant_id != narrator:
            raise DomainError(
                "narrator_only",
                N_("À l'étape « %(step)s », seule la personne qui a raconté s'exprime."),
                step=step.title,
            )
        return
    _check_participant_contributes(step)
    if kind is ContributionKind.QUESTION and actor.participant_id == narrator:
        raise DomainError(
            "narrator_answers",
            N_("La personne qui a raconté répond aux questions ; elle n'en pose pas."),
        )


def _add_contribution(
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
        "entered_by": _typist(actor),
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
    _check_author(state, protocol, step, actor, kind)
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
    return _add_contribution(state, step, actor, kind, fields, args, **extra)


def raise_hand(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.QUESTIONS)
    _check_author(state, protocol, step, actor, ContributionKind.QUESTION)
    return _add_contribution(
        state,
        step,
        actor,
        ContributionKind.QUESTION,
        {"body": ""},
        args,
        status=QuestionStatus.QUEUED.value,
        is_hand=True,
    )


def add_note(state, protocol, actor, args) -> list[NewEvent]:
    step = current_step(state, protocol)
    body = clean_text(args.get("body"), N_("Note"), CONTRIBUTION_MAX)
    narrator = state.narrator(state.recit_index)
    if step.kind is StepKind.NARRATION and narrator is not None:
        # What the narrator tells, typed by the rapporteur, is the narrator's.
        actor = Actor(Role.PARTICIPANT, narrator, entered_by=actor.role.value)
    return _add_contribution(state, step, actor, ContributionKind.NOTE, {"body": body}, args)


def _editable(
    state: SessionState, protocol: Protocol, actor: Actor, args: Mapping[str, object]
) -> Contribution:
    contribution = _visible_contribution(state, actor, args.get("contribution_id"))
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
            {"contribution_id": contribution.id, "entered_by": _typist(actor), **fields},
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


def _question(state: SessionState, args: Mapping[str, object]) -> Contribution:
    contribution = state.contributions.get(str(args.get("contribution_id")))
    if (
        contribution is None
        or contribution.is_withdrawn
        or contribution.kind is not ContributionKind.QUESTION
    ):
        raise DomainError("unknown_question", N_("Cette question n'existe pas."))
    return contribution


def answer_question(state, protocol, actor, args) -> list[NewEvent]:
    """The narrator answers a question of this step, or the rapporteur types their answer."""
    step = _check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, {"contribution_id": args.get("question_id")})
    if (question.step_index, question.recit) != state.place:
        raise DomainError("unknown_question", N_("Cette question n'existe pas."))
    narrator = state.narrator(state.recit_index)
    if narrator is None or (actor.role is Role.PARTICIPANT and actor.participant_id != narrator):
        raise DomainError(
            "narrator_only",
            N_("À l'étape « %(step)s », seule la personne qui a raconté s'exprime."),
            step=step.title,
        )
    if any(
        c.kind is ContributionKind.ANSWER and c.replies_to == [question.id]
        for c in state.contributions_here(state.place)
    ):
        raise DomainError(
            "already_answered", N_("Cette question a déjà sa réponse : modifiez-la si besoin.")
        )
    body = clean_text(args.get("body"), N_("Réponse"), CONTRIBUTION_MAX)
    said_by = Actor(Role.PARTICIPANT, narrator, entered_by=_typist(actor))
    fields = {"body": body, "replies_to": [question.id]}
    events = _add_contribution(state, step, said_by, ContributionKind.ANSWER, fields, args)
    if question.status != QuestionStatus.ANSWERED:
        events.append(
            NewEvent(
                ev.QUESTION_MARKED,
                {"contribution_id": question.id, "status": QuestionStatus.ANSWERED.value},
            )
        )
    return events


def mark_question(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, args)
    status = args.get("status")
    if status not in {s.value for s in QuestionStatus}:
        raise DomainError("invalid_status", N_("Requête mal formée."))
    return [NewEvent(ev.QUESTION_MARKED, {"contribution_id": question.id, "status": status})]


def defer_question(state, protocol, actor, args) -> list[NewEvent]:
    _check_step_accepts(state, protocol, StepKind.QUESTIONS)
    question = _question(state, args)
    later = [
        index
        for index in range(question.step_index + 1, len(protocol.steps))
        if protocol.steps[index].kind is StepKind.ROUND
    ]
    if not later:
        raise DomainError("no_round", N_("Aucun tour de table ne suit cette étape."))
    return [
        NewEvent(ev.QUESTION_DEFERRED, {"contribution_id": question.id, "step_index": later[0]})
    ]


# ---------------------------------------------------------------- rounds


def set_seating(state, protocol, actor, args) -> list[NewEvent]:
    order = _list_of_ids(args.get("order"), N_("Ordre des places"))
    for participant_id in order:
        if participant_id not in state.participants:
            raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
    return [NewEvent(ev.SEATING_SET, {"order": order})]


def speaking_order(
    state: SessionState, step: Step, shuffle: Callable[[list[str]], None]
) -> list[str]:
    """Everyone admitted, in the protocol's order, the narrator last if the step says so."""
    present = [pid for pid in state.participants if state.is_admitted_participant(pid)]
    order_kind = step.options.get("order")
    if order_kind == RoundOrder.SEATING:
        seated = [pid for pid in state.seating if pid in present]
        order = seated + [pid for pid in present if pid not in seated]
    else:
        order = list(present)
        if order_kind == RoundOrder.SHUFFLED:
            shuffle(order)
    narrator = state.narrator(state.recit_index)
    if step.options.get("narrator_last") and narrator in order:
        order.remove(narrator)
        order.append(narrator)
    return order


def start_round(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.ROUND)
    existing = state.current_round
    if existing is not None and not existing.is_over:
        raise DomainError("round_running", N_("Le tour de table est déjà en cours."))
    order = speaking_order(state, step, random.SystemRandom().shuffle)
    if not order:
        raise DomainError("nobody", N_("Personne n'a encore rejoint la séance."))
    step_index, recit = state.place
    narrator = state.narrator(state.recit_index)
    return [
        NewEvent(
            ev.ROUND_STARTED,
            {
                "step_index": step_index,
                "recit": recit,
                "order": order,
                "turn_seconds": int(step.options["turn_minutes"]) * 60,  # type: ignore[arg-type]
                # Who keeps the last place when others pass and come back: the narrator.
                "last": narrator
                if step.options.get("narrator_last") and narrator in order
                else None,
            },
        )
    ]


def _running_round(state: SessionState, protocol: Protocol):
    _check_step_accepts(state, protocol, StepKind.ROUND)
    round_ = state.current_round
    if round_ is None or round_.is_over:
        raise DomainError("no_round", N_("Aucun tour de table n'est en cours."))
    return round_


def end_turn(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    outcome = args.get("outcome")
    if outcome not in ("spoke", "passed"):
        raise DomainError("invalid_outcome", N_("Requête mal formée."))
    if actor.role is Role.PARTICIPANT and actor.participant_id != round_.speaker:
        raise DomainError("not_your_turn", N_("Ce n'est pas votre tour de parole."))
    if args.get("speaker") != round_.speaker:
        raise DomainError(
            "turn_moved",
            N_("Le tour de parole a déjà changé entre-temps ; l'écran est mis à jour."),
        )
    return [NewEvent(ev.TURN_ENDED, {"participant_id": round_.speaker, "outcome": outcome})]


def pause_timer(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    if round_.paused_at is not None:
        raise DomainError("timer_paused", N_("Le minuteur est déjà en pause."))
    return [NewEvent(ev.TIMER_PAUSED, {})]


def resume_timer(state, protocol, actor, args) -> list[NewEvent]:
    round_ = _running_round(state, protocol)
    if round_.paused_at is None:
        raise DomainError("timer_running", N_("Le minuteur tourne déjà."))
    return [NewEvent(ev.TIMER_RESUMED, {})]


def extend_timer(state, protocol, actor, args) -> list[NewEvent]:
    _running_round(state, protocol)
    minutes = args.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not 1 <= minutes <= EXTEND_MINUTES_MAX
    ):
        raise DomainError(
            "invalid_minutes",
            N_("Prolongez de 1 à %(limit)s minutes."),
            limit=EXTEND_MINUTES_MAX,
        )
    return [NewEvent(ev.TIMER_EXTENDED, {"seconds": minutes * 60})]


# ---------------------------------------------------------------- the analysis board

_BOARD_STEPS = (StepKind.ANALYSIS, StepKind.THEORY, StepKind.HYPOTHESES)


def _board_step(state: SessionState, protocol: Protocol) -> Step:
    step = current_step(state, protocol)
    if step.kind not in _BOARD_STEPS:
        raise DomainError(
            "wrong_step", N_("Ce n'est pas possible à l'étape « %(step)s »."), step=step.title
        )
    return step


def _item_fields(
    state: SessionState, actor: Actor, args: Mapping[str, object]
) -> dict[str, object]:
    kind = args.get("kind")
    if kind not in {k.value for k in BoardKind}:
        raise DomainError("invalid_board_kind", N_("Choisissez : convergence, divergence ou nœud."))
    links = _list_of_ids(args.get("links"), N_("Interprétations liées"))
    for contribution_id in links:
        _visible_contribution(state, actor, contribution_id)
    return {
        "kind": str(kind),
        "title": clean_text(args.get("title"), N_("Titre"), TITLE_MAX),
        "formulation": clean_text(
            args.get("formulation"), N_("Formulation"), CONTRIBUTION_MAX, required=False
        ),
        "links": links,
    }


def _new_item(state: SessionState, item_id: object, fields: Mapping[str, object]) -> NewEvent:
    item_id = client_id(item_id)
    if item_id in state.board:
        raise DomainError("duplicate_id", N_("Cet élément existe déjà."))
    position = state.next_board_position
    return NewEvent(
        ev.BOARD_ITEM_ADDED,
        {"item_id": item_id, "recit": state.recit_index, "position": position, **fields},
    )


def _board_item(state: SessionState, item_id: object):
    item = state.board.get(str(item_id))
    if item is None:
        raise DomainError("unknown_item", N_("Cet élément du tableau n'existe pas."))
    return item


def add_board_item(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    return [_new_item(state, args.get("item_id"), _item_fields(state, actor, args))]


def edit_board_item(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    item = _board_item(state, args.get("item_id"))
    return [
        NewEvent(ev.BOARD_ITEM_EDITED, {"item_id": item.id, **_item_fields(state, actor, args)})
    ]


def remove_board_item(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    item = _board_item(state, args.get("item_id"))
    return [NewEvent(ev.BOARD_ITEM_REMOVED, {"item_id": item.id})]


def reorder_board(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    order = _list_of_ids(args.get("order"), N_("Ordre"))
    for item_id in order:
        _board_item(state, item_id)
    return [NewEvent(ev.BOARD_REORDERED, {"order": order})]


def settle_suggestion(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    suggestion = _visible_contribution(
        state, actor, args.get("contribution_id"), ContributionKind.SUGGESTION
    )
    if suggestion.status != SuggestionStatus.PENDING:
        raise DomainError("already_settled", N_("Cette suggestion a déjà reçu une réponse."))
    decision = args.get("decision")
    if decision == SuggestionStatus.DECLINED:
        return [
            NewEvent(ev.SUGGESTION_SETTLED, {"contribution_id": suggestion.id, "status": decision})
        ]
    if decision != SuggestionStatus.ACCEPTED:
        raise DomainError("invalid_decision", N_("Requête mal formée."))
    fields = {
        "kind": suggestion.board_kind,
        "title": suggestion.title,
        "formulation": suggestion.body,
    }
    if suggestion.item_id and suggestion.item_id in state.board:
        item = state.board[suggestion.item_id]
        change = NewEvent(
            ev.BOARD_ITEM_EDITED, {"item_id": item.id, "links": list(item.links), **fields}
        )
    else:
        change = _new_item(state, args.get("item_id"), {"links": [], **fields})
    return [
        change,
        NewEvent(ev.SUGGESTION_SETTLED, {"contribution_id": suggestion.id, "status": decision}),
    ]


# ---------------------------------------------------------------- perspectives and evaluation


def _perspective(state, protocol, actor, args) -> Contribution:
    _check_step_accepts(state, protocol, StepKind.PERSPECTIVES)
    return _visible_contribution(
        state, actor, args.get("contribution_id"), ContributionKind.PERSPECTIVE
    )


def support_perspective(state, protocol, actor, args) -> list[NewEvent]:
    perspective = _perspective(state, protocol, actor, args)
    if actor.participant_id in perspective.supporters:
        raise DomainError("already_supported", N_("Vous soutenez déjà cette proposition."))
    return [
        NewEvent(
            ev.PERSPECTIVE_SUPPORTED,
            {"contribution_id": perspective.id, "participant_id": actor.participant_id},
        )
    ]


def unsupport_perspective(state, protocol, actor, args) -> list[NewEvent]:
    perspective = _perspective(state, protocol, actor, args)
    if actor.participant_id not in perspective.supporters:
        raise DomainError("not_supported", N_("Vous ne soutenez pas cette proposition."))
    return [
        NewEvent(
            ev.PERSPECTIVE_UNSUPPORTED,
            {"contribution_id": perspective.id, "participant_id": actor.participant_id},
        )
    ]


def _evaluation_answers(step: Step, raw: object) -> dict[str, object]:
    if not isinstance(raw, Mapping):
        raise DomainError("invalid_answers", N_("Requête mal formée."))
    answers: dict[str, object] = {}
    for question in step.options["questions"]:  # type: ignore[union-attr]
        value = raw.get(question["id"])
        if value is None or value == "":
            continue
        if question["kind"] == QuestionKind.SCALE:
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not question["min"] <= value <= question["max"]
            ):
                raise DomainError(
                    "invalid_scale",
                    N_("Répondez par un nombre de %(min)s à %(max)s."),
                    min=question["min"],
                    max=question["max"],
                )
            answers[question["id"]] = value
        else:
            answers[question["id"]] = clean_text(value, N_("Réponse"), CONTRIBUTION_MAX)
    if not answers:
        raise DomainError("no_answer", N_("Répondez au moins à une question."))
    return answers


def answer_evaluation(state, protocol, actor, args) -> list[NewEvent]:
    step = _check_step_accepts(state, protocol, StepKind.EVALUATION)
    _check_participant_contributes(step)
    if state.evaluation_summary is not None:
        raise DomainError("evaluation_closed", N_("L'évaluation est close."))
    if actor.participant_id in state.evaluated:
        raise DomainError("already_answered", N_("Vous avez déjà répondu à l'évaluation."))
    answers = _evaluation_answers(step, args.get("answers"))
    return [
        # The answers name nobody and are sent to nobody: only the summary is shown.
        NewEvent(
            ev.EVALUATION_ANSWERED,
            {"answers": answers},
            audience=ev.AUDIENCE_NOBODY,
            actor=ev.ANONYMOUS,
        ),
        NewEvent(
            ev.EVALUATION_DONE,
            {"participant_id": actor.participant_id, "entered_by": actor.entered_by},
        ),
    ]


def evaluation_summary(state: SessionState, step: Step) -> dict[str, object]:
    """Counts and means for scales, the open answers in alphabetical order: nothing links an answer to a person."""
    summary: dict[str, object] = {"respondents": len(state.evaluated), "questions": []}
    for question in step.options["questions"]:  # type: ignore[union-attr]
        values = [a[question["id"]] for a in state.evaluation_answers if question["id"] in a]
        item: dict[str, object] = {
            "id": question["id"],
            "kind": str(question["kind"]),
            "text": question["text"],
            "count": len(values),
        }
        if question["kind"] == QuestionKind.SCALE:
            item["min"], item["max"] = question["min"], question["max"]
            item["distribution"] = {
                str(v): values.count(v) for v in range(question["min"], question["max"] + 1)
            }
            item["mean"] = round(sum(values) / len(values), 2) if values else None
        else:
            item["answers"] = sorted(values, key=lambda text: str(text).casefold())
        summary["questions"].append(item)  # type: ignore[union-attr]
    return summary


# ---------------------------------------------------------------- after the session

SYNTHESIS_MAX = 300_000
SECTION_MAX = 200
REPLACEMENT_MAX = 200
MAX_REPLACEMENTS = 500


def save_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    """Keep a new version of the synthesis; ``base_version`` guards against overwriting a colleague's."""
    text = clean_text(args.get("text"), N_("Synthèse"), SYNTHESIS_MAX)
    if args.get("base_version") != state.synthesis_version:
        raise DomainError(
            "synthesis_changed",
            N_(
                "Une version plus récente de la synthèse (version %(version)s) a été enregistrée entre-temps : rechargez-la avant d'enregistrer."
            ),
            version=state.synthesis_version,
        )
    if state.synthesis_versions and text == state.synthesis_text:
        raise DomainError(
            "synthesis_unchanged",
            N_("Rien n'a changé depuis la version %(version)s."),
            version=state.synthesis_version,
        )
    return [
        NewEvent(
            ev.SYNTHESIS_SAVED,
            {
                "version": state.synthesis_version + 1,
                "text": text,
                "base_version": state.synthesis_version,
            },
            audience=ev.AUDIENCE_STAFF,
        )
    ]


def open_validation(state, protocol, actor, args) -> list[NewEvent]:
    if state.status is not Status.ENDED:
        raise DomainError(
            "session_not_ended",
            N_("La relecture s'ouvre une fois la séance terminée."),
        )
    version = args.get("version")
    if not isinstance(version, int) or not 1 <= version <= state.synthesis_version:
        raise DomainError(
            "unknown_version", N_("Enregistrez d'abord la synthèse : cette version n'existe pas.")
        )
    if state.is_validation_open and state.validation_version == version:
        raise DomainError(
            "validation_already_open",
            N_("La relecture de la version %(version)s est déjà ouverte."),
            version=version,
        )
    return [NewEvent(ev.VALIDATION_OPENED, {"version": version})]


def close_validation(state, protocol, actor, args) -> list[NewEvent]:
    if not state.is_validation_open:
        raise DomainError("validation_not_open", N_("La relecture n'est pas ouverte."))
    return [NewEvent(ev.VALIDATION_CLOSED, {})]


def _validated_version(state: SessionState, args: Mapping[str, object]) -> int:
    """The version a participant acts on: the one open for validation, nothing else."""
    if not state.is_validation_open or state.validation_version is None:
        raise DomainError("validation_not_open", N_("La relecture n'est pas ouverte."))
    if args.get("version") != state.validation_version:
        raise DomainError(
            "version_changed",
            N_(
                "La synthèse a changé : la version %(version)s est maintenant en relecture. Relisez-la."
            ),
            version=state.validation_version,
        )
    return state.validation_version


def comment_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    """A comment on a section of the draft, or (``amendment``) a wording to put in its place."""
    version = _validated_version(state, args)
    comment_id = client_id(args.get("comment_id"))
    if comment_id in state.comments:
        raise DomainError("duplicate_id", N_("Ce commentaire existe déjà."))
    is_amendment = bool(args.get("amendment"))
    return [
        NewEvent(
            ev.SYNTHESIS_COMMENTED,
            {
                "comment_id": comment_id,
                "participant_id": actor.participant_id,
                "entered_by": actor.entered_by,
                "version": version,
                "section": clean_text(args.get("section"), N_("Section"), SECTION_MAX),
                "body": clean_text(
                    args.get("body"),
                    N_("Amendement") if is_amendment else N_("Commentaire"),
                    CONTRIBUTION_MAX,
                ),
                "is_amendment": is_amendment,
            },
            audience=ev.audience_participant(str(actor.participant_id)),
        )
    ]


def settle_amendment(state, protocol, actor, args) -> list[NewEvent]:
    comment = state.comments.get(str(args.get("comment_id")))
    if comment is None or not comment.is_amendment:
        raise DomainError("unknown_amendment", N_("Cet amendement n'existe pas."))
    status = args.get("status")
    if status not in (AmendmentStatus.ACCEPTED, AmendmentStatus.DECLINED):
        raise DomainError("invalid_status", N_("Requête mal formée."))
    if comment.status != AmendmentStatus.PENDING:
        raise DomainError("already_settled", N_("Cet amendement a déjà été traité."))
    return [
        NewEvent(
            ev.AMENDMENT_SETTLED,
            {"comment_id": comment.id, "status": str(status)},
            audience=ev.audience_participant(comment.participant_id),
        )
    ]


def approve_synthesis(state, protocol, actor, args) -> list[NewEvent]:
    version = _validated_version(state, args)
    if state.has_approved(str(actor.participant_id), version):
        raise DomainError(
            "already_approved",
            N_("Vous avez déjà approuvé la version %(version)s."),
            version=version,
        )
    return [
        NewEvent(
            ev.SYNTHESIS_APPROVED,
            {
                "participant_id": actor.participant_id,
                "version": version,
                "entered_by": actor.entered_by,
            },
        )
    ]


def _retention_date(value: object) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DomainError(
            "invalid_date", N_("Date de conservation invalide : utilisez AAAA-MM-JJ.")
        ) from None


def change_settings(state, protocol, actor, args) -> list[NewEvent]:
    """How exports name people and treat withdrawn words, and how long the session is kept."""
    data: dict[str, object] = {}
    if "attribution" in args:
        if args["attribution"] not in {a.value for a in Attribution}:
            raise DomainError("invalid_setting", N_("Requête mal formée."))
        data["attribution"] = args["attribution"]
    if "withdrawal" in args:
        if args["withdrawal"] not in {w.value for w in Withdrawal}:
            raise DomainError("invalid_setting", N_("Requête mal formée."))
        data["withdrawal"] = args["withdrawal"]
    if "retention_until" in args:
        data["retention_until"] = _retention_date(args["retention_until"])
    if not data:
        raise DomainError("invalid_setting", N_("Requête mal formée."))
    if state.status is Status.ARCHIVED and set(data) != {"retention_until"}:
        raise _archived()
    return [NewEvent(ev.SETTINGS_CHANGED, data, audience=ev.AUDIENCE_STAFF)]


def set_replacements(state, protocol, actor, args) -> list[NewEvent]:
    """The whole replacement list: a name of a person, service or place, and what stands for it."""
    raw = args.get("replacements")
    if not isinstance(raw, list) or len(raw) > MAX_REPLACEMENTS:
        raise DomainError(
            "invalid_replacements",
            N_("La liste de remplacements doit compter au plus %(limit)s lignes."),
            limit=MAX_REPLACEMENTS,
        )
    replacements: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, Mapping):
            raise DomainError("invalid_replacements", N_("Requête mal formée."))
        find = clean_text(item.get("find"), N_("Nom à remplacer"), REPLACEMENT_MAX)
        replace = clean_text(item.get("replace"), N_("Remplacement"), REPLACEMENT_MAX)
        if find.casefold() in seen:
            raise DomainError(
                "duplicate_replacement",
                N_("« %(name)s » figure deux fois dans la liste."),
                name=find,
            )
        seen.add(find.casefold())
        replacements.append({"find": find, "replace": replace})
    return [
        NewEvent(ev.REPLACEMENTS_SET, {"replacements": replacements}, audience=ev.AUDIENCE_STAFF)
    ]


def withdraw_consent(state, protocol, actor, args) -> list[NewEvent]:
    """A participant withdraws: their words will leave the synthesis, the exports and the archive."""
    return [
        NewEvent(
            ev.CONSENT_WITHDRAWN,
            {"participant_id": actor.participant_id, "entered_by": actor.entered_by},
        )
    ]


def archive(state: SessionState, folder: str) -> list[NewEvent]:
    """Close the session for good (not a socket command: the edge writes the archive folder)."""
    if state.status is Status.ARCHIVED:
        raise DomainError("already_archived", N_("La séance est déjà archivée."))
    if state.status is not Status.ENDED:
        raise DomainError("session_not_ended", N_("Terminez la séance avant de l'archiver."))
    return [NewEvent(ev.SESSION_ARCHIVED, {"folder": folder})]


def _archived() -> DomainError:
    return DomainError("archived", N_("La séance est archivée : elle ne change plus."))


Decide = Callable[[SessionState, Protocol, Actor, Mapping[str, object]], list[NewEvent]]


@dataclass(frozen=True)
class Command:
    decide: Decide
    roles: frozenset[Role]
    needs_consent: bool = True
    # A researcher may send it for a participant (``on_behalf_of``): it is stored as theirs.
    on_behalf: bool = False
    # Sent by a browser as a command. Otherwise the edge carries it out (it makes a
    # link, writes a folder) after :func:`check_may`; the table still says who may.
    is_socket_command: bool = True
    # What a refused role is told, when the general refusals would say too little.
    refusal: str | None = None


_STEER = frozenset({Role.ANIMATEUR})
_STAFF = frozenset({Role.ANIMATEUR, Role.RAPPORTEUR})
_CONTRIBUTE = frozenset({Role.PARTICIPANT})
_EVERYONE = _STAFF | _CONTRIBUTE


def _for_participants(decide: Decide, **options: bool) -> Command:
    return Command(decide, _CONTRIBUTE, on_behalf=True, **options)


def _carried_out_by_the_edge(state, protocol, actor, args) -> list[NewEvent]:
    raise AssertionError("carried out by its own path, after check_may")


def _by_the_edge(roles: frozenset[Role], **options) -> Command:
    return Command(_carried_out_by_the_edge, roles, **options)


# Every text field's limit, by the name the pages know it by: they read their
# ``maxlength`` from here (``browser_table``), so a limit is changed in one place.
LIMITS = {
    "pseudonym": PSEUDONYM_MAX,
    "function": FUNCTION_MAX,
    "session_title": SESSION_TITLE_MAX,
    "question": QUESTION_MAX,
    "convention": CONVENTION_MAX,
    "member_name": MEMBER_NAME_MAX,
    "proposal_title": PROPOSAL_TITLE_MAX,
    "proposal_body": PROPOSAL_BODY_MAX,
    "title": TITLE_MAX,
    "body": CONTRIBUTION_MAX,
    "reference": REFERENCE_MAX,
    "synthesis": SYNTHESIS_MAX,
    "replacement": REPLACEMENT_MAX,
}


def browser_table() -> dict[str, object]:
    """What the pages know of the method, sent to them as JSON: limits and the lists."""
    return {
        "limits": LIMITS,
        "levels": [level.value for level in Level],
        "board_kinds": [kind.value for kind in BoardKind],
        # What is written at each kind of step, and what the narrator alone writes.
        "contribution_kinds": {step.value: kind.value for step, kind in KIND_OF_STEP.items()},
        "narrator_kinds": sorted(kind.value for kind in _NARRATOR_KINDS),
    }


COMMANDS: dict[str, Command] = {
    "start_session": Command(start_session, _STEER),
    "next_step": Command(next_step, _STEER),
    "previous_step": Command(previous_step, _STEER),
    "end_session": Command(end_session, _STEER),
    "close_joining": Command(close_joining, _STEER),
    "open_joining": Command(open_joining, _STEER),
    "accept_convention": _for_participants(accept_convention, needs_consent=False),
    "submit_proposal": _for_participants(submit_proposal),
    "edit_proposal": _for_participants(edit_proposal),
    "withdraw_proposal": _for_participants(withdraw_proposal),
    "cast_ballot": _for_participants(cast_ballot),
    "close_vote": Command(close_vote, _STEER),
    "reopen_vote": Command(reopen_vote, _STEER),
    "choose_recits": Command(choose_recits, _STEER),
    "accept_narration": _for_participants(_answer_narration(True)),
    "decline_narration": _for_participants(_answer_narration(False)),
    "contribute": Command(contribute, _EVERYONE, on_behalf=True),
    "raise_hand": _for_participants(raise_hand),
    "edit_contribution": Command(edit_contribution, _EVERYONE, on_behalf=True),
    "withdraw_contribution": Command(withdraw_contribution, _EVERYONE, on_behalf=True),
    "add_note": Command(add_note, _STAFF),
    "reveal": Command(reveal, _STEER),
    "answer_question": Command(answer_question, _EVERYONE),
    "mark_question": Command(mark_question, _STAFF),
    "defer_question": Command(defer_question, _STAFF),
    "set_seating": Command(set_seating, _STEER),
    "start_round": Command(start_round, _STEER),
    "end_turn": Command(end_turn, _STEER | _CONTRIBUTE),
    "pause_timer": Command(pause_timer, _STEER),
    "resume_timer": Command(resume_timer, _STEER),
    "extend_timer": Command(extend_timer, _STEER),
    "add_board_item": Command(add_board_item, _STAFF),
    "edit_board_item": Command(edit_board_item, _STAFF),
    "remove_board_item": Command(remove_board_item, _STAFF),
    "reorder_board": Command(reorder_board, _STAFF),
    "settle_suggestion": Command(settle_suggestion, _STAFF),
    "support_perspective": _for_participants(support_perspective),
    "unsupport_perspective": _for_participants(unsupport_perspective),
    "answer_evaluation": _for_participants(answer_evaluation),
    "save_synthesis": Command(save_synthesis, _STAFF),
    "open_validation": Command(open_validation, _STEER),
    "close_validation": Command(close_validation, _STEER),
    "comment_synthesis": _for_participants(comment_synthesis),
    "settle_amendment": Command(settle_amendment, _STAFF),
    "approve_synthesis": _for_participants(approve_synthesis),
    "change_settings": Command(change_settings, _STEER),
    "set_replacements": Command(set_replacements, _STAFF),
    "withdraw_consent": _for_participants(withdraw_consent, needs_consent=False),
    # Who may, for what the edge carries out itself (see Command.is_socket_command).
    ADD_PARTICIPANT: _by_the_edge(_STAFF, needs_consent=False),  # Live.execute: an identity too
    INVITE_MEMBER: _by_the_edge(_STEER, is_socket_command=False),  # a private link
    ARCHIVE: _by_the_edge(  # the archive folder
        _STEER,
        is_socket_command=False,
        refusal=N_("Seul·e l'animateur·rice peut archiver la séance."),
    ),
}

# What an archived session still accepts: its retention date may change.
_AFTER_ARCHIVING = frozenset({"change_settings"})


def _on_behalf(state: SessionState, actor: Actor, participant_id: object) -> Actor:
    if str(participant_id) not in state.participants:
        raise DomainError("unknown_participant", N_("Ce participant n'existe pas."))
    return Actor(Role.PARTICIPANT, str(participant_id), entered_by=actor.role.value)


def may(name: str, actor: Actor) -> bool:
    """Whether ``actor``'s role may send command ``name`` at all (:data:`COMMANDS`)."""
    return actor.role in COMMANDS[name].roles


def check_may(name: str, actor: Actor) -> None:
    """Refuse ``actor`` a command the edge carries out itself, by the rule of :data:`COMMANDS`."""
    if not may(name, actor):
        raise _forbidden(actor, COMMANDS[name])


def _forbidden(actor: Actor, command: Command) -> DomainError:
    if command.refusal is not None:
        return DomainError("forbidden", command.refusal)
    if actor.role is Role.OBSERVATEUR:
        return DomainError(
            "forbidden", N_("Cet écran sert à suivre la séance : il ne modifie rien.")
        )
    if actor.role is Role.PARTICIPANT:
        return DomainError("forbidden", N_("Seule l'équipe d'animation peut faire cela."))
    if command.on_behalf:
        return DomainError(
            "forbidden",
            N_("Cette action revient aux participants : choisissez pour qui vous la saisissez."),
        )
    if Role.ANIMATEUR in command.roles:
        return DomainError("forbidden", N_("Seul l'animateur ou l'animatrice peut faire cela."))
    return DomainError("forbidden", N_("Cette action est réservée aux participants."))


def decide(
    state: SessionState, protocol: Protocol, actor: Actor, name: str, args: Mapping[str, object]
) -> list[NewEvent]:
    """Check that ``actor`` may send command ``name`` now and return its events."""
    command = COMMANDS.get(name)
    if command is None or not command.is_socket_command:
        raise DomainError("unknown_command", N_("Commande inconnue : « %(name)s »."), name=name)
    if command.on_behalf and actor.role.is_staff and args.get("on_behalf_of"):
        actor = _on_behalf(state, actor, args["on_behalf_of"])
    if actor.role not in command.roles:
        raise _forbidden(actor, command)
    if state.status is Status.ARCHIVED and name not in _AFTER_ARCHIVING:
        raise _archived()
    if actor.role is Role.PARTICIPANT:
        participant = state.participants.get(actor.participant_id or "")
        if participant is not None and participant.withdrawn_at is not None:
            raise DomainError(
                "withdrawn",
                N_("Vous avez retiré votre participation : vous ne pouvez plus rien ajouter."),
            )
    needs_consent = actor.role is Role.PARTICIPANT and command.needs_consent
    if needs_consent and not state.is_admitted_participant(actor.participant_id):
        raise DomainError(
            "consent_required",
            N_("Acceptez d'abord la convention de travail."),
        )
    return command.decide(state, protocol, actor, args)
