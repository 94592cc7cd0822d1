"""Many live sessions at once over real sockets: a real ``mag serve`` against a bare app.

Run: .venv/bin/python benchmarks/realtime_load.py [--clients 150,450] [--seconds 20]
     .venv/bin/python benchmarks/realtime_load.py --processes 3 [--postgresql-url URL]

Default mode. Two servers run side by side on 127.0.0.1 for the whole run: ``python -m
mag serve`` (SQLite in a temporary folder) and benchmarks/bare_app.py, a bare
Flask-SocketIO room broadcast with an ack, both under gunicorn with one worker. For each
level of clients (150, 450, 1,500 and 3,000 by default) both populations are connected
for the whole level, and the load (``--seconds`` per server) is cut into ``--rounds``
windows that alternate between the two (mag, bare; bare, mag; ...), so that both see the
same noisy machine, drifts included. Each window is printed, then each server's windows
pooled ("all": every sample together, CPU summed) and the ratios of the pooled figures,
then each round's ratios: how much the machine's noise moves them. Compare the ratios more
than the figures. Every screen comes from 127.0.0.1, so
mag's limit of connections per address is lifted (MAG_MAX_CONNECTIONS_PER_ADDRESS); its
limit per process is left as configured.

A level is N/15 sessions of 15 WebSocket screens (python-socketio's asyncio client): for
mag, the creator's console and 14 participants who joined over HTTP with the session's
code, accepted the convention, and are at the step where récits are proposed. Each session
sends one command per second, open loop (on a schedule, without waiting for the previous
answer), in turn from each participant: ``submit_proposal``, whose event goes to every
screen of the session. Measured after everyone is connected:

- delivery: from the command's send to its arrival on each of the 14 other screens;
- ack: from the send to the acknowledgement, which mag gives after the commit;
- lost: deliveries expected and not received within a few seconds after the last send;
- server CPU per command (user + system of the server's processes, over the window and
  its drain, divided by the commands sent); the RSS of the server's largest process (the
  worker holding the screens) and the PSS of all its processes together (what they use
  between them: a page the master and its worker share counts once);
- a probe of the join page (mag: GET /rejoindre, bare: GET /) on a new connection every
  0.5 s during the load: how long a newcomer waits;
- the lag of this generator's own event loop (overshoot of a 50 ms sleep) and its CPU
  share: when they are high, the generator, not the server, is late;
- others: the share of all the machine's CPUs used meanwhile by other programs (not the
  server, not this generator), the noise to read the figures against.

``--processes N`` mode. ``mag serve --processes N`` with a throwaway Redis
(``MAG_MESSAGE_QUEUE``) against ``mag serve`` in one process, each on a fresh PostgreSQL
database (``--postgresql-url`` or MAG_TEST_POSTGRESQL_URL; scripts/common.sh
ensure_postgresql sets one up). With ``--clients`` screens (450 by default) connected to
each, the command rate is doubled step by step, both servers interleaved, until the p99
delivery (lost deliveries counted as late) passes 100 ms (``--late-ms``) twice in a row
at the same rate or ``--max-rate`` is reached; prints the commands per second each
achieved within that p99.

Prints figures; asserts nothing. Every wait is bounded, it stops by itself and stops the
servers it started.
"""

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil
import socketio
from serving import stop_group
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
LEVELS = (150, 450, 1500, 3000)
SCREENS = 15  # per session: one console and 14 participants
SETUP_CONCURRENCY = 50  # HTTP requests, connections and set-up commands in flight at once
CONNECT_TIMEOUT = 20.0
GIVE_UP_AFTER = 100  # connection failures in one population before the rest are skipped
ACK_TIMEOUT = 10.0
DRAIN_SECONDS = 5.0
PROBE_EVERY = 0.5
LAG_SLEEP = 0.05
READY_TIMEOUT = 120.0
BODY = (
    "Je travaillais alors dans un foyer d'accueil ; un soir, une résidente a refusé "
    "de rentrer et l'équipe ne savait plus qui devait décider. Je raconte ce qui s'est "
    "passé ensuite, et pourquoi j'y pense encore."
)


# ---------------------------------------------------------------- figures


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(value):
    return value * 1000


def fmt(value, width=6, digits=1):
    if value != value:  # NaN: nothing measured
        return "-".rjust(width)
    if value == float("inf"):
        return "inf".rjust(width)
    return f"{value:{width}.{digits}f}"


def ratio(a, b):
    if not (a == a and b == b) or b <= 0 or a == float("inf"):
        return "  -  "
    return f"{a / b:5.1f}x"


# ---------------------------------------------------------------- servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process this benchmark started, in its own process group."""

    def __init__(self, name, argv, env, port, probe_path, folder):
        self.name = name
        self.argv = argv
        self.env = env
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.probe_path = probe_path
        self.log_path = Path(folder) / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.log"
        self.process = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stop() ends its workers too
            )

    def log_tail(self, lines=15):
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in text[-lines:])

    async def wait_ready(self, http):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                async with http.get(self.base + self.probe_path) as response:
                    await response.read()
                    if response.status == 200:
                        return
            except (TimeoutError, aiohttp.ClientError):
                pass
            await asyncio.sleep(0.25)
        raise RuntimeError(f"{self.name} not ready after {READY_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def processes(self):
        try:
            top = psutil.Process(self.process.pid)
            return [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu_seconds(self):
        total = 0.0
        for process in self.processes():
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def memory(self):
        """The largest RSS among the server's processes, and their PSS summed.

        The first is the process that holds the screens (a worker); the second is the
        memory all of them use together, each page shared between forked processes
        counted once (divided among them), where RSS would count it in each.
        """
        largest = pss = 0
        for process in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                info = process.memory_full_info()
                largest = max(largest, info.rss)
                pss += getattr(info, "pss", info.rss)
        return largest, pss

    def stop(self):
        stop_group(self.process)


def mag_server(name, folder, env_extra, processes=None):
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "MAG_DATA_DIR": str(folder),
            "MAG_DATABASE_URL": f"sqlite:///{folder}/mag.sqlite3",
            "PYTHONUNBUFFERED": "1",
            # Every screen of this generator comes from 127.0.0.1: lift the limit per
            # address (MAG_MAX_CONNECTIONS, for the whole process, stays as configured).
            "MAG_MAX_CONNECTIONS_PER_ADDRESS": "1000000",
        }
    )
    env.update(env_extra)
    argv = [sys.executable, "-m", "mag", "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv.append("--no-demo")
    if processes is not None:
        argv += ["--processes", str(processes)]
    return Server(name, argv, env, port, "/rejoindre", folder)


def bare_server(folder):
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        "gevent",
        "-w",
        "1",
        "--worker-connections",
        "10000",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(HERE),
        "--log-level",
        "warning",
        "bare_app:app",
    ]
    return Server("bare", argv, dict(os.environ), port, "/", folder)


# ---------------------------------------------------------------- clients


@dataclass
class Pending:
    sent: float
    sender: int
    expected: int
    seen: set = field(default_factory=set)


@dataclass
class Tracker:
    """What one measurement window sent and received."""

    pending: dict = field(default_factory=dict)
    deliveries: list = field(default_factory=list)
    acks: list = field(default_factory=list)
    ack_errors: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    duplicates: int = 0
    commands: int = 0


class Watch:
    """The tracker the socket handlers report to; None between windows."""

    tracker: Tracker | None = None
    closing = False
    dropped = 0  # screens whose connection ended while it should not


_screen_ids = iter(range(10**9))
_keys = iter(range(10**9))


class Screen:
    def __init__(self):
        self.id = next(_screen_ids)
        self.connected = False
        # One aiohttp session per client: python-socketio puts the Cookie header in
        # the session's cookie jar, which must not be shared between people.
        self.client = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, request_timeout=CONNECT_TIMEOUT
        )
        self.client.on("events", self._on_events)
        self.client.on("disconnect", self._on_disconnect)

    def _on_events(self, events):
        now = time.perf_counter()
        tracker = Watch.tracker
        if tracker is None or not isinstance(events, list):
            return
        for event in events:
            data = event.get("data") if isinstance(event, dict) else None
            pending = tracker.pending.get(data.get("proposal_id")) if data else None
            if pending is None or pending.sender == self.id:
                continue
            if self.id in pending.seen:
                tracker.duplicates += 1
                continue
            pending.seen.add(self.id)
            tracker.deliveries.append(now - pending.sent)

    def _on_disconnect(self, reason=None):
        if self.connected and not Watch.closing:
            Watch.dropped += 1
        self.connected = False

    async def connect(self, url, session_id, role, cookie=None):
        headers = {"Cookie": cookie} if cookie else {}
        await asyncio.wait_for(
            self.client.connect(
                url,
                headers=headers,
                auth={"session": session_id, "role": role},
                transports=["websocket"],
                wait_timeout=CONNECT_TIMEOUT,
            ),
            CONNECT_TIMEOUT + 5,
        )
        self.connected = True

    async def command(self, name, **args):
        payload = {"id": f"c{uuid.uuid4().hex}", "name": name, "args": args}
        return await self.client.call("command", payload, timeout=ACK_TIMEOUT)


@dataclass
class Room:
    """One session's screens: [0] the console, then the participants."""

    session_id: str
    screens: list

    def live(self):
        return [s for s in self.screens if s.connected]

    def senders(self):
        return [s for s in self.screens[1:] if s.connected]


@dataclass
class Population:
    rooms: list = field(default_factory=list)
    wanted: int = 0
    failures: Counter = field(default_factory=Counter)
    skipped: int = 0
    seconds: float = 0.0
    ready: int = 0  # screens connected at the end of the set-up

    def connected(self):
        return sum(len(room.live()) for room in self.rooms)

    def failed(self):
        return sum(self.failures.values()) + self.skipped


def reason(error):
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text[:80]}"


class Setup:
    """Bounded set-up: at most SETUP_CONCURRENCY requests or connections at once."""

    def __init__(self, server, http, population):
        self.server = server
        self.http = http
        self.population = population
        self.gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    def give_up(self):
        return sum(self.population.failures.values()) >= GIVE_UP_AFTER

    async def connect(self, screen, session_id, role, cookie=None):
        if self.give_up():
            self.population.skipped += 1
            return False
        async with self.gate:
            try:
                await screen.connect(self.server.base, session_id, role, cookie)
                return True
            except Exception as error:  # refused, timed out, reset: counted, not fatal
                self.population.failures[f"connect: {reason(error)}"] += 1
                return False

    async def command(self, screen, name, **args):
        async with self.gate:
            try:
                answer = await screen.command(name, **args)
            except Exception as error:
                self.population.failures[f"{name}: {reason(error)}"] += 1
                return False
        if not (isinstance(answer, dict) and answer.get("ok")):
            code = answer.get("error", {}).get("code") if isinstance(answer, dict) else answer
            self.population.failures[f"{name}: refused {code}"] += 1
            return False
        return True

    async def request(self, method, path, **kwargs):
        async with (
            self.gate,
            self.http.request(
                method, self.server.base + path, allow_redirects=False, **kwargs
            ) as response,
        ):
            return response.status, await response.text(), response.cookies


async def mag_room(setup, number):
    status, page, cookies = await setup.request(
        "POST",
        "/seances",
        data={
            "title": f"Charge {number}",
            "question": "Qu'est-ce qui nous a surpris ?",
            "protocol": "mag-court",
            "convention": "Ce qui se dit ici reste ici.",
        },
    )
    link = re.search(r"/animer/([^/\"]+)/([^/\"]+)\"", page)
    code = re.search(r'id="join-code"[^>]*value="([^"]+)"', page)
    if status != 201 or not link or not code:
        raise RuntimeError(f"POST /seances answered {status}")
    session_id = link.group(1)
    status, _, cookies = await setup.request("GET", f"/animer/{session_id}/{link.group(2)}")
    name = f"mag_a_{session_id}"
    if name not in cookies:
        raise RuntimeError(f"the facilitator link answered {status} without a cookie")
    console = Screen()
    room = Room(session_id, [console])
    cookie_of = {console.id: f"{name}={cookies[name].value}"}

    async def join(n):
        status, _, cookies = await setup.request(
            "POST",
            "/rejoindre",
            data={"code": code.group(1), "pseudonym": f"P{n:02d}", "function": "éducatrice"},
        )
        name = f"mag_p_{session_id}"
        if name not in cookies:
            setup.population.failures[f"join: status {status}"] += 1
            return None
        screen = Screen()
        cookie_of[screen.id] = f"{name}={cookies[name].value}"
        return screen

    joined = await asyncio.gather(*(join(n) for n in range(1, SCREENS)))
    room.screens += [s for s in joined if s is not None]
    setup.population.rooms.append(room)
    if not await setup.connect(console, session_id, "animateur", cookie_of[console.id]):
        return

    async def admit(screen):
        if await setup.connect(screen, session_id, "participant", cookie_of[screen.id]):
            await setup.command(screen, "accept_convention", version=1)

    await asyncio.gather(*(admit(s) for s in room.screens[1:]))
    # From the lobby to the step where récits are proposed (the third: see mag-court.toml).
    if await setup.command(console, "start_session"):
        for index in (0, 1):
            if not await setup.command(console, "next_step", from_index=index):
                break


async def bare_room(setup, number):
    room = Room(f"b{number}-{uuid.uuid4().hex[:6]}", [Screen() for _ in range(SCREENS)])
    setup.population.rooms.append(room)
    await asyncio.gather(
        *(
            setup.connect(screen, room.session_id, "animateur" if i == 0 else "participant")
            for i, screen in enumerate(room.screens)
        )
    )


async def populate(server, clients, http):
    population = Population(wanted=clients // SCREENS * SCREENS)
    setup = Setup(server, http, population)
    make = mag_room if server.name.startswith("mag") else bare_room
    start = time.perf_counter()

    async def guarded(number):
        try:
            await make(setup, number)
        except Exception as error:
            population.failures[f"set-up: {reason(error)}"] += 1

    await asyncio.gather(*(guarded(n) for n in range(clients // SCREENS)))
    population.seconds = time.perf_counter() - start
    population.ready = population.connected()
    return population


async def disperse(population):
    gate = asyncio.Semaphore(SETUP_CONCURRENCY * 4)
    Watch.closing = True

    async def close(screen):
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(screen.client.disconnect(), 10)
            screen.connected = False

    try:
        await asyncio.gather(*(close(s) for room in population.rooms for s in room.screens))
    finally:
        Watch.closing = False


# ---------------------------------------------------------------- one measurement window


@dataclass
class Window:
    commands: int = 0
    expected: int = 0
    deliveries: list = field(default_factory=list)
    acks: list = field(default_factory=list)
    ack_errors: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    duplicates: int = 0
    dropped: int = 0
    cpu: float = 0.0
    rss: int = 0  # the largest process's
    pss: int = 0  # all the server's processes together
    probes: list = field(default_factory=list)
    probe_failures: int = 0
    lags: list = field(default_factory=list)
    generator_cpu: float = 0.0
    others: float = 0.0  # share of all CPUs used by other programs of the machine
    steal: float = 0.0  # share of all CPUs the hypervisor gave to other machines
    seconds: float = 0.0

    @property
    def lost(self):
        return max(0, self.expected - len(self.deliveries))

    def delivery(self, fraction, lost_are_late=False):
        values = self.deliveries + [float("inf")] * (self.lost if lost_are_late else 0)
        return ms(percentile(values, fraction))

    @property
    def cpu_per_command(self):
        return ms(self.cpu / self.commands) if self.commands else float("nan")

    @property
    def achieved(self):
        return len(self.acks) / self.seconds if self.seconds else 0.0


async def probe(server, stop, window, deadline):
    connector = aiohttp.TCPConnector(force_close=True)  # a newcomer: a new connection each time
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        while not stop.is_set() and time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                async with http.get(server.base + server.probe_path) as response:
                    await response.read()
                    ok = response.status == 200
            except (TimeoutError, aiohttp.ClientError):
                ok = False
            elapsed = time.perf_counter() - start
            if ok:
                window.probes.append(elapsed)
            else:
                window.probe_failures += 1
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, PROBE_EVERY - elapsed))


async def loop_lag(stop, window, deadline):
    while not stop.is_set() and time.perf_counter() < deadline:
        start = time.perf_counter()
        await asyncio.sleep(LAG_SLEEP)
        window.lags.append(time.perf_counter() - start - LAG_SLEEP)


async def send(tracker, room, screen, key):
    others = sum(1 for s in room.live() if s is not screen)
    pending = Pending(time.perf_counter(), screen.id, others)
    tracker.pending[key] = pending
    tracker.commands += 1
    try:
        answer = await screen.command(
            "submit_proposal", proposal_id=key, title="Un soir", body=BODY
        )
    except Exception as error:
        tracker.ack_errors[type(error).__name__] += 1
        return
    tracker.acks.append(time.perf_counter() - pending.sent)
    if not (isinstance(answer, dict) and answer.get("ok")):
        code = answer.get("error", {}).get("code") if isinstance(answer, dict) else answer
        tracker.refused[str(code)] += 1
        pending.expected = 0  # nothing was written, nothing is sent


async def measure(server, population, seconds, rate_per_session):
    """Send ``rate_per_session`` commands per second in every session for ``seconds``."""
    tracker = Tracker()
    window = Window()
    stop = asyncio.Event()
    in_flight = set()
    me = psutil.Process()
    dropped = Watch.dropped
    start = time.perf_counter() + 0.2
    deadline = start + seconds + ACK_TIMEOUT + DRAIN_SECONDS + 5
    count = max(1, round(seconds * rate_per_session))
    interval = 1 / rate_per_session

    async def drive(number, room):
        phase = random.uniform(0, interval)
        for k in range(count):
            senders = room.senders()
            if not senders:
                return
            delay = start + phase + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            screen = senders[(number + k) % len(senders)]
            task = asyncio.create_task(send(tracker, room, screen, f"k{next(_keys):09d}"))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)

    # The set-up's objects never die during the window: keep the collector off them.
    gc.collect()
    gc.freeze()
    Watch.tracker = tracker
    cpu = server.cpu_seconds()
    own = me.cpu_times()
    machine = psutil.cpu_times()
    watchers = [
        asyncio.create_task(probe(server, stop, window, deadline)),
        asyncio.create_task(loop_lag(stop, window, deadline)),
    ]
    rooms = [room for room in population.rooms if room.senders()]
    await asyncio.gather(*(drive(n, room) for n, room in enumerate(rooms)))
    window.seconds = time.perf_counter() - start
    stop.set()
    await asyncio.gather(*watchers)
    if in_flight:
        await asyncio.wait(in_flight, timeout=ACK_TIMEOUT + 2)
    # Drain: deliveries still on their way, for a few seconds at most.
    until = time.perf_counter() + DRAIN_SECONDS
    expected = lambda: sum(p.expected for p in tracker.pending.values())  # noqa: E731
    while len(tracker.deliveries) < expected() and time.perf_counter() < until:
        await asyncio.sleep(0.1)
    Watch.tracker = None
    window.cpu = server.cpu_seconds() - cpu
    after = me.cpu_times()
    machine_after = psutil.cpu_times()
    gc.unfreeze()
    wall = time.perf_counter() - start
    generator = after.user + after.system - own.user - own.system
    window.generator_cpu = generator / wall
    busy = sum(machine_after) - sum(machine)
    for name in ("idle", "iowait", "guest", "guest_nice"):  # guest time is in user already
        busy -= getattr(machine_after, name, 0.0) - getattr(machine, name, 0.0)
    steal = getattr(machine_after, "steal", 0.0) - getattr(machine, "steal", 0.0)
    cpus = psutil.cpu_count() or 1
    window.others = max(0.0, busy - steal - window.cpu - generator) / wall / cpus
    window.steal = steal / wall / cpus
    window.rss, window.pss = server.memory()
    window.commands = tracker.commands
    window.expected = expected()
    window.deliveries = tracker.deliveries
    window.acks = tracker.acks
    window.ack_errors = tracker.ack_errors
    window.refused = tracker.refused
    window.duplicates = tracker.duplicates
    window.dropped = Watch.dropped - dropped
    return window


async def quiet(servers, limit=30.0):
    """Wait (``limit`` seconds at most) until no server is still working off a backlog."""
    deadline = time.perf_counter() + limit
    while True:
        before = [server.cpu_seconds() for server in servers]
        await asyncio.sleep(0.5)
        busy = [(server.cpu_seconds() - b) / 0.5 for server, b in zip(servers, before, strict=True)]
        if max(busy) < 0.1:
            return None
        if time.perf_counter() > deadline:
            return ", ".join(f"{s.name} {b:.0%}" for s, b in zip(servers, busy, strict=True))


# ---------------------------------------------------------------- default mode: mag and bare


HEADER = (
    "  server    screens      set-up  cmds  delivery ms p50/p95/p99  ack ms p50/p99  lost"
    "  CPU ms/cmd  RSS / PSS MB  probe ms p50/max fail  gen lag ms p50/max cpu  others"
)


def row(name, population, window):
    probes = [ms(p) for p in window.probes]
    lags = [ms(lag) for lag in window.lags]
    acks = [ms(a) for a in window.acks]
    return (
        f"  {name:8} {population.ready:5}/{population.wanted:<5} {population.seconds:5.0f} s"
        f" {window.commands:5}  {fmt(window.delivery(0.5))} {fmt(window.delivery(0.95))}"
        f" {fmt(window.delivery(0.99))}     {fmt(percentile(acks, 0.5))} {fmt(percentile(acks, 0.99))}"
        f" {window.lost:5}  {fmt(window.cpu_per_command, 10, 2)}  {window.rss / 2**20:6.0f} {window.pss / 2**20:5.0f}"
        f"  {fmt(percentile(probes, 0.5))} {fmt(max(probes, default=float('nan')))}"
        f" {window.probe_failures:4}  {fmt(percentile(lags, 0.5), 6)} {fmt(max(lags, default=float('nan')))}"
        f" {window.generator_cpu:4.0%}  {window.others:5.0%}"
    )


def setup_notes(name, population):
    if not population.failed():
        return []
    what = ", ".join(f"{k} ×{v}" for k, v in population.failures.most_common(4))
    if population.skipped:
        what += f"; {population.skipped} not tried after {GIVE_UP_AFTER} failures"
    return [f"    {name}: {population.failed()} set-up failures ({what})"]


def window_notes(name, window):
    problems = []
    if window.ack_errors:
        problems.append("no ack: " + ", ".join(f"{k} ×{v}" for k, v in window.ack_errors.items()))
    if window.refused:
        problems.append("refused: " + ", ".join(f"{k} ×{v}" for k, v in window.refused.items()))
    if window.duplicates:
        problems.append(f"{window.duplicates} duplicate deliveries")
    if window.dropped:
        # Closed by the server, or by the client when the server's pings stopped coming.
        problems.append(f"{window.dropped} screens lost their connection")
    lags = sorted(window.lags)
    if lags and (percentile(lags, 0.5) > 0.02 or lags[-1] > 0.5):
        problems.append(
            "the generator itself was late (event-loop lag): these figures are partly its own"
        )
    if window.steal >= 0.05:
        problems.append(f"the hypervisor took {window.steal:.0%} of the CPUs (steal)")
    return [f"    {name}: " + "; ".join(problems)] if problems else []


def pooled(windows):
    """One window of several: their samples together, their CPU and commands summed."""
    total = Window()
    for window in windows:
        total.commands += window.commands
        total.expected += window.expected
        total.deliveries += window.deliveries
        total.acks += window.acks
        total.ack_errors += window.ack_errors
        total.refused += window.refused
        total.duplicates += window.duplicates
        total.dropped += window.dropped
        total.cpu += window.cpu
        total.rss = max(total.rss, window.rss)
        total.pss = max(total.pss, window.pss)
        total.probes += window.probes
        total.probe_failures += window.probe_failures
        total.lags += window.lags
        total.seconds += window.seconds
    count = len(windows) or 1
    total.generator_cpu = sum(w.generator_cpu for w in windows) / count
    total.others = sum(w.others for w in windows) / count
    total.steal = sum(w.steal for w in windows) / count
    return total


def ratios(m, b):
    return (
        f"median delivery {ratio(m.delivery(0.5), b.delivery(0.5))},"
        f" p99 delivery {ratio(m.delivery(0.99), b.delivery(0.99))},"
        f" CPU per command {ratio(m.cpu_per_command, b.cpu_per_command)}"
    )


async def compare(options, http, folder):
    mag = mag_server("mag", folder / "mag", {})
    bare = bare_server(folder)
    (folder / "mag").mkdir()
    servers = [mag, bare]
    window_seconds = options.seconds / options.rounds
    try:
        for server in servers:
            server.start()
        for server in servers:
            await server.wait_ready(http)
        print(f"mag:  {' '.join(mag.argv[1:])}  (pid {mag.process.pid}, SQLite)")
        print(f"bare: {' '.join(bare.argv[1:])}  (pid {bare.process.pid})")
        for number, clients in enumerate(options.clients):
            sessions = clients // SCREENS
            print(
                f"\n{sessions * SCREENS} screens = {sessions} sessions x {SCREENS},"
                f" {options.rounds} x {window_seconds:g} s each, alternating,"
                " 1 command per session per second"
            )
            print(HEADER)
            first = servers if number % 2 == 0 else servers[::-1]
            populations = {}
            for server in first:  # both stay connected while the level lasts
                populations[server.name] = await populate(server, clients, http)
            windows = {server.name: [] for server in servers}
            try:
                for turn in range(options.rounds):
                    for server in first if turn % 2 == 0 else first[::-1]:
                        busy = await quiet(servers)  # the set-up's or the last window's backlog
                        if busy:
                            print(f"    still busy after 30 s, measured anyway: {busy} of a CPU")
                        window = await measure(
                            server, populations[server.name], window_seconds, 1.0
                        )
                        windows[server.name].append(window)
                        label = f"{server.name} {turn + 1}"
                        print(row(label, populations[server.name], window), flush=True)
            finally:
                for population in populations.values():
                    await disperse(population)
            totals = {name: pooled(measured) for name, measured in windows.items()}
            if options.rounds > 1:
                for name, total in totals.items():
                    print(row(f"{name} all", populations[name], total))
            for name, total in totals.items():
                for line in setup_notes(name, populations[name]) + window_notes(name, total):
                    print(line)
            print(f"  mag/bare: {ratios(totals['mag'], totals['bare'])}", flush=True)
            if options.rounds > 1:
                for turn, (m, b) in enumerate(zip(windows["mag"], windows["bare"], strict=True)):
                    print(f"    round {turn + 1}: {ratios(m, b)}")
    finally:
        for server in servers:
            server.stop()


# ---------------------------------------------------------------- --processes mode


def has_processes_option():
    answer = subprocess.run(
        [sys.executable, "-m", "mag", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return "--processes" in answer.stdout


class Databases:
    """Fresh PostgreSQL databases for the run, dropped at the end."""

    def __init__(self, url):
        import psycopg  # only this mode needs it

        self.psycopg = psycopg
        self.url = make_url(url)
        self.admin = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.names = []

    def create(self):
        name = f"mag_bench_{uuid.uuid4().hex[:10]}"
        with self.psycopg.connect(self.admin, autocommit=True, connect_timeout=10) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self):
        with self.psycopg.connect(self.admin, autocommit=True, connect_timeout=10) as db:
            for name in self.names:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_redis(folder):
    port = free_port()
    argv = ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    argv += ["--save", "", "--appendonly", "no", "--dir", str(folder)]
    redis = Server("redis", argv, dict(os.environ), port, "", folder)
    redis.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return redis
        except OSError:
            pass
        time.sleep(0.1)
    redis.stop()
    raise RuntimeError(f"redis-server did not answer:\n{redis.log_tail()}")


async def processes_mode(options, http, folder):
    url = options.postgresql_url or os.environ.get("MAG_TEST_POSTGRESQL_URL")
    count = options.processes
    if not url:
        print(
            "--processes needs PostgreSQL: pass --postgresql-url or set MAG_TEST_POSTGRESQL_URL"
            " (scripts/common.sh ensure_postgresql sets one up). Nothing measured."
        )
        return
    if not has_processes_option():
        print(
            "mag serve has no --processes option in this working tree yet: the multi-process"
            " comparison is skipped. Nothing measured."
        )
        return
    databases = Databases(url)
    servers = []
    redis = None
    try:
        redis = start_redis(folder)
        queue = f"redis://127.0.0.1:{redis.port}/0"
        single = mag_server("mag x1", folder / "one", {"MAG_DATABASE_URL": databases.create()})
        several = mag_server(
            f"mag x{count}",
            folder / "several",
            {"MAG_DATABASE_URL": databases.create(), "MAG_MESSAGE_QUEUE": queue},
            processes=count,
        )
        servers = [single, several]
        for server in servers:
            Path(server.env["MAG_DATA_DIR"]).mkdir()
            server.start()
        for server in servers:
            await server.wait_ready(http)
        clients = options.clients[0]
        print(f"mag x1:        {' '.join(single.argv[1:])}  (PostgreSQL)")
        print(f"mag x{count}:        {' '.join(several.argv[1:])}  (PostgreSQL, Redis {queue})")
        populations = {}
        for server in servers:
            populations[server.name] = await populate(server, clients, http)
            print(
                f"  {server.name}: {populations[server.name].ready}/{clients} screens"
                f" connected in {populations[server.name].seconds:.0f} s"
            )
            for line in setup_notes(server.name, populations[server.name]):
                print(line)
        sessions = clients // SCREENS
        print(
            f"\nRamp: {sessions} sessions x {SCREENS} screens, {options.step_seconds:g} s per step,"
            f" until p99 delivery > {options.late_ms:.0f} ms (lost deliveries count as late)"
        )
        print(
            "  offered/s  server  achieved/s  delivery ms p50/p99  ack ms p99   lost"
            "  CPU ms/cmd  gen lag ms max cpu  others"
        )
        best = dict.fromkeys(populations, 0.0)
        going = set(populations)
        rate = float(options.start_rate)
        step = 0
        while going and rate <= options.max_rate:
            order = servers if step % 2 == 0 else servers[::-1]
            for server in order:
                # A step that fails is tried once more: one burst of noise from the
                # machine's other programs should not end a server's ramp.
                for attempt in range(2 if server.name in going else 0):
                    busy = await quiet(servers)
                    if busy:
                        print(f"    still busy after 30 s, measured anyway: {busy} of a CPU")
                    window = await measure(
                        server, populations[server.name], options.step_seconds, rate / sessions
                    )
                    p99 = window.delivery(0.99, lost_are_late=True)
                    lags = [ms(lag) for lag in window.lags]
                    print(
                        f"  {rate:9.0f}  {server.name:6}  {window.achieved:10.1f}"
                        f"  {fmt(window.delivery(0.5))} {fmt(p99, 8)}"
                        f"  {fmt(ms(percentile(window.acks, 0.99)), 10)}  {window.lost:5}"
                        f"  {fmt(window.cpu_per_command, 10, 2)}"
                        f"  {fmt(max(lags, default=float('nan')), 10)}"
                        f" {window.generator_cpu:4.0%}  {window.others:5.0%}"
                        + ("  (again)" if attempt else ""),
                        flush=True,
                    )
                    for line in window_notes(server.name, window):
                        print(line)
                    if p99 <= options.late_ms and not window.ack_errors:
                        best[server.name] = max(best[server.name], window.achieved)
                        break
                    if attempt:
                        going.discard(server.name)
            rate *= 2
            step += 1
        print(
            f"  commands per second within {options.late_ms:.0f} ms p99: "
            + ", ".join(f"{name} {value:.0f}/s" for name, value in best.items())
            + f"; x{count}/x1 {ratio(best[several.name], best[single.name])}"
        )
        for population in populations.values():
            await disperse(population)
    finally:
        for server in servers:
            server.stop()
        if redis is not None:
            redis.stop()
        if databases.names:
            databases.drop_all()


# ---------------------------------------------------------------- main


def raise_open_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def levels(text):
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < SCREENS for v in values):
        raise argparse.ArgumentTypeError(f"a comma-separated list of counts, each >= {SCREENS}")
    return values


async def run(options):
    folder = Path(tempfile.mkdtemp(prefix="mag-realtime-load-"))
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=SETUP_CONCURRENCY * 2)
    jar = aiohttp.DummyCookieJar()  # cookies are read from each answer, per person
    try:
        async with aiohttp.ClientSession(
            timeout=timeout, connector=connector, cookie_jar=jar
        ) as http:
            if options.processes:
                await processes_mode(options, http, folder)
            else:
                await compare(options, http, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    # The clients log a line per connection that ends badly; they are counted instead.
    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--clients",
        type=levels,
        default=None,
        help="screens per level, comma-separated (default 150,450,1500,3000; 450 with --processes)",
    )
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="load per server and level (default 30)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating windows the load is cut into (3)"
    )
    parser.add_argument("--processes", type=int, default=0, help="compare mag on N processes")
    parser.add_argument("--postgresql-url", default=None)
    parser.add_argument("--step-seconds", type=float, default=10.0, help="ramp step (default 10)")
    parser.add_argument("--start-rate", type=float, default=5.0, help="commands/s, first step")
    parser.add_argument(
        "--late-ms", type=float, default=100.0, help="p99 delivery that ends the ramp (100)"
    )
    parser.add_argument("--max-rate", type=float, default=960.0, help="commands/s, last step")
    options = parser.parse_args()
    if options.clients is None:
        options.clients = [450] if options.processes else list(LEVELS)
    options.seconds = min(max(options.seconds, 1.0), 600.0)
    options.rounds = min(max(options.rounds, 1), 20)
    options.step_seconds = min(max(options.step_seconds, 1.0), 120.0)
    files = raise_open_files()
    print(
        f"realtime_load: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f},"
        f" open files {files}, Python {sys.version.split()[0]}"
    )
    asyncio.run(run(options))


if __name__ == "__main__":
    main()
