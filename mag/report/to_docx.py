"""The report (or any :class:`~mag.report.paper.Paper`) as a Word document, built from its
sanitised HTML.

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
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from flask_babel import get_locale, gettext
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

from mag.report import zipped
from mag.report.material import Material
from mag.report.paper import Paper
from mag.report.to_html import body, body_of, title_of

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset(
    {
        "p", "ul", "ol", "table", "blockquote", "pre", "hr", "div", "dl", "dt", "dd",
        "figure", "figcaption", "svg", *_HEADINGS,
    }
)  # fmt: skip
_MAX_LIST_LEVEL = 3
_MONOSPACE = "DejaVu Sans Mono"

# WordprocessingML, written with lxml directly: python-docx's API looks each style up by
# name and finds each child's place with XPath, which costs seconds on a long report.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _PPR, _PSTYLE, _PAGE_BREAK_BEFORE = f"{_W}p", f"{_W}pPr", f"{_W}pStyle", f"{_W}pageBreakBefore"
_NUMPR, _ILVL, _NUMID, _VAL = f"{_W}numPr", f"{_W}ilvl", f"{_W}numId", f"{_W}val"
_R, _RPR, _T, _BR, _TAB = f"{_W}r", f"{_W}rPr", f"{_W}t", f"{_W}br", f"{_W}tab"
_RFONTS, _ASCII, _HANSI = f"{_W}rFonts", f"{_W}ascii", f"{_W}hAnsi"
_B, _I, _STRIKE, _U, _VERT_ALIGN = f"{_W}b", f"{_W}i", f"{_W}strike", f"{_W}u", f"{_W}vertAlign"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SPECIAL = re.compile(r"([\t\r\n])")
_SPACES = re.compile(r"\s+")


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


@cache
def _inside(look: Look, tag: str) -> Look:
    """The look of the text inside an inline element ``tag``."""
    return replace(look, **_INLINE_LOOKS.get(tag, {}))


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
            yield from _pieces(child, _inside(look, tag), keep_space)
        if child.tail:
            yield (child.tail, look)


def _write_inline(p: etree._Element, pieces: list[object], keep_space: bool = False) -> None:
    """Runs for ``pieces`` in paragraph ``p``, white space collapsed as a browser would
    (except in ``pre``)."""
    at_line_start = p.find(_R) is None
    chunks: list[object] = []
    for piece in pieces:
        if piece is _BREAK:
            chunks.append(_BREAK)
            at_line_start = True
            continue
        text, look = piece  # type: ignore[misc]
        if not keep_space:
            text = _SPACES.sub(" ", text)
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
            runs = p.findall(_R)
            run = runs[-1] if runs else etree.SubElement(p, _R)
            etree.SubElement(run, _BR)
            continue
        text, look = chunk  # type: ignore[misc]
        if text:
            _run(p, text, look)


def _run(p: etree._Element, text: str, look: Look) -> None:
    """A ``w:r`` as python-docx's ``add_run`` and font setters write it."""
    run = etree.SubElement(p, _R)
    properties = etree.SubElement(run, _RPR)  # children in the schema's order
    if look.code:
        fonts = etree.SubElement(properties, _RFONTS)
        fonts.set(_ASCII, _MONOSPACE)
        fonts.set(_HANSI, _MONOSPACE)
    if look.bold:
        etree.SubElement(properties, _B)
    if look.italic:
        etree.SubElement(properties, _I)
    if look.strike:
        etree.SubElement(properties, _STRIKE)
    if look.underline:
        etree.SubElement(properties, _U).set(_VAL, "single")
    if look.subscript or look.superscript:
        align = "subscript" if look.subscript else "superscript"
        etree.SubElement(properties, _VERT_ALIGN).set(_VAL, align)
    for part in _SPECIAL.split(text):
        if part == "\t":
            etree.SubElement(run, _TAB)
        elif part in ("\r", "\n"):
            etree.SubElement(run, _BR)
        elif part:
            t = etree.SubElement(run, _T)
            t.text = part
            if len(part.strip()) < len(part):
                t.set(_XML_SPACE, "preserve")


def _has_inline_content(node: HtmlElement) -> bool:
    return any(piece is _BREAK or piece[0].strip() for piece in _pieces(node, Look()))  # type: ignore[index]


class Writer:
    """Writes HTML blocks into a python-docx document (or a table cell)."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self._style_ids: dict[str, str | None] = {}
        self._body = document.element.body
        self._section = self._body.find(f"{_W}sectPr")  # the body's last child, kept last

    # -------------------------------------------------------------- paragraphs

    def style_id(self, name: str) -> str | None:
        """The id of paragraph style ``name``, looked up once (None: the default style)."""
        if name not in self._style_ids:
            self._style_ids[name] = self.document.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[name]

    def add_paragraph(self, parent, style: str | None = None) -> etree._Element:
        """A new ``w:p`` at the end of ``parent`` (the document or a cell), as python-docx's
        ``add_paragraph(style=style)`` writes it."""
        p = etree.Element(_P)
        if style is not None:
            properties = etree.SubElement(p, _PPR)
            style_id = self.style_id(style)
            if style_id is not None:
                etree.SubElement(properties, _PSTYLE).set(_VAL, style_id)
        if isinstance(parent, _Cell):
            parent._tc.append(p)
        elif self._section is None:
            self._body.append(p)
        else:
            self._section.addprevious(p)
        return p

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
                paragraph = self.add_paragraph(parent, "Quote" if quote else None)
                _write_inline(paragraph, [(child.tail, Look())])

    def block(self, parent, node: HtmlElement, quote: bool = False) -> None:
        tag = node.tag
        if tag in _HEADINGS:
            paragraph = self.add_paragraph(parent, f"Heading {_HEADINGS[tag]}")
            _write_inline(paragraph, list(_pieces(node, Look())))
            if "annexe" in (node.get("class") or "").split():
                etree.SubElement(paragraph.find(_PPR), _PAGE_BREAK_BEFORE)
        elif tag == "p":
            self.paragraph(parent, node, "Quote" if quote else None)
        elif tag in ("ul", "ol"):
            self.list(parent, node, 1)
        elif tag == "table":
            self.table(parent, node)
        elif tag == "blockquote":
            self.blocks(parent, node, quote=True)
        elif tag == "pre":
            paragraph = self.add_paragraph(parent, "No Spacing")
            _write_inline(paragraph, list(_pieces(node, Look(code=True))), keep_space=True)
        elif tag == "hr":
            self.add_paragraph(parent)
        elif tag == "dt":
            paragraph = self.add_paragraph(parent)
            _write_inline(paragraph, list(_pieces(node, Look(bold=True))))
        elif tag == "dd":
            paragraph = self.add_paragraph(parent, "List Continue")
            _write_inline(paragraph, list(_pieces(node, Look())))
        elif tag in ("div", "dl", "figure"):
            self.blocks(parent, node, quote)
        elif tag == "figcaption":
            paragraph = self.add_paragraph(parent, "Caption")
            _write_inline(paragraph, list(_pieces(node, Look(italic=True))))
        elif tag == "svg":
            pass  # a chart of the fragments: its table beside it says the same in words
        else:  # inline content where a block was expected
            paragraph = self.add_paragraph(parent, "Quote" if quote else None)
            _write_inline(paragraph, list(_pieces(node, Look())))

    def paragraph(self, parent, node: HtmlElement, style: str | None, only_text: bool = False):
        paragraph = self.add_paragraph(parent, style)
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
            paragraph = self.add_paragraph(parent, style)
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
                    target = paragraph if first else self.add_paragraph(parent, continued)
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
        # Columns as wide as their content needs (equal widths broke words mid-way).
        table.autofit = True
        for width_ in table._tbl.iter(qn("w:tcW")):
            width_.set(qn("w:type"), "auto")
            width_.set(qn("w:w"), "0")
        grid = table._cells  # the whole grid at once: table.cell() walks it on every call
        for r, (tr, row) in enumerate(zip(rows, table.rows, strict=True)):
            cells = [c for c in tr if c.tag in ("td", "th")]
            is_header = tr.getparent() is not None and tr.getparent().tag == "thead"
            is_header = is_header or (cells and all(c.tag == "th" for c in cells))
            if is_header:
                _repeat_header(row)
            for c, source in enumerate(cells):
                cell: _Cell = grid[r * width + c]
                paragraph = cell._tc.p_lst[0]
                look = Look(bold=bool(is_header))
                _write_inline(paragraph, list(_pieces(source, look)))
                for child in source:
                    if child.tag in _BLOCKS:
                        self.block(cell, child)


def _number(p: etree._Element, num_id: int) -> None:
    """Number a list paragraph (its ``w:pPr`` holds only its style so far)."""
    properties = p.find(_PPR)
    if properties is None:
        properties = etree.Element(_PPR)
        p.insert(0, properties)
    numbering = etree.SubElement(properties, _NUMPR)
    etree.SubElement(numbering, _ILVL).set(_VAL, "0")
    etree.SubElement(numbering, _NUMID).set(_VAL, str(num_id))


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def document_of(material: Material) -> DocxDocument:
    modified = material.events[-1].at if material.events else None
    return _document(body(material), title_of(material), material.session.created_at, modified)


def _document(html: str, title: str, created, modified) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    _a4_with_page_numbers(document)
    _language(document, _word_language())
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    Writer(document).blocks(document, root)
    _contents(document)
    properties = document.core_properties
    properties.title = title
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.language = _word_language()
    properties.created = created
    if modified is not None:
        properties.modified = modified
    return document


def _a4_with_page_numbers(document: DocxDocument) -> None:
    """A4 paper (the template is US Letter), margins of 2.2 cm, the page number below."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(22)
        section.top_margin = section.bottom_margin = Mm(22)
        footer = section.footer.paragraphs[0]
        footer.alignment = 1  # centred
        _field(footer._p, "PAGE", "1")


def _word_language() -> str:
    """The report's language as Word names it (« fr-BE »): spelling and hyphenation."""
    locale = get_locale()
    if locale.territory:
        return f"{locale.language}-{locale.territory}"
    return {"en": "en-GB"}.get(locale.language, f"{locale.language}-BE")


def _language(document: DocxDocument, tag: str) -> None:
    """``tag`` on every style (the template says en-US) and for the theme's fonts."""
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
    for lang in document.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), tag)


def _contents(document: DocxDocument) -> None:
    """A table of contents after the title, filled in by Word or LibreOffice when opened."""
    body_ = document.element.body
    first = body_.find(_P)
    title = gettext("Table des matières")
    heading = etree.Element(_P)
    _write_inline(heading, [(title, Look(bold=True))])
    contents = etree.Element(_P)
    _field(
        contents,
        'TOC \\o "1-3" \\h \\z \\u',
        gettext("Mettez à jour les champs pour voir la table."),
    )
    at = 1 if first is not None else 0
    body_.insert(at, heading)
    body_.insert(at + 1, contents)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _field(p: etree._Element, instruction: str, shown: str) -> None:
    """A Word field (page number, table of contents) at the end of paragraph ``p``."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", shown),
        ("end", None),
    ):
        run = etree.SubElement(p, _R)
        if kind == "instr":
            instr = etree.SubElement(run, f"{_W}instrText")
            instr.set(_XML_SPACE, "preserve")
            instr.text = text
        elif kind == "text":
            etree.SubElement(run, _T).text = text
        else:
            etree.SubElement(run, f"{_W}fldChar").set(f"{_W}fldCharType", kind)


def export(material: Material) -> bytes:
    out = io.BytesIO()
    document_of(material).save(out)
    return zipped.restamped(out.getvalue(), material.last_changed)


def export_paper(document: Paper) -> bytes:
    out = io.BytesIO()
    made = _document(body_of(document), document.title, document.created_at, document.changed_at)
    made.save(out)
    return zipped.restamped(out.getvalue(), document.changed_at)
