"""Who is connected to each session through this process: counts per person.

A person may have several tabs or devices open; they are connected while at
least one is. With several processes, :class:`mag.bus.Bus` adds the others'.
"""

import threading
from collections import Counter


class Presence:
    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}
        self._guard = threading.Lock()

    def count(self, session_id: str, person: str, delta: int) -> int:
        """One more (+1) or one fewer (-1) connection of ``person``; return how many are left."""
        with self._guard:
            counts = self._counts.setdefault(session_id, Counter())
            counts[person] += delta
            left = counts[person]
            if left <= 0:
                del counts[person]
            if not counts:
                del self._counts[session_id]
            return max(left, 0)

    def connected(self, session_id: str) -> list[str]:
        with self._guard:
            return sorted(self._counts.get(session_id, ()))

    def counts(self) -> dict[str, dict[str, int]]:
        with self._guard:
            return {session_id: dict(c) for session_id, c in self._counts.items()}
