"""Where several server processes meet: Redis (``MAG_MESSAGE_QUEUE``).

Two things cross it, and neither is the truth (the database is):

- *notifications*: "session S has events up to seq N", "who is connected to
  S changed" and "programme P's board changed". Each process reacts by reading
  what it needs: the events from the log (:mod:`mag.fanout`), the connected
  people from Redis; the board's browsers fetch the board again
  (:mod:`mag.programme_realtime`). A lost notification costs only delay: the
  catch-up sweep finds the events, and presence is recomputed on the next sweep;
  a board is fetched again when its browser reconnects.
- *presence*: each process counts its own connections per session and person in
  one Redis hash per session (field ``<process>|<person>``), and says it is alive
  with a key that expires unless renewed. A process that dies stops renewing it;
  the others then leave its people out. After Redis restarts empty, every process
  writes its counts back.
"""

import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable

import redis

from mag.presence import Presence

log = logging.getLogger(__name__)

CHANNEL = "mag:notify"
ALIVE_SECONDS = 10  # a process unheard of for this long is taken for dead
_RETRY_SECONDS = 1.0


def _presence_key(session_id: str) -> str:
    return f"mag:presence:{session_id}"


def _alive_key(process: str) -> str:
    return f"mag:alive:{process}"


class Bus:
    """This process's link to the others through Redis."""

    def __init__(self, url: str) -> None:
        self.process = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._redis = redis.Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=10
        )
        # This process's own connection counts: written to Redis as they change,
        # and again after Redis lost them.
        self.local = Presence()
        self._healthy = True

    # -- notifications

    def events_committed(self, session_id: str, seq: int) -> None:
        self._publish({"kind": "events", "session": session_id, "seq": seq})

    def presence_changed(self, session_id: str) -> None:
        self._publish({"kind": "presence", "session": session_id})

    def programme_changed(self, programme_id: str) -> None:
        """Tell the other processes (this one has told its own browsers already)."""
        self._publish({"kind": "programme", "programme": programme_id, "from": self.process})

    def _publish(self, message: dict[str, object]) -> None:
        try:
            self._redis.publish(CHANNEL, json.dumps(message))
        except redis.RedisError as error:
            # The database has the events; the others' catch-up sweep finds them.
            self._unhealthy(error)

    def listen(
        self,
        on_events: Callable[[str, int], None],
        on_presence: Callable[[str], None],
        on_reconnect: Callable[[], None],
        is_running: Callable[[], bool] = lambda: True,
        on_programme: Callable[[str], None] = lambda programme_id: None,
    ) -> None:
        """Receive notifications until ``is_running()`` is false; survive Redis restarts.

        Runs in a background task (a greenlet under gevent).
        """
        subscribed_before = False
        while is_running():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANNEL)
                if subscribed_before:  # notifications may have been lost meanwhile
                    self._restore()
                    on_reconnect()
                subscribed_before = True
                while is_running():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        self._dispatch(message["data"], on_events, on_presence, on_programme)
            except redis.RedisError as error:
                self._unhealthy(error)
                time.sleep(_RETRY_SECONDS)
            finally:
                with contextlib.suppress(redis.RedisError):
                    pubsub.close()

    def _dispatch(self, data: bytes, on_events, on_presence, on_programme) -> None:
        try:
            message = json.loads(data)
            if message["kind"] == "programme":
                if message["from"] != self.process:
                    on_programme(str(message["programme"]))
                return
            session_id = str(message["session"])
            if message["kind"] == "events":
                on_events(session_id, int(message["seq"]))
            elif message["kind"] == "presence":
                on_presence(session_id)
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed notification on %s", CHANNEL)

    def _unhealthy(self, error: Exception) -> None:
        if self._healthy:
            log.warning("message queue unavailable, retrying: %s", error)
        self._healthy = False

    # -- presence

    def heartbeat(self) -> None:
        """Say this process is alive; call more often than every ALIVE_SECONDS."""
        try:
            if self._healthy:
                self._redis.set(_alive_key(self.process), "1", ex=ALIVE_SECONDS)
            else:
                self._restore()
        except redis.RedisError as error:
            self._unhealthy(error)

    def count(self, session_id: str, person: str, delta: int) -> int:
        """One more (+1) or one fewer (-1) connection of ``person`` here; return how many left."""
        left = self.local.count(session_id, person, delta)
        field = f"{self.process}|{person}"
        try:
            if left > 0:
                self._redis.hset(_presence_key(session_id), field, left)
            else:
                self._redis.hdel(_presence_key(session_id), field)
        except redis.RedisError as error:
            self._unhealthy(error)
        return left

    def connected(self, session_id: str) -> list[str]:
        """Who is connected to ``session_id`` on any living process, sorted."""
        try:
            fields = self._redis.hgetall(_presence_key(session_id))
            processes = sorted({f.decode().split("|", 1)[0] for f in fields})
            alive = self._redis.mget([_alive_key(p) for p in processes]) if processes else []
        except redis.RedisError as error:
            self._unhealthy(error)
            return self.local.connected(session_id)
        living = {p for p, flag in zip(processes, alive, strict=True) if flag is not None}
        living.add(self.process)
        people = set()
        dead = []
        for raw in fields:
            process, person = raw.decode().split("|", 1)
            if process in living:
                people.add(person)
            else:
                dead.append(raw)
        if dead:
            try:
                self._redis.hdel(_presence_key(session_id), *dead)
            except redis.RedisError as error:
                self._unhealthy(error)
        return sorted(people)

    def _restore(self) -> None:
        """Write this process's counts back (Redis may have restarted empty)."""
        self._redis.set(_alive_key(self.process), "1", ex=ALIVE_SECONDS)
        for session_id, counts in self.local.counts().items():
            self._redis.hset(
                _presence_key(session_id),
                mapping={f"{self.process}|{person}": n for person, n in counts.items()},
            )
        if not self._healthy:
            log.warning("message queue back")
        self._healthy = True
