"""Counts drawn as bar charts in SVG, each with the same figures in a table beside it.

Plain Python: titles, captions and labels come in already translated, and each count is
written by the caller's ``number`` (``flask_babel.format_number`` on a page), so nothing
here needs Flask, and the same chart gives the same bytes every time.

A drawing is for the eye; its table is for everyone. So each SVG is one image
(``role="img"``, named by its ``<title>`` and ``<desc>``), every bar carries its count as
text (the length is never the only way to read it, and there is one colour only), and a
label too long for its line is wrapped, then cut with « … », the whole of it in the table.
Colours are 3:1 or more against white (the bars 6.9:1, the text 15:1). The SVG
is self-contained (system fonts, no link, no script) and uses presentation attributes
set once on its groups rather than a ``<style>`` element or style attributes: the pages'
Content Security Policy (``style-src 'self'``) would block those, and repeated styles
would weigh on a page of sixty services. Its ``viewBox`` and ``width="100%"`` let it scale
to the column it sits in.

Categories are drawn label above bar, which keeps long service names readable on a
phone; months (always short) sit left of their bars, one row a month in date order, so
two years of a programme read from top to bottom without turned text.
"""

import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as _escape

from mag.report.markdown import escape as markdown_escape

Number = Callable[[int], str]

WIDTH = 320  # the viewBox's width: its 14-unit text is about 14 px on a 360 px phone
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
FONT_SIZE = 14
LINE = 18  # a label's line
BAR = 20  # a bar's thickness
GAP = 12  # between a bar and the next label
INK = "#1d2330"  # the pages' text colour: 15.6:1 on white
BAR_COLOUR = "#1f5f8b"  # the pages' accent: 6.9:1 on white
COUNT_ROOM = 56  # right of the longest bar, for its count (« 12 345 »)
COUNT_OFFSET = 6  # between a bar's end and its count
LABEL_CHARS = 38  # characters on a label's line (about 7.5 units each)
LABEL_LINES = 2
MONTH_ROOM = 88  # left of the time chart's bars, for « sept. 2023 »
MONTH_CHARS = 12
MONTH_ROW = 28


@dataclass(frozen=True)
class Chart:
    """A title, a caption saying what is counted, and rows of (label, count).

    ``key`` is unique in the page (it makes the ids); the headings name the table's
    columns; ``empty`` is the sentence shown instead of a drawing when there is no row.
    A chart ``over_time`` keeps its rows in the order given (dates); others are sorted.
    """

    title: str
    caption: str
    rows: tuple[tuple[str, int], ...]
    key: str
    label_heading: str
    count_heading: str
    empty: str
    over_time: bool = False

    def ordered_rows(self) -> list[tuple[str, int]]:
        """The rows as drawn and tabled: by count, largest first, ties by label; or as given."""
        if self.over_time:
            return list(self.rows)
        return sorted(self.rows, key=lambda row: (-row[1], _sort_key(row[0]), row[0]))


def _sort_key(label: str) -> str:
    """A label as a reader sorts it: « Énergie » with the E's, whatever the case."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Drawing ------------------------------------------------------------------------------------------


def chart_svg(chart: Chart, number: Number = str) -> str | None:
    """The chart as an SVG element, or None when it has no row."""
    if not chart.rows:
        return None
    if chart.over_time:
        return _time_chart(chart, number)
    return _bar_chart(chart, number)


def _bar_chart(chart: Chart, number: Number) -> str:
    """Categories: each label (wrapped) above its bar, the count after the bar."""
    rows = chart.ordered_rows()
    scale = (WIDTH - COUNT_ROOM) / max(max(count for _label, count in rows), 1)
    bars, labels, counts = [], [], []
    y = 0
    for label, count in rows:
        for line in _wrapped(label):
            y += LINE
            labels.append(_text(0, y - 4, line))
        y += 4
        bars.append(_rect(0, y, count * scale))
        counts.append(_text(count * scale + COUNT_OFFSET, y + 15, number(count)))
        y += BAR + GAP
    return _svg(chart, y - GAP + 4, bars, labels, counts)


def _time_chart(chart: Chart, number: Number) -> str:
    """Months: one row each, in the order given, the label left of its bar."""
    scale = (WIDTH - MONTH_ROOM - COUNT_ROOM) / max(max(count for _m, count in chart.rows), 1)
    bars, labels, counts = [], [], []
    for index, (label, count) in enumerate(chart.rows):
        y = index * MONTH_ROW
        labels.append(_text(0, y + 15, _cut(_one_line(label), MONTH_CHARS)))
        bars.append(_rect(MONTH_ROOM, y, count * scale))
        counts.append(_text(MONTH_ROOM + count * scale + COUNT_OFFSET, y + 15, number(count)))
    return _svg(chart, len(chart.rows) * MONTH_ROW - (MONTH_ROW - BAR), bars, labels, counts)


def _svg(chart: Chart, height: float, bars: list[str], labels: list[str], counts: list[str]):
    title_id, desc_id = f"{chart.key}-title", f"{chart.key}-desc"
    labelled_by = f"{title_id} {desc_id}" if chart.caption else title_id
    description = (
        f'<desc id="{_attr(desc_id)}">{escape(chart.caption)}</desc>' if chart.caption else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" class="chart-svg" role="img" aria-labelledby="{_attr(labelled_by)}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">'
        f'<title id="{_attr(title_id)}">{escape(chart.title)}</title>{description}'
        f'<g fill="{BAR_COLOUR}">{"".join(bars)}</g>'
        f"<g>{''.join(labels)}</g><g>{''.join(counts)}</g></svg>"
    )


def _rect(x: float, y: float, width: float) -> str:
    return f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{BAR}"/>'


def _text(x: float, y: float, text: str) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}">{escape(text)}</text>'


def _n(value: float) -> str:
    """A coordinate with two decimals at most: the same number gives the same text."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def escape(text: str) -> str:
    """Text as element content: ``&``, ``<`` and ``>`` escaped (quotes need not be)."""
    return _escape(text, quote=False)


def _attr(value: str) -> str:
    return _escape(value, quote=True)


def _wrapped(label: str) -> list[str]:
    """A label on two lines at most, the second cut with « … » if it needs more."""
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > LABEL_LINES:
        kept = lines[: LABEL_LINES - 1]
        rest = " ".join(lines[LABEL_LINES - 1 :])
        lines = [*kept, _cut(rest, LABEL_CHARS)]
    return lines


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The chart and its table ----------------------------------------------------------------------


def figure_html(chart: Chart, number: Number = str) -> str:
    """The chart's ``<figure>``: its caption, the drawing, and the table of the same figures."""
    caption = (
        f"<figcaption><strong>{escape(chart.title)}</strong>"
        + (f" {escape(chart.caption)}" if chart.caption else "")
        + "</figcaption>"
    )
    svg = chart_svg(chart, number)
    if svg is None:
        return f'<figure class="chart" id="{_attr(chart.key)}">{caption}<p>{escape(chart.empty)}</p></figure>'
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(number(count))}</td></tr>'
        for label, count in chart.ordered_rows()
    )
    table = (
        f'<table class="chart-table"><caption>{escape(chart.title)}</caption>'
        f'<thead><tr><th scope="col">{escape(chart.label_heading)}</th>'
        f'<th scope="col">{escape(chart.count_heading)}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    return (
        f'<figure class="chart" id="{_attr(chart.key)}">{caption}'
        f'<div class="chart-body"><div class="chart-drawing">{svg}</div>{table}</div></figure>'
    )


def markdown_table(chart: Chart, number: Number = str) -> str:
    """The chart as Markdown: its title in bold, its caption, and its table (or its sentence)."""
    parts = [f"**{_cell(chart.title)}**"]
    if chart.caption:
        parts.append(_cell(chart.caption))
    if not chart.rows:
        parts.append(_cell(chart.empty))
        return "\n\n".join(parts) + "\n"
    lines = [
        f"| {_cell(chart.label_heading)} | {_cell(chart.count_heading)} |",
        "| --- | ---: |",
        *(f"| {_cell(label)} | {_cell(number(count))} |" for label, count in chart.ordered_rows()),
    ]
    parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _cell(text: str) -> str:
    """One line of literal Markdown (a table's cell cannot hold a line break)."""
    return markdown_escape(_one_line(text))


def _one_line(text: str) -> str:
    """``text`` with its line breaks as spaces (other spaces, no-break ones too, kept)."""
    return " ".join(text.splitlines())


def charts_html(charts: Sequence[Chart], number: Number = str) -> str:
    return "\n".join(figure_html(chart, number) for chart in charts)


def charts_markdown(charts: Sequence[Chart], number: Number = str) -> str:
    return "\n".join(markdown_table(chart, number) for chart in charts)
