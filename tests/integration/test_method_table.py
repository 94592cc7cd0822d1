"""The method's limits and lists live in the domain; pages and scripts read them from there."""

import json
import re
from pathlib import Path

from mag.domain import commands
from mag.domain.state import BoardKind, Level

ROOT = Path(__file__).resolve().parents[2]


def page_of(person, path: str) -> str:
    response = person.http.get(path)
    assert response.status_code == 200
    return response.text


def table_in(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="mag-method">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_every_page_field_takes_its_limit_from_the_domain(room):
    amina = room.join("Amina")
    pages = [
        page_of(amina, f"/s/{room.session_id}"),
        page_of(room.facilitator, f"/animer/{room.session_id}"),
        page_of(amina, "/rejoindre"),
        page_of(room.facilitator, "/"),
    ]
    limits = set(commands.LIMITS.values())
    for html in pages:
        for field in re.findall(r"<(?:input|textarea)[^>]*>", html):
            length = re.search(r'maxlength="(\d+)"', field)
            if length and "join-code" not in field and 'id="code"' not in field:
                assert int(length.group(1)) in limits, field
    table = table_in(pages[0])
    assert table["limits"] == commands.LIMITS
    assert table["levels"] == [level.value for level in Level]
    assert table["board_kinds"] == [kind.value for kind in BoardKind]
    assert table["contribution_kinds"]["stakes"] == "stakes"
    assert table["contribution_kinds"]["round"] == "interpretation"
    assert "narration" not in table["contribution_kinds"]  # the rapporteur's notes say it
    assert table["narrator_kinds"] == ["reaction", "stakes"]


def test_a_limit_changed_in_the_domain_changes_the_pages(room, monkeypatch):
    monkeypatch.setitem(commands.LIMITS, "body", 1234)
    amina = room.join("Amina")
    html = page_of(amina, f"/s/{room.session_id}")
    assert 'id="interpretation-body" name="body" required maxlength="1234"' in html
    assert table_in(html)["limits"]["body"] == 1234


def test_no_script_holds_its_own_copy_of_a_limit_or_a_list():
    for script in (ROOT / "static" / "js").rglob("*.js"):
        if "vendor" in script.parts:
            continue
        code = script.read_text()
        assert not re.search(r"\bmax(length)?: \d", code), script
        assert not re.search(r'\["(pratique|convergence)"', code), script
