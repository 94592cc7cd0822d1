"""How long a screen update takes: mag's command path against a bare Flask-SocketIO broadcast.

Run: .venv/bin/python benchmarks/command_latency.py [--participants 15] [--commands 300]

Both sides run in-process with Flask-SocketIO's test clients (no network), so the
difference is mag's own work per command: authorisation, the domain's checks, the
commit (SQLite, WAL, synchronous=FULL, on this machine's disk) and the fan-out.
It also plays a long session first, to show the cost does not grow with history.
Prints figures; asserts nothing.
"""

import argparse
import statistics
import tempfile
import time

from flask import Flask
from flask_socketio import SocketIO, emit

from mag import create_app


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(name, samples):
    ms = [s * 1000 for s in samples]
    print(
        f"{name:42} median {statistics.median(ms):7.2f} ms   p95 {percentile(ms, 0.95):7.2f} ms"
        f"   ({len(ms)} updates)"
    )


def bare(participants: int, commands: int):
    app = Flask("bare")
    socketio = SocketIO(app, async_mode="threading")

    @socketio.on("command")
    def command(data):
        emit("events", [data], broadcast=True)
        return {"ok": True}

    sender = socketio.test_client(app)
    others = [socketio.test_client(app) for _ in range(participants)]
    samples = []
    for n in range(commands):
        start = time.perf_counter()
        sender.emit("command", {"n": n}, callback=True)
        for client in others:
            client.get_received()
        samples.append(time.perf_counter() - start)
    return samples


def mag(participants: int, commands: int, history: int):
    folder = tempfile.mkdtemp()
    app = create_app({"MAG_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"})
    socketio = app.extensions["mag"].socketio
    http = app.test_client()
    page = http.post(
        "/seances",
        data={"title": "Banc", "question": "Q", "protocol": "mag-complet", "convention": "C"},
    ).text
    code = page.split('id="join-code"')[1].split('value="')[1].split('"')[0]
    session_id = page.split("/animer/")[1].split("/")[0]
    facilitator = socketio.test_client(
        app, flask_test_client=http, auth={"session": session_id, "role": "animateur"}
    )
    clients = []
    for i in range(participants):
        browser = app.test_client()
        browser.post("/rejoindre", data={"code": code, "pseudonym": f"P{i}"})
        client = socketio.test_client(
            app, flask_test_client=browser, auth={"session": session_id, "role": "participant"}
        )
        client.emit(
            "command",
            {"id": f"accept-{i:06d}", "name": "accept_convention", "args": {"version": 1}},
            callback=True,
        )
        clients.append(client)
    ids = iter(range(10**9))

    def send(client, name, **args):
        answer = client.emit(
            "command", {"id": f"c-{next(ids):08d}", "name": name, "args": args}, callback=True
        )
        assert answer["ok"], answer

    send(facilitator, "start_session")
    send(facilitator, "next_step", from_index=0)
    send(facilitator, "next_step", from_index=1)
    sender, others = clients[0], clients[1:] + [facilitator]

    def timed(count, offset, who=sender, audience=others, name="submit_proposal"):
        samples = []
        for n in range(count):
            start = time.perf_counter()
            if name == "submit_proposal":
                send(who, name, proposal_id=f"prop-{offset + n:07d}", title="T", body="Lignes")
            else:  # the rapporteur's running notes
                send(who, name, contribution_id=f"note-{offset + n:07d}", body="Elle raconte.")
            for client in audience:
                client.get_received()
            samples.append(time.perf_counter() - start)
        return samples

    fresh = timed(commands, 0)
    timed(history, commands)
    late = timed(commands, commands + history)
    timed(history, 0, facilitator, clients, "add_note")
    notes = timed(commands, history, facilitator, clients, "add_note")
    app.extensions["mag"].engine.dispose()
    return fresh, late, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=15)
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--history", type=int, default=3000)
    options = parser.parse_args()
    print(f"{options.participants} participants, {options.commands} timed updates per row")
    report("bare Flask-SocketIO broadcast", bare(options.participants, options.commands))
    fresh, late, notes = mag(options.participants, options.commands, options.history)
    report("mag submit_proposal, new session", fresh)
    report(f"mag submit_proposal, after {options.history} more", late)
    report(f"mag add_note, after {options.history} notes", notes)


if __name__ == "__main__":
    main()
