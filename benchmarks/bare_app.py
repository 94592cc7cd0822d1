"""The floor for benchmarks/realtime_load.py: a bare Flask-SocketIO room broadcast with an ack.

No database, no authentication, no domain: a client connects with
``auth = {"session": <name>}`` and joins the room ``s:<name>``; a ``command``
is sent back as one ``events`` message to that room (sender included), in the
shape mag uses, then acknowledged. Whatever mag costs above this is mag's own.

Served like mag, by gunicorn with one gevent worker:

    .venv/bin/python -m gunicorn -k gevent -w 1 --worker-connections 10000 \
        --chdir benchmarks bare_app:app
"""

import itertools
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, request
from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

app = Flask(__name__)
# Pinned: under gunicorn's gevent worker, detection could pick another installed mode.
socketio = SocketIO(app, async_mode="gevent")
_rooms: dict[str, str] = {}
_seq = itertools.count(1)


@app.get("/")
def index():
    return "<!doctype html><title>bare</title><p>bare Flask-SocketIO app</p>"


@socketio.on("connect")
def connect(auth=None):
    session = auth.get("session") if isinstance(auth, Mapping) else None
    if not isinstance(session, str) or not session:
        raise ConnectionRefusedError("auth.session missing")
    room = f"s:{session}"
    _rooms[request.sid] = room
    join_room(room)


@socketio.on("disconnect")
def disconnect(reason=None):
    _rooms.pop(request.sid, None)


@socketio.on("command")
def command(data=None):
    room = _rooms.get(request.sid)
    if room is None or not isinstance(data, Mapping):
        return {"ok": False, "error": {"code": "malformed", "message": ""}}
    event = {
        "seq": next(_seq),
        "type": "proposal_submitted",
        "data": dict(data.get("args") or {}),
        "actor": request.sid,
        "at": datetime.now(UTC).isoformat(),
    }
    emit("events", [event], to=room)
    return {"ok": True, "seq": event["seq"], "is_retry": False}
