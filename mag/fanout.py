"""Committed events to this process's browsers, in seq order, whoever committed them.

Every server process keeps, for each session one of its browsers is connected
to, the last seq it delivered. Events reach it three ways, all ending in
:meth:`Fanout._deliver`:

- :meth:`committed`: this process just committed them (``Live`` calls it after the
  commit, under the session's lock). They are sent as they are, serialised once.
- :meth:`poke`: another process (through the message queue, :mod:`mag.bus`) or an
  export job committed up to some seq. The missing events are read from the log.
- :meth:`catch_up`: every few seconds, the safety net: one query compares each
  watched session's last seq with what was delivered (a notification lost while
  Redis restarted, a job's event).

A gap (an event whose predecessor was not delivered here) is always filled from
the log first, so a browser receives every event it may see, in order. Browsers
drop what they already have (by seq), so a duplicate is harmless.
"""

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import sessionmaker

from mag import services
from mag.domain.events import Event

if TYPE_CHECKING:
    from mag.bus import Bus

log = logging.getLogger(__name__)

Send = Callable[[str, Sequence[Event]], None]
_QUERY_CHUNK = 500


class Fanout:
    def __init__(self, sessions: sessionmaker, send: Send, bus: "Bus | None" = None) -> None:
        self._sessions = sessions
        self._send = send
        self.bus = bus
        self._delivered: dict[str, int] = {}
        self._watchers: Counter[str] = Counter()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    # -- which sessions have browsers here

    def watch(self, session_id: str, seq: int) -> None:
        """A browser of ``session_id`` connected here; it holds the state up to ``seq``."""
        with self._guard:
            self._watchers[session_id] += 1
            self._delivered.setdefault(session_id, seq)

    def unwatch(self, session_id: str) -> None:
        """A browser of ``session_id`` left this process."""
        with self._guard:
            self._watchers[session_id] -= 1
            if self._watchers[session_id] <= 0:
                del self._watchers[session_id]
                self._delivered.pop(session_id, None)

    def watched(self) -> list[str]:
        with self._guard:
            return list(self._delivered)

    # -- delivering

    def committed(self, session_id: str, events: Sequence[Event]) -> None:
        """This process committed ``events``: send them here, then tell the other processes."""
        self._deliver(session_id, events)
        if self.bus is not None and events:
            self.bus.events_committed(session_id, events[-1].seq)

    def poke(self, session_id: str, seq: int | None = None) -> None:
        """Events up to ``seq`` (None: however far the log goes) were committed elsewhere."""
        self._deliver(session_id, (), upto=seq)

    def catch_up(self) -> None:
        """Deliver whatever the log holds beyond what each watched session received."""
        watched = self.watched()
        for start in range(0, len(watched), _QUERY_CHUNK):
            with self._sessions() as db:
                seqs = services.last_seqs(db, watched[start : start + _QUERY_CHUNK])
            for session_id, seq in seqs.items():
                if seq > self._delivered.get(session_id, seq):
                    self.poke(session_id, seq)

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    def _deliver(self, session_id: str, events: Iterable[Event], upto: int | None = None) -> None:
        with self._lock(session_id):
            delivered = self._delivered.get(session_id)
            if delivered is None:
                return  # no browser of this session here
            fresh = [event for event in events if event.seq > delivered]
            if not fresh or fresh[0].seq != delivered + 1:
                if not fresh and upto is not None and upto <= delivered:
                    return
                # A gap, or nothing in hand: the log has what is missing.
                with self._sessions() as db:
                    fresh = services.events_after(db, session_id, delivered)
            if not fresh:
                return
            self._send(session_id, fresh)
            if session_id in self._delivered:
                self._delivered[session_id] = fresh[-1].seq
