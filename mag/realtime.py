"""Socket.IO edge: thin handlers that authenticate, call mag.live, and answer.

One room per session (``s:<id>``) for everyone admitted (observer screens
included), one for its staff (``s:<id>:staff``) and one per participant
(``p:<id>``). Handlers never decide anything themselves: ``Live`` checks,
commits, then publishes through ``publisher``. See docs/protocol.md for every
event and its payload.

Every browser message gets an answer: what python-socketio cannot read, or
reads as something else than ``sync`` or ``command`` with one JSON object, is
refused with an error code before any handler runs (``checked_packets``,
``SessionNamespace.trigger_event``), logged as one warning line, and changes
nothing.
"""

import logging
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from engineio import packet as engineio_packet
from flask import current_app, request
from flask_babel import get_locale, gettext
from flask_socketio import ConnectionRefusedError, Namespace, SocketIO, join_room
from socketio.packet import ACK, BINARY_EVENT, CONNECT, DISCONNECT, EVENT, Packet

from mag import services
from mag.domain import events as ev
from mag.domain import views
from mag.domain.events import Event
from mag.domain.i18n import N_, DomainError
from mag.domain.roles import Actor, Role
from mag.domain.views import can_see, is_admitted, snapshot
from mag.web.identity import (
    member_actor,
    participant_cookie,
    split_participant_cookie,
    team_actor,
)

log = logging.getLogger(__name__)


def session_room(session_id: str) -> str:
    return f"s:{session_id}"


def staff_room(session_id: str) -> str:
    return f"s:{session_id}:staff"


def participant_room(participant_id: str) -> str:
    return f"p:{participant_id}"


def audience_rooms(session_id: str, audience: str) -> list[str]:
    """The rooms an event of ``audience`` goes to: one per group of ``views.audience_groups``."""
    return [_room(session_id, group) for group in views.audience_groups(audience)]


def _room(session_id: str, group: views.Group) -> str:
    kind, participant_id = group
    if kind == views.EVERYONE:
        return session_room(session_id)
    if kind == views.STAFF:
        return staff_room(session_id)
    return participant_room(str(participant_id))


def sender(socketio: SocketIO):
    """Send events to this process's rooms allowed to see them (see ``mag.fanout``).

    Consecutive events with the same audience go in one message, serialised once
    for all the rooms they go to.
    """

    def send(session_id: str, events: Sequence[Event]) -> None:
        batch: list[dict] = []
        admitted: list[str] = []
        for n, event in enumerate(events):
            batch.append(event.to_json())
            if event.type == ev.CONVENTION_ACCEPTED:
                admitted.append(str(event.data["participant_id"]))
            following = events[n + 1] if n + 1 < len(events) else None
            if following is not None and following.audience == event.audience:
                continue
            rooms = audience_rooms(session_id, event.audience)
            if rooms:
                socketio.emit("events", batch, to=rooms)
            for participant_id in admitted:  # from the next event on
                admit(socketio, session_id, participant_id)
            batch, admitted = [], []

    return send


def admit(socketio: SocketIO, session_id: str, participant_id: str) -> None:
    """Let a participant's open pages (in this process) into the session's room.

    Rooms follow events, not commands: the convention accepted on their phone, or
    recorded for them by the rapporteur, or in another process, lets them in alike.
    Their page then sees a gap in seq and syncs what it was not shown before.
    """
    server = socketio.server
    pages = list(server.manager.get_participants("/", participant_room(participant_id)))
    for sid, _eio_sid in pages:
        server.enter_room(sid, session_room(session_id), namespace="/")


def error_payload(error: DomainError) -> dict[str, object]:
    return {
        "ok": False,
        "error": {"code": error.code, "message": error.message(gettext)},
    }


# -- refusals: browser messages that reach no handler

CLIENT_EVENTS = frozenset({"sync", "command"})  # each with exactly one JSON object
RESERVED_EVENTS = frozenset({"connect", "disconnect"})  # raised by the server alone
# Engine.io closes a connection, without a word, on a frame longer than its buffer
# size; it is raised to this ceiling (or twice MAG_MAX_MESSAGE_BYTES) so that a
# message over the limit (but under the ceiling) can be read far enough to answer
# ``too_large``.
FRAME_CEILING = 1024 * 1024

REFUSALS = {
    "malformed": N_("Requête mal formée."),
    "unknown_event": N_("Message inconnu du serveur : rechargez la page."),
    "too_large": N_(
        "Envoi trop volumineux (%(size)s Ko pour %(limit)s Ko au plus) : raccourcissez le texte."
    ),
    "not_connected": N_(
        "Vous n'êtes plus connecté·e à la séance : rechargez la page pour la retrouver."
    ),
}


class Refusal:
    """Why a browser message is refused; stands for its event name until it is answered.

    No client can send one (it is not a string), so an event named by a
    ``Refusal`` was made by ``checked_packets`` or ``check_message``. ``detail``
    goes to the log, never to the browser.
    """

    __slots__ = ("code", "detail", "params")

    def __init__(self, code: str, detail: str, **params: object) -> None:
        self.code = code
        self.detail = detail[:200]
        self.params = params

    def __repr__(self) -> str:
        return f"{self.code} ({self.detail})"

    def error(self) -> DomainError:
        return DomainError(self.code, REFUSALS[self.code], **self.params)


def check_message(event: object, args: Sequence[object]) -> Refusal | None:
    """Why a client event cannot go to its handler, or None if it can."""
    if not isinstance(event, str):
        return Refusal("malformed", f"an event name of type {type(event).__name__}")
    if event not in CLIENT_EVENTS:
        return Refusal("unknown_event", f"an event named {event[:60]!r}")
    if len(args) != 1 or not isinstance(args[0], Mapping):
        shapes = ", ".join(type(arg).__name__ for arg in args[:5])
        return Refusal("malformed", f"{event} with arguments ({shapes})")
    return None


def refuse(refusal: Refusal) -> dict[str, object]:
    """Answer a refused message (sender: that browser alone) and say so in one line."""
    log.warning(
        "refused a Socket.IO message from %s (%s): %r",
        request.remote_addr,
        request.sid,
        refusal,
    )
    return error_payload(refusal.error())


def is_seq(value: object) -> bool:
    """A seq a browser may send: a whole number, 0 or more (JSON true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class DepthSafeJSON:
    """A JSON module for packets: JSON nested past the decoder's depth is invalid JSON.

    The standard decoder raises RecursionError on such input, which engine.io does
    not catch (a traceback, and the connection ends); as a ValueError it is read
    like any other bad JSON.
    """

    def __init__(self, json) -> None:
        self.json = json

    def dumps(self, *args, **kwargs):
        return self.json.dumps(*args, **kwargs)

    def loads(self, *args, **kwargs):
        try:
            return self.json.loads(*args, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error


class ReadableEnginePacket(engineio_packet.Packet):
    """Engine.io's packet, for which a frame it cannot read is a no-op, not a traceback.

    Engine.io decodes each WebSocket frame outside its own error handling: a frame
    that is not an engine.io packet at all (``x``, ``{``, an empty string) raised
    out of the connection's handler. Read here as a no-op packet, which engine.io
    ignores, it costs one warning line; the connection stays open.
    """

    def decode(self, encoded_packet):
        try:
            return super().decode(encoded_packet)
        except (ValueError, IndexError, TypeError):
            log.warning("ignored a frame that is not an engine.io packet")
            self.packet_type, self.data, self.binary = engineio_packet.NOOP, None, False
            return None


_SENT = object()  # a packet made to be sent, not read from a frame


def checked_packets(max_bytes: int) -> type[Packet]:
    """python-socketio's packet class, checking every browser message as it is read.

    python-socketio raises (a traceback in the log, no answer) on a frame it
    cannot read, an empty one, a binary event, or an event that is not a list
    starting with a name; and it hands a client event named "connect" or
    "disconnect" to the handlers of the real connection and disconnection. Here
    each becomes an event named by a ``Refusal`` that keeps the message's ack id,
    so ``SessionNamespace.trigger_event`` answers it. So does an event over
    ``max_bytes`` (MAG_MAX_MESSAGE_BYTES, in UTF-8). A packet that cannot be
    answered (no ack id, no connection) is dropped after the same warning.
    """

    class CheckedPacket(Packet):
        json = DepthSafeJSON(Packet.json)

        def __init__(
            self,
            packet_type=EVENT,
            data=None,
            namespace=None,
            id=None,
            binary=None,
            encoded_packet=_SENT,
        ):
            received = encoded_packet is not _SENT
            encoded = encoded_packet if received else None
            super().__init__(packet_type, data, namespace, id, binary, encoded)
            if received and not encoded_packet:
                # Not decoded at all: an empty message, or one engine.io read as JSON
                # null, false, 0, [] or {} (it decodes what does not start with a digit).
                refusal = Refusal("malformed", f"an empty frame {encoded_packet!r}")
                self._refuse(refusal, answer=False)

        def decode(self, encoded_packet):
            if not isinstance(encoded_packet, str):
                # Bytes outside any binary event (mag takes none), or what engine.io
                # read as JSON (a frame that does not start with a packet type).
                refusal = Refusal("malformed", f"a frame of {type(encoded_packet).__name__}")
                return self._refuse(refusal, answer=False)
            size = len(encoded_packet.encode("utf-8", "surrogatepass"))
            try:
                attachments = super().decode(encoded_packet)
            except (ValueError, TypeError, RecursionError) as error:
                unreadable = Refusal("malformed", f"an unreadable packet: {error!r}")
                if self.packet_type == CONNECT:
                    self.data = None  # no credentials: on_connect refuses it in words
                    return 0
                if self.packet_type == ACK:
                    self.data = []
                    return 0
                is_event = self.packet_type in (EVENT, BINARY_EVENT)
                if is_event and size > max_bytes:
                    return self._refuse(self._too_large(size), answer=True)
                return self._refuse(unreadable, answer=is_event)
            if self.packet_type in (EVENT, BINARY_EVENT) and size > max_bytes:
                return self._refuse(self._too_large(size), answer=True)
            if self.packet_type == BINARY_EVENT:
                return self._refuse(Refusal("malformed", "a binary event"), answer=True)
            if self.packet_type not in (CONNECT, DISCONNECT, EVENT, ACK):
                return self._refuse(
                    Refusal("malformed", f"a packet of type {self.packet_type!r}"), answer=False
                )
            if self.packet_type == ACK and not isinstance(self.data, list):
                self.data = []  # mag asks browsers for no acks; an odd one is dropped
            if self.packet_type == EVENT:
                data = self.data
                if not isinstance(data, list) or not data or not isinstance(data[0], str):
                    return self._refuse(
                        Refusal("malformed", f"an event of {type(data).__name__} {data!r:.40}"),
                        answer=True,
                    )
                if data[0] in RESERVED_EVENTS:
                    refusal = Refusal("unknown_event", f"a client event named {data[0]!r}")
                    return self._refuse(refusal, answer=True)
            return attachments

        def _too_large(self, size: int) -> Refusal:
            return Refusal(
                "too_large",
                f"{size} bytes",
                size=-(-size // 1024),
                limit=max_bytes // 1024,
            )

        def _refuse(self, refusal: Refusal, *, answer: bool) -> int:
            self.packet_type = EVENT
            self.data = [refusal]
            if not answer:
                self.id = None
            return 0

    return CheckedPacket


class SessionNamespace(Namespace):
    """Handlers of the default namespace. Every browser of a session connects here."""

    def __init__(self, mag) -> None:
        super().__init__("/")
        self.mag = mag
        self._clients: dict[str, tuple[str, Actor, str]] = {}
        self._per_address: Counter[str] = Counter()
        self._connections = 0  # the sum of _per_address, kept as it changes
        self._sent_presence: dict[str, list[str]] = {}
        self._guard = threading.Lock()

    # -- dispatch

    def trigger_event(self, event, *args):
        """Call the handler of one message, or answer why there is none.

        python-socketio calls this for the real connection and disconnection,
        and for every client event. A client message named "connect" or
        "disconnect", or one it could not read, arrives here named by a
        ``Refusal`` (``checked_packets``). A browser sends ``sync`` and
        ``command``, each with one JSON object; anything else is answered with
        an error and a one-line warning, and changes nothing.
        """
        if isinstance(event, str) and event in RESERVED_EVENTS:
            return super().trigger_event(event, *args)
        sid, payload = args[0], args[1:]
        if not self.server.get_environ(sid, self.namespace):
            # Handled after its client left (a DISCONNECT packet overtook it), with no
            # request to answer in: Flask-SocketIO would acknowledge ['', 400].
            refusal = Refusal("not_connected", "a message handled after its disconnection")
            log.warning("refused a Socket.IO message from %s: %r", sid, refusal)
            return error_payload(refusal.error())
        refusal = event if isinstance(event, Refusal) else check_message(event, payload)
        if refusal is None:
            handler, arguments = getattr(self, f"on_{event}"), payload
        else:
            handler, arguments = self._refuse, (refusal,)
        return self.socketio._handle_event(handler, event, self.namespace, sid, *arguments)

    def _refuse(self, refusal: Refusal) -> dict[str, object]:
        return refuse(refusal)

    # -- connection

    def on_connect(self, auth=None):
        """A browser connects with ``auth = {"session": id, "role": <page's role>}``.

        The role is the page's: "animateur" (the console), "observateur" (the
        projection) or "participant". Identity comes from the HttpOnly cookie set
        when the person joined or opened their private link, never from anything
        the page can forge. Past the process's connection limit, or the limit per
        network address, the browser is refused with a message saying so.
        """
        address = request.remote_addr or "?"
        refusal = self.admit_connection(address)
        if refusal:
            raise ConnectionRefusedError(refusal)
        try:
            auth = auth if isinstance(auth, Mapping) else {}
            session_id = str(auth.get("session", ""))
            viewer = self._authenticate(session_id, str(auth.get("role", "")))
            if viewer is None:
                raise ConnectionRefusedError(
                    gettext("Votre lien n'est plus valable. Rejoignez la séance avec son code.")
                )
            seq, admitted = self.mag.live.read(
                session_id, lambda state, _: (state.seq, is_admitted(viewer, state))
            )
        except BaseException:
            self.release_connection(address)
            raise
        self._clients[request.sid] = (session_id, viewer, address)
        if viewer.participant_id:
            join_room(participant_room(viewer.participant_id))
        if viewer.role.is_staff:
            join_room(staff_room(session_id))
        # Observers see what every admitted participant sees: the session room only.
        if viewer.role.is_staff or admitted:
            join_room(session_room(session_id))
        self.mag.fanout.watch(session_id, seq)
        self._presence_changed(session_id, viewer, +1)

    def on_disconnect(self, reason=None):
        client = self._clients.pop(request.sid, None)
        if client is not None:
            session_id, viewer, address = client
            self.release_connection(address)
            self.mag.fanout.unwatch(session_id)
            self._presence_changed(session_id, viewer, -1)

    def admit_connection(self, address: str) -> str | None:
        """Count a new connection from ``address``; a French refusal if it is one too many.

        Every live connection of the process counts, a programme board's too
        (``mag.programme_realtime``).
        """
        config = current_app.config
        with self._guard:
            if self._connections >= int(config["MAG_MAX_CONNECTIONS"]):
                log.warning("refused a connection: the server is full")
                return gettext(
                    "Le serveur est complet pour le moment : trop de personnes sont connectées. "
                    "Réessayez dans quelques minutes ou prévenez l'animateur ou l'animatrice."
                )
            if self._per_address[address] >= int(config["MAG_MAX_CONNECTIONS_PER_ADDRESS"]):
                log.warning("refused a connection: too many from one address")
                return gettext(
                    "Trop de connexions depuis cet appareil ou ce réseau. Fermez les onglets de "
                    "la séance dont vous n'avez plus besoin, puis rechargez la page."
                )
            self._per_address[address] += 1
            self._connections += 1
        return None

    def release_connection(self, address: str) -> None:
        with self._guard:
            self._per_address[address] -= 1
            self._connections -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]

    def _authenticate(self, session_id: str, role: str) -> Actor | None:
        with self.mag.sessions() as db:
            try:
                record = services.session_record(db, session_id)
            except DomainError:
                return None
            if role == Role.ANIMATEUR:
                # The console: the creator, or an invited animateur or rapporteur.
                staff = team_actor(db, record, request.cookies)
                return staff if staff is not None and staff.role.is_staff else None
            if role == Role.OBSERVATEUR:
                # The projection: an observer's link, or a staff member's browser
                # (the facilitator's laptop on the projector), then read-only too.
                member = member_actor(db, record, request.cookies)
                if member is not None and member.role is Role.OBSERVATEUR:
                    return member
                staff = team_actor(db, record, request.cookies)
                return (
                    Actor(Role.OBSERVATEUR) if staff is not None and staff.role.is_staff else None
                )
            if role == Role.PARTICIPANT:
                pid, secret = split_participant_cookie(
                    request.cookies.get(participant_cookie(session_id))
                )
                participant = services.participant_for_secret(db, session_id, pid, secret)
                return Actor(Role.PARTICIPANT, participant.id) if participant else None
        return None

    def _presence_changed(self, session_id: str, viewer: Actor, delta: int) -> None:
        self.mag.presence.count(session_id, viewer.key, delta)
        if self.mag.bus is not None:
            self.mag.bus.presence_changed(session_id)  # every process then sends it
        else:
            self.send_presence(session_id)

    def send_presence(self, session_id: str, *, only_if_changed: bool = False) -> None:
        """Send who is connected to ``session_id`` to its room in this process."""
        connected = self.mag.presence.connected(session_id)
        with self._guard:
            if only_if_changed and self._sent_presence.get(session_id) == connected:
                return
            if connected:
                self._sent_presence[session_id] = connected
            else:
                self._sent_presence.pop(session_id, None)
        self.socketio.emit("presence", {"connected": connected}, to=session_room(session_id))

    # -- reading

    def on_sync(self, data=None):
        """Sent by a browser on every (re)connection with the last seq it applied.

        Answers ``{"events": [...]}`` with what it missed and may see, or
        ``{"state": {...}}`` (a full snapshot) when it has nothing or missed too much.
        """
        client = self._clients.get(request.sid)
        if client is None:
            return self._refuse(Refusal("not_connected", "a message before connecting"))
        session_id, viewer, _address = client
        since = data.get("since") if isinstance(data, Mapping) else None
        if not is_seq(since):
            return self._refuse(Refusal("malformed", f"sync since {since!r:.40}"))
        limit = int(current_app.config["MAG_REPLAY_LIMIT"])
        language = str(get_locale())  # the step texts in the viewer's language, where given

        def look(state, protocol):
            admitted = is_admitted(viewer, state)
            if isinstance(since, int) and admitted and 0 < since <= state.seq <= since + limit:
                return state.seq, admitted, None
            view = snapshot(state, protocol.translated(language), viewer, language)
            view["me"] = {
                "role": viewer.role.value,
                "participant_id": viewer.participant_id,
                "member_id": viewer.member_id,
            }
            return state.seq, admitted, view

        seq, admitted, view = self.mag.live.read(session_id, look)
        presence = self.mag.presence.connected(session_id) if admitted else []
        now = datetime.now(UTC).isoformat()  # browsers time the turns on the server's clock
        if view is not None:
            return {"ok": True, "state": view, "seq": seq, "presence": presence, "now": now}
        with self.mag.sessions() as db:
            missed = services.events_after(db, session_id, since)
        events = [e.to_json() for e in missed if e.seq <= seq and can_see(e, viewer)]
        return {"ok": True, "events": events, "seq": seq, "presence": presence, "now": now}

    # -- writing

    def on_command(self, data=None):
        """A browser asks for a change: ``{"id": client id, "name": ..., "args": {...}}``.

        Answers ``{"ok": true, "seq": n}`` once the change is committed (and the
        events already sent to the rooms), or ``{"ok": false, "error": {...}}``
        with a message in the user's language; a refused command changes nothing.
        """
        client = self._clients.get(request.sid)
        if client is None:
            return self._refuse(Refusal("not_connected", "a message before connecting"))
        session_id, viewer, _address = client
        if (
            not isinstance(data, Mapping)
            or not isinstance(data.get("name"), str)
            or not isinstance(data.get("args", {}), Mapping)
        ):
            return self._refuse(Refusal("malformed", f"a command {data!r:.60}"))
        try:
            outcome = self.mag.live.execute(
                session_id, viewer, str(data.get("name")), data.get("args", {}), data.get("id")
            )
        except DomainError as error:
            return error_payload(error)
        return {"ok": True, "seq": outcome.seq, "is_retry": outcome.is_retry}


def register(socketio: SocketIO, mag) -> "SessionNamespace":
    namespace = SessionNamespace(mag)
    socketio.on_namespace(namespace)

    # Every browser message is read by checked_packets, with the limit the app gave
    # engine.io (MAG_MAX_MESSAGE_BYTES); engine.io itself now cuts at the ceiling.
    limit = int(socketio.server.eio.max_http_buffer_size)
    socketio.server.packet_class = checked_packets(limit)
    socketio.server.eio.max_http_buffer_size = max(2 * limit, FRAME_CEILING)
    # Engine.io decodes as JSON every message that does not start with a digit; its
    # JSON module is process-wide (as its own ``json`` option sets it).
    if not isinstance(engineio_packet.Packet.json, DepthSafeJSON):
        engineio_packet.Packet.json = DepthSafeJSON(engineio_packet.Packet.json)
    # Engine.io looks its packet class up in its module each time it reads a frame.
    engineio_packet.Packet = ReadableEnginePacket

    @socketio.on_error_default
    def on_error(error):  # pragma: no cover - logged, then a generic answer
        log.exception("socket handler failed")
        return {
            "ok": False,
            "error": {
                "code": "internal",
                "message": gettext("Erreur du serveur : réessayez dans un instant."),
            },
        }

    return namespace
