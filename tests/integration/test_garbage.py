"""Under load, what the garbage collector must walk is what pauses every room at once.

A Socket.IO message runs in a Flask request context made from its connection's
request; when that request's path matched no rule, every message left behind a
NotFound exception whose traceback held a cycle of frames, freed only by the
collector (see mag/app.py).
"""

import gc
from collections import Counter

import pytest
from flask import request
from werkzeug.test import EnvironBuilder

WEBSOCKET = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13"}


@pytest.mark.parametrize("headers", [{}, WEBSOCKET], ids=["polling", "websocket"])
def test_the_socketio_path_is_a_route_so_messages_build_no_exception(app, headers):
    builder = EnvironBuilder(path="/socket.io/", query_string="EIO=4", headers=headers)
    with app.request_context(builder.get_environ()):
        assert request.routing_exception is None


def test_commands_leave_no_cycles_of_frames_behind(room):
    people = [room.join(f"P{n}") for n in range(3)]
    room.go_to("proposals")
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for n in range(30):
            answer = people[n % 3].send(
                "submit_proposal", proposal_id=f"prop-{n:05d}", title="Un soir", body="Récit"
            )
            assert answer["ok"], answer
        gc.collect()
        left = Counter(type(thing).__name__ for thing in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left["RequestContext"] == left["traceback"] == left["frame"] == 0, left
    # What is left (werkzeug's route matcher makes one small cycle a request) stays small.
    assert sum(left.values()) < 30 * 20, left
