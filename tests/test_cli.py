"""The command line a facilitator uses to list, read and check protocols."""

from click.testing import CliRunner

from mag.cli import main
from mag.domain.protocol import builtin_protocol


def test_protocol_list_names_both_built_in_protocols():
    result = CliRunner().invoke(main, ["protocol", "list"])
    assert result.exit_code == 0
    assert "mag-complet" in result.output and "mag-court" in result.output


def test_protocol_show_lists_the_steps_in_order():
    result = CliRunner().invoke(main, ["protocol", "show", "mag-complet"])
    assert result.exit_code == 0
    titles = [step.title for step in builtin_protocol("mag-complet").steps]
    positions = [result.output.index(title) for title in titles]
    assert positions == sorted(positions)


def test_protocol_show_refuses_an_unknown_name_in_french():
    result = CliRunner().invoke(main, ["protocol", "show", "mag-inconnu"])
    assert result.exit_code != 0
    assert "Protocole inconnu : « mag-inconnu »." in result.output


def test_protocol_check_accepts_a_valid_copy(tmp_path):
    path = tmp_path / "mien.toml"
    path.write_text(builtin_protocol("mag-court").source, "utf-8")
    result = CliRunner().invoke(main, ["protocol", "check", str(path)])
    assert result.exit_code == 0
    assert "protocole valable" in result.output


def test_protocol_check_reports_every_problem_with_step_and_field(tmp_path):
    source = builtin_protocol("mag-court").source
    source = source.replace('kind = "vote"', 'kind = "vot"', 1)
    source = source.replace("duration_minutes = 20", 'duration_minutes = "vingt"', 1)
    path = tmp_path / "casse.toml"
    path.write_text(source, "utf-8")
    result = CliRunner().invoke(main, ["protocol", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(lines) == 2
    assert any("« kind »" in line and "« vot »" in line and "étape" in line for line in lines)
    assert any("« duration_minutes »" in line for line in lines)


def test_protocol_check_reports_a_syntax_error_with_its_line(tmp_path):
    path = tmp_path / "syntaxe.toml"
    path.write_text('[protocol]\nname = "x\n', "utf-8")
    result = CliRunner().invoke(main, ["protocol", "check", str(path)])
    assert result.exit_code == 1
    assert "ligne 2" in result.output


def test_protocol_check_on_a_missing_file_fails_clearly(tmp_path):
    result = CliRunner().invoke(main, ["protocol", "check", str(tmp_path / "absent.toml")])
    assert result.exit_code == 1
    assert "absent.toml" in result.output


def test_protocol_check_names_a_missing_dutch_instruction_by_step_and_field(tmp_path):
    source = builtin_protocol("mag-court").source
    start = source.index("[steps.translations.nl]")
    instructions = source.index("instructions = ", start)
    end = source.index('"""', source.index('"""', instructions) + 3) + 3
    path = tmp_path / "sans-consignes-nl.toml"
    path.write_text(source[:instructions] + source[end:], "utf-8")
    result = CliRunner().invoke(main, ["protocol", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert lines == [
        "  - étape 1 (« convention »), champ « translations.nl.instructions » : traduction "
        "manquante en « nl » : le fichier donne ses textes dans cette langue ailleurs, "
        "donnez-la ici aussi."
    ]
