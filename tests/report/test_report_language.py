"""The report speaks the session's language: its headings, dates, steps and language tags.

One played session, its report language set to French, Dutch or English: the synthesis's
draft and the exports follow it, whatever the language of whoever asks for them. Expected
texts come from the catalogues and the protocol's translations.
"""

import io
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.support import Translations
from docx import Document
from flask_babel import force_locale
from story import material_of, played_session

from mag.dates import REGIONS
from mag.report import synthesis, to_docx, to_html

TRANSLATIONS = Path(__file__).resolve().parents[2] / "mag" / "translations"


def in_(language: str, message: str) -> str:
    return (
        message
        if language == "fr"
        else Translations.load(str(TRANSLATIONS), [language]).gettext(message)
    )


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_the_report_follows_the_sessions_language(app_context, language):
    story = played_session()
    story.steer("change_settings", language=language)
    assert story.state.settings.language == language
    with force_locale(language):  # as the export jobs do, with the session's language
        material = material_of(story)
        draft = synthesis.draft(material)
        html = to_html.export(material).decode("utf-8")
        docx = Document(io.BytesIO(to_docx.export(material)))

    assert f"## {in_(language, 'Note de méthode')}" in draft
    planned = format_date(date(2026, 12, 1), "short", locale=REGIONS[language])
    assert planned in draft
    protocol = story.protocol.translated(language)
    assert protocol.title in draft
    assert protocol.steps[0].title in draft  # the method note's table of steps
    assert f'<html lang="{language}">' in html
    assert in_(language, "Annexe : transcription") in html
    assert docx.core_properties.language.startswith(f"{language}-")
    if language != "fr":
        assert "Note de méthode" not in draft and story.protocol.steps[0].title not in draft
