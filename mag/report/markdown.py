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
from lxml import html as lxml_html
from lxml.html import HtmlElement

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
    """The HTML of Markdown ``text``, sanitised, every word of it inside a block.

    Nothing typed is lost on the way: the text of an element the allow-list drops
    with its content (MathML, SVG, a script) stays as text, and text left loose
    between blocks (from a raw ``<details>``, say) becomes a paragraph, so that the
    preview, the HTML, the PDF and the DOCX all hold the same words.
    """
    html = md.markdown(_unclosed_as_text(text), extensions=_EXTENSIONS, output_format="html")
    if _DROPPED_WITH_CONTENT.search(html):
        html = _as_text(html)
    return _in_blocks(sanitize(html))


# A line opening an HTML block: Markdown takes all that follows as HTML until it closes.
_BLOCK_OPENING = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9]*)(?=[\s/>])", re.MULTILINE)
_BLOCK_TAGS = frozenset(md.Markdown().block_level_elements) - {"hr"}  # hr never closes


def _unclosed_as_text(text: str) -> str:
    """``text`` with every HTML block opened and never closed shown as text.

    Left as it was, such a block would swallow the Markdown after it (a heading
    would come out as ``## Titre``); escaped, its tag reads as typed and the rest
    stays Markdown.
    """
    unclosed = {
        tag.lower()
        for tag in _BLOCK_OPENING.findall(text)
        if tag.lower() in _BLOCK_TAGS
        and len(re.findall(rf"<{tag}(?=[\s/>])", text, re.IGNORECASE))
        > len(re.findall(rf"</{tag}\s*>", text, re.IGNORECASE))
    }
    if not unclosed:
        return text
    return _BLOCK_OPENING.sub(
        lambda m: (
            m.group(0).replace("<", "&lt;", 1) if m.group(1).lower() in unclosed else m.group(0)
        ),
        text,
    )


# Elements nh3 removes with everything inside them.
_TEXT_ONLY = (
    "math", "svg", "script", "style", "template", "noscript", "title", "textarea",
    "xmp", "noembed", "noframes", "iframe", "object",
)  # fmt: skip
_DROPPED_WITH_CONTENT = re.compile(rf"<({'|'.join(_TEXT_ONLY)})\b", re.IGNORECASE)
_BLOCKS = frozenset(
    {
        "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "li", "ol", "p", "pre", "table", "ul",
    }
)  # fmt: skip


def _fragment(html: str) -> HtmlElement:
    return lxml_html.fragment_fromstring(html, create_parent="div")


def _inner(root: HtmlElement) -> str:
    return lxml_html.tostring(root, encoding="unicode")[len("<div>") : -len("</div>")]


def _as_text(html: str) -> str:
    """``html`` with each element of ``_TEXT_ONLY`` replaced by its text."""
    root = _fragment(html)
    for element in list(root.iter(*_TEXT_ONLY)):
        if not any(a is root for a in element.iterancestors()):
            continue  # inside one replaced already
        parent = element.getparent()
        words = element.text_content() + (element.tail or "")
        before = element.getprevious()
        if before is not None:
            before.tail = (before.tail or "") + words
        else:
            parent.text = (parent.text or "") + words
        parent.remove(element)
    return _inner(root)


def _in_blocks(html: str) -> str:
    """``html`` with text and inline elements at its top level gathered into paragraphs."""
    root = _fragment(html)
    loose = (root.text or "").strip() or any(
        child.tag not in _BLOCKS or (child.tail or "").strip() for child in root
    )
    if not loose:
        return html
    rebuilt = lxml_html.Element("div")
    paragraph = None

    def add_inline(node_or_text) -> None:
        nonlocal paragraph
        if paragraph is None:
            paragraph = lxml_html.Element("p")
            rebuilt.append(paragraph)
        if isinstance(node_or_text, str):
            last = paragraph[-1] if len(paragraph) else None
            if last is not None:
                last.tail = (last.tail or "") + node_or_text
            else:
                paragraph.text = (paragraph.text or "") + node_or_text
        else:
            paragraph.append(node_or_text)

    if (root.text or "").strip():
        add_inline(root.text.lstrip())
    for child in list(root):
        tail, child.tail = child.tail, None
        if child.tag in _BLOCKS:
            paragraph = None
            rebuilt.append(child)
            child.tail = "\n"
        else:
            add_inline(child)
        if tail and tail.strip():
            add_inline(tail if paragraph is not None else tail.lstrip())
    return _inner(rebuilt)


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
