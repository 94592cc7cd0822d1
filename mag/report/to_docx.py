"""The report as a Word document, built from the sanitised HTML of the report.

Walking the HTML (not the Markdown) means the DOCX shows exactly what the
other documents show, and nothing the sanitiser removed. Structure becomes
real Word structure, so researchers can restyle it and navigate it: headings
use the Heading styles, lists the List Bullet / List Number styles (nested
levels included), quotes the Quote style, tables are Word tables with a bold,
repeated header row. Every text is set as plain run text: whatever a
participant typed (a ``<script>`` tag included) stays literal characters.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html
from lxml.html import HtmlElement

from mag.report.material import Material
from mag.report.to_html import body, title_of

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    {"p", "ul", "ol", "table", "blockquote", "pre", "hr", "div", "dl", "dt", "dd", *_HEADINGS}
)
_MAX_LIST_LEVEL = 3
_MONOSPACE = "DejaVu Sans Mono"


@dataclass(frozen=True)
class Look:
    """The formatting of a stretch of text."""

    bold: bool = False
    italic: bool = False
    code: bool = False
    underline: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False


_INLINE_LOOKS = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "th": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "code": {"code": True},
    "u": {"underline": True},
    "ins": {"underline": True},
    "s": {"strike": True},
    "del": {"strike": True},
    "sup": {"superscript": True},
    "sub": {"subscript": True},
}

_BREAK = object()


def _pieces(node: HtmlElement, look: Look, keep_space: bool = False) -> Iterator[object]:
    """The inline content of ``node``: (text, look) pairs and line breaks, blocks skipped."""
    if node.text:
        yield (node.text, look)
    for child in node:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            yield _BREAK
        elif tag in _BLOCKS:
            pass  # written as blocks of their own by the caller
        elif tag:
            yield from _pieces(child, replace(look, **_INLINE_LOOKS.get(tag, {})), keep_space)
        if child.tail:
            yield (child.tail, look)


def _write_inline(paragraph: Paragraph, pieces: list[object], keep_space: bool = False) -> None:
    """Runs for ``pieces``, white space collapsed as a browser would (except in ``pre``)."""
    at_line_start = not paragraph.text
    chunks: list[object] = []
    for piece in pieces:
        if piece is _BREAK:
            chunks.append(_BREAK)
            at_line_start = True
            continue
        text, look = piece  # type: ignore[misc]
        if not keep_space:
            text = re.sub(r"\s+", " ", text)
            if at_line_start:
                text = text.lstrip()
        if text:
            chunks.append((text, look))
            at_line_start = False
    # No trailing space before a break or at the end of the paragraph.
    for index, chunk in enumerate(chunks):
        following = chunks[index + 1] if index + 1 < len(chunks) else _BREAK
        if chunk is not _BREAK and following is _BREAK and not keep_space:
            text, look = chunk  # type: ignore[misc]
            chunks[index] = (text.rstrip(), look)
    for chunk in chunks:
        if chunk is _BREAK:
            run = paragraph.runs[-1] if paragraph.runs else paragraph.add_run()
            run.add_break(WD_BREAK.LINE)
            continue
        text, look = chunk  # type: ignore[misc]
        if not text:
            continue
        run = paragraph.add_run(text)
        run.bold = look.bold or None
        run.italic = look.italic or None
        if look.underline:
            run.underline = True
        if look.strike:
            run.font.strike = True
        if look.superscript:
            run.font.superscript = True
        if look.subscript:
            run.font.subscript = True
        if look.code:
            run.font.name = _MONOSPACE


def _has_inline_content(node: HtmlElement) -> bool:
    return any(piece is _BREAK or piece[0].strip() for piece in _pieces(node, Look()))  # type: ignore[index]


class Writer:
    """Writes HTML blocks into a python-docx document (or a table cell)."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document

    # -------------------------------------------------------------- blocks

    def blocks(self, parent, node: HtmlElement, quote: bool = False) -> None:
        """Write the block children of ``node``; loose text becomes a paragraph."""
        if node.text and node.text.strip():
            self.paragraph(parent, node, "Quote" if quote else None, only_text=True)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag:
                self.block(parent, child, quote)
            if child.tail and child.tail.strip():
                paragraph = parent.add_paragraph(style="Quote" if quote else None)
                _write_inline(paragraph, [(child.tail, Look())])

    def block(self, parent, node: HtmlElement, quote: bool = False) -> None:
        tag = node.tag
        if tag in _HEADINGS:
            paragraph = parent.add_paragraph(style=f"Heading {_HEADINGS[tag]}")
            _write_inline(paragraph, list(_pieces(node, Look())))
            if "annexe" in (node.get("class") or "").split():
                paragraph.paragraph_format.page_break_before = True
        elif tag == "p":
            self.paragraph(parent, node, "Quote" if quote else None)
        elif tag in ("ul", "ol"):
            self.list(parent, node, 1)
        elif tag == "table":
            self.table(parent, node)
        elif tag == "blockquote":
            self.blocks(parent, node, quote=True)
        elif tag == "pre":
            paragraph = parent.add_paragraph(style="No Spacing")
            _write_inline(paragraph, list(_pieces(node, Look(code=True))), keep_space=True)
        elif tag == "hr":
            parent.add_paragraph()
        elif tag == "dt":
            paragraph = parent.add_paragraph()
            _write_inline(paragraph, list(_pieces(node, Look(bold=True))))
        elif tag == "dd":
            paragraph = parent.add_paragraph(style="List Continue")
            _write_inline(paragraph, list(_pieces(node, Look())))
        elif tag in ("div", "dl"):
            self.blocks(parent, node, quote)
        else:  # inline content where a block was expected
            paragraph = parent.add_paragraph(style="Quote" if quote else None)
            _write_inline(paragraph, list(_pieces(node, Look())))

    def paragraph(self, parent, node: HtmlElement, style: str | None, only_text: bool = False):
        paragraph = parent.add_paragraph(style=style)
        pieces = [(node.text, Look())] if only_text else list(_pieces(node, Look()))
        _write_inline(paragraph, pieces)
        return paragraph

    # -------------------------------------------------------------- lists

    def list(self, parent, node: HtmlElement, level: int) -> None:
        numbered = node.tag == "ol"
        depth = min(level, _MAX_LIST_LEVEL)
        base = "List Number" if numbered else "List Bullet"
        style = base if depth == 1 else f"{base} {depth}"
        continued = "List Continue" if depth == 1 else f"List Continue {depth}"
        num_id = self._restart(style) if numbered else None
        for entry in node:
            if entry.tag != "li":
                continue
            paragraph = parent.add_paragraph(style=style)
            if num_id is not None:
                _number(paragraph, num_id)
            has_text = _has_inline_content(entry)
            if has_text:
                _write_inline(paragraph, list(_pieces(entry, Look())))
            first = not has_text
            for child in entry:
                tag = child.tag if isinstance(child.tag, str) else ""
                if tag in ("ul", "ol"):
                    self.list(parent, child, level + 1)
                elif tag == "p":
                    target = paragraph if first else parent.add_paragraph(style=continued)
                    _write_inline(target, list(_pieces(child, Look())))
                elif tag in _BLOCKS:
                    self.block(parent, child)
                first = False if tag in _BLOCKS else first

    def _restart(self, style: str) -> int | None:
        """A new numbering instance for a numbered list, so each list starts at 1."""
        numbering = self.document.part.numbering_part.numbering_definitions._numbering
        p_pr = self.document.styles[style].element.pPr
        if p_pr is None or p_pr.numPr is None or p_pr.numPr.numId is None:
            return None
        current = numbering.num_having_numId(p_pr.numPr.numId.val)
        num = numbering.add_num(current.abstractNumId.val)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    # -------------------------------------------------------------- tables

    def table(self, parent, node: HtmlElement) -> None:
        rows = [tr for tr in node.iter("tr")]
        if not rows:
            return
        width = max(len([c for c in tr if c.tag in ("td", "th")]) for tr in rows)
        if width == 0:
            return
        table = parent.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        for r, tr in enumerate(rows):
            cells = [c for c in tr if c.tag in ("td", "th")]
            is_header = tr.getparent() is not None and tr.getparent().tag == "thead"
            is_header = is_header or (cells and all(c.tag == "th" for c in cells))
            if is_header:
                _repeat_header(table.rows[r])
            for c, source in enumerate(cells):
                cell: _Cell = table.cell(r, c)
                paragraph = cell.paragraphs[0]
                look = Look(bold=bool(is_header))
                _write_inline(paragraph, list(_pieces(source, look)))
                for child in source:
                    if child.tag in _BLOCKS:
                        self.block(cell, child)


def _number(paragraph: Paragraph, num_id: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def document_of(material: Material) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    root = lxml_html.fragment_fromstring(body(material), create_parent="div")
    Writer(document).blocks(document, root)
    properties = document.core_properties
    properties.title = title_of(material)
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.language = "fr"
    properties.created = material.session.created_at
    if material.events:
        properties.modified = material.events[-1].at
    return document


def export(material: Material) -> bytes:
    out = io.BytesIO()
    document_of(material).save(out)
    return _stable(out.getvalue(), material)


def _stable(data: bytes, material: Material) -> bytes:
    """The same bytes for the same session: zip entries dated by the session, not the clock."""
    at = material.events[-1].at if material.events else material.session.created_at
    stamp = max(at.astimezone(UTC).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
