"""Configuration: defaults, overridden by MAG_* environment variables, then by the factory's mapping."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MAG_DATA_DIR", ROOT / "sessions"))


def default_config() -> dict[str, object]:
    return {
        "MAG_DATABASE_URL": os.environ.get(
            "MAG_DATABASE_URL", f"sqlite:///{DATA_DIR / 'mag.sqlite3'}"
        ),
        "MAG_DATA_DIR": DATA_DIR,
        # Babel: French is the interface's source language and its default.
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "MAG_LANGUAGES": ["fr"],
        # How long a browser keeps a facilitator or participant identity (seconds).
        "MAG_COOKIE_MAX_AGE": 60 * 60 * 24 * 120,
        "MAG_COOKIE_SECURE": os.environ.get("MAG_COOKIE_SECURE", "") == "1",
        # A reconnecting browser that missed more events than this gets a full state.
        "MAG_REPLAY_LIMIT": 500,
        # Largest Socket.IO message accepted (bytes); contributions are far smaller.
        "MAG_MAX_MESSAGE_BYTES": 64 * 1024,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Time zone of the times of day in documents; empty: the server's own.
        "MAG_TIMEZONE": os.environ.get("MAG_TIMEZONE", ""),
    }
