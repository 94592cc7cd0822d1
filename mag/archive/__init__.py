"""The archive: a session written out for good, searched across sessions, deleted in time.

- :mod:`~mag.archive.writing`: archiving an ended session into its folder;
- :mod:`~mag.archive.index`: the search index and its hits;
- :mod:`~mag.archive.reading`: the archived sessions, their folders, the archive's key;
- :mod:`~mag.archive.purge`: deleting what is past its retention date, sessions and
  programmes.

What the rest of mag uses is named here.
"""

from mag.archive.index import Hit, SearchOptions, highlight, search, search_options
from mag.archive.purge import Purged, PurgedProgramme, purge, purge_programmes
from mag.archive.reading import (
    archive_secret_matches,
    archived_sessions,
    folder_files,
    folder_path,
    rotate_archive_secret,
)
from mag.archive.writing import (
    ARCHIVE_ATTEMPTS,
    CONSENT_FILE,
    Archived,
    archive_session,
    consent_csv,
    write_archive,
)

__all__ = [
    "ARCHIVE_ATTEMPTS",
    "CONSENT_FILE",
    "Archived",
    "Hit",
    "Purged",
    "PurgedProgramme",
    "SearchOptions",
    "archive_secret_matches",
    "archive_session",
    "archived_sessions",
    "consent_csv",
    "folder_files",
    "folder_path",
    "highlight",
    "purge",
    "purge_programmes",
    "rotate_archive_secret",
    "search",
    "search_options",
    "write_archive",
]
