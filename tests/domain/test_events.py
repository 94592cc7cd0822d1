"""Every event type is understood by the server's state and by the browser's copy of it."""

import re
from pathlib import Path

from mag.domain import events
from mag.domain.steps import FOLDS, PAYLOADS

STORE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "store.js"


def test_every_event_named_by_the_method_is_declared_and_folded():
    named = {v for k, v in vars(events).items() if isinstance(v, str) and k == v.upper()}
    assert len(named) > 40, "the pattern no longer finds the event names"
    assert sorted(named - set(PAYLOADS)) == []
    assert set(FOLDS) == set(PAYLOADS)


def test_the_browser_store_applies_every_event_type():
    reducers = set(re.findall(r"^  (\w+)\(", STORE_JS.read_text("utf-8"), re.M))
    assert reducers == set(PAYLOADS)
