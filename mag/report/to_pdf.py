"""The report (or any :class:`~mag.report.paper.Paper`) as a PDF, typeset by Typst from its
sanitised HTML.

Walking the HTML (as the DOCX export does) means the PDF shows exactly what the other
documents show, and nothing the sanitiser removed. Each HTML element becomes a call in
a Typst code block: headings, paragraphs, lists, quotes, tables, links, the transcript's
anchors. Every text is a Typst string literal, escaped here, so whatever somebody typed
(``#``, ``[``, ``<script>``, a Typst function call) is set as characters and never read
as markup or code.

Typst (the ``typst`` wheel bundles its compiler) runs in a child process: A4 pages
numbered « 3 / 120 », fonts embedded (subsets), a PDF outline of the headings, and a
named destination per ``id`` (``report.pdf#c-<id>`` opens a transcript entry, as
``report.html#c-<id>`` does). Typst only makes named destinations for labelled
headings, so each anchor is an empty heading that shows nothing and stays out of the
outline. The document imports no package and reads no file: its project root is an
empty temporary folder, so typesetting never reaches the network or the disk whatever
the text contains.

Why Typst rather than WeasyPrint, which printed the HTML page before: for a session of
2,000 contributions (about 300 pages) WeasyPrint's layout and drawing took 25 to 30 s
of CPU whatever the stylesheet; Typst typesets the same report in under 2 s.
"""

import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator

from flask_babel import get_locale
from lxml import html as lxml_html
from lxml.html import HtmlElement

from mag.report.material import Material
from mag.report.paper import Paper
from mag.report.to_html import body, body_of, title_of

# The look of report.css, in Typst: serif text, sans-serif headings, A4.
PREAMBLE = """\
#set document(title: TITLE)
#set page(
  paper: "a4",
  margin: (x: 2cm, top: 2cm, bottom: 2.2cm),
  numbering: "1 / 1",
  footer: context align(center, text(
    font: ("DejaVu Sans", "Libertinus Serif"), size: 9pt, fill: rgb("#555"),
    counter(page).display("1 / 1", both: true),
  )),
)
#set text(
  font: ("DejaVu Serif", "Libertinus Serif"), size: 10.5pt, lang: LANG,
  fill: rgb("#1a1a1a"), hyphenate: false,
)
#set par(leading: 0.75em, spacing: 1.2em)
#show heading: set text(font: ("DejaVu Sans", "Libertinus Serif"), weight: "bold")
#show heading: set block(above: 1.6em, below: 0.8em)
#show heading.where(level: 1): set text(size: 20pt)
#show heading.where(level: 1): set block(above: 0pt)
#show heading.where(level: 2): set text(size: 15pt)
#show heading.where(level: 2): it => block(
  width: 100%, inset: (bottom: 0.3em), stroke: (bottom: 0.5pt + rgb("#999")), it.body,
)
#show heading.where(level: 3): set text(size: 12.5pt)
#show heading.where(level: 4): set text(size: 11pt)
#show heading.where(level: 5): set text(size: 10.5pt)
#show heading.where(level: 6): set text(size: 10pt)
#show heading.where(bookmarked: false): none
#show raw: set text(font: "DejaVu Sans Mono", size: 0.9em)
#set list(spacing: 0.95em, indent: 1em, body-indent: 0.5em)
#set enum(spacing: 0.95em, indent: 1em, body-indent: 0.5em)
#set table(
  stroke: 0.5pt + rgb("#bbb"), inset: (x: 0.5em, y: 0.35em), align: left + top,
)
#show table: set text(size: 9.5pt)
#let anchor = heading.with(level: 6, outlined: false, bookmarked: false)
#let quoted(body) = block(
  inset: (left: 1em, y: 0.2em), stroke: (left: 2pt + rgb("#999")), text(fill: rgb("#333"), body),
)
#let header(..cells) = table.header(..cells.pos().map(c => table.cell(fill: rgb("#eee"), c)))
"""

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Tables of up to this many rows are never split across two pages.
_UNSPLIT_ROWS = 12
_BLOCKS = frozenset(
    {
        "p", "ul", "ol", "table", "blockquote", "pre", "hr", "div", "dl", "dt", "dd",
        "figure", "figcaption", *_HEADINGS,
    }
)  # fmt: skip
_INLINE = {
    "strong": "strong",
    "b": "strong",
    "em": "emph",
    "i": "emph",
    "u": "underline",
    "ins": "underline",
    "s": "strike",
    "del": "strike",
    "sup": "super",
    "sub": "sub",
}
_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TO_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_LINK = re.compile("\x00([0-9]+)\x00")  # a link to an id, until every label is known


def string(text: str) -> str:
    """``text`` as a Typst string literal: whatever it holds stays characters."""
    return '"' + _TO_ESCAPE.sub(_escape_one, text) + '"'


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def _tag(node: HtmlElement) -> str:
    return node.tag if isinstance(node.tag, str) else ""


class Typesetter:
    """Writes the report's HTML as Typst code: one expression per block.

    Every ``id`` becomes a label (on its heading, or an anchor before the element);
    a link to one of them is written once all the labels are known, and stays plain
    text when its target is not in the document.
    """

    def __init__(self, images: list[str] | None = None) -> None:
        self.images = images or []  # SVG documents, named by their index (see lift_svgs)
        self.labels: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (target id, the link's content)
        self.after_space = True  # white space here would be collapsed (see text())

    def document(self, root: HtmlElement) -> str:
        code = "\n".join(self.blocks(root))
        return _LINK.sub(self._resolve, code)

    def _resolve(self, match: re.Match[str]) -> str:
        target, inner = self.links[int(match.group(1))]
        inner = _LINK.sub(self._resolve, inner)
        return f"link(label({string(target)}),{inner})" if target in self.labels else inner

    # -------------------------------------------------------------- blocks

    def blocks(self, node: HtmlElement) -> Iterator[str]:
        """The block children of ``node``; loose text and inline runs become paragraphs."""
        self.after_space = True
        run: list[str] = []
        if node.text:
            run.append(self.text(node.text))
        for child in node:
            tag = _tag(child)
            if tag in _BLOCKS:
                yield from self.paragraph(run)
                run = []
                yield from self.block(child)
            elif tag:
                run.append(self.inline(child))
            if child.tail:
                run.append(self.text(child.tail))
        yield from self.paragraph(run)

    def paragraph(self, run: list[str]) -> Iterator[str]:
        parts = _trimmed(run)
        if parts:
            yield _group(parts) + ";parbreak()"

    def block(self, node: HtmlElement) -> Iterator[str]:
        self.after_space = True
        yield from self._block(node)
        self.after_space = True

    def _block(self, node: HtmlElement) -> Iterator[str]:
        tag = _tag(node)
        if tag in _HEADINGS:
            if "annexe" in (node.get("class") or "").split():
                yield "pagebreak(weak:true)"
            heading = f"heading(level:{_HEADINGS[tag]},{self.content(node)})"
            yield self.labelled(heading, node.get("id"))
            return
        yield self.anchor(node.get("id"))
        if tag == "p":
            yield self.content(node) + ";parbreak()"
        elif tag in ("ul", "ol"):
            yield self.list(node)
        elif tag == "table":
            yield self.table(node)
        elif tag == "blockquote":
            yield f"quoted({_group(self.blocks(node))})"
        elif tag == "pre":
            yield f"raw(block:true,{string(node.text_content())})"
        elif tag == "hr":
            yield 'line(length:100%,stroke:0.5pt+rgb("#999"))'
        elif tag == "dt":
            yield f"strong({self.content(node)});parbreak()"
        elif tag == "dd":
            yield f"pad(left:1.5em,{_group(self.blocks(node))})"
        elif tag == "figcaption":
            yield f"emph({self.content(node)});parbreak()"
        elif tag == "div" and node.get(_SVG_ATTRIBUTE, "").isdigit():
            yield self.image(int(node.get(_SVG_ATTRIBUTE)))
        elif tag == "figure":
            yield f"block(breakable:false,width:100%,{_group(self.blocks(node))})"
        else:  # div, dl
            yield from self.blocks(node)

    def labelled(self, expression: str, node_id: str | None) -> str:
        """``expression`` with the label ``node_id`` (each label is given once)."""
        if not node_id or node_id in self.labels:
            return expression
        self.labels.add(node_id)
        return f"[#{expression}#label({string(node_id)})]"

    def anchor(self, node_id: str | None) -> str:
        """A place to link to: an empty heading, hidden, the one element Typst makes a
        PDF named destination for."""
        if not node_id or node_id in self.labels:
            return ""
        return self.labelled("anchor([])", node_id)

    def image(self, index: int) -> str:
        """An SVG of the document's fragments (a chart), drawn by Typst as an image."""
        if index >= len(self.images):
            return ""
        return f'image(bytes({string(self.images[index])}),format:"svg",width:100%)'

    def list(self, node: HtmlElement) -> str:
        items = [
            _group([self.anchor(entry.get("id")), *self.blocks(entry)])
            for entry in node
            if _tag(entry) == "li"
        ]
        function = "enum" if node.tag == "ol" else "list"
        return f"{function}({','.join(items)})"

    def table(self, node: HtmlElement) -> str:
        rows = [tr for tr in node.iter("tr")]
        grid = [[c for c in tr if _tag(c) in ("td", "th")] for tr in rows]
        width = max((sum(_span(c, "colspan") for c in cells) for cells in grid), default=0)
        # The ids of the table's own parts (tbody, tr…) as anchors before it.
        anchors = [self.anchor(n.get("id")) for n in node.iter("thead", "tbody", "tfoot", "tr")]
        if width == 0:
            return _group(anchors)
        has_rowspan = any(_span(c, "rowspan") > 1 for cells in grid for c in cells)
        out = []
        for tr, cells in zip(rows, grid, strict=True):
            written = [self.cell(c) for c in cells]
            if not has_rowspan:  # a short row would pull the next row's cells into it
                missing = width - sum(_span(c, "colspan") for c in cells)
                written += ["[]"] * missing
            parent = tr.getparent()
            is_header = (parent is not None and parent.tag == "thead") or (
                cells and all(c.tag == "th" for c in cells)
            )
            if is_header and not out:
                out.append("header(" + ",".join(written) + ")")
            else:
                out.extend(written)
        table = f"table(columns:{width},{','.join(out)})"
        if len(rows) <= _UNSPLIT_ROWS:  # a short table stays on one page, no lone row
            table = f"block(breakable:false,{table})"
        return _group([*anchors, table])

    def cell(self, node: HtmlElement) -> str:
        content = _group([self.anchor(node.get("id")), *self.blocks(node)])
        colspan, rowspan = _span(node, "colspan"), _span(node, "rowspan")
        if node.tag == "th":
            content = f"strong({content})"
        if colspan > 1 or rowspan > 1:
            return f"table.cell(colspan:{colspan},rowspan:{rowspan},{content})"
        return content

    # -------------------------------------------------------------- inline

    def content(self, node: HtmlElement) -> str:
        """The inline content of ``node`` as one Typst expression (blocks inside skipped)."""
        return _group(_trimmed(self._parts(node, keep_blocks=False)))

    def inline(self, node: HtmlElement) -> str:
        tag = _tag(node)
        anchor = self.anchor(node.get("id"))
        if tag == "br":
            expression = "linebreak()"
            self.after_space = True
        elif tag == "code":
            expression = f"raw({string(node.text_content())})"
            self.after_space = False
        elif tag == "a":
            expression = self.link(node)
        elif tag in _INLINE:
            expression = f"{_INLINE[tag]}({self.inner(node)})"
        elif tag == "q":
            expression = f"quote({self.inner(node)})"
        elif tag == "small":
            expression = f"text(size:0.85em,{self.inner(node)})"
        else:  # span, abbr and any other inline element: their content
            expression = self.inner(node)
        return f"{anchor};{expression}" if anchor else expression

    def inner(self, node: HtmlElement) -> str:
        """The content of an inline element (the words of a block inside it kept)."""
        return _group(self._parts(node, keep_blocks=True))

    def _parts(self, node: HtmlElement, *, keep_blocks: bool) -> "list[str]":
        parts = []
        if node.text:
            parts.append(self.text(node.text))
        for child in node:
            tag = _tag(child)
            if tag and tag not in _BLOCKS:
                parts.append(self.inline(child))
            elif tag and keep_blocks:
                parts.append(self.text(" " + child.text_content() + " "))
            if child.tail:
                parts.append(self.text(child.tail))
        return parts

    def link(self, node: HtmlElement) -> str:
        inner = self.inner(node)
        href = node.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            self.links.append((href[1:], inner))
            return f"\x00{len(self.links) - 1}\x00"  # resolved in document()
        if href.startswith(("http://", "https://", "mailto:")):
            return f"link({string(href)},{inner})"
        return inner

    def text(self, text: str) -> str:
        """Text as a browser shows it: white space collapsed to one space, across elements
        too, and none at the start of a line."""
        text = _SPACE.sub(" ", text)
        if self.after_space:
            text = text.lstrip(" ")
        if not text:
            return ""
        self.after_space = text.endswith(" ")
        return string(text)


def _group(parts) -> str:
    """Typst expressions joined as one content value (``[]`` when there are none)."""
    parts = [p for p in parts if p]
    return "{" + ";".join(parts) + "}" if parts else "[]"


def _trimmed(parts: list[str]) -> list[str]:
    """No space at the start or the end of a paragraph, as a browser lays it out."""
    parts = [p for p in parts if p]
    while parts and parts[0] in ('" "', '""'):
        parts.pop(0)
    while parts and parts[-1] in ('" "', '""'):
        parts.pop()
    if parts and parts[0].startswith('" '):
        parts[0] = '"' + parts[0][2:]
    if parts and parts[-1].endswith(' "'):  # a space is never part of an escape
        parts[-1] = parts[-1][:-2] + '"'
    return parts


def _span(node: HtmlElement, name: str) -> int:
    value = node.get(name) or "1"
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def source(material: Material) -> str:
    """The Typst document of the report."""
    return _source(title_of(material), body(material))


def source_of(document: Paper) -> str:
    """The Typst document of a paper: its fragments' SVG charts drawn as images."""
    html, images = lift_svgs(body_of(document))
    return _source(document.title, html, images)


def _source(title: str, html: str, images: list[str] | None = None) -> str:
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    locale = get_locale()
    lang = locale.language if locale is not None else "fr"
    preamble = PREAMBLE.replace("TITLE", string(title)).replace("LANG", string(lang))
    return f"{preamble}#{{\n{Typesetter(images).document(root)}\n}}\n"


# An SVG of a fragment, taken out of the HTML before lxml's HTML parser reads it (which
# would lower the case of ``viewBox``), and put back as an image by the Typesetter.
_SVG = re.compile(r"<svg\b.*?</svg\s*>", re.DOTALL | re.IGNORECASE)
_SVG_ATTRIBUTE = "data-mag-svg"
_SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'


def lift_svgs(html: str) -> tuple[str, list[str]]:
    """``html`` with each ``<svg>`` replaced by a placeholder, and those SVG documents.

    Only fragments hold SVG: the sanitiser removes it from anything written in Markdown.
    """
    images: list[str] = []

    def lift(match: re.Match[str]) -> str:
        svg = match.group(0)
        if "xmlns=" not in svg.split(">", 1)[0]:
            svg = svg.replace("<svg", f"<svg {_SVG_NAMESPACE}", 1)
        images.append(svg)
        return f'<div {_SVG_ATTRIBUTE}="{len(images) - 1}"></div>'

    return _SVG.sub(lift, html), images


# Run by a child Python: the Typst document on stdin, the PDF on stdout.
_COMPILE = """\
import sys, typst
root, timestamp = sys.argv[1], int(sys.argv[2])
sys.stdout.buffer.write(typst.compile(
    sys.stdin.buffer.read(), format="pdf", root=root, package_path=root,
    package_cache_path=root, timestamp=timestamp,
))
"""
_TIMEOUT_SECONDS = 600


def compile_pdf(document: bytes, timestamp: int) -> bytes:
    """The PDF of the Typst ``document``, made by Typst in a child process.

    Typst memoises its work for the whole process, and the typst wheel only trims that
    cache to what the last ten compilations used: about 180 MB each for a report of
    2,000 contributions, which a server would keep for good. A child process takes its
    memory with it when it ends, and a crash or a runaway document stops there too. It
    costs a few hundredths of a second of CPU (starting Python, loading Typst). The
    child's project root is an empty temporary folder and it has no package folder:
    Typst can read no file and fetch nothing.
    """
    with tempfile.TemporaryDirectory(prefix="mag-pdf-") as empty:
        done = subprocess.run(
            [sys.executable, "-I", "-c", _COMPILE, empty, str(timestamp)],
            input=document,
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise RuntimeError(f"Typst could not typeset the report:\n{error}")
    return done.stdout


def export(material: Material) -> bytes:
    at = material.last_changed
    return compile_pdf(source(material).encode("utf-8"), int(at.timestamp()))


def export_paper(document: Paper) -> bytes:
    return compile_pdf(source_of(document).encode("utf-8"), int(document.changed_at.timestamp()))
