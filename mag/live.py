"""The one path every change takes: lock, check, append, commit, apply, publish.

``Live`` keeps each open session's state in memory and catches it up from the
event log before every command, so a command costs the same on the first
contribution as on the thousandth, and several server processes sharing one
database still agree. Publishing happens after the commit and under the
session's lock, so every browser receives events in sequence order.
"""

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from mag import services
from mag.db import Writes
from mag.domain import events as ev
from mag.domain import redaction
from mag.domain.commands import check_may, decide
from mag.domain.events import Event, NewEvent
from mag.domain.i18n import N_, DomainError
from mag.domain.protocol import Protocol, parse_protocol
from mag.domain.roles import Actor, Role
from mag.domain.state import SessionState
from mag.domain.steps.base import ID_PATTERN
from mag.domain.steps.session import ADD_PARTICIPANT, INVITE_MEMBER, invite_member, join
from mag.models import utcnow

Publish = Callable[[str, Sequence[Event]], None]
T = TypeVar("T")
log = logging.getLogger(__name__)
# After these, the session's state leaves memory (built again from the log when read):
# a withdrawal erased words from the log; an archived session changes no more.
_FORGETTING = frozenset({ev.CONSENT_WITHDRAWN, ev.SESSION_ARCHIVED})


@dataclass
class _Cached:
    state: SessionState
    protocol: Protocol


class _Unsure(Exception):
    """Leaves a transaction without writing: a refusal to check on the caught-up state."""


class _Retry(Exception):
    """Leaves a transaction without writing: the command was carried out before."""

    def __init__(self, outcome: "Outcome") -> None:
        super().__init__()
        self.outcome = outcome


@dataclass(frozen=True)
class Outcome:
    """What a command did: its events (none when it was a retry) and the seq reached."""

    events: list[Event]
    seq: int
    is_retry: bool = False


class Live:
    def __init__(
        self,
        sessions: sessionmaker,
        publish: Publish | None = None,
        writes: Writes | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        # When events happen: now, but for the demo, which plays its example hours long.
        self.clock = clock
        self._engine = sessions.kw["bind"]
        self.publish: Publish = publish or (lambda session_id, events: None)
        # One writer at a time per process, each commit on disk before its answer.
        self.writes = writes or Writes(self._engine)
        self._cache: dict[str, _Cached] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def holds(self, session_id: str) -> bool:
        """Whether this process keeps the session's state in memory."""
        return session_id in self._cache

    def lock(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _caught_up(self, db: Connection, session_id: str, *, for_update: bool) -> _Cached:
        """The cached state of ``session_id`` with every committed event applied.

        One indexed read of the session's last seq (its row locked until the commit
        when ``for_update``), and the events newer than the cache, if any: the cost
        does not grow with the session's history.
        """
        try:
            last_seq = services.last_seq(db, session_id, for_update=for_update)
        except DomainError:
            self._cache.pop(session_id, None)  # purged (by `mag purge`, say): forget it
            raise
        cached = self._cache.get(session_id)
        if cached is None:
            protocol = parse_protocol(services.protocol_source(db, session_id))
            cached = self._cache[session_id] = _Cached(SessionState(session_id), protocol)
        if cached.state.seq < last_seq:
            state = cached.state
            answered = state.seq == 0  # a new cache: the pool is read once
            try:
                for event in services.events_after(db, session_id, state.seq):
                    state.apply(event)
                    answered = answered or event.type == ev.EVALUATION_DONE
                if answered:  # the answers kept apart from the log (ev.KEPT_APART)
                    state.evaluation_answers = services.pooled_answers(db, session_id)
            except BaseException:
                # Some of an event applied is wrong for every later command: the
                # next one builds the state again from the log.
                self._cache.pop(session_id, None)
                raise
        return cached

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction outside any session's log (creating a session, say).

        Every write of the server process goes through here or :meth:`write`: on
        SQLite one writer at a time waits its turn without stopping the process, and
        the transaction is on the disk when this block ends (:class:`mag.db.Writes`).
        """
        with self._writing() as (_connection, db):
            yield db

    @contextmanager
    def _writing(self) -> Iterator[tuple[Connection, Session]]:
        """A transaction on one connection, and an ORM session joined to it.

        The write path runs its prebuilt statements on the connection itself; the
        ORM session (a participant's record, an archive's index) costs nothing
        until used, and what it holds is flushed before the commit.
        """
        with (
            self.writes.turn(),
            self._engine.connect() as connection,
            connection.begin(),
            Session(bind=connection) as db,
        ):
            yield connection, db
            db.flush()

    def read(self, session_id: str, look: Callable[[SessionState, Protocol], T]) -> T:
        """Return ``look(state, protocol)``, computed under the session's lock.

        ``look`` must not change the state, nor keep references into it.
        """
        with self.lock(session_id), self._engine.connect() as connection:
            cached = self._caught_up(connection, session_id, for_update=False)
            return look(cached.state, cached.protocol)

    def write(
        self,
        session_id: str,
        actor: Actor,
        make: Callable[[Session, SessionState, Protocol], list[NewEvent]],
        *,
        command_id: str | None = None,
        name: str = "",
        trusting: bool = False,
    ) -> Outcome:
        """Run ``make`` on the caught-up state in one transaction, then apply and publish.

        ``make`` returns the events to append and may write other tables with the
        same database session (a participant's identity, an archive's search index).

        ``trusting`` (a command's usual path): when this process holds the session's
        state, ``make`` runs on it without first reading the session's last seq; moving
        that seq checks that nobody wrote meanwhile. If someone did (another process),
        or if ``make`` refused, the write runs again on the state caught up under the
        session's row lock, so no answer comes from a stale state. ``make`` must then
        have no effect outside the transaction.
        """
        with self.lock(session_id):
            if trusting and session_id in self._cache:
                try:
                    return self._write(session_id, actor, make, command_id, name, trusting=True)
                except (_Unsure, services.SeqMoved):
                    pass  # decided again below, on the state caught up from the log
            return self._write(session_id, actor, make, command_id, name, trusting=False)

    def _write(
        self,
        session_id: str,
        actor: Actor,
        make: Callable[[Session, SessionState, Protocol], list[NewEvent]],
        command_id: str | None,
        name: str,
        *,
        trusting: bool,
    ) -> Outcome:
        try:
            with self._writing() as (connection, db):
                if trusting:
                    cached = self._cache[session_id]
                else:
                    cached = self._caught_up(connection, session_id, for_update=True)
                try:
                    new_events = make(db, cached.state, cached.protocol)
                except DomainError:
                    if trusting:
                        raise _Unsure from None  # refused by a state perhaps behind the log
                    # Refused: unless it is a retry of a command carried out before.
                    raise self._retry(connection, session_id, actor, command_id) from None
                apart = [dict(e.data) for e in new_events if e.type in ev.KEPT_APART]
                if apart:
                    new_events = [e for e in new_events if e.type not in ev.KEPT_APART]
                    services.pool_answers(connection, session_id, [a["answers"] for a in apart])
                stored = services.append_after(
                    connection, session_id, cached.state.seq, actor.key, new_events, self.clock()
                )
                if command_id is not None:
                    # Its primary key refuses a command id carried out before.
                    services.record_command(
                        connection,
                        session_id,
                        command_id,
                        actor.key,
                        name,
                        cached.state.seq + len(stored),
                    )
        except _Retry as retry:
            return retry.outcome
        except (IntegrityError, services.SeqMoved) as error:
            if trusting and isinstance(error, services.SeqMoved):
                raise
            # A retry (the same command id), or another process took the seq first.
            # Nothing of ours was kept, and the cached state holds only committed
            # events (the next command catches it up); the caller may retry.
            with self._engine.connect() as connection:
                retry = self._retry(connection, session_id, actor, command_id)
            if isinstance(retry, _Retry):
                return retry.outcome
            if isinstance(retry, DomainError):
                raise retry from None
            raise DomainError(
                "conflict",
                N_("Conflit d'écriture : la commande n'a pas été enregistrée, réessayez."),
            ) from None
        forget = any(event.type in _FORGETTING for event in stored)
        try:
            for event in stored:
                cached.state.apply(event)
            cached.state.evaluation_answers.extend(a["answers"] for a in apart)
        except Exception:
            # Committed all the same: answered and published; the log is the truth,
            # and the next command builds the state again from it.
            log.exception("folding committed events of %s failed", session_id)
            forget = True
        self.publish(session_id, stored)
        if forget:
            self._cache.pop(session_id, None)
        return Outcome(stored, stored[-1].seq if stored else cached.state.seq)

    @staticmethod
    def _retry(
        db: Connection, session_id: str, actor: Actor, command_id: str | None
    ) -> "_Retry | DomainError":
        """Why a command was not carried out now: done before (a retry), or the error raised.

        A retry is looked for only once a command fails (its decision refused, or its
        id refused by the database): the command's usual path makes no lookup.
        """
        error = sys.exc_info()[1]
        done = services.command_seq(db, session_id, command_id) if command_id else None
        if done is None:
            return error
        seq, sender = done
        if sender != actor.key:  # someone else's id: not a retry
            return DomainError("invalid_id", N_("Identifiant de commande invalide."))
        return _Retry(Outcome([], seq, is_retry=True))

    def execute(
        self,
        session_id: str,
        actor: Actor,
        name: str,
        args: Mapping[str, object],
        command_id: str,
    ) -> Outcome:
        """Carry out command ``name`` once, whatever the number of retries of ``command_id``."""
        if not isinstance(command_id, str) or not ID_PATTERN.match(command_id):
            raise DomainError("invalid_id", N_("Identifiant de commande invalide."))
        if name == ADD_PARTICIPANT:
            # Registering someone without a device also stores their identity record.
            check_may(ADD_PARTICIPANT, actor)
            return self._admit(
                session_id,
                args.get("pseudonym"),
                args.get("function"),
                by=actor,
                command_id=command_id,
            )[2]

        def make(db: Session, state: SessionState, protocol: Protocol) -> list[NewEvent]:
            new_events = decide(state, protocol, actor, name, args)
            services.keep_retention(db, session_id, new_events)
            for new in new_events:
                if new.type == ev.CONSENT_WITHDRAWN:  # their words leave the stored log
                    words = redaction.words_of(state, str(new.data["participant_id"]))
                    services.redact_words(db, session_id, words)
            return new_events

        return self.write(session_id, actor, make, command_id=command_id, name=name, trusting=True)

    def join(self, session_id: str, pseudonym: object, function: object) -> tuple[str, str]:
        """Admit a new participant to the lobby; return their id and secret."""
        participant_id, secret, _ = self._admit(session_id, pseudonym, function)
        return participant_id, secret

    def _admit(
        self,
        session_id: str,
        pseudonym: object,
        function: object,
        *,
        by: Actor | None = None,
        command_id: str | None = None,
    ) -> tuple[str, str, Outcome]:
        """Add a participant: joining themselves, or registered by a researcher (``by``)."""
        participant_id = services.new_id()
        secret = ""

        def make(db: Session, state: SessionState, protocol: Protocol) -> list[NewEvent]:
            nonlocal secret
            entered_by = by.role.value if by else None
            new_events = join(state, pseudonym, function, participant_id, entered_by)
            name = str(new_events[0].data["pseudonym"])
            secret = services.add_participant(db, session_id, participant_id, name)
            return new_events

        actor = by or Actor(Role.PARTICIPANT, participant_id)
        outcome = self.write(
            session_id, actor, make, command_id=command_id, name=ADD_PARTICIPANT if by else ""
        )
        return participant_id, secret, outcome

    def invite(self, session_id: str, by: Actor, role: object, name: object) -> tuple[str, str]:
        """Invite a team member on ``by``'s behalf; return the member's id and secret.

        Refused unless ``by`` may invite (:data:`COMMANDS`); the domain checks the
        role and the name.
        """
        check_may(INVITE_MEMBER, by)
        member_id = services.new_id()
        secret = ""

        def make(db: Session, state: SessionState, protocol: Protocol) -> list[NewEvent]:
            nonlocal secret
            new_events = invite_member(state, role, name, member_id)
            member_role = str(new_events[0].data["role"])
            secret = services.add_member(db, session_id, member_id, member_role)
            return new_events

        self.write(session_id, by, make)
        return member_id, secret
