"""Every interface string goes through Flask-Babel, so Dutch and English can follow."""

import io
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def extracted_messages(tmp_path) -> str:
    output = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-o", str(output), str(ROOT)]
    )
    return output.read_text("utf-8")


def test_extraction_collects_templates_edges_domain_and_script_messages(tmp_path):
    catalogue = extracted_messages(tmp_path)
    for message in (
        'msgid "Démarrer la séance"',  # a template
        "msgid \"Seule l'équipe d'animation peut faire cela.\"",  # the domain, marked with N_
        'msgid "Requête mal formée."',  # the Socket.IO edge
        'msgid "Envoyer ma proposition"',  # a message of the browser scripts
        'msgid "Lien d\'animation non valable"',  # a page handler
    ):
        assert message in catalogue


def test_templates_hold_no_bare_text():
    """Outside Jinja expressions, tags and attributes, a template contains no words."""
    offenders = []
    for template in sorted((ROOT / "templates").glob("*.html")):
        source = template.read_text("utf-8")
        source = re.sub(r"{% block body_class %}[\w-]*{% endblock %}", " ", source)  # a CSS class
        source = re.sub(r"{#.*?#}|{{.*?}}|{%.*?%}", " ", source, flags=re.S)
        source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", source)
        words = [w for w in re.findall(r"[^\W\d_]{2,}", text) if w not in {"html"}]
        if words:
            offenders.append(f"{template.name}: {' '.join(words[:8])}")
    assert offenders == []


def test_scripts_show_no_french_of_their_own():
    """The browser scripts take every sentence from the translated messages (t/tn)."""
    offenders = []
    for script in sorted((ROOT / "static" / "js").rglob("*.js")):
        for number, line in enumerate(script.read_text("utf-8").splitlines(), 1):
            if line.strip().startswith("//"):
                continue
            for literal in re.findall(r'"([^"]*)"|`([^`]*)`', line):
                value = "".join(literal)
                if re.search(r"[àâçéèêëîïôûùüÿœ]", value, re.I):
                    offenders.append(f"{script.name}:{number}: {value}")
    assert offenders == []


def test_every_message_a_script_asks_for_exists(app):
    """A key missing from the messages would show the raw key on screen."""
    from mag.web.i18n_client import client_messages

    with app.test_request_context("/"):
        messages = client_messages()
    missing = []
    for script in sorted((ROOT / "static" / "js").rglob("*.js")):
        text = script.read_text("utf-8")
        for key in re.findall(r'\bt\(\s*"(\w+)"', text):
            if key not in messages:
                missing.append(f"{script.name}: {key}")
        for key in re.findall(r'\btn\(\s*"(\w+)"', text):
            if f"{key}_one" not in messages or f"{key}_other" not in messages:
                missing.append(f"{script.name}: {key}_one/_other")
    assert missing == []


LANGUAGES = ("nl", "en")


def catalogue(language: str):
    path = ROOT / "mag" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        return read_po(file)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(tmp_path, language):
    """Every message the code and templates hold, translated, not fuzzy, as Babel checks."""
    extracted = {m.id for m in read_po(io.StringIO(extracted_messages(tmp_path))) if m.id}
    translated = catalogue(language)
    assert sorted(str(i) for i in extracted - {m.id for m in translated if m.id}) == []
    untranslated = [
        m.id
        for m in translated
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []
    problems = [(m.id, str(error)) for m in translated if m.id for error in m.check(translated)]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_translated_one(language):
    """messages.mo (what the server reads) was compiled from messages.po as it is."""
    path = ROOT / "mag" / "translations" / language / "LC_MESSAGES" / "messages.mo"

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    with path.open("rb") as file:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(file) if m.id}
    written = {plain(m.id): plain(m.string) for m in catalogue(language) if m.id}
    assert compiled == written, "run: pybabel compile -d mag/translations"
