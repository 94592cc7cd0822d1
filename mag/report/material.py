"""What leaves the server: a session's events as researchers may take them away.

Every export, the synthesis draft, the participants' review of it and the search
index read a :class:`Material`, never the live state, so one place decides what
an export may contain:

- only events the researchers may see (no secret ballot, no evaluation answer
  that could be paired with its author, not the replacement list itself);
- the session's replacement list applied to every text (with, when people are
  named by function, each pseudonym replaced by its person's function);
- the words of a participant who withdrew their consent replaced by
  "contribution retirée" (and left out altogether when the session's convention
  says so, by :meth:`Material.shows`).

The state is folded again from those events, so whatever an exporter reads
from ``material.state`` is already pseudonymised.

Needs an app context: the marker text goes through Flask-Babel.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import cached_property

from flask_babel import gettext as _

from mag.domain import events as ev
from mag.domain import redaction
from mag.domain.events import Event
from mag.domain.protocol import Protocol, StepKind
from mag.domain.roles import FACILITATOR
from mag.domain.state import Contribution, Proposal, SessionState, Withdrawal
from mag.domain.views import can_see

# Keys whose string values are people's words (or names): the only ones rewritten.
TEXT_KEYS = frozenset(
    {
        "title",
        "body",
        "question",
        "text",
        "formulation",
        "reference",
        "pseudonym",
        "function",
        "name",
        "section",
        "answers",
        "planned_dates",
    }
)
# Events that carry a participant's own words, and where the author's id is.
_AUTHORED = {
    ev.CONTRIBUTION_ADDED: "author_id",
    ev.PROPOSAL_SUBMITTED: "author_id",
    ev.SYNTHESIS_COMMENTED: "participant_id",
}
_EDITS = {ev.CONTRIBUTION_EDITED: "contribution_id", ev.PROPOSAL_EDITED: "proposal_id"}
# A withdrawn participant's words are also looked for in texts others wrote
# (the synthesis quotes them); shorter ones would match ordinary phrases.
_QUOTE_MIN = redaction.QUOTE_MIN


class Replacer:
    """Replace listed names (whole words, any case) and withdrawn quotes in a text."""

    def __init__(self, replacements: Sequence[tuple[str, str]], quotes: Iterable[str], marker: str):
        self._names = dict((find.casefold(), repl) for find, repl in replacements)
        self._name_pattern = _alternation(find for find, _ in replacements)
        self._quotes = sorted({q for q in quotes if len(q) >= _QUOTE_MIN}, key=len, reverse=True)
        self._marker = marker

    def __call__(self, text: str) -> str:
        for quote in self._quotes:
            if quote in text:
                text = text.replace(quote, self._marker)
        if self._name_pattern is None:
            return text
        return self._name_pattern.sub(
            lambda m: self._names[m.group(0).replace("\\", "").casefold()], text
        )


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(words), key=len, reverse=True)
    if not ordered:
        return None
    # A name in Markdown may have its punctuation escaped ("Saint\\-Gilles").
    body = "|".join(
        "".join(
            re.escape(ch) if ch.isalnum() or ch.isspace() else rf"\\?{re.escape(ch)}" for ch in word
        )
        for word in ordered
    )
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def rewrite(data: object, fix, key: str = "") -> object:
    """``data`` with ``fix`` applied to the strings under :data:`TEXT_KEYS`."""
    if isinstance(data, str):
        return fix(data) if key in TEXT_KEYS else data
    if isinstance(data, Mapping):
        return {k: rewrite(v, fix, str(k)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [rewrite(v, fix, key) for v in data]
    return data


def fold(session_id: str, events: Iterable[Event]) -> SessionState:
    state = SessionState(session_id)
    for event in events:
        state.apply(event)
    return state


@dataclass(frozen=True)
class SessionFile:
    """What identifies a session outside the event log."""

    session_id: str
    protocol_source: str
    created_at: datetime


@dataclass(frozen=True)
class Material:
    session: SessionFile
    protocol: Protocol
    events: list[Event]
    state: SessionState
    marker: str
    # The organisation's time zone: documents show times of day as people lived them.
    timezone: tzinfo = UTC

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.timezone)

    @property
    def session_id(self) -> str:
        return self.session.session_id

    @property
    def last_changed(self) -> datetime:
        """When the session last changed: its last event, else its creation."""
        return self.events[-1].at if self.events else self.session.created_at

    def is_withdrawn(self, participant_id: str | None) -> bool:
        participant = self.state.participants.get(participant_id or "")
        return participant is not None and participant.withdrawn_at is not None

    def shows(self, author_id: str | None) -> bool:
        """False for a withdrawn participant's words when the convention says to remove them."""
        return not (
            self.is_withdrawn(author_id) and self.state.settings.withdrawal is Withdrawal.REMOVE
        )

    def speaker(self, participant_id: str | None, entered_by: str | None = None) -> str:
        """How exports name someone: their function or pseudonym, as the session decides."""
        if participant_id is None:
            return role_label(entered_by)
        participant = self.state.participants.get(participant_id)
        if participant is None:
            return "?"
        if participant.withdrawn_at is not None:
            return _("participant·e retiré·e")
        if self.state.settings.attribution == "function" and participant.function:
            return participant.function
        return participant.pseudonym

    def step_label(self, step_index: int) -> str:
        step = self.protocol.steps[step_index]
        return f"{step.number} {step.title}"

    def recit_title(self, recit: int | None) -> str:
        if recit is None or recit >= len(self.state.recits):
            return ""
        proposal = self.state.proposals.get(self.state.recits[recit].proposal_id)
        title = proposal.title if proposal is not None else ""
        return _("Récit %(number)s : %(title)s", number=recit + 1, title=title)

    @cached_property
    def round_numbers(self) -> dict[int, int]:
        """Step index → its rank among the récit block's tours de table (1, 2, …)."""
        rounds = [
            i
            for i, step in enumerate(self.protocol.steps)
            if step.kind is StepKind.ROUND and step.per_recit
        ]
        return {index: rank for rank, index in enumerate(rounds, start=1)}

    def contributions(self) -> list[Contribution]:
        """Every contribution an export shows, in the order they were made."""
        found = [
            c
            for c in self.state.contributions.values()
            if not c.is_withdrawn and self.shows(c.author_id)
        ]
        return sorted(found, key=lambda c: c.at)

    def proposals(self) -> list[Proposal]:
        """The récit proposals an export shows: brought to the group, not withdrawn."""
        return [p for p in self.state.proposals.values() if p.is_open and self.shows(p.author_id)]

    @cached_property
    def board_links(self) -> dict[str, list[str]]:
        """Contribution id → the ids of the board items it belongs to, in board order."""
        board = sorted(self.state.board.values(), key=lambda item: item.position)
        links: dict[str, list[str]] = {}

        def link(contribution_id: str, item_id: str) -> None:
            if item_id in self.state.board and item_id not in links.get(contribution_id, []):
                links.setdefault(contribution_id, []).append(item_id)

        for item in board:
            for contribution_id in item.links:
                link(contribution_id, item.id)
        for contribution in self.state.contributions.values():
            if contribution.item_id:  # a suggestion about an existing item
                link(contribution.id, contribution.item_id)
            if contribution.kind in ("theory", "hypothesis"):  # their links are board items
                for item_id in contribution.links:
                    link(contribution.id, item_id)
        # An accepted suggestion that created an item: both events come from one command.
        previous = None
        for event in self.events:
            if (
                event.type == ev.SUGGESTION_SETTLED
                and event.data.get("status") == "accepted"
                and previous is not None
                and previous.type == ev.BOARD_ITEM_ADDED
            ):
                link(str(event.data["contribution_id"]), str(previous.data["item_id"]))
            previous = event
        order = {item.id: rank for rank, item in enumerate(board)}
        return {cid: sorted(ids, key=order.__getitem__) for cid, ids in links.items()}


def role_label(role: str | None) -> str:
    labels = {
        "rapporteur": _("rapporteur·rice"),
        "animateur": _("animation"),
    }
    return labels.get(role or "", _("animation"))


def build(
    session: SessionFile, protocol: Protocol, log: Sequence[Event], timezone: tzinfo = UTC
) -> Material:
    """The exportable material of a session from its complete event log.

    Built under the report's language (``state.settings.language``, see jobs and
    mag/web/report.py): the marker of withdrawn words is written in it.
    """
    raw = fold(session.session_id, log)
    marker = _("contribution retirée")
    withdrawn = {p.id for p in raw.participants.values() if p.withdrawn_at is not None}
    authors = {c.id: c.author_id for c in raw.contributions.values()}
    authors.update({p.id: p.author_id for p in raw.proposals.values()})
    quotes = [c.body for c in raw.contributions.values() if c.author_id in withdrawn]
    quotes += [p.body for p in raw.proposals.values() if p.author_id in withdrawn]
    # Others may have named them (the synthesis, a note): their pseudonym goes too.
    names = [(raw.participants[pid].pseudonym, _("participant·e retiré·e")) for pid in withdrawn]
    replacer = Replacer([*raw.replacement_list, *names], quotes, marker)
    staff = FACILITATOR
    events = []
    for event in log:
        if not can_see(event, staff) or event.type == ev.REPLACEMENTS_SET:
            continue
        data = _withdraw(event, withdrawn, authors, marker)
        events.append(replace(event, data=rewrite(data, replacer)))
    # The steps' texts in the report's language, where the protocol file gives them.
    protocol = protocol.translated(raw.settings.language)
    return Material(session, protocol, events, fold(session.session_id, events), marker, timezone)


def _withdraw(event: Event, withdrawn: set[str], authors: Mapping[str, str | None], marker: str):
    """The event's data with a withdrawn participant's words replaced by ``marker``."""
    data = event.data
    if not withdrawn:
        return data
    author_key = _AUTHORED.get(event.type)
    if author_key is not None and data.get(author_key) in withdrawn:
        return _marked(data, marker)
    edit_key = _EDITS.get(event.type)
    if edit_key is not None and authors.get(str(data.get(edit_key))) in withdrawn:
        return _marked(data, marker)
    if event.type == ev.CONTRIBUTIONS_REVEALED:
        items = [
            _marked(item, marker) if item.get("author_id") in withdrawn else item
            for item in data["contributions"]  # type: ignore[union-attr]
        ]
        return {**data, "contributions": items}
    if event.type == ev.PARTICIPANT_JOINED and data.get("participant_id") in withdrawn:
        return {**data, "pseudonym": _("participant·e retiré·e"), "function": ""}
    return data


def _marked(data: Mapping[str, object], marker: str) -> dict[str, object]:
    return {
        key: (marker if value else value)
        if key in redaction.WORDS and isinstance(value, str)
        else value
        for key, value in data.items()
    }
