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
        "MAG_LANGUAGES": ["fr", "nl", "en"],
        # Flask-Compress, for pages and answers (static files: mag/web/assets.py).
        # Brotli first, gzip for the rest; downloads (streamed files) as they are.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        # Brotli 5 rather than Flask-Compress's 4: the participant page 6% smaller for
        # about a millisecond more per page (11 would take 25 ms a page).
        "COMPRESS_BR_LEVEL": 5,
        "COMPRESS_STREAMS": False,
        # Scripts and stylesheets served minified (mag/web/assets.py); MAG_MINIFY=0 serves
        # them as written, for reading them in the browser's tools while developing.
        "MAG_MINIFY": os.environ.get("MAG_MINIFY", "1") != "0",
        # How long a browser keeps a facilitator or participant identity (seconds).
        "MAG_COOKIE_MAX_AGE": 60 * 60 * 24 * 120,
        "MAG_COOKIE_SECURE": os.environ.get("MAG_COOKIE_SECURE", "") == "1",
        # A reconnecting browser that missed more events than this gets a full state.
        "MAG_REPLAY_LIMIT": 500,
        # Largest Socket.IO message accepted (bytes, in UTF-8): a whole synthesis
        # (300,000 characters) fits; contributions are far smaller.
        "MAG_MAX_MESSAGE_BYTES": int(os.environ.get("MAG_MAX_MESSAGE_BYTES", 1536 * 1024)),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Time zone of the times of day in documents; empty: the server's own.
        "MAG_TIMEZONE": os.environ.get("MAG_TIMEZONE", ""),
        # Where several server processes meet (redis://host:port/db): the events one
        # process commits reach the browsers of every other, and presence is shared.
        # Empty: one process, everything in memory.
        "MAG_MESSAGE_QUEUE": os.environ.get("MAG_MESSAGE_QUEUE", ""),
        # Live connections one process holds (each browser tab is one), and how many
        # of them one network address may open. `mag serve` lowers the first to what
        # its open-files limit allows.
        "MAG_MAX_CONNECTIONS": int(os.environ.get("MAG_MAX_CONNECTIONS", "5000")),
        "MAG_MAX_CONNECTIONS_PER_ADDRESS": int(
            os.environ.get("MAG_MAX_CONNECTIONS_PER_ADDRESS", "100")
        ),
        # Reverse proxies in front of mag that set X-Forwarded-For (0: none): the
        # per-address limit then counts the browser's address, not the proxy's.
        "MAG_PROXY_HOPS": int(os.environ.get("MAG_PROXY_HOPS", "0")),
        # SQLite's "synchronous": FULL (the default) syncs every commit to the disk, so
        # an acknowledged command survives a power cut; NORMAL syncs at checkpoints only
        # (still safe when the process crashes, not when the machine loses power) and
        # removes the disk's wait from every command. See docs/deploy.md.
        "MAG_SQLITE_SYNCHRONOUS": os.environ.get("MAG_SQLITE_SYNCHRONOUS", "FULL"),
        # How often (seconds) a process checks that its browsers have every event
        # committed elsewhere (another process, an export job); 0: never.
        "MAG_CATCH_UP_SECONDS": float(os.environ.get("MAG_CATCH_UP_SECONDS", "2")),
        # Exports and archives one server process renders at once, each in its own
        # OS process (mag.jobs); more wait their turn.
        "MAG_EXPORT_WORKERS": int(os.environ.get("MAG_EXPORT_WORKERS", "2")),
    }
