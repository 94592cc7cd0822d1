"""docs/protocol.md describes every command, event type and error code the server uses."""

import re
from pathlib import Path

from mag.domain.commands import COMMANDS
from mag.domain.steps import PAYLOADS
from mag.domain.steps.session import ADD_PARTICIPANT

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "protocol.md").read_text("utf-8")


def documented(name: str) -> bool:
    return f"`{name}`" in DOC


def test_every_command_is_documented():
    assert [name for name in [*COMMANDS, ADD_PARTICIPANT] if not documented(name)] == []


def test_every_event_type_is_documented():
    assert sorted(name for name in PAYLOADS if not documented(name)) == []


def test_every_error_code_is_documented():
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "mag").rglob("*.py"))
    codes = set(re.findall(r'DomainError\(\s*"(\w+)"', source))
    codes |= set(re.findall(r'"code": "(\w+)"', source))
    assert codes, "the pattern no longer finds the codes"
    assert sorted(code for code in codes if not documented(code)) == []
