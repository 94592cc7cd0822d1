"""The export formats: one module each, with ``export(material) -> bytes``."""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from importlib import import_module
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import Session

from mag import services
from mag.domain.i18n import N_
from mag.report.folding import slug
from mag.report.material import Material, SessionFile, build


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mimetype: str
    label: str  # a msgid, translated where it is shown
    module: str

    def export(self, document) -> bytes:
        """The file of ``document``: a session's Material, or a programme's file for the
        programme's formats (mag.report.programme)."""
        return import_module(self.module).export(document)


FORMATS = {
    f.name: f
    for f in (
        Format("md", "md", "text/markdown; charset=utf-8", N_("Markdown"), "mag.report.to_markdown"),
        Format("html", "html", "text/html; charset=utf-8", N_("HTML (page autonome)"), "mag.report.to_html"),
        Format("pdf", "pdf", "application/pdf", N_("PDF"), "mag.report.to_pdf"),
        Format(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            N_("Word (DOCX)"),
            "mag.report.to_docx",
        ),
        Format("csv", "csv", "text/csv; charset=utf-8", N_("CSV (une ligne par contribution)"), "mag.report.to_csv"),
        Format(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            N_("Excel (XLSX, une feuille par type)"),
            "mag.report.to_xlsx",
        ),
        Format("json", "json", "application/json", N_("JSON (séance complète)"), "mag.report.to_json"),
        Format("qdpx", "qdpx", "application/zip", N_("REFI-QDA (.qdpx)"), "mag.report.to_qdpx"),
    )
}  # fmt: skip


def file_name(material: Material, fmt: Format) -> str:
    """``<YYYY-MM-DD>-<title>.<ext>``: the session's creation date and its title, as a slug."""
    day = material.local(material.session.created_at).date().isoformat()
    return f"{day}-{slug(material.state.title)}.{fmt.extension}"


def load(db: Session, session_id: str) -> Material:
    """The exportable material of a stored session (needs an app context)."""
    record = services.session_record(db, session_id)
    return build(
        SessionFile(record.id, record.protocol_source, record.created_at),
        services.protocol_of(record),
        services.events_after(db, session_id, 0),
        local_timezone(),
    )


def local_timezone() -> tzinfo:
    """``MAG_TIMEZONE`` (e.g. Europe/Brussels), else the server's own zone."""
    name = current_app.config.get("MAG_TIMEZONE")
    if name:
        return ZoneInfo(str(name))
    return datetime.now().astimezone().tzinfo or UTC
