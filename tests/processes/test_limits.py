"""One `mag serve` under pressure: connection limits, a full server, a master that dies."""

import asyncio
import os
import signal
import time
import urllib.request

import aiohttp
import pytest
import socketio
from cluster import create_session, in_own_thread, join, wait_until
from servers import Server


@pytest.fixture
def serve(tmp_path):
    """Start `mag serve` on SQLite with the given settings (environment variables)."""
    started: list[Server] = []

    def start(port: int | None = None, **settings: str) -> Server:
        env = {
            **os.environ,
            "MAG_DATA_DIR": str(tmp_path / "data"),
            "MAG_DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'mag.sqlite3'}",
            "MAG_MESSAGE_QUEUE": "",
            "PYTHONUNBUFFERED": "1",
            **settings,
        }
        server = Server(env, tmp_path / f"server-{len(started)}.log")
        if port is not None:
            server.port = port
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
    for server in started:
        server.wait()
    assert not [s for s in started if "Traceback" in s.output()]


async def open_socket(server: Server, session_id: str, cookies: dict, role: str, source: str):
    """A browser at network address ``source``: its socket, or the refusal's message."""
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(source, 0)))
    client = socketio.AsyncClient(reconnection=False, http_session=http)
    refusals = []

    @client.on("connect_error")
    async def refused(data):
        refusals.append(data.get("message") if isinstance(data, dict) else str(data))

    try:
        await client.connect(
            server.url,
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
            auth={"session": session_id, "role": role},
            transports=["websocket"],
            wait_timeout=10,
        )
    except socketio.exceptions.ConnectionError as error:
        await http.close()
        return refusals[0] if refusals else str(error)
    client.http_to_close = http
    return client


async def close(clients) -> None:
    for client in clients:
        if not isinstance(client, str):
            await client.disconnect()
            await client.http_to_close.close()


def join_page_seconds(server: Server) -> float:
    start = time.monotonic()
    with urllib.request.urlopen(f"{server.url}/rejoindre", timeout=5) as response:
        assert response.status == 200
    return time.monotonic() - start


def test_one_address_is_refused_past_its_limit_and_others_still_join(serve):
    server = serve(MAG_MAX_CONNECTIONS_PER_ADDRESS="5")
    session_id, code, team = create_session(server.url)
    newcomer = join(server.url, code, "Bilal")

    async def scenario():
        looping = [
            await open_socket(server, session_id, team, "animateur", "127.0.0.2") for _ in range(8)
        ]
        other = await open_socket(server, session_id, newcomer, "participant", "127.0.0.3")
        synced = None if isinstance(other, str) else await other.call("sync", {"since": 0})
        await close([*looping, other])
        return looping, other, synced

    looping, other, synced = in_own_thread(lambda: asyncio.run(scenario()))
    assert [isinstance(c, str) for c in looping] == [False] * 5 + [True] * 3
    assert "Trop de connexions depuis cet appareil ou ce réseau" in looping[-1]
    assert not isinstance(other, str), other
    assert synced["ok"] and synced["state"]["me"]["role"] == "participant"
    assert join_page_seconds(server) < 1


def test_a_full_server_says_so_and_still_answers_pages(serve):
    server = serve(MAG_MAX_CONNECTIONS="6")
    session_id, code, team = create_session(server.url)

    async def scenario():
        first = [
            await open_socket(server, session_id, team, "animateur", f"127.0.0.{n + 2}")
            for n in range(6)
        ]
        refused = await open_socket(server, session_id, team, "animateur", "127.0.0.20")
        page = await asyncio.to_thread(join_page_seconds, server)
        await close(first[:1])
        await asyncio.sleep(0.5)
        admitted = await open_socket(server, session_id, team, "animateur", "127.0.0.20")
        await close([*first[1:], admitted])
        return first, refused, page, admitted

    first, refused, page, admitted = in_own_thread(lambda: asyncio.run(scenario()))
    assert not any(isinstance(c, str) for c in first)
    assert isinstance(refused, str) and "Le serveur est complet pour le moment" in refused
    assert page < 1, "the join form answers at once while the sockets are full"
    assert not isinstance(admitted, str), "a place that frees up is taken again"


def test_a_dead_master_leaves_no_worker_holding_the_port(serve):
    server = serve()
    workers = server.workers()
    assert len(workers) == 1
    os.kill(server.process.pid, signal.SIGKILL)  # the master only, as a crash would
    server.process.wait()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(lambda: gone(workers[0]), 5, "the worker outlived its master")
    again = serve(port=server.port)  # the same port is free for a restart
    assert join_page_seconds(again) < 5


def test_frames_that_are_not_engine_io_packets_leave_one_warning_and_the_connection(serve):
    import websocket

    server = serve()
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=5
    )
    assert ws.recv().startswith("0{")  # engine.io's open packet
    for garbage in ("x", "{", "", "9", "4", "éé"):
        ws.send(garbage)
    ws.send("3")  # a pong: the connection still reads engine.io packets
    ws.send("40")  # and Socket.IO's: a connection without credentials is refused in words
    answer = ws.recv()
    assert answer.startswith("44") and "Votre lien n'est plus valable" in answer
    ws.close()
    warnings = server.output().count("ignored a frame that is not an engine.io packet")
    assert warnings >= 4
    assert "Traceback" not in server.output()
