"""The report (or any :class:`~mag.report.paper.Paper`) as a standalone HTML page: one
file, readable offline, printable.

The body is the document's Markdown through the sanitiser (no script, no event
handler, no style attribute); the stylesheet is inline and a Content Security
Policy forbids anything but inline style and ``data:`` images, so the page
fetches nothing and runs nothing wherever it is opened.
"""

import re
from collections.abc import Mapping
from functools import cache
from html import escape
from importlib.resources import files

from flask_babel import get_locale

from mag.report import markdown
from mag.report.document import once_per_material, paper, title_of
from mag.report.material import Material
from mag.report.paper import Paper

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@cache
def stylesheet() -> str:
    return files("mag.report").joinpath("report.css").read_text("utf-8")


@once_per_material
def body(material: Material) -> str:
    """The report as sanitised HTML (:func:`body_of` its paper).

    The HTML, PDF and DOCX exports of one material share it (made once).
    """
    return body_of(paper(material))


def body_of(document: Paper) -> str:
    """A paper's Markdown as sanitised HTML, each annex heading marked with the class
    ``annexe``, its fragments placed at the end of their chapters."""
    html = markdown.render(document.markdown)
    for title in document.annexes:
        text = escape(title, quote=False)
        pattern = re.compile(r'<h2( id="[^"]*")?>' + re.escape(text) + "</h2>")
        html = pattern.sub(lambda m, text=text: _annex(m.group(1), text), html)
    if document.fragments:
        html = with_fragments(html, document.fragments)
    return html


def _annex(id_attribute: str | None, text: str) -> str:
    return f'<h2{id_attribute or ""} class="annexe">{text}</h2>'


def with_fragments(html: str, fragments: Mapping[str, str]) -> str:
    """``html`` with each fragment at the end of the chapter (``h2``) its key names, or at
    the end under a heading of its own when there is no such chapter.

    The fragments are put in as they were written (an SVG keeps its ``viewBox``): only the
    place of each is looked for.
    """
    for title, fragment in fragments.items():
        text = escape(title.strip(), quote=False)
        heading = re.search(r"<h2\b[^>]*>" + re.escape(text) + "</h2>", html)
        if heading is None:
            html = f"{html.rstrip()}\n<h2>{text}</h2>\n{fragment}\n"
            continue
        following = html.find("<h2", heading.end())
        at = len(html) if following < 0 else following
        html = f"{html[:at].rstrip()}\n{fragment}\n{html[at:]}"
    return html


def page(material: Material) -> str:
    return _page(title_of(material), body(material))


def page_of(document: Paper) -> str:
    """A paper as a standalone HTML page."""
    return _page(document.title, body_of(document))


def _page(title: str, body_html: str) -> str:
    locale = get_locale()
    lang = locale.language if locale is not None else "fr"
    return (
        "<!doctype html>\n"
        f'<html lang="{escape(lang)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{stylesheet()}</style>\n"
        "</head>\n"
        "<body>\n"
        f"<main>\n{body_html}\n</main>\n"
        "</body>\n"
        "</html>\n"
    )


def export(material: Material) -> bytes:
    return page(material).encode("utf-8")


def export_paper(document: Paper) -> bytes:
    return page_of(document).encode("utf-8")
