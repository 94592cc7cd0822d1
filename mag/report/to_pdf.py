"""The report as a PDF, printed by WeasyPrint from the standalone HTML page.

The page embeds everything it needs; the fetcher refuses every URL anyway, so
rendering never reaches the network or the disk whatever the text contains.
"""

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from mag.report.material import Material
from mag.report.to_html import page, title_of


class Offline(URLFetcher):
    """A URL fetcher that fetches nothing."""

    def fetch(self, url, headers=None):
        raise ValueError(f"the report fetches no resource ({url[:80]})")


def export(material: Material) -> bytes:
    document = HTML(string=page(material), url_fetcher=Offline()).render()
    document.metadata.title = title_of(material)
    document.metadata.lang = "fr"
    return document.write_pdf()
