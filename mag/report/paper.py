"""A document as the document formats print it: Markdown, HTML, PDF and DOCX.

A session's report (:func:`mag.report.document.paper`) and a programme's booklet
(:mod:`mag.report.booklet`) are both a :class:`Paper`: a title, Markdown in which every
person's words are already escaped, and a few facts about the document. The renderers
(``to_markdown``, ``to_html``, ``to_pdf``, ``to_docx``) take a paper, so there is one
HTML rendering, one Typst typesetting and one Word writer for every document mag makes.

``fragments`` are HTML the software itself built (a chart: an SVG and its table, every text
escaped), placed at the end of the level-2 chapter whose heading reads as the key. They are
not sanitised: never put anything there that a person typed without escaping it. When no
heading reads as the key (the team renamed the chapter), the fragment comes at the end of
the document under a heading of its own, so nothing given is ever lost.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Paper:
    title: str
    markdown: str
    created_at: datetime
    changed_at: datetime  # the PDF's timestamp, the DOCX's last modification
    annexes: tuple[str, ...] = ()  # level-2 headings that start on a new page
    fragments: Mapping[str, str] = field(default_factory=dict)  # chapter heading → HTML
