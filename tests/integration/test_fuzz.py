"""Malformed Socket.IO messages and HTTP requests: a clear refusal, nothing changed, no traceback.

Hypothesis makes the messages (event names of any JSON type, any arguments,
commands with garbage ids, names and arguments, ``sync`` with any ``since``,
raw frames python-socketio must parse) and the requests (every route, any
method, body and id). Every acknowledged answer carries an error code and a
French sentence, a refusal changes nothing in the database, and the log holds
warnings of one line at most. Derandomized and bounded, so CI sees the same
examples every run. benchmarks/fuzz_server.py does the same against a real
``mag serve``, at volume.
"""

import json
import logging
from html import unescape
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_programme_pages import Team

from mag import services
from mag.domain.commands import COMMANDS
from mag.models import (
    CommandRecord,
    MemberRecord,
    ParticipantRecord,
    ProgrammeThemeRecord,
    SessionRecord,
)
from mag.programme_realtime import NAMESPACE as PROGRAMME
from mag.realtime import FRAME_CEILING

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- what to send

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
known_names = st.sampled_from(
    ["sync", "command", "connect", "disconnect", "events", "presence", "message", "json", "*", ""]
)
event_names = known_names | st.text(max_size=30) | json_values
command_ids = (
    st.from_regex(r"\A[A-Za-z0-9_-]{8,64}\Z")  # well-formed, never used before
    | st.text(max_size=70)
    | json_values
)
command_names = st.sampled_from(sorted(COMMANDS)) | st.text(max_size=20) | json_values
arguments = (
    st.dictionaries(
        st.sampled_from(
            [
                "from_index",
                "version",
                "proposal_id",
                "title",
                "body",
                "text",
                "recits",
                "contribution_id",
                "on_behalf_of",
                "minutes",
                "base_version",
                "pseudonym",
            ]
        )
        | st.text(max_size=10),
        json_values,
        max_size=5,
    )
    | json_values
)


# -- what to check


def assert_refused(answer) -> None:
    """An answer with an error code and a sentence, in the documented shape."""
    assert isinstance(answer, dict), answer
    assert answer["ok"] is False, answer
    error = answer["error"]
    assert isinstance(error["code"], str) and error["code"], answer
    assert isinstance(error["message"], str) and error["message"].strip(), answer


def fingerprint(app, session_id: str) -> tuple[int, ...]:
    """What any change leaves behind: the session's last seq and the rows of every table."""
    with app.extensions["mag"].sessions() as db:
        counts = [
            db.scalar(select(func.count()).select_from(model))
            for model in (CommandRecord, ParticipantRecord, MemberRecord, SessionRecord)
        ]
        return (services.last_seq(db, session_id), *counts)


@pytest.fixture
def log(caplog):
    """The test's log records, checked at the end: warnings of one line, nothing worse."""
    caplog.set_level(logging.WARNING)
    yield caplog
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()
        assert record.exc_info is None, record.getMessage()
        assert "\n" not in record.getMessage(), record.getMessage()


@pytest.fixture
def people(room):
    """The facilitator, Amina (admitted) and Bruno (joined, convention not accepted)."""
    return [room.facilitator, room.join("Amina"), room.join("Bruno", accept=False)]


def raw(person, frame):
    """Hand python-socketio one encoded Socket.IO packet, as engine.io would; its ack or None."""
    server = person.room.app.extensions["mag"].socketio.server
    person.socket.acks = None
    server._handle_eio_message(person.socket.eio_sid, frame)
    ack = person.socket.acks
    return None if ack is None else ack["args"]


def is_sync_answer(event, args) -> bool:
    return (
        event == "sync"
        and len(args) == 1
        and isinstance(args[0], dict)
        and isinstance(args[0].get("since"), int)
        and not isinstance(args[0].get("since"), bool)
        and args[0]["since"] >= 0
    )


# -- Socket.IO


@FUZZ
@given(data=st.data(), event=event_names, args=st.lists(json_values, max_size=4))
def test_any_event_gets_an_answer_and_a_refusal_changes_nothing(
    app, people, log, data, event, args
):
    person = data.draw(st.sampled_from(people))
    before = fingerprint(app, person.room.session_id)
    answer = person.socket.emit(event, *args, callback=True)
    if is_sync_answer(event, args):
        assert answer["ok"] is True and "seq" in answer
    else:
        assert_refused(answer)
        assert fingerprint(app, person.room.session_id) == before
    assert person.socket.is_connected()


@FUZZ
@given(data=st.data(), cid=command_ids, name=command_names, args=arguments, extra=json_values)
def test_commands_with_garbage_are_refused_and_change_nothing(
    app, people, log, data, cid, name, args, extra
):
    person = data.draw(st.sampled_from(people))
    payload = {"id": cid, "name": name, "args": args}
    if data.draw(st.booleans()):
        payload = data.draw(st.sampled_from([payload, {**payload, "extra": extra}, extra]))
    before = fingerprint(app, person.room.session_id)
    answer = person.socket.emit("command", payload, callback=True)
    if answer.get("ok"):  # garbage that happens to be a valid command: carried out
        assert isinstance(answer["seq"], int)
        return
    assert_refused(answer)
    assert fingerprint(app, person.room.session_id) == before


@FUZZ
@given(data=st.data(), since=json_values, extra=st.lists(json_values, max_size=2))
def test_sync_with_any_since_answers_or_refuses(app, people, log, data, since, extra):
    person = data.draw(st.sampled_from(people))
    before = fingerprint(app, person.room.session_id)
    args = [{"since": since}, *extra]
    answer = person.socket.emit("sync", *args, callback=True)
    if is_sync_answer("sync", args):
        assert answer["ok"] is True
    else:
        assert_refused(answer)
    assert fingerprint(app, person.room.session_id) == before


frame_bodies = (
    json_values.map(lambda value: json.dumps(value))
    | st.tuples(event_names, st.lists(json_values, max_size=3)).map(
        lambda pair: json.dumps([pair[0], *pair[1]])
    )
    | st.text(max_size=40)
)
frames = st.one_of(
    # An event or a binary event (types 2, 5), with or without an ack id.
    st.tuples(
        st.sampled_from(["2", "5", "51-", "2/other,"]),
        st.sampled_from(["", "7", "12345678901234567890"]),
        frame_bodies,
    ).map("".join),
    # Acks, connection errors, unknown types (connect and disconnect are tested below).
    st.tuples(st.sampled_from(["3", "36", "4", "7", "9", "x", ""]), frame_bodies).map("".join),
    st.binary(max_size=20),
)


@FUZZ
@given(data=st.data(), frame=frames)
def test_raw_frames_get_an_error_answer_or_none_but_no_traceback(app, people, log, data, frame):
    person = data.draw(st.sampled_from(people))
    before = fingerprint(app, person.room.session_id)
    answer = raw(person, frame)
    if answer is not None:
        (answer,) = answer
        if not answer.get("ok"):
            assert_refused(answer)
    assert fingerprint(app, person.room.session_id) == before
    assert person.sync()["ok"], "the connection still works"


# -- Socket.IO, each case found by the first fuzz


def test_an_unknown_event_is_refused_with_a_code(people, log):
    answer = people[1].socket.emit("events", [], callback=True)
    assert answer["error"]["code"] == "unknown_event"
    assert answer["error"]["message"] == "Message inconnu du serveur : rechargez la page."
    assert log.records[-1].getMessage().startswith("refused a Socket.IO message")


@pytest.mark.parametrize("event", ["command", "sync"])
def test_extra_arguments_are_malformed_not_a_server_error(people, log, event):
    answer = people[1].socket.emit(event, {"since": 0}, {"since": 0}, callback=True)
    assert answer["error"] == {"code": "malformed", "message": "Requête mal formée."}
    assert_refused(people[1].socket.emit(event, callback=True))


@pytest.mark.parametrize("since", [True, False, -1, 1.5, "3", None, [1]])
def test_sync_refuses_a_since_that_is_not_a_seq(people, log, since):
    answer = people[1].socket.emit("sync", {"since": since}, callback=True)
    assert answer["error"]["code"] == "malformed"


def test_a_client_event_named_disconnect_leaves_the_connection_alone(app, room, people, log):
    amina = people[1]
    answer = amina.socket.emit("disconnect", "client disconnect", callback=True)
    assert answer["error"]["code"] == "unknown_event"
    assert amina.participant_id in room.facilitator.sync()["presence"]
    assert amina.sync()["ok"]
    room.go_to("proposals")
    answer = amina.send("submit_proposal", proposal_id="prop-0001", title="T", body="B")
    assert answer["ok"], "commands still go through"


def test_a_client_event_named_connect_does_not_connect_again(app, room, people, log):
    amina = people[1]
    auth = {"session": room.session_id, "role": "participant"}
    assert amina.socket.emit("connect", auth, callback=True)["error"]["code"] == "unknown_event"
    amina.socket.disconnect()
    assert amina.participant_id not in room.facilitator.sync()["presence"], "counted once"


@pytest.mark.parametrize(
    "frame",
    ["21[]", '21{"a": 1}', "21[5]", "21[null, {}]", '21[["sync"]]', '21["sync"', "21", "2"]
    + ['51-1["command", {"_placeholder": true, "num": 0}]', "51-1[", "51-1"],
)
def test_events_that_are_not_a_named_list_get_an_answer(people, log, frame):
    answer = raw(people[1], frame)
    if frame == "2":
        assert answer is None, "no ack id: nothing to answer"
        return
    (answer,) = answer
    assert answer["error"]["code"] == "malformed"


@pytest.mark.parametrize("decoded", [None, False, 0, [], {}, "", b"", [1], {"a": 1}, -5, True])
def test_what_engine_io_read_as_json_is_dropped_without_a_traceback(people, log, decoded):
    """Engine.io decodes as JSON a message not starting with a digit (``4null``, ``4[1]``)."""
    assert raw(people[1], decoded) is None
    assert people[1].sync()["ok"]


def test_json_nested_too_deep_is_malformed_not_a_recursion_error(app, people, log):
    from engineio import packet as engineio_packet

    nested = "[" * 5_000 + "]" * 5_000
    (answer,) = raw(people[1], f'21["sync", {nested}]')
    assert answer["error"]["code"] == "malformed"
    # Engine.io reads "4[[[…" as JSON first: invalid, not an exception ending the connection.
    assert engineio_packet.Packet(encoded_packet="4" + nested).data == nested


def test_an_oversized_message_is_answered_and_the_connection_stays(app, room, people, log):
    amina = people[1]
    room.go_to("proposals")
    before = fingerprint(app, room.session_id)
    limit = app.config["MAG_MAX_MESSAGE_BYTES"]
    answer = amina.send("submit_proposal", proposal_id="prop-0001", title="T", body="x" * limit)
    assert answer["error"]["code"] == "too_large"
    assert answer["error"]["message"] == (
        f"Envoi trop volumineux ({limit // 1024 + 1} Ko pour {limit // 1024} Ko au plus) : "
        "raccourcissez le texte."
    )
    assert fingerprint(app, room.session_id) == before
    assert amina.send("submit_proposal", proposal_id="prop-0001", title="T", body="B")["ok"]
    server = app.extensions["mag"].socketio.server
    assert server.eio.max_http_buffer_size == max(2 * limit, FRAME_CEILING), (
        "engine.io cuts only above this"
    )


def test_a_message_handled_after_its_client_left_says_so_in_words(app, log):
    namespace = app.extensions["mag"].socketio.server.namespace_handlers["/"]
    answer = namespace.trigger_event("sync", "a-sid-that-left", {"since": 0})
    assert answer["error"]["code"] == "not_connected"
    assert "rechargez la page" in answer["error"]["message"]


def test_not_connected_says_so_in_words(app, people, log):
    amina = people[1]
    namespace = app.extensions["mag"].socketio.server.namespace_handlers["/"]
    sid = app.extensions["mag"].socketio.server.manager.sid_from_eio_sid(amina.socket.eio_sid, "/")
    namespace._clients.pop(sid)  # as when a message is handled after its disconnection
    answer = amina.socket.emit("sync", {"since": 0}, callback=True)
    assert answer["error"]["code"] == "not_connected"
    assert "rechargez la page" in answer["error"]["message"]


# -- Socket.IO, a programme's board (/programme): the browsers send nothing there


@pytest.fixture
def board(app):
    """A programme's team with its board's socket connected, and one theme."""
    team = Team(app)
    response = team.http.post(f"{team.path}/analyse/themes", data={"title": "Guichets"})
    assert response.status_code == 302
    socket = app.extensions["mag"].socketio.test_client(
        app,
        namespace=PROGRAMME,
        flask_test_client=team.http,
        auth={"programme_id": team.programme_id},
    )
    assert socket.is_connected(PROGRAMME)
    return team, socket


def themes_fingerprint(app) -> list[tuple]:
    with app.extensions["mag"].sessions() as db:
        return [
            (r.id, r.position, r.title, r.summary, r.sources, r.proposals)
            for r in db.query(ProgrammeThemeRecord).order_by(ProgrammeThemeRecord.id)
        ]


def still_told(app, team, socket) -> None:
    """The socket is still in its room: the next change reaches it."""
    socket.get_received(PROGRAMME)
    team.http.post(
        f"{team.path}/analyse/themes", data={"title": f"T{len(themes_fingerprint(app))}"}
    )
    names = [m["name"] for m in socket.get_received(PROGRAMME)]
    assert names == ["board_changed"], names


@FUZZ
@given(event=event_names, args=st.lists(json_values, max_size=4))
def test_any_event_on_a_programmes_board_is_refused_and_changes_nothing(
    app, board, log, event, args
):
    team, socket = board
    before = themes_fingerprint(app)
    answer = socket.emit(event, *args, namespace=PROGRAMME, callback=True)
    assert_refused(answer)
    assert themes_fingerprint(app) == before
    assert socket.is_connected(PROGRAMME)


board_frames = st.one_of(
    st.tuples(
        st.sampled_from(["2/programme,", "5/programme,", "51-/programme,", "3/programme,"]),
        st.sampled_from(["", "7"]),
        frame_bodies,
    ).map("".join),
    # Unknown types, and connection errors (which only a server sends).
    st.tuples(st.sampled_from(["4/programme,", "7/programme,", "x/programme,"]), frame_bodies).map(
        "".join
    ),
)


@FUZZ
@given(frame=board_frames)
def test_raw_frames_on_a_programmes_board_get_an_error_or_none_but_no_traceback(
    app, board, log, frame
):
    team, socket = board
    before = themes_fingerprint(app)
    server = app.extensions["mag"].socketio.server
    socket.acks = None
    server._handle_eio_message(socket.eio_sid, frame)
    if socket.acks is not None:
        (answer,) = socket.acks["args"]
        assert_refused(answer)
    assert themes_fingerprint(app) == before
    sid = server.manager.sid_from_eio_sid(socket.eio_sid, PROGRAMME)
    assert server.manager.is_connected(sid, PROGRAMME), "still in the board's namespace"


@pytest.mark.parametrize(
    ("event", "args", "code"),
    [
        ("sync", [{"since": 0}], "unknown_event"),
        ("command", [{"id": "cmd-00000001", "name": "add_theme", "args": {}}], "unknown_event"),
        ("board_changed", [], "unknown_event"),
        ("connect", [{"programme_id": "x"}], "unknown_event"),
        ("disconnect", [], "unknown_event"),
    ],
)
def test_a_programmes_board_answers_every_message_with_a_code_and_stays(
    app, board, log, event, args, code
):
    team, socket = board
    answer = socket.emit(event, *args, namespace=PROGRAMME, callback=True)
    assert answer["error"]["code"] == code
    assert answer["error"]["message"] == "Message inconnu du serveur : rechargez la page."
    assert log.records[-1].getMessage().startswith("refused a Socket.IO message")
    still_told(app, team, socket)


def test_a_board_message_handled_after_its_client_left_says_so_in_words(app, log):
    namespace = app.extensions["mag"].socketio.server.namespace_handlers[PROGRAMME]
    answer = namespace.trigger_event("anything", "a-sid-that-left", {})
    assert answer["error"]["code"] == "not_connected"
    assert "rechargez la page" in answer["error"]["message"]


# -- HTTP


def segments(room):
    garbage = st.text(max_size=12).map(lambda text: quote(text, safe="")) | st.sampled_from(
        ["..", "%00", "%ff", "%C0%AF", "a" * 300, "0", "-1", "99999999999999999999999"]
    )
    return st.just(room.session_id) | garbage


ROUTES = [
    "/",
    "/seances",
    "/rejoindre",
    "/rejoindre/{x}",
    "/s/{session}",
    "/animer/{session}",
    "/animer/{session}/{x}",
    "/animer/{session}/equipe",
    "/equipe/{session}/{x}/{x}",
    "/projeter/{session}",
    "/seance/{session}/synthese",
    "/animer/{session}/synthese/brouillon",
    "/animer/{session}/synthese/apercu",
    "/animer/{session}/synthese/versions/{x}/comparaison",
    "/animer/{session}/pseudonymisation/verification",
    "/animer/{session}/export/{x}",
    "/animer/{session}/archiver",
    "/animer/{session}/travaux/{x}",
    "/animer/{session}/travaux/{x}/fichier",
    "/archives",
    "/archives/cle/{x}",
    "/archives/{x}",
    "/archives/{x}/{x}",
    "/programme/{x}/analyse",
    "/programme/{x}/analyse/tableau",
    "/programme/{x}/analyse/classer",
    "/programme/{x}/analyse/themes/{x}",
    "/programme/{x}/analyse/themes/{x}/deplacer",
    "/static/{x}",
    "/{x}",
]
FORM_FIELDS = [
    "title",
    "question",
    "protocol",
    "convention",
    "code",
    "pseudonym",
    "function",
    "role",
    "name",
    "date_start",
    "date_end",
    "text",
]


def assert_clear_error(response) -> None:
    """A French page or a JSON error with a code: never Werkzeug's English page, never a 500."""
    assert response.status_code < 500, response.text[:300]
    if response.status_code < 400 or response.request.method == "HEAD":
        return
    if response.is_json:
        assert_refused(response.get_json())
    else:
        assert '<html lang="fr">' in response.text, response.text[:300]
        assert "<h1>" in response.text


@FUZZ
@given(data=st.data())
def test_malformed_http_requests_get_a_clear_answer_and_change_nothing(app, room, log, data):
    clients = [app.test_client(), room.facilitator.http]
    http = data.draw(st.sampled_from(clients))
    route = data.draw(st.sampled_from(ROUTES))
    parts = segments(room)
    path = route.format(session=data.draw(parts), x=data.draw(parts))
    method = data.draw(
        st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
    )
    accept = data.draw(st.sampled_from(["text/html", "application/json", "*/*", None]))
    headers = {"Accept": accept} if accept else {}
    body = data.draw(
        st.sampled_from(["none", "form", "json", "bytes"]).flatmap(
            lambda kind: {
                "none": st.just({}),
                "form": st.dictionaries(st.sampled_from(FORM_FIELDS), st.text(max_size=30)).map(
                    lambda form: {"data": form}
                ),
                "json": json_values.map(lambda value: {"json": value}),
                "bytes": st.tuples(
                    st.binary(max_size=200),
                    st.sampled_from(
                        [
                            "application/json",
                            "application/x-www-form-urlencoded",
                            "multipart/form-data; boundary=x",
                            "text/plain",
                        ]
                    ),
                ).map(lambda pair: {"data": pair[0], "content_type": pair[1]}),
            }[kind]
        )
    )
    before = fingerprint(app, room.session_id)
    response = http.open(path, method=method, headers=headers, **body)
    assert_clear_error(response)
    if response.status_code >= 400:
        assert fingerprint(app, room.session_id) == before


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_body_over_the_limit_is_refused_in_french(app, room, log, accept):
    before = fingerprint(app, room.session_id)
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    if accept == "application/json":  # the console's preview
        response = room.facilitator.http.post(
            f"/animer/{room.session_id}/synthese/apercu",
            data=b'{"text": "' + b"x" * size + b'"}',
            content_type="application/json",
            headers={"Accept": accept},
        )
    else:  # the join form
        response = app.test_client().post(
            "/rejoindre", data={"code": room.join_code, "pseudonym": "x" * size}
        )
    assert response.status_code == 413
    if accept == "application/json":
        assert response.get_json()["error"]["code"] == "too_large"
    else:
        assert "Envoi trop volumineux" in response.text
        assert "dépasse 1024 Ko" in unescape(response.text)
    assert fingerprint(app, room.session_id) == before


def test_werkzeug_errors_are_pages_in_french(app, log):
    http = app.test_client()
    assert "Page introuvable" in http.get("/nulle-part").text
    refused = http.delete("/seances")
    assert refused.status_code == 405 and "Action impossible ici" in refused.text
    assert "POST" in refused.headers["Allow"]
    answer = http.get("/nulle-part", headers={"Accept": "application/json"}).get_json()
    assert answer["error"]["code"] == "not_found"


def test_a_server_error_is_a_french_page_and_its_traceback_is_logged(app, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.get("/panne")
    def broken():
        raise RuntimeError("a bug")

    response = app.test_client().get("/panne")
    assert response.status_code == 500
    assert "Erreur du serveur : réessayez dans un instant." in response.text
    assert any(record.exc_info for record in caplog.records), "a bug keeps its traceback"
