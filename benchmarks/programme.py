"""A programme at the scale of a real action-research: its team's pages and its booklet.

Run: .venv/bin/python benchmarks/programme.py [--fiches 2000] [--sessions 10] [--size 300]

Builds, in a temporary SQLite database, a programme with ``--fiches`` fiches (tagged with
sixteen themes and the three levels) and ``--sessions`` mag-complet sessions of about ``--size``
transcript rows each, played through the real command path (benchmarks/exports.py's ``play``),
and a board of twelve themes gathering their items, the fiches' tags and the team's proposals.
Beside it, in the same run, the reference: a small programme (20 fiches, one session of the
same size, the same twelve themes). Then it times, for both, what the team does: open the
programme's page (the first time, when the sessions' sources are read, then again), filter
it and page through its fiches, open the board, generate the booklet's draft, export the
booklet in each document format (as its job does, here in this process) and the programme's
REFI-QDA project and JSON archive; in CPU milliseconds of this process (the PDF's child
process included) and wall milliseconds, with the size of the answer, and the ratio big /
small.

Prints figures; asserts nothing.
"""

import argparse
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).parent))

from exports import SENTENCES, play  # noqa: E402

from mag import booklets, create_app, cross_analysis, programmes  # noqa: E402
from mag.booklets import BOOKLET_FORMATS  # noqa: E402
from mag.domain.programme import (  # noqa: E402
    BARRIERS,
    CONSEQUENCES,
    REGIONS,
    Warnings,  # noqa: E402
    clean_fiche,
)
from mag.models import SessionRecord  # noqa: E402
from mag.report import programme as report_programme  # noqa: E402

SERVICES = ["CPAS", "Commune", "Mutualité", "SPF Finances", "Banque", "Allocations familiales"]
TAGS = [
    "Accès aux droits", "Rendez-vous en ligne", "Guichets fermés", "Codes et identifiants",
    "Travail invisible", "Responsabilité", "Non-recours", "Coût du numérique", "Langue",
    "Banques", "Énergie", "Logement", "Santé", "Emploi", "Jeunes", "Aînés",
]  # fmt: skip
FUNCTIONS = ["AS en CPAS", "médiatrice numérique", "éducateur de rue", "juriste", "accueil"]
THEMES = 12


def cpu() -> float:
    """This process's CPU seconds and its waited-for children's (the PDF's Typst)."""
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


class Programme:
    """A programme made through its team's pages, filled through the storage functions."""

    def __init__(self, app, title: str) -> None:
        self.app = app
        self.team = app.test_client()
        answer = self.team.post(
            "/programmes",
            data={"title": title, "question": "Que change la numérisation ?",
                  "period_start": "2023-09-01", "period_end": "2025-06-30",
                  "services": "\n".join(SERVICES), "names": "Lambert", "consent": "Aucun nom."},
        )  # fmt: skip
        link = re.search(r'value="(http://[^"]+/programme/[^"]+)"', answer.text).group(1)
        self.id = link.rsplit("/", 2)[-2]
        self.path = f"/programme/{self.id}"
        self.rng = random.Random(14)

    def transaction(self):
        return self.app.extensions["mag"].live.transaction()

    def attach(self, session_id: str) -> None:
        with self.transaction() as db:
            db.execute(
                update(SessionRecord).where(SessionRecord.id == session_id).values(
                    programme_id=self.id)
            )  # fmt: skip

    def file_fiches(self, count: int) -> None:
        rng = self.rng
        with self.transaction() as db:
            form = programmes.open_form(db, self.id)
            for number in range(count):
                fiche = clean_fiche(
                    {"what_happened": " ".join(rng.choice(SENTENCES) for _ in range(3)),
                     "service": rng.choice(SERVICES), "barrier": rng.choice(list(BARRIERS)[:-1]),
                     "public": "une personne âgée",
                     "consequences": rng.sample(list(CONSEQUENCES)[:-1], rng.randint(1, 2)),
                     "action": rng.choice(SENTENCES), "function": rng.choice(FUNCTIONS),
                     "region": rng.choice(list(REGIONS)),
                     "occurred_on": (date(2023, 9, 1) + timedelta(days=number % 600)).isoformat()},
                    services=SERVICES, today=date(2026, 12, 1),
                )  # fmt: skip
                fiche_id = programmes.add_fiche(
                    db, form, fiche, consent_text="Aucun nom.", language="fr", warnings=Warnings()
                )
                programmes.tag_fiche(
                    db, self.id, fiche_id, themes=", ".join(rng.sample(TAGS, rng.randint(1, 2))),
                    levels=rng.sample(["pratique", "institution", "politique"], 1),
                )  # fmt: skip

    def build_themes(self) -> None:
        rng = self.rng
        with self.app.app_context():
            with self.transaction() as db:
                programme = programmes.programme_record(db, self.id)
                board = cross_analysis.programme_board(db, programme)
                from_sessions = [s.key for s in board.sources if s.session_id]
                tags = [s.key for s in board.sources if s.key.startswith("t:")]
            for number in range(THEMES):
                with self.transaction() as db:
                    programme = programmes.programme_record(db, self.id)
                    theme = cross_analysis.add_theme(db, self.id, f"{TAGS[number]} (thème)")
                    keys = rng.sample(from_sessions, min(8, len(from_sessions)))
                    keys += rng.sample(tags, min(2, len(tags)))
                    cross_analysis.add_sources(db, programme, theme, keys)
                    for level in ("pratique", "institution"):
                        cross_analysis.add_proposal(
                            db, self.id, theme, proposal_id=f"prop-{number:04d}-{level}",
                            level=level, text=rng.choice(SENTENCES),
                        )  # fmt: skip


def measure(work: Callable[[], bytes], runs: int) -> tuple[float, float, float, float, int]:
    """First call's CPU and wall ms, then the median of ``runs`` more; the answer's size."""
    start, wall = cpu(), time.perf_counter()
    size = len(work())
    first = ((cpu() - start) * 1000, (time.perf_counter() - wall) * 1000)
    cpus, walls = [], []
    for _ in range(runs):
        start, wall = cpu(), time.perf_counter()
        work()
        cpus.append((cpu() - start) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return (*first, statistics.median(cpus), statistics.median(walls), size)


def page(programme: Programme, path: str) -> Callable[[], bytes]:
    def get() -> bytes:
        answer = programme.team.get(programme.path + path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code}")
        return answer.data

    return get


def in_app(programme: Programme, work: Callable[[], bytes]) -> Callable[[], bytes]:
    def run() -> bytes:
        with programme.app.app_context(), programme.app.test_request_context():
            return work()

    return run


def booklet(programme: Programme, fmt: str) -> Callable[[], bytes]:
    """The booklet's export as its job makes it (here in this process, to be timed)."""
    mag = programme.app.extensions["mag"]
    return in_app(
        programme, lambda: booklets.booklet_export(mag, programme.id, fmt, lambda d, t: None)[0]
    )


def programme_export(programme: Programme, fmt: str) -> Callable[[], bytes]:
    def run() -> bytes:
        with programme.app.extensions["mag"].sessions() as db:
            loaded = report_programme.load(db, programme.id)
        return report_programme.PROGRAMME_FORMATS[fmt].export(loaded)

    return in_app(programme, run)


def tasks(programme: Programme) -> list[tuple[str, Callable[[], bytes]]]:
    return [
        ("programme page", page(programme, "")),
        ("page, filtered by a theme", page(programme, "?theme=Non-recours")),
        ("page 3 of the fiches", page(programme, "?page=3")),
        ("board (analyse croisée)", page(programme, "/analyse")),
        ("booklet page, draft made", page(programme, "/livret?brouillon=1")),
        *((f"booklet export {fmt}", booklet(programme, fmt)) for fmt in BOOKLET_FORMATS),
        *(
            (f"programme export {fmt}", programme_export(programme, fmt))
            for fmt in ("qdpx", "json")
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fiches", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--size", type=int, default=300, help="transcript rows per session")
    parser.add_argument("--runs", type=int, default=5, help="timed calls after the first")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"MAG_DATABASE_URL": f"sqlite:///{folder}/mag.sqlite3", "MAG_DATA_DIR": folder}
        )
        started = time.perf_counter()
        big = Programme(app, "Grand programme")
        small = Programme(app, "Petit programme")
        with app.app_context():
            for number in range(options.sessions):
                session_id = play(app, options.size)
                big.attach(session_id)
                if number == 0:
                    small.attach(play(app, options.size))
        big.file_fiches(options.fiches)
        small.file_fiches(20)
        big.build_themes()
        small.build_themes()
        print(
            f"built in {time.perf_counter() - started:.0f} s: {options.fiches} fiches and"
            f" {options.sessions} sessions of ~{options.size} rows, against 20 fiches and 1"
            f" session; {THEMES} themes each"
        )
        rows = []
        for (name, work_big), (_, work_small) in zip(tasks(big), tasks(small), strict=True):
            rows.append((name, measure(work_big, options.runs), measure(work_small, options.runs)))
        print(
            f"\n{'':28} {'big: first':>18} {'again':>16} {'size':>9}"
            f" {'small: again':>18} {'ratio (CPU)':>12}"
        )
        for name, b, s in rows:
            print(
                f"{name:28} {b[0]:7.0f} / {b[1]:5.0f} ms {b[2]:6.0f} / {b[3]:5.0f} ms"
                f" {b[4] / 1024:7.0f} KB {s[2]:8.0f} / {s[3]:5.0f} ms {b[2] / max(s[2], 0.1):10.1f}x"
            )
        print("(CPU / wall milliseconds; « again »: median of the calls after the first)")
        app.extensions["mag"].engine.dispose()


if __name__ == "__main__":
    main()
