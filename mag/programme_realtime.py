"""Socket.IO edge of a programme's board: its team's browsers hear when the board changed.

Namespace ``/programme``, one room per programme (``r:<id>``). A browser connects with
``auth = {"programme_id": id}``; the team's HttpOnly cookie (``mag_r_<id>``) is checked
on the server, and anyone else is refused and joins no room. After every committed change
to what the board shows (a theme, a fiche filed or tagged, the programme's names or
sessions), the edge that committed it calls :meth:`ProgrammeNamespace.changed`: the room
gets ``board_changed`` (no content: the browser fetches the board's fragment again, checked
like any team route) in this process, and through the message queue in the others
(:mod:`mag.bus`). Nothing about the board itself crosses the socket.

The browsers send nothing here: any message they send is refused with an error code, as
on the sessions' namespace (``mag.realtime``), and changes nothing.
"""

import logging
from collections.abc import Mapping

from flask import request
from flask_babel import gettext
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from mag.realtime import RESERVED_EVENTS, Refusal, error_payload, refuse
from mag.web.identity import programme_team

log = logging.getLogger(__name__)

NAMESPACE = "/programme"
BOARD_CHANGED = "board_changed"


def programme_room(programme_id: str) -> str:
    return f"r:{programme_id}"


class ProgrammeNamespace(Namespace):
    """Handlers of ``/programme``. The team's browsers on a board page connect here."""

    def __init__(self, mag) -> None:
        super().__init__(NAMESPACE)
        self.mag = mag
        self._clients: dict[str, str] = {}  # sid → network address, counted in the limits

    def trigger_event(self, event, *args):
        """Connection and disconnection go to their handlers; every other message is refused.

        A message python-socketio could not read arrives named by a ``Refusal``
        (``mag.realtime.checked_packets``); any other is an event this namespace does
        not know. Each gets an error code and a sentence, and a warning of one line.
        """
        if isinstance(event, str) and event in RESERVED_EVENTS:
            return super().trigger_event(event, *args)
        sid = args[0]
        if isinstance(event, Refusal):
            refusal = event
        elif isinstance(event, str):
            refusal = Refusal("unknown_event", f"an event named {event[:60]!r} on {NAMESPACE}")
        else:
            refusal = Refusal("malformed", f"an event name of type {type(event).__name__}")
        if not self.server.get_environ(sid, self.namespace):
            refusal = Refusal("not_connected", "a message handled after its disconnection")
            log.warning("refused a Socket.IO message from %s: %r", sid, refusal)
            return error_payload(refusal.error())
        return self.socketio._handle_event(refuse, event, self.namespace, sid, refusal)

    def on_connect(self, auth=None):
        """A board page connects with ``auth = {"programme_id": id}``; only its team is let in."""
        address = request.remote_addr or "?"
        namespace = self.mag.namespace
        refusal = namespace.admit_connection(address)
        if refusal:
            raise ConnectionRefusedError(refusal)
        try:
            programme_id = auth.get("programme_id") if isinstance(auth, Mapping) else None
            with self.mag.sessions() as db:
                record = programme_team(db, programme_id, request.cookies)
            if record is None:
                raise ConnectionRefusedError(
                    gettext(
                        "Cette page est réservée à l'équipe de recherche du programme : "
                        "ouvrez son lien privé."
                    )
                )
        except BaseException:
            namespace.release_connection(address)
            raise
        self._clients[request.sid] = address
        join_room(programme_room(record.id))

    def on_disconnect(self, reason=None):
        address = self._clients.pop(request.sid, None)
        if address is not None:
            self.mag.namespace.release_connection(address)

    # -- telling the team

    def changed(self, programme_id: str) -> None:
        """A change to ``programme_id``'s board was committed: tell its team everywhere."""
        self.send_changed(programme_id)
        if self.mag.bus is not None:
            self.mag.bus.programme_changed(programme_id)

    def send_changed(self, programme_id: str) -> None:
        """Tell the team's browsers connected to this process."""
        self.socketio.emit(BOARD_CHANGED, {}, namespace=NAMESPACE, to=programme_room(programme_id))


def register(socketio, mag) -> ProgrammeNamespace:
    namespace = ProgrammeNamespace(mag)
    socketio.on_namespace(namespace)
    return namespace
