"""The analysis board (« analyse », « apports théoriques », « hypothèses »): its items and the
suggestions for it.
"""

from collections.abc import Mapping
from typing import NotRequired, TypedDict

from mag.domain import events as ev
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.payloads import Id, Order, Settled
from mag.domain.protocol import Protocol, Step, StepKind
from mag.domain.roles import Actor
from mag.domain.state import (
    BoardItem,
    BoardKind,
    ContributionKind,
    SessionState,
    SuggestionStatus,
    recit_of,
)
from mag.domain.steps.base import (
    BY_STAFF,
    CONTRIBUTION_MAX,
    TITLE_MAX,
    Command,
    clean_text,
    client_id,
    current_step,
    list_of_ids,
)
from mag.domain.steps.contributions import visible_contribution

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
    links = list_of_ids(args.get("links"), N_("Interprétations liées"))
    for contribution_id in links:
        visible_contribution(state, actor, contribution_id)
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
    order = list_of_ids(args.get("order"), N_("Ordre"))
    for item_id in order:
        _board_item(state, item_id)
    return [NewEvent(ev.BOARD_REORDERED, {"order": order})]


def settle_suggestion(state, protocol, actor, args) -> list[NewEvent]:
    _board_step(state, protocol)
    suggestion = visible_contribution(
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


# Who may send this module's commands (mag.domain.commands gathers every module's).
COMMANDS: dict[str, Command] = {
    "add_board_item": Command(add_board_item, BY_STAFF),
    "edit_board_item": Command(edit_board_item, BY_STAFF),
    "remove_board_item": Command(remove_board_item, BY_STAFF),
    "reorder_board": Command(reorder_board, BY_STAFF),
    "settle_suggestion": Command(settle_suggestion, BY_STAFF),
}


# ---------------------------------------------------------------- folds


def _board_item_added(state: SessionState, event: Event) -> None:
    data = event.data
    item = BoardItem(
        id=str(data["item_id"]),
        kind=BoardKind(str(data["kind"])),
        title=str(data["title"]),
        formulation=str(data["formulation"]),
        recit=recit_of(data),
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


# How this module's events change the state (SessionState.apply finds them here).
FOLDS = {
    ev.BOARD_ITEM_ADDED: _board_item_added,
    ev.BOARD_ITEM_EDITED: _board_item_edited,
    ev.BOARD_ITEM_REMOVED: _board_item_removed,
    ev.BOARD_REORDERED: _board_reordered,
    ev.SUGGESTION_SETTLED: _suggestion_settled,
}


# ---------------------------------------------------------------- payloads


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


class SuggestionSettled(Settled):
    contribution_id: Id


# What each of this module's events carries (payloads.py makes the archive's schema of it).
PAYLOADS: dict[str, type] = {
    ev.BOARD_ITEM_ADDED: BoardItemAdded,
    ev.BOARD_ITEM_EDITED: BoardItemEdited,
    ev.BOARD_ITEM_REMOVED: BoardItemRemoved,
    ev.BOARD_REORDERED: Order,
    ev.SUGGESTION_SETTLED: SuggestionSettled,
}
