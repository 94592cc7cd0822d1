"""What a participant who withdraws leaves in the log: the events, without their words.

Withdrawal erases in place. The log keeps every event, its seq, type, audience and
time, so replays, exports and the other people's words stay as they were; the texts
the person wrote (or had typed for them) are emptied in the events that carry
them, and where others quoted them (the synthesis, a note, a board item) the quote
becomes ``OMITTED``. Redacting in place, rather than encrypting each person's words with a key to
destroy later, keeps the log readable by every tool that reads it (the exports, a
researcher's JSON) and needs no key management; SQLite overwrites what it rewrites
(``secure_delete``), so the words leave the file too.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from mag.domain import events as ev
from mag.domain.state import SessionState

OMITTED = "[…]"
# Shorter texts would match ordinary phrases in others' words (mag.report.material too).
QUOTE_MIN = 12
# The fields that hold someone's words in a contribution or a proposal.
WORDS = ("body", "title", "reference")
# The events whose data may hold a contribution's or a proposal's words.
CARRYING_WORDS = frozenset(
    {
        ev.CONTRIBUTION_ADDED,
        ev.CONTRIBUTION_EDITED,
        ev.CONTRIBUTIONS_REVEALED,
        ev.PROPOSAL_SUBMITTED,
        ev.PROPOSAL_EDITED,
    }
)


@dataclass(frozen=True)
class Words:
    """A withdrawn person's words: the ids of what they said, and its texts."""

    ids: frozenset[str]
    quotes: tuple[str, ...]  # longest first, so that a longer quote goes before its part


def words_of(state: SessionState, participant_id: str) -> Words:
    said = [c for c in state.contributions.values() if c.author_id == participant_id]
    proposed = [p for p in state.proposals.values() if p.author_id == participant_id]
    texts = {t for c in said for t in (c.body, c.title)} | {
        t for p in proposed for t in (p.title, p.body)
    }
    quotes = sorted((t for t in texts if len(t) >= QUOTE_MIN), key=len, reverse=True)
    return Words(frozenset({c.id for c in said} | {p.id for p in proposed}), tuple(quotes))


def redacted(event_type: str, data: Mapping[str, object], words: Words) -> dict | None:
    """``data`` without ``words`` (emptied where theirs, omitted where quoted), or None if unchanged."""
    cleaned: object = dict(data)
    if event_type == ev.CONTRIBUTIONS_REVEALED:
        items = list(data.get("contributions") or [])  # type: ignore[call-overload]
        cleaned = {
            **data,
            "contributions": [_emptied(i) if _id_of(i) in words.ids else i for i in items],
        }
    elif event_type in CARRYING_WORDS and _id_of(data) in words.ids:
        cleaned = _emptied(data)
    cleaned = _without_quotes(cleaned, words.quotes)
    return None if cleaned == dict(data) else cleaned  # type: ignore[return-value]


def _without_quotes(value: object, quotes: tuple[str, ...]) -> object:
    if isinstance(value, str):
        for quote in quotes:
            value = value.replace(quote, OMITTED)
        return value
    if isinstance(value, dict):
        return {key: _without_quotes(item, quotes) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_quotes(item, quotes) for item in value]
    return value


def _id_of(data: Mapping[str, object]) -> str:
    return str(data.get("contribution_id") or data.get("proposal_id") or "")


def _emptied(data: Mapping[str, object]) -> dict[str, object]:
    return {key: ("" if key in WORDS and value else value) for key, value in data.items()}
