"""The report (or any :class:`~mag.report.paper.Paper`) as a Markdown file (UTF-8)."""

from mag.report.document import report
from mag.report.material import Material
from mag.report.paper import Paper


def export(material: Material) -> bytes:
    return report(material).encode("utf-8")


def export_paper(document: Paper) -> bytes:
    return document.markdown.encode("utf-8")
