"""A kind of step brought by a module, played in browsers: its screens come from its own file.

The server registers ``tests/kinds/silence.py`` before it starts (as
``mag/domain/steps/__init__.py`` would); the browsers fetch its screens at
``/static/js/kinds/silence.js``, where the test serves ``tests/kinds/silence.js``.
Nothing else of mag knows the « minute de silence ».
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from kinds import court_with_silence
from playwright.sync_api import expect
from servers import Server

TESTS = Path(__file__).resolve().parents[1]
REGISTER_SILENCE = (
    "from mag.domain import steps; from kinds import silence; steps.register(silence); "
    "from mag.__main__ import main; main()"
)


@pytest.fixture(scope="module")
def silence_server(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("silence-server")
    env = {
        **os.environ,
        "MAG_DATABASE_URL": f"sqlite:///{data_dir / 'mag.sqlite3'}",
        "MAG_DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
    }
    server = Server(env, data_dir / "server.log", launcher=["-c", REGISTER_SILENCE]).start()
    yield server.url
    server.stop()
    server.wait()
    output = server.output()
    assert not re.search(r"Traceback|\[ERROR\]", output), output


@pytest.fixture
def people(people_at, silence_server):
    open_ = people_at(silence_server)

    def open_with_the_kinds_screens(name: str):
        person = open_(name)
        person.context.route(
            "**/static/js/kinds/silence.js",
            lambda route: route.fulfill(
                path=TESTS / "kinds" / "silence.js", content_type="text/javascript"
            ),
        )
        return person

    return open_with_the_kinds_screens


def test_a_kind_of_step_from_a_module_has_its_screens(people, tmp_path):
    protocol = tmp_path / "silence.toml"
    protocol.write_text(court_with_silence(), "utf-8")
    animateur = people("Animateur")
    console = animateur.goto("/")
    console.get_by_label("Titre de la séance").fill("Séance avec une minute de silence")
    console.get_by_label("Question ou thème").fill("Que change le silence ?")
    console.get_by_label("Ou votre propre fichier de protocole (TOML)").set_input_files(protocol)
    console.get_by_role("button", name="Créer la séance").click()
    code = console.get_by_label("puis tapez le code de la séance").input_value().strip()
    console.get_by_role("link", name="Ouvrir la console d'animation").click()

    awa = people("Awa")
    awa.join(code, "Awa", "assistante sociale")
    awa.accept_convention()
    console.get_by_role("button", name="Démarrer la séance").click()
    console.get_by_role("button", name="Étape suivante").click()
    expect(animateur.step_heading()).to_have_text("0.3 · Minute de silence")

    phone = awa.page
    expect(awa.step_heading()).to_have_text("0.3 · Minute de silence")
    screen = phone.get_by_role("region", name="Minute de silence", exact=True)
    expect(screen).to_contain_text("Une minute de silence, ensemble, va commencer.")
    expect(phone.get_by_text("Écoutez : à cette étape, vous n'avez rien à écrire.")).to_be_visible()

    panel = console.get_by_role("region", name="Minute de silence", exact=True)
    panel.get_by_role("button", name="Observer la minute de silence").click()
    expect(panel).to_contain_text("La minute de silence a été observée.")
    expect(panel.get_by_role("button", name="Observer la minute de silence")).to_be_hidden()
    expect(screen).to_contain_text("La minute de silence a été observée.")  # the live event

    phone = awa.come_back()  # the snapshot says so too
    expect(phone.get_by_role("region", name="Minute de silence", exact=True)).to_contain_text(
        "La minute de silence a été observée."
    )
    console.get_by_role("button", name="Étape suivante").click()
    expect(phone.get_by_role("region", name="Minute de silence", exact=True)).to_be_hidden()
