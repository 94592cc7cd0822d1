"""Charts of counts: an SVG one can read without seeing it, and the table of the same figures."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest
from lxml import html as lxml_html

from mag.domain.figures import count_fiches
from mag.report.charts import (
    LABEL_CHARS,
    Chart,
    chart_svg,
    charts_html,
    figure_html,
    markdown_table,
)
from mag.report.figures import charts_html as translated_charts_html
from mag.report.figures import charts_markdown_tables, fiche_charts, theme_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(rows, **changes) -> Chart:
    fields = {
        "title": "Fiches par service",
        "caption": "Le service que chaque fiche nomme.",
        "rows": tuple(rows),
        "key": "services",
        "label_heading": "Service",
        "count_heading": "Fiches",
        "empty": "Aucune fiche pour l'instant.",
    }
    return Chart(**{**fields, **changes})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def bar_widths(root: ET.Element) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


ROWS = [("Commune", 2), ("CPAS", 6), ("Mutualité", 3), ("Banque", 3)]


def test_a_chart_is_one_image_named_by_its_title_and_description():
    root = parse(chart_svg(chart(ROWS)))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert (title.text, desc.text) == ("Fiches par service", "Le service que chaque fiche nomme.")
    assert title.get("id") == "services-title" and desc.get("id") == "services-desc"
    assert root.get("width") == "100%" and re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))


def test_a_chart_without_caption_is_named_by_its_title_alone():
    root = parse(chart_svg(chart(ROWS, caption="")))
    assert root.get("aria-labelledby") == "services-title" and root.find(f"{SVG}desc") is None


def test_one_bar_a_row_as_long_as_its_count_largest_first_ties_by_label():
    root = parse(chart_svg(chart(ROWS)))
    widths = bar_widths(root)
    assert len(widths) == 4
    counts = [6, 3, 3, 2]
    assert [round(w / widths[0] * 6, 6) for w in widths] == counts
    # Each bar's count, as text; each label, in the same order.
    assert texts(root) == ["CPAS", "Banque", "Mutualité", "Commune", "6", "3", "3", "2"]


def test_labels_sort_as_readers_do_whatever_accents_and_case():
    rows = [("Énergie", 1), ("emploi", 1), ("Eau", 1), ("CPAS", 1)]
    assert [label for label, _count in chart(rows).ordered_rows()] == [
        "CPAS",
        "Eau",
        "emploi",
        "Énergie",
    ]


def test_counts_are_written_by_the_callers_number_function():
    root = parse(chart_svg(chart([("CPAS", 1234)]), number=lambda n: f"{n:,}".replace(",", " ")))
    assert "1 234" in texts(root)


def test_every_text_is_escaped_so_a_name_with_markup_does_not_break_the_drawing():
    name = 'A <b>&</b> "Co" </svg><script>'
    drawn = chart(
        [(name, 2)], title="Fiches <par> service & co", caption="« a » < b & c", key='x"y'
    )
    svg = chart_svg(drawn)
    root = parse(svg)  # well-formed XML
    assert "<script" not in svg and "<b>" not in svg
    assert texts(root)[0] == name
    assert root.find(f"{SVG}title").text == "Fiches <par> service & co"
    assert root.find(f"{SVG}desc").text == "« a » < b & c"
    assert root.find(f"{SVG}title").get("id") == 'x"y-title'
    page = lxml_html.fromstring(figure_html(drawn))
    assert page.xpath("//tbody/tr/th")[0].text_content() == name
    assert not page.xpath("//script") and not page.xpath("//tbody//b")


def test_a_long_label_is_wrapped_then_cut_the_whole_of_it_in_the_table():
    long = " ".join(["Administration"] * 12)
    root = parse(chart_svg(chart([(long, 1), ("CPAS", 1)])))
    lines = texts(root)[:2]
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert lines[1].endswith("…") and long.startswith(lines[0])
    table = lxml_html.fromstring(figure_html(chart([(long, 1)])))
    assert table.xpath("//tbody/tr/th")[0].text_content() == long


def test_the_same_chart_gives_the_same_bytes_whatever_the_order_of_its_rows():
    first = chart_svg(chart(ROWS))
    assert chart_svg(chart(ROWS)) == first
    assert chart_svg(chart(list(reversed(ROWS)))) == first
    assert figure_html(chart(ROWS)) == figure_html(chart(list(reversed(ROWS))))


def test_the_drawing_is_self_contained_and_styled_by_attributes_only():
    svg = chart_svg(chart(ROWS * 15))
    for outside in ("<style", "style=", "href", "<script", "url(", "@import", "<image"):
        assert outside not in svg
    root = parse(svg)
    # Presentation attributes set once, on the drawing and its groups, not on each bar.
    assert all(rect.get("fill") is None for rect in root.iter(f"{SVG}rect"))
    assert "system-ui" in root.get("font-family") and "sans-serif" in root.get("font-family")
    colours = {e.get("fill") for e in root.iter() if e.get("fill")}
    assert colours and all(contrast_on_white(colour) >= 3 for colour in colours)


def contrast_on_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_a_chart_over_time_keeps_its_months_in_order_and_draws_the_empty_ones():
    months = [("nov. 2023", 2), ("déc. 2023", 0), ("janv. 2024", 4)]
    root = parse(chart_svg(chart(months, over_time=True, key="mois")))
    widths = bar_widths(root)
    assert widths[1] == 0 and widths[2] == 2 * widths[0] > 0
    assert texts(root) == ["nov. 2023", "déc. 2023", "janv. 2024", "2", "0", "4"]


def test_no_row_no_drawing_but_a_sentence():
    empty = chart([])
    assert chart_svg(empty) is None
    figure = figure_html(empty)
    assert "<svg" not in figure and "<table" not in figure
    assert "Aucune fiche pour l'instant." in figure
    assert "Aucune fiche pour l'instant." in markdown_table(empty)


def test_the_figure_holds_the_drawing_and_the_table_of_the_same_figures():
    figure = lxml_html.fromstring(charts_html([chart(ROWS), chart([], key="vide")]))
    [drawn] = figure.xpath("//figure[@id='services']")
    assert drawn.xpath("string(figcaption)").startswith("Fiches par service")
    assert len(drawn.xpath(".//svg")) == 1
    [table] = drawn.xpath(".//table")
    assert table.xpath("string(caption)") == "Fiches par service"
    assert [th.text for th in table.xpath("thead//th")] == ["Service", "Fiches"]
    assert [
        (row.xpath("string(th)"), row.xpath("string(td)")) for row in table.xpath("tbody/tr")
    ] == [("CPAS", "6"), ("Banque", "3"), ("Mutualité", "3"), ("Commune", "2")]
    assert all(th.get("scope") == "row" for th in table.xpath("tbody//th"))
    assert figure.xpath("//figure[@id='vide']/p")[0].text == "Aucune fiche pour l'instant."


def test_a_markdown_table_escapes_what_would_be_markup():
    text = markdown_table(chart([("CPAS | Commune", 2), ("*Mutualité*", 1)]))
    assert "| CPAS \\| Commune | 2 |" in text
    assert "| \\*Mutualité\\* | 1 |" in text
    assert text.startswith("**Fiches par service**\n\nLe service que chaque fiche nomme.\n\n")
    assert "| Service | Fiches |\n| --- | ---: |" in text


# The programme's charts, in the language of the moment -----------------------------------------


def fiche(service="CPAS", barrier="application", consequences=("retard",), day=(2023, 9, 4)):
    return SimpleNamespace(
        service=service,
        service_other="Banque" if service == "autre" else "",
        barrier=barrier,
        consequences=consequences,
        occurred_on=date(*day),
        region="",
    )


def test_the_programmes_charts_are_in_french_with_babels_numbers_and_months(app_context):
    fiches = [fiche()] * 1200 + [
        fiche("autre", "", ("retard", "cout"), (2023, 11, 30)),
        fiche("Commune", "telephone", (), (2023, 11, 2)),
    ]
    services, barriers, consequences, months = fiche_charts(count_fiches(fiches, ["CPAS"]))
    assert services.ordered_rows() == [("CPAS", 1200), ("Autre", 1), ("Commune", 1)]
    assert dict(barriers.rows) == {
        "Application seulement": 1200,
        "Ligne téléphonique fermée": 1,
        "Non précisé": 1,
    }
    assert dict(consequences.rows) == {"Retard": 1201, "Coût": 1, "Non précisé": 1}
    assert "compte pour chacune" in consequences.caption
    assert months.over_time and months.rows == (
        ("sept. 2023", 1200),
        ("oct. 2023", 0),
        ("nov. 2023", 2),
    )
    page = lxml_html.fromstring(str(translated_charts_html([services, months])))
    assert page.xpath("string(//figure[@id='chiffres-services']//tbody/tr[1]/td)") == "1\u202f200"
    assert "1\u202f200" in [t.text for t in page.xpath("//figure[@id='chiffres-mois']//text")]
    assert "| sept. 2023 | 1\u202f200 |" in charts_markdown_tables([months])


def test_the_groups_per_theme_chart(app_context):
    drawn = theme_chart({"Guichets": 1, "Accès aux droits": 2})
    assert drawn.ordered_rows() == [("Accès aux droits", 2), ("Guichets", 1)]
    assert (drawn.label_heading, drawn.count_heading) == ("Thème", "Groupes")
    assert "Aucun thème" in str(translated_charts_html([theme_chart({})]))


@pytest.mark.parametrize("rows", [ROWS, [("a", 0), ("b", 0)]])
def test_a_chart_of_zeros_or_counts_parses(rows):
    root = parse(chart_svg(chart(rows)))
    assert len(bar_widths(root)) == len(rows)
