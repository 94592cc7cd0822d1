"""The report as a Markdown file (UTF-8)."""

from mag.report.document import report
from mag.report.material import Material


def export(material: Material) -> bytes:
    return report(material).encode("utf-8")
