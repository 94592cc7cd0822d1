"""The report as a standalone HTML page: one file, readable offline, printable.

The body is the report's Markdown through the sanitiser (no script, no event
handler, no style attribute); the stylesheet is inline and a Content Security
Policy forbids anything but inline style and ``data:`` images, so the page
fetches nothing and runs nothing wherever it is opened.
"""

import re
from functools import cache
from html import escape
from importlib.resources import files

from flask_babel import get_locale
from flask_babel import gettext as _

from mag.report import markdown
from mag.report.document import annex_titles, once_per_material, report
from mag.report.material import Material

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@cache
def stylesheet() -> str:
    return files("mag.report").joinpath("report.css").read_text("utf-8")


@once_per_material
def body(material: Material) -> str:
    """The report as sanitised HTML, each annex heading marked with the class ``annexe``.

    The HTML, PDF and DOCX exports of one material share it (made once).
    """
    html = markdown.render(report(material))
    for title in annex_titles():
        text = escape(title, quote=False)
        pattern = re.compile(r'<h2( id="[^"]*")?>' + re.escape(text) + "</h2>")
        html = pattern.sub(lambda m, text=text: _annex(m.group(1), text), html)
    return html


def _annex(id_attribute: str | None, text: str) -> str:
    return f'<h2{id_attribute or ""} class="annexe">{text}</h2>'


def title_of(material: Material) -> str:
    return material.state.title or _("Synthèse")


def page(material: Material) -> str:
    locale = get_locale()
    lang = locale.language if locale is not None else "fr"
    return (
        "<!doctype html>\n"
        f'<html lang="{escape(lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title_of(material))}</title>\n"
        f"<style>\n{stylesheet()}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<main>\n{body(material)}\n</main>\n"
        "</body>\n"
        "</html>\n"
    )


def export(material: Material) -> bytes:
    return page(material).encode("utf-8")
