"""Every event type is understood by the server's state and by the browser's copy of it."""

import re
from pathlib import Path

from mag.domain import events
from mag.domain.steps import FOLDS

STORE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "store.js"


def test_the_server_state_applies_every_event_type():
    assert set(FOLDS) == events.ALL


def test_the_browser_store_applies_every_event_type():
    reducers = set(re.findall(r"^  (\w+)\(", STORE_JS.read_text("utf-8"), re.M))
    assert reducers == events.ALL
