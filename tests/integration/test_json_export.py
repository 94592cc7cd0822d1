"""The complete JSON export: its schema, `mag export` → `mag import` → `mag export`, bad files."""

import json

import jsonschema
import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from story import material_of, played_session

from mag.cli import main
from mag.config import default_config
from mag.domain.steps import PAYLOADS
from mag.extensions import babel
from mag.models import SessionRecord
from mag.report.to_json import export, schema


@pytest.fixture
def exported(tmp_path) -> bytes:
    app = Flask("export")
    app.config.update(default_config())
    babel.init_app(app, locale_selector=lambda: "fr")
    with app.app_context():
        return export(material_of(played_session()))


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MAG_DATABASE_URL", db_url)
    monkeypatch.setenv("MAG_TIMEZONE", "UTC")
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


def test_the_schema_names_every_event_type():
    assert set(schema()["$defs"]["event"]["properties"]["type"]["enum"]) == set(PAYLOADS)


def test_an_export_follows_its_schema(exported):
    jsonschema.validate(json.loads(exported), schema(), format_checker=jsonschema.FormatChecker())


def test_export_import_export_gives_the_same_document(cli, exported, tmp_path):
    original = tmp_path / "seance.json"
    original.write_bytes(exported)
    imported = cli("import", str(original))
    assert imported.exit_code == 0, imported.output
    session_id = imported.output.strip().splitlines()[-1]
    assert "/animer/" in imported.output  # a new private link to open it

    again = tmp_path / "again.json"
    result = cli("export", session_id, "--format", "json", "-o", str(again))
    assert result.exit_code == 0, result.output
    assert again.read_bytes() == exported


def test_importing_twice_is_refused(cli, exported, tmp_path):
    path = tmp_path / "seance.json"
    path.write_bytes(exported)
    assert cli("import", str(path)).exit_code == 0
    result = cli("import", str(path))
    assert result.exit_code != 0
    assert "existe déjà dans cette installation" in result.output


def _broken(exported: bytes, change) -> bytes:
    document = json.loads(exported)
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(format="autre"), "format"),
        (lambda d: d["events"][3].update(type="inconnu"), "events/3/type"),
        (lambda d: d["events"][5].pop("at"), "events/5"),
        # An edit of a contribution that was never added: the log does not hold together.
        (
            lambda d: d["events"].__setitem__(
                2,
                {
                    **d["events"][2],
                    "type": "contribution_edited",
                    "data": {"contribution_id": "nulle-part"},
                },
            ),
            "KeyError",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_its_reason_and_stores_nothing(
    cli, app, exported, tmp_path, change, reason
):
    path = tmp_path / "abime.json"
    path.write_bytes(_broken(exported, change))
    result = cli("import", str(path))
    assert result.exit_code != 0
    assert "n'est pas une séance exportée par mag" in result.output
    assert reason in result.output
    with app.extensions["mag"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(SessionRecord)) == 0


def test_a_file_that_is_not_json_is_refused(cli, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text("Compte rendu du 1er décembre", "utf-8")
    result = cli("import", str(path))
    assert result.exit_code != 0
    assert "n'est pas une séance exportée par mag" in result.output


def test_export_of_an_unknown_session_says_so(cli):
    result = cli("export", "inconnue", "--format", "json")
    assert result.exit_code != 0
    assert "Cette séance n'existe pas." in result.output
