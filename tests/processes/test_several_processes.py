"""Several `mag serve` processes serve the same sessions through Redis and PostgreSQL."""

import json
import os
import subprocess
import sys
import uuid

import requests
from cluster import BoardScreen, Screen, create_programme, create_session, join, wait_until

from mag.bus import Bus


def test_a_command_on_one_process_reaches_a_browser_on_another_in_order(cluster):
    one, two = cluster(), cluster()
    session_id, code, team = create_session(one.url)
    on_one = Screen(one.url, session_id, team, "animateur")
    on_two = Screen(two.url, session_id, team, "animateur")
    assert on_one.send("start_session")["ok"]

    acked = []
    for n in range(30):
        screen = on_one if n % 2 else on_two  # both processes write, alternately
        answer = screen.send("add_note", contribution_id=f"note-{n:04d}", body=f"Note {n}")
        assert answer["ok"], answer
        acked.append(answer["seq"])

    last = max(acked)
    for screen in (on_one, on_two):
        wait_until(lambda s=screen: s.seqs() and s.seqs()[-1] == last, 5)
        seqs = [seq for seq in screen.seqs() if seq > screen.seq]
        assert seqs == sorted(set(seqs)), "events arrive once each, in seq order"
        assert set(acked) <= set(seqs)
    notes = [e["data"]["body"] for e in on_two.events if e["type"] == "contribution_added"]
    assert notes == [f"Note {n}" for n in range(30)]


def test_a_change_to_a_programmes_board_reaches_its_team_on_every_process(cluster):
    one, two = cluster(), cluster()
    programme_id, cookies = create_programme(one.url)
    here, there = (
        BoardScreen(one.url, programme_id, cookies),
        BoardScreen(two.url, programme_id, cookies),
    )
    response = requests.post(
        f"{one.url}/programme/{programme_id}/analyse/themes",
        data={"title": "Guichets fermés"},
        cookies=cookies,
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    wait_until(lambda: len(here.heard) == 1 and len(there.heard) == 1, 5)
    # The page then fetches the board from whichever process answers it.
    fragment = requests.get(
        f"{two.url}/programme/{programme_id}/analyse/tableau", cookies=cookies, timeout=10
    )
    assert "Guichets fermés" in fragment.text
    here.close()
    there.close()


def test_a_process_relays_the_others_board_notifications_not_its_own(caplog):
    """Its own browsers were told at the commit; its own notification comes back from Redis."""
    bus = Bus("redis://127.0.0.1:1/0")  # never connected: only its reading is tested
    heard: list[str] = []

    def receive(message) -> None:
        bus._dispatch(json.dumps(message).encode(), None, None, heard.append)

    receive({"kind": "programme", "programme": "p1", "from": bus.process})
    receive({"kind": "programme", "programme": "p2", "from": "another-process"})
    receive({"kind": "programme"})
    assert heard == ["p2"]
    assert "ignored a malformed notification" in caplog.text


def test_presence_is_the_same_on_every_process(cluster):
    one, two = cluster(), cluster()
    session_id, code, team = create_session(one.url)
    console = Screen(two.url, session_id, team, "animateur")
    participant = Screen(one.url, session_id, join(one.url, code, "Awa"), "participant")
    assert participant.send("accept_convention", version=1)["ok"]
    wait_until(lambda: any(e["type"] == "convention_accepted" for e in console.events), 5)
    participant_id = next(
        e["data"]["participant_id"] for e in console.events if e["type"] == "convention_accepted"
    )
    wait_until(lambda: console.presence and participant_id in console.presence[-1], 5)

    participant.close()
    wait_until(lambda: participant_id not in console.presence[-1], 5, "the console still shows Awa")
    assert console.send("start_session")["ok"]  # the console's own link still works


def test_killing_a_process_loses_no_acknowledged_command_and_duplicates_none(cluster):
    servers = [cluster() for _ in range(3)]
    session_id, code, team = create_session(servers[0].url)
    watcher = Screen(servers[2].url, session_id, team, "animateur")
    writer = Screen(servers[1].url, session_id, team, "animateur")
    assert writer.send("start_session")["ok"]

    acked: dict[str, int] = {}
    for n in range(10):
        cid = uuid.uuid4().hex
        acked[cid] = writer.send(
            "add_note", command_id=cid, contribution_id=f"avant-{n:04d}", body=f"Avant {n}"
        )["seq"]
    servers[1].kill()  # the writer's process dies mid-session
    writer = Screen(servers[0].url, session_id, team, "animateur")  # it reconnects elsewhere
    # A retry of an acknowledged command is recognised, whatever the process.
    cid, seq = next(iter(acked.items()))
    retry = writer.send("add_note", command_id=cid, contribution_id="avant-0000", body="Avant 0")
    assert retry["ok"] and retry["is_retry"] and retry["seq"] == seq
    for n in range(10):
        assert writer.send("add_note", contribution_id=f"apres-{n:04d}", body=f"Après {n}")["ok"]

    wait_until(lambda: any(e["data"].get("body") == "Après 9" for e in watcher.events), 5)
    bodies = [e["data"]["body"] for e in watcher.events if e["type"] == "contribution_added"]
    assert bodies == [f"Avant {n}" for n in range(10)] + [f"Après {n}" for n in range(10)]
    fresh = Screen(servers[0].url, session_id, team, "animateur")
    state = fresh.client.call("sync", {"since": 0}, timeout=10)["state"]
    assert sorted(c["body"] for c in state["contributions"].values()) == sorted(bodies)


def test_a_redis_restart_loses_nothing_and_events_flow_again(cluster, redis_server):
    one, two = cluster(), cluster()
    session_id, code, team = create_session(one.url)
    on_one = Screen(one.url, session_id, team, "animateur")
    on_two = Screen(two.url, session_id, team, "animateur")
    assert on_one.send("start_session")["ok"]

    redis_server.stop()
    during = on_one.send("add_note", contribution_id="pendant-0001", body="Pendant la coupure")
    assert during["ok"], "the database, not Redis, acknowledges a command"
    redis_server.start()
    # The other process's catch-up finds the event that no notification announced.
    wait_until(lambda: during["seq"] in on_two.seqs(), 5, "the note never reached process two")
    after = on_two.send("add_note", contribution_id="apres-0001", body="Après la coupure")
    wait_until(lambda: after["seq"] in on_one.seqs(), 5)
    assert on_one.seqs() == sorted(set(on_one.seqs()))


def test_one_command_starts_several_processes_on_one_port(cluster):
    server = cluster("--processes", "2")
    assert len(server.workers()) == 2
    session_id, code, team = create_session(server.url)
    screens = [Screen(server.url, session_id, team, "animateur") for _ in range(6)]
    assert screens[0].send("start_session")["ok"]
    seq = screens[-1].send("add_note", contribution_id="pour-tous-1", body="Pour tous")["seq"]
    for screen in screens:
        wait_until(lambda s=screen: seq in s.seqs(), 5)


def test_several_processes_need_a_message_queue(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mag", "serve", "--processes", "2", "--no-demo"],
        env={**os.environ, "MAG_MESSAGE_QUEUE": "", "MAG_DATA_DIR": str(tmp_path / "alone")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "MAG_MESSAGE_QUEUE" in result.stderr
