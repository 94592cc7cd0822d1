"""« Propositions de récits »: each participant proposes a récit, edits or withdraws it.

The programme's team may bring a fiche incident as the récit proposal of the participant who
wrote it (mag.programmes.propose_fiche). That proposal waits for its author's word: until they
agree, it is theirs and the staff's alone (its events go to them only) and stays out of the
vote; agreeing shows it to the group (``proposal_consented`` carries it whole, for those who
never received it), declining withdraws it, unseen.
"""

from collections.abc import Mapping
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Id
from mag.domain.protocol import StepKind
from mag.domain.roles import Actor
from mag.domain.state import Proposal, SessionState, text_or_none
from mag.domain.steps.base import (
    Command,
    check_participant_contributes,
    check_step_accepts,
    clean_text,
    client_id,
    for_participants,
)

PROPOSAL_TITLE_MAX = 120
PROPOSAL_BODY_MAX = 2000


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


def _audience(proposal_author: str, awaiting_consent: bool) -> str:
    """Everyone admitted, or only the author and the staff while a fiche awaits its author."""
    return ev.audience_participant(proposal_author) if awaiting_consent else ev.AUDIENCE_ALL


def _proposal_fields(args: Mapping[str, object]) -> dict[str, str]:
    return {
        "title": clean_text(args.get("title"), N_("Titre"), PROPOSAL_TITLE_MAX),
        "body": clean_text(args.get("body"), N_("Quelques lignes"), PROPOSAL_BODY_MAX),
    }


def submit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    step = check_step_accepts(state, protocol, StepKind.PROPOSALS)
    check_participant_contributes(step)
    proposal_id = client_id(args.get("proposal_id"))
    if proposal_id in state.proposals:
        raise DomainError("duplicate_id", N_("Cette proposition existe déjà."))
    # A fiche incident the programme's team brings (mag.programmes): only the team marks it so.
    fiche_id = args.get("fiche_id")
    if fiche_id is not None and actor.entered_by is None:
        raise DomainError(
            "forbidden", N_("Seule l'équipe peut proposer un récit tiré d'une fiche.")
        )
    from_fiche = {"fiche_id": client_id(fiche_id), "awaiting_consent": True} if fiche_id else {}
    return [
        NewEvent(
            ev.PROPOSAL_SUBMITTED,
            {
                "proposal_id": proposal_id,
                "author_id": actor.participant_id,
                "entered_by": actor.entered_by,
                "step_index": state.step_index,
                **_proposal_fields(args),
                **from_fiche,
            },
            audience=_audience(str(actor.participant_id), bool(from_fiche)),
        )
    ]


def edit_proposal(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [
        NewEvent(
            ev.PROPOSAL_EDITED,
            {"proposal_id": proposal.id, **_proposal_fields(args)},
            audience=_audience(proposal.author_id, proposal.awaiting_consent),
        )
    ]


def withdraw_proposal(state, protocol, actor, args) -> list[NewEvent]:
    check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    return [
        NewEvent(
            ev.PROPOSAL_WITHDRAWN,
            {"proposal_id": proposal.id},
            audience=_audience(proposal.author_id, proposal.awaiting_consent),
        )
    ]


def answer_fiche_proposal(state, protocol, actor, args) -> list[NewEvent]:
    """The author's word on their fiche brought as a récit proposal: to the group, or not."""
    check_step_accepts(state, protocol, StepKind.PROPOSALS)
    proposal = _own_proposal(state, actor, args)
    if not proposal.awaiting_consent:
        raise DomainError("not_awaiting", N_("Cette proposition ne demande pas votre accord."))
    consent = args.get("consent")
    if not isinstance(consent, bool):
        raise DomainError("invalid_choice", N_("Répondez par oui ou par non."))
    if not consent:
        return [
            NewEvent(
                ev.PROPOSAL_WITHDRAWN,
                {"proposal_id": proposal.id},
                audience=ev.audience_participant(proposal.author_id),
            )
        ]
    return [
        NewEvent(
            ev.PROPOSAL_CONSENTED,
            {
                "proposal_id": proposal.id,
                "author_id": proposal.author_id,
                "entered_by": proposal.entered_by,
                "step_index": proposal.step_index,
                "title": proposal.title,
                "body": proposal.body,
                "fiche_id": proposal.fiche_id,
            },
        )
    ]


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "submit_proposal": for_participants(submit_proposal),
    "edit_proposal": for_participants(edit_proposal),
    "withdraw_proposal": for_participants(withdraw_proposal),
    "answer_fiche_proposal": for_participants(answer_fiche_proposal),
}


# ---------------------------------------------------------------- folds


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
        entered_by=text_or_none(data, "entered_by"),
        fiche_id=text_or_none(data, "fiche_id"),
        awaiting_consent=data.get("awaiting_consent") is True,
    )


def _proposal_edited(state: SessionState, event: Event) -> None:
    proposal = state.proposals[str(event.data["proposal_id"])]
    proposal.title = str(event.data["title"])
    proposal.body = str(event.data["body"])
    proposal.edited_at = event.at


def _proposal_withdrawn(state: SessionState, event: Event) -> None:
    state.proposals[str(event.data["proposal_id"])].is_withdrawn = True


def _proposal_consented(state: SessionState, event: Event) -> None:
    state.proposals[str(event.data["proposal_id"])].awaiting_consent = False


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.PROPOSAL_SUBMITTED: _proposal_submitted,
    ev.PROPOSAL_EDITED: _proposal_edited,
    ev.PROPOSAL_WITHDRAWN: _proposal_withdrawn,
    ev.PROPOSAL_CONSENTED: _proposal_consented,
}


# ---------------------------------------------------------------- payloads


class ProposalSubmitted(TypedDict):
    proposal_id: Id
    author_id: Id
    entered_by: NotRequired[str | None]
    step_index: int
    title: str
    body: str
    fiche_id: NotRequired[Id]
    awaiting_consent: NotRequired[bool]


class ProposalConsented(TypedDict):
    proposal_id: Id
    author_id: Id
    entered_by: str | None
    step_index: int
    title: str
    body: str
    fiche_id: Id


class ProposalEdited(TypedDict):
    proposal_id: Id
    title: str
    body: str


class ProposalWithdrawn(TypedDict):
    proposal_id: Id


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.PROPOSAL_SUBMITTED: ProposalSubmitted,
    ev.PROPOSAL_EDITED: ProposalEdited,
    ev.PROPOSAL_WITHDRAWN: ProposalWithdrawn,
    ev.PROPOSAL_CONSENTED: ProposalConsented,
}
