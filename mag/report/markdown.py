"""Markdown in, safe HTML out; and the synthesis cut into sections.

Researchers write the synthesis in Markdown. Whatever it contains (a quote of
a participant who typed ``<script>``, raw HTML pasted by a researcher), the
HTML that any page or export shows goes through an allow-list: known tags and
attributes only, no script, no event handler, no style, links to http(s) and
anchors only.

Text the software writes into Markdown itself (people's words in the draft)
goes through :func:`escape` first, so it reads as typed and is never markup.
"""

import re
from dataclasses import dataclass

import markdown as md
import nh3

from mag.report.folding import slug

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q",
        "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
}
_EXTENSIONS = ["tables", "sane_lists", "attr_list", "toc"]


def render(text: str) -> str:
    """The HTML of Markdown ``text``, sanitised."""
    html = md.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# Markup anywhere in a line, and markup only at its start (headings, lists, quotes).
_INLINE = re.compile(r"([\\`*_{}\[\]|~])")
_LEADING = re.compile(r"^(\d*)([#+>.)=-])")


def escape(text: str) -> str:
    """``text`` (someone's words) as literal Markdown: no markup, no HTML, line breaks kept."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    lines = []
    for line in text.splitlines():
        line = _INLINE.sub(r"\\\1", line.strip())
        if line:
            lines.append(_LEADING.sub(r"\1\\\2", line))
    return "  \n".join(lines)


@dataclass(frozen=True)
class Section:
    """A part of the synthesis under a level-2 heading, which participants comment on."""

    id: str
    title: str
    text: str


_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def sections(text: str) -> list[Section]:
    """Cut ``text`` at its ``##`` headings; what comes before the first is the introduction."""
    found: list[tuple[str, list[str]]] = [("", [])]
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading:
            found.append((heading.group(1), [line]))
        else:
            found[-1][1].append(line)
    result = []
    for index, (title, lines) in enumerate(found):
        body = "\n".join(lines).strip()
        if body:
            result.append(Section(f"s{index}-{_slug(title)}", title, body))
    return result


def _slug(title: str) -> str:
    return slug(title, 40) if title else "introduction"
