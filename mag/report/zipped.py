"""Zip files (DOCX, XLSX, .qdpx) that are the same bytes for the same session.

Every entry is dated by the session rather than by the clock, with the same
permissions whatever the platform exporting.
"""

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime


def written(files: Iterable[tuple[str, bytes]], at: datetime) -> bytes:
    """A zip of ``files`` (name, content), each entry dated ``at``."""
    at = at.astimezone(UTC)
    stamp = max((at.year, at.month, at.day, at.hour, at.minute, at.second), (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=stamp)  # 1980 at the earliest
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()


def restamped(data: bytes, at: datetime) -> bytes:
    """The zip ``data`` written again, each entry dated ``at``."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return written(((i.filename, source.read(i)) for i in source.infolist()), at)
