"""A programme's figures as charts, in the language of the moment: its team's page, its booklet.

The counting is the domain's (mag.domain.figures), the drawing mag.report.charts'; here
only the words are chosen and translated, numbers and months written through Babel.
For the booklet: ``charts_html`` for the HTML and PDF exports (add it to the page after the
Markdown's sanitiser, which keeps no SVG), ``charts_markdown_tables`` for Markdown and DOCX.
The page's stylesheet sizes them (``.chart-svg``, ``.chart-table`` in static/css/mag.css);
the booklet's needs the same few rules, or each drawing takes the page's whole width.
"""

from collections.abc import Mapping, Sequence

from flask_babel import format_number
from flask_babel import gettext as _
from markupsafe import Markup

from mag.dates import month
from mag.domain.figures import NOT_GIVEN, FicheFigures
from mag.domain.programme import BARRIERS, CONSEQUENCES, OTHER
from mag.report import charts as drawing
from mag.report.charts import Chart


def fiche_charts(figures: FicheFigures) -> list[Chart]:
    """Fiches by service, by barrier, by consequence and by month."""
    empty = _("Aucune fiche pour l'instant.")
    fiches = _("Fiches")

    def chart(key: str, title: str, caption: str, heading: str, rows) -> Chart:
        return Chart(title, caption, tuple(rows), key, heading, fiches, empty)

    not_given = _("Non précisé")
    services = {OTHER: _("Autre"), NOT_GIVEN: not_given}
    barriers = {key: _(label) for key, label in BARRIERS.items()} | {NOT_GIVEN: not_given}
    consequences = {key: _(label) for key, label in CONSEQUENCES.items()} | {NOT_GIVEN: not_given}
    return [
        chart(
            "chiffres-services",
            _("Fiches par service ou administration"),
            _(
                "Le service que chaque fiche nomme. « Autre » regroupe les services écrits à "
                "la main qui ne sont pas dans la liste de l'équipe."
            ),
            _("Service ou administration"),
            ((services.get(key, key), count) for key, count in figures.by_service.items()),
        ),
        chart(
            "chiffres-obstacles",
            _("Fiches par obstacle numérique"),
            _("L'obstacle que chaque fiche indique."),
            _("Obstacle numérique"),
            ((barriers.get(key, key), count) for key, count in figures.by_barrier.items()),
        ),
        chart(
            "chiffres-consequences",
            _("Fiches par conséquence"),
            _(
                "Une fiche qui indique plusieurs conséquences compte pour chacune : le total "
                "peut dépasser le nombre de fiches."
            ),
            _("Conséquence"),
            ((consequences.get(key, key), count) for key, count in figures.by_consequence.items()),
        ),
        Chart(
            _("Fiches par mois"),
            _(
                "Le mois de la situation racontée, pas celui de l'envoi de la fiche ; "
                "un mois sans fiche compte 0."
            ),
            tuple((month(day), count) for day, count in figures.by_month),
            "chiffres-mois",
            _("Mois"),
            fiches,
            empty,
            over_time=True,
        ),
    ]


def theme_chart(groups: Mapping[str, int]) -> Chart:
    """How many groups raised each theme (``Board.groups_per_theme`` of mag.domain.cross_analysis)."""
    return Chart(
        _("Groupes par thème"),
        _("Le nombre de groupes (séances) où chaque thème a été soulevé."),
        tuple(groups.items()),
        "chiffres-themes",
        _("Thème"),
        _("Groupes"),
        _("Aucun thème pour l'instant."),
    )


def charts_html(charts: Sequence[Chart]) -> Markup:
    """Each chart's figure (caption, SVG, table), numbers written in the current language."""
    return Markup(drawing.charts_html(charts, format_number))


def charts_markdown_tables(charts: Sequence[Chart]) -> str:
    """Each chart's title, caption and table in Markdown, for the Markdown and DOCX booklet."""
    return drawing.charts_markdown(charts, format_number)


def charts_drawn(charts: Sequence[Chart]) -> str:
    """The drawings alone, for a document whose text already holds each chart's table
    (the booklet: its Markdown has the tables, its HTML and PDF add the drawings)."""
    drawn = (drawing.chart_svg(chart, format_number) for chart in charts)
    return "\n".join(f'<figure class="chart">{svg}</figure>' for svg in drawn if svg)
