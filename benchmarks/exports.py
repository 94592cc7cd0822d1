"""How long each export takes for a long session: thousands of notes, as in three days.

Run: .venv/bin/python benchmarks/exports.py [--notes 3000]

Plays a session into a temporary SQLite database through the real command path, with
``--notes`` rapporteur notes, then times building the material and each export format
once. Prints figures; asserts nothing.
"""

import argparse
import tempfile
import time

from mag import create_app, services
from mag.domain.protocol import builtin_protocol
from mag.domain.roles import FACILITATOR, Actor, Role
from mag.report.formats import FORMATS, load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=3000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"MAG_DATABASE_URL": f"sqlite:///{folder}/mag.sqlite3", "MAG_DATA_DIR": folder}
        )
        mag = app.extensions["mag"]
        with app.app_context():
            with mag.sessions() as db, db.begin():
                created = services.create_session(
                    db,
                    title="Banc d'essai",
                    question="Combien de temps prennent les exports ?",
                    protocol_source=builtin_protocol("mag-complet").source,
                    planned_dates=[],
                    convention_text="On s'écoute.",
                )
            sid = created.session_id
            ids = (f"bench-{n:08d}" for n in range(10**8))
            for name in ("Awa", "Bruno", "Chloé", "Driss", "Emma"):
                pid, _ = mag.live.join(sid, name, "AS en CPAS")
                mag.live.execute(
                    sid,
                    Actor(Role.PARTICIPANT, pid),
                    "accept_convention",
                    {"version": 1},
                    next(ids),
                )
            mag.live.execute(sid, FACILITATOR, "start_session", {}, next(ids))
            for n in range(options.notes):
                body = f"Note {n} : ce qui se dit dans la salle, gardé pour la synthèse."
                mag.live.execute(
                    sid,
                    FACILITATOR,
                    "add_note",
                    {"contribution_id": next(ids), "body": body},
                    next(ids),
                )
            mag.live.execute(sid, FACILITATOR, "end_session", {}, next(ids))
            start = time.perf_counter()
            with mag.sessions() as db:
                material = load(db, sid)
            print(f"material: {len(material.events)} events in {time.perf_counter() - start:.2f} s")
            for fmt in FORMATS.values():
                start = time.perf_counter()
                size = len(fmt.export(material))
                print(f"{fmt.name:5} {time.perf_counter() - start:6.2f} s  {size / 1024:8.0f} KiB")
        mag.engine.dispose()


if __name__ == "__main__":
    main()
