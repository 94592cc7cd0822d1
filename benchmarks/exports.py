"""How long each export takes for a long session: thousands of contributions, as in three days.

Run: .venv/bin/python benchmarks/exports.py [--sizes 2000 4000] [--live-probe]

For each size, plays a mag-complet session into a temporary SQLite database through the
real command path (``Live.execute``, one transaction per command): twelve participants,
three récits, and a mix of rapporteur notes, stakes, questions, two tours de table of
interpretations, reactions, suggestions for the board, board items linked to
interpretations, theory, hypotheses and perspectives. ``size`` counts the transcript's
rows: contributions, proposals and board items. Then it builds the material once and
times each of the seven export formats once, in CPU seconds (this process's threads and
the child processes it waited for: the PDF is typeset by Typst in a child process) and
wall seconds, with the size of the file.
The Markdown, HTML, PDF and DOCX exports share the report's Markdown and HTML, made once
per material (as when archiving): the first of them to run pays for it.

Before the sessions it exports a small one, so the figures below it do not include what a
process pays once (imports, Fontconfig, the Word template): that cost is printed too.

Prints figures; asserts nothing.
"""

import argparse
import os
import random
import secrets
import socket
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from flask import Flask

from mag import create_app, services
from mag.domain.protocol import StepKind, builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.domain.state import SessionState
from mag.live import Outcome
from mag.report.document import transcript_rows
from mag.report.formats import FORMATS, load
from mag.report.material import Material

T = TypeVar("T")

PEOPLE = [
    ("Awa", "AS en CPAS"),
    ("Bruno", "éducateur de rue"),
    ("Chloé", "médiatrice numérique"),
    ("Driss", "coordinateur de maison de quartier"),
    ("Élodie", "infirmière en santé communautaire"),
    ("François", "juriste en service social"),
    ("Gaëlle", "assistante sociale hospitalière"),
    ("Hugo", "animateur en école de devoirs"),
    ("Inès", "conseillère emploi"),
    ("Jérôme", "agent d'accueil au CPAS"),
    ("Kenza", "éducatrice en AMO"),
    ("Léa", "stagiaire assistante sociale"),
]
RECITS = 3

# Words as people say them: accents, ligatures, apostrophes, guillemets, long and short.
SENTENCES = [
    "Mme L. arrive au guichet avec un courrier qu'elle ne comprend pas.",
    "Le rendez-vous ne se prend plus qu'en ligne ; l'AS l'aide sur son propre téléphone.",
    "On nous demande d'être à la fois travailleurs sociaux et techniciens informatiques.",
    "Le cœur du métier, c'est la relation : la borne ne la remplace pas.",
    "« Je n'ose plus demander », dit-elle, et c'est là que le non-recours commence.",
    "Qui est responsable quand l'aide passe par l'ordinateur de l'assistante sociale ?",
    "Il faudrait un temps reconnu pour l'accompagnement numérique, sans quoi tout déborde.",
    "Les jeunes maîtrisent les réseaux sociaux mais pas les démarches administratives.",
    "L'équipe a dû inventer des procédures que personne n'a validées.",
    "On voit des familles qui renoncent à l'allocation faute de code d'accès.",
    "Le guichet humain rassure ; l'application, elle, ne répond jamais aux questions.",
    "Ça déplace la charge vers les plus fragiles, et vers nous, en bout de chaîne.",
    "Œuvrer avec l'usager, pas à sa place : c'est toute la difficulté.",
    "La formation promise n'a jamais eu lieu, on apprend sur le tas.",
]
THEORY = [
    ("Non-recours", "Warin, P. (2016). Le non-recours aux politiques sociales. PUG."),
    ("Fracture numérique", "Granjon, F. (2022). Classes populaires et usages de l'informatique."),
    ("Travail invisible", "Star, S. L. et Strauss, A. (1999). Layers of silence."),
]
LEVELS = ["pratique", "institution", "politique"]
BOARD_KINDS = ["convergence", "divergence", "noeud"]


@dataclass(frozen=True)
class Budget:
    """How many of each kind a session of ``size`` transcript rows holds, per récit."""

    size: int
    stakes: int = field(init=False)
    questions: int = field(init=False)
    reactions: int = field(init=False)
    suggestions: int = field(init=False)
    board_items: int = field(init=False)
    theory: int = field(init=False)
    hypotheses: int = field(init=False)
    perspectives: int = field(init=False)
    notes: int = field(init=False)

    def __post_init__(self) -> None:
        share = lambda fraction: max(1, round(self.size * fraction / RECITS))  # noqa: E731
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("stakes", share(0.01))
        set_("questions", share(0.18))
        set_("reactions", share(0.02))
        set_("suggestions", share(0.03))
        set_("board_items", share(0.05))
        set_("theory", share(0.02))
        set_("hypotheses", share(0.04))
        set_("perspectives", max(1, round(self.size * 0.04)))
        interpretations = 2 * len(PEOPLE)
        accepted = (self.suggestions + 1) // 2  # every other suggestion becomes a board item
        per_recit = (
            self.stakes
            + self.questions
            + interpretations
            + self.reactions
            + self.suggestions
            + accepted
            + self.board_items
            + self.theory
            + self.hypotheses
        )
        rest = self.size - len(PEOPLE) - RECITS * per_recit - self.perspectives
        set_("notes", max(0, rest // RECITS))


@dataclass
class Room:
    """The session seen from the console: the animateur, the rapporteur and the people."""

    app: Flask
    session_id: str
    rapporteur: Actor
    people: list[str] = field(default_factory=list)  # participant ids
    rng: random.Random = field(default_factory=lambda: random.Random(2026))

    @property
    def live(self):
        return self.app.extensions["mag"].live

    def send(self, actor: Actor, name: str, **args: object) -> Outcome:
        return self.live.execute(self.session_id, actor, name, args, secrets.token_hex(16))

    def steer(self, name: str, **args: object) -> Outcome:
        return self.send(FACILITATOR, name, **args)

    def by(self, participant_id: str, name: str, **args: object) -> Outcome:
        return self.send(Actor(Role.PARTICIPANT, participant_id), name, **args)

    def look(self, reader: Callable[[SessionState], T]) -> T:
        return self.live.read(self.session_id, lambda state, protocol: reader(state))

    def words(self, sentences: int = 0) -> str:
        count = sentences or self.rng.choice((1, 1, 2, 2, 3))
        return " ".join(self.rng.choice(SENTENCES) for _ in range(count))

    def note(self) -> None:
        body = self.words()
        self.send(self.rapporteur, "add_note", contribution_id=secrets.token_hex(16), body=body)

    def contribute(self, participant_id: str | None, **fields: object) -> str:
        contribution_id = secrets.token_hex(16)
        if participant_id is None:
            self.steer("contribute", contribution_id=contribution_id, **fields)
        else:
            self.by(participant_id, "contribute", contribution_id=contribution_id, **fields)
        return contribution_id

    def next(self) -> StepKind:
        self.steer("next_step", from_index=self.look(lambda state: state.step_index))
        return self.kind()

    def kind(self) -> StepKind:
        return self.live.read(
            self.session_id, lambda state, protocol: protocol.steps[state.step_index].kind
        )

    def is_hidden_here(self) -> bool:
        """The current step keeps its contributions hidden and has not revealed them yet."""
        return self.live.read(
            self.session_id,
            lambda state, protocol: (
                protocol.steps[state.step_index].is_hidden and state.place not in state.revealed
            ),
        )

    def others(self, narrator: str) -> list[str]:
        return [p for p in self.people if p != narrator]


def open_session(app: Flask) -> Room:
    """A new session with its rapporteur and twelve participants, started."""
    mag = app.extensions["mag"]
    with mag.sessions() as db, db.begin():
        created = services.create_session(
            db,
            title="Banc d'essai : numérique et travail social",
            question="Qu'est-ce que la numérisation change à l'accompagnement ?",
            protocol_source=builtin_protocol("mag-complet").source,
            planned_dates=["2026-12-01", "2026-12-02", "2026-12-03"],
            convention_text="On s'écoute. Ce qui se dit ici reste ici.",
        )
    sid = created.session_id
    member_id, _secret = mag.live.invite(sid, FACILITATOR, "rapporteur", "Lucie")
    room = Room(app, sid, Actor(Role.RAPPORTEUR, member_id=member_id))
    for name, function in PEOPLE:
        pid, _secret = mag.live.join(sid, name, function)
        room.by(pid, "accept_convention", version=1)
        room.people.append(pid)
    room.steer("start_session")
    return room


def play(app: Flask, size: int) -> str:
    """A whole mag-complet session of about ``size`` transcript rows; returns its id."""
    budget = Budget(size)
    room = open_session(app)
    while room.kind() is not StepKind.PROPOSALS:
        room.next()
    proposals = []
    for number, pid in enumerate(room.people):
        proposal_id = secrets.token_hex(16)
        title = f"{room.words(1)[:60]} ({number + 1})"
        room.by(pid, "submit_proposal", proposal_id=proposal_id, title=title, body=room.words(3))
        proposals.append(proposal_id)
    room.next()  # vote
    for n, pid in enumerate(room.people):
        room.by(pid, "cast_ballot", choices=[proposals[n % RECITS]])
    room.steer("close_vote")
    room.steer("choose_recits", recits=[{"proposal_id": p} for p in proposals[:RECITS]])
    for recit in range(RECITS):
        room.by(room.people[recit], "accept_narration", recit=recit)
    room.next()
    for recit in range(RECITS):
        play_recit(room, budget, room.people[recit])
        if recit + 1 < RECITS:
            room.next()
    if room.next() is not StepKind.PERSPECTIVES:
        raise RuntimeError("mag-complet no longer ends with perspectives: update the benchmark")
    perspectives = [
        room.contribute(
            room.people[n % len(room.people)], body=room.words(), level=room.rng.choice(LEVELS)
        )
        for n in range(budget.perspectives)
    ]
    for n, pid in enumerate(room.people):
        room.by(pid, "support_perspective", contribution_id=perspectives[n % len(perspectives)])
    room.next()  # evaluation
    for pid in room.people:
        answers = {"methode": room.rng.randint(3, 5), "animation": 4, "utile": room.words(1)}
        room.by(pid, "answer_evaluation", answers=answers)
    room.steer("end_session")
    room.send(
        room.rapporteur,
        "set_replacements",
        replacements=[{"find": "Mme L.", "replace": "une usagère"}],
    )
    return room.session_id


def play_recit(room: Room, budget: Budget, narrator: str) -> None:
    """One récit, from its narration to its hypotheses; notes spread over its steps."""
    notes = budget.notes
    others = room.others(narrator)
    rounds: list[list[str]] = []
    items: list[str] = []
    while True:
        kind = room.kind()
        if kind is StepKind.NARRATION:
            for _ in range(budget.notes // 2):
                room.note()
            notes -= budget.notes // 2
        elif kind is StepKind.STAKES:
            for _ in range(budget.stakes):
                room.contribute(narrator, body=room.words())
        elif kind is StepKind.QUESTIONS:
            for n in range(budget.questions):
                question = room.contribute(others[n % len(others)], body=room.words(1))
                if n % 3 == 0:
                    room.steer("mark_question", contribution_id=question, status="answered")
                if n % 4 == 0 and notes > 0:
                    room.note()
                    notes -= 1
        elif kind is StepKind.ROUND:
            rounds.append(play_round(room, rounds[-1] if rounds else []))
            if room.is_hidden_here():
                room.steer("reveal")
        elif kind is StepKind.REACTIONS:
            for _ in range(budget.reactions):
                room.contribute(narrator, body=room.words())
        elif kind is StepKind.ANALYSIS:
            interpretations = [c for r in rounds for c in r]
            for n in range(budget.board_items):
                item_id = secrets.token_hex(16)
                links = room.rng.sample(interpretations, k=min(3, len(interpretations)))
                room.send(
                    room.rapporteur,
                    "add_board_item",
                    item_id=item_id,
                    kind=BOARD_KINDS[n % 3],
                    title=room.words(1)[:80],
                    formulation=room.words(),
                    links=links,
                )
                items.append(item_id)
            for n in range(budget.suggestions):
                suggestion = room.contribute(
                    others[n % len(others)],
                    board_kind=BOARD_KINDS[n % 3],
                    title=room.words(1)[:80],
                    body=room.words(),
                )
                room.send(
                    room.rapporteur,
                    "settle_suggestion",
                    contribution_id=suggestion,
                    decision="accepted" if n % 2 == 0 else "declined",
                    item_id=secrets.token_hex(16),
                )
        elif kind is StepKind.THEORY:
            for n in range(budget.theory):
                title, reference = THEORY[n % len(THEORY)]
                room.contribute(
                    None,
                    title=title,
                    body=room.words(),
                    reference=reference,
                    links=room.rng.sample(items, k=min(2, len(items))),
                )
        elif kind is StepKind.HYPOTHESES:
            for n in range(budget.hypotheses):
                room.contribute(
                    room.people[n % len(room.people)],
                    body=room.words(),
                    links=room.rng.sample(items, k=min(1, len(items))),
                )
            break
        room.next()
    for _ in range(notes):  # what is left, written during the hypotheses
        room.note()


def play_round(room: Room, earlier: list[str]) -> list[str]:
    """A tour de table in the server's order; each answers someone of the first round."""
    room.steer("start_round")
    said = []
    while (speaker := room.look(lambda state: state.current_round.speaker)) is not None:
        replies = [room.rng.choice(earlier)] if earlier else []
        said.append(room.contribute(speaker, body=room.words(), replies_to=replies))
        room.steer("end_turn", speaker=speaker, outcome="spoke")
    return said


# ---------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    name: str
    cpu: float
    wall: float
    size: int


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def time_exports(material: Material) -> list[Timing]:
    timings = []
    for fmt in FORMATS.values():
        wall, cpu = time.perf_counter(), cpu_seconds()
        size = len(fmt.export(material))
        cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
        timings.append(Timing(fmt.name, cpu, wall, size))
    return timings


def print_timings(timings: list[Timing]) -> None:
    print(f"  {'format':7} {'CPU s':>7} {'wall s':>7} {'size':>10}")
    for t in timings:
        print(f"  {t.name:7} {t.cpu:7.2f} {t.wall:7.2f} {t.size / 1024:7.0f} KiB")
    cpu = sum(t.cpu for t in timings)
    wall = sum(t.wall for t in timings)
    size = sum(t.size for t in timings)
    print(f"  {'total':7} {cpu:7.2f} {wall:7.2f} {size / 1024:7.0f} KiB")


def describe(material: Material) -> str:
    kinds = Counter(str(row["kind"]) for row in transcript_rows(material))
    return ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000])
    parser.add_argument(
        "--live-probe",
        action="store_true",
        help="then time live commands on a real mag serve, idle and while a PDF export runs",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"MAG_DATABASE_URL": f"sqlite:///{folder}/mag.sqlite3", "MAG_DATA_DIR": folder}
        )
        mag = app.extensions["mag"]
        with app.app_context():
            small = play(app, 60)
            with mag.sessions() as db:
                material = load(db, small)
            print("first export in this process (imports, fonts, templates), a small session:")
            print_timings(time_exports(material))
            for size in options.sizes:
                start = time.perf_counter()
                sid = play(app, size)
                played = time.perf_counter() - start
                wall, cpu = time.perf_counter(), cpu_seconds()
                with mag.sessions() as db:
                    material = load(db, sid)
                cpu, wall = cpu_seconds() - cpu, time.perf_counter() - wall
                rows = len(transcript_rows(material))
                print(f"\n{size} contributions asked, {rows} transcript rows: {describe(material)}")
                print(
                    f"  played in {played:.1f} s; material: {len(material.events)} events,"
                    f" {cpu:.2f} s CPU, {wall:.2f} s wall"
                )
                print_timings(time_exports(material))
            if options.live_probe:
                live_probe(app, folder, sid)
        mag.engine.dispose()


# ---------------------------------------------------------------- live probe


def live_probe(app: Flask, folder: str, exported: str, commands: int = 60) -> None:
    """A live command's time on a real ``mag serve``, idle and while a PDF export runs.

    Starts ``mag serve`` on this benchmark's database, opens the console of a fresh
    session over a WebSocket and times ``commands`` rapporteur notes (send to
    answer); then starts the PDF export of ``exported`` as the console does (a job)
    and times notes until the PDF is ready.
    """
    import subprocess
    import sys

    import requests
    import socketio

    mag = app.extensions["mag"]
    live_id = open_session(app).session_id
    secrets_of = {}
    with mag.sessions() as db, db.begin():
        for sid in (live_id, exported):
            secrets_of[sid] = services.rotate_facilitator_secret(
                db, services.session_record(db, sid)
            )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MAG_DATA_DIR": folder,
        "MAG_DATABASE_URL": str(app.config["MAG_DATABASE_URL"]),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mag",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-demo",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    http = requests.Session()
    try:
        for _ in range(300):
            try:
                http.get(f"{base}/rejoindre", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        for sid, secret in secrets_of.items():
            http.get(f"{base}/animer/{sid}/{secret}", timeout=10)
        client = socketio.Client()
        client.connect(
            base,
            transports=["websocket"],
            auth={"session": live_id, "role": "animateur"},
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in http.cookies.items())},
        )

        def note() -> float:
            start = time.perf_counter()
            answer = client.call(
                "command",
                {
                    "id": secrets.token_hex(8),
                    "name": "add_note",
                    "args": {"contribution_id": secrets.token_hex(16), "body": "Elle raconte."},
                },
                timeout=30,
            )
            assert answer["ok"], answer
            return time.perf_counter() - start

        idle = [note() for _ in range(commands)]
        job = http.post(f"{base}/animer/{exported}/export/pdf", timeout=30).json()["job"]
        started, during, state = time.perf_counter(), [], job["state"]
        while state not in ("done", "failed"):
            during.append(note())
            time.sleep(0.05)
            state = http.get(f"{base}/animer/{exported}/travaux/{job['id']}", timeout=10).json()[
                "job"
            ]["state"]
        took = time.perf_counter() - started
        client.disconnect()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"\nlive command on mag serve (a rapporteur's note, send to answer), {exported} exported:"
    )
    for label, samples in (
        ("idle", idle),
        (f"while the PDF job ran ({state}, {took:.1f} s)", during),
    ):
        samples = sorted(s * 1000 for s in samples)
        p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
        print(
            f"  {label:40} median {samples[len(samples) // 2]:6.1f} ms   p95 {p95:6.1f} ms"
            f"   max {samples[-1]:6.1f} ms   ({len(samples)} notes)"
        )


if __name__ == "__main__":
    main()
