"""Static files under hashed names, cached for a year; pages never cached; all compressed.

What a phone on a weak network downloads once and keeps (mag/web/assets.py).
"""

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest

from mag.web.assets import IMMUTABLE, Asset, Assets
from mag.web.i18n_client import client_messages

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
HASHED = re.compile(r"\.[0-9a-f]{10}(\.\w+)$")
SPECIFIER = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.\.?/[^"']+)["']""")


def links(html: str) -> list[str]:
    """The static files and the messages a page loads, in its order."""
    return re.findall(r'(?:href|src)="(/(?:static|messages)/[^"]+)"', html)


def unhashed(url: str) -> str:
    return HASHED.sub(r"\1", url)


@pytest.fixture
def amina(room):
    return room.join("Amina")


def participant_page(amina, room) -> str:
    response = amina.http.get(f"/s/{room.session_id}")
    assert response.status_code == 200
    return response.text


def test_a_live_page_loads_hashed_files_cached_for_a_year_with_the_right_content(amina, room):
    html = participant_page(amina, room)
    urls = links(html)
    assert "/static/css/mag.css" not in html and 'id="mag-messages"' not in html
    scripts = [url for url in urls if url.endswith(".js") and url.startswith("/static/")]
    assert scripts, html
    for url in urls:
        response = amina.http.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        if url.startswith("/messages/"):
            continue
        assert HASHED.search(url), url
        served = response.get_data(as_text=True)
        source = (STATIC / unhashed(url).removeprefix("/static/")).read_text()
        # The same file, its imports renamed to the hashed names (served as well).
        assert (
            SPECIFIER.sub(lambda m: m.group(0).replace(m.group(1), unhashed(m.group(1))), served)
            == source
        )
        for specifier in SPECIFIER.findall(served):
            assert HASHED.search(specifier), (url, specifier)


def test_the_page_preloads_its_whole_import_graph(amina, room):
    html = participant_page(amina, room)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    entry = re.search(r'<script type="module" src="([^"]+)">', html).group(1)
    reached, todo = set(), [entry]
    while todo:
        url = todo.pop()
        if url in reached:
            continue
        reached.add(url)
        body = amina.http.get(url).get_data(as_text=True)
        base = url.rsplit("/", 1)[0]
        for specifier in SPECIFIER.findall(body):
            parts = f"{base}/{specifier}".split("/")
            resolved: list[str] = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part != ".":
                    resolved.append(part)
            todo.append("/".join(resolved))
    assert reached == preloaded
    assert any("/participant/" in url for url in reached) and len(reached) > 10
    # The messages come before the modules, which then read them at once.
    assert html.index("/messages/") < html.index('rel="modulepreload"')
    assert html.index("/messages/") < html.index('<script type="module"')


def test_a_changed_file_gets_a_new_name_and_so_does_every_module_importing_it(tmp_path):
    js = tmp_path / "js"
    js.mkdir()
    (js / "dom.js").write_text("export const h = 1;\n")
    (js / "page.js").write_text('import { h } from "./dom.js";\nexport default h;\n')
    (js / "other.js").write_text("export const o = 2;\n")
    (js / "a.js").write_text('import "./b.js";\nexport const a = 1;\n')
    (js / "b.js").write_text('import { a } from "./a.js";\nexport const b = a;\n')
    (tmp_path / "site.css").write_text("body { color: black; }\n")
    before = Assets(tmp_path)
    (js / "dom.js").write_text("export const h = 2;\n")
    (js / "b.js").write_text('import { a } from "./a.js";\nexport const b = a + 1;\n')
    after = Assets(tmp_path)
    assert before.url_name("js/dom.js") != after.url_name("js/dom.js")
    assert before.url_name("js/page.js") != after.url_name("js/page.js")
    assert before.url_name("js/other.js") == after.url_name("js/other.js")
    assert before.url_name("site.css") == after.url_name("site.css")
    # Modules importing each other: a change to one renames both.
    assert before.url_name("js/a.js") != after.url_name("js/a.js")
    a = after.by_path["js/a.js"].body.decode()
    assert f'import "./{after.url_name("js/b.js").removeprefix("js/")}";' in a
    page = after.by_path["js/page.js"].body.decode()
    assert f'from "./{after.url_name("js/dom.js").removeprefix("js/")}"' in page


def test_an_import_of_a_missing_file_stops_the_start(tmp_path):
    (tmp_path / "page.js").write_text('import { h } from "./dom.js";\n')
    with pytest.raises(ValueError, match=r"page\.js imports './dom\.js': no such file"):
        Assets(tmp_path)


def test_the_plain_name_of_a_module_re_exports_the_hashed_one_uncached(app):
    client = app.test_client()
    dom = client.get("/static/js/dom.js")
    assert dom.headers["Cache-Control"] == "no-cache"
    hashed = app.extensions["mag_assets"].url_name("js/dom.js").removeprefix("js/")
    assert dom.get_data(as_text=True) == f'export * from "./{hashed}";\n'
    vendor = client.get("/static/vendor/socket.io-client-4.8.1/socket.io.esm.min.js")
    assert "export { default } from" in vendor.get_data(as_text=True)
    css = client.get("/static/css/mag.css")
    assert css.headers["Cache-Control"] == "no-cache"
    assert css.get_data(as_text=True) == (STATIC / "css" / "mag.css").read_text()
    assert client.get("/static/js/dom.0123456789.js").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


def test_pages_are_never_cached(amina, room):
    for client, path in [
        (amina.http, f"/s/{room.session_id}"),
        (amina.http, "/rejoindre"),
        (room.facilitator.http, f"/animer/{room.session_id}"),
        (room.facilitator.http, "/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize(
    ("accepted", "encoding", "decode"),
    [("gzip, deflate, br, zstd", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_pages_and_files_are_compressed_when_the_browser_asks(
    amina, room, accepted, encoding, decode
):
    page = f"/s/{room.session_id}"
    plain = amina.http.get(page)
    assert "Content-Encoding" not in plain.headers
    urls = [page, *links(plain.text)]
    for url in urls:
        identity = amina.http.get(url)
        compressed = amina.http.get(url, headers={"Accept-Encoding": accepted})
        assert compressed.headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in compressed.headers["Vary"], url
        assert decode(compressed.data) == identity.data, url
        assert len(compressed.data) < len(identity.data), url


def test_socket_io_long_polling_still_works_when_the_browser_accepts_brotli(app):
    """Engine.IO answers /socket.io/ in front of Flask: Flask-Compress never touches it."""
    response = app.test_client().get(
        "/socket.io/?EIO=4&transport=polling", headers={"Accept-Encoding": "br, gzip"}
    )
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") in (None, "gzip")  # Engine.IO's own
    body = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert body.startswith(b"0{") and b'"sid"' in body


def test_the_messages_come_once_per_language_as_a_cached_file(app, amina, room):
    app.config["MAG_LANGUAGES"] = ["fr", "en"]
    french = re.search(r'src="(/messages/fr/[0-9a-f]{10}\.js)"', participant_page(amina, room))
    assert french, "the page names its language's messages"
    response = amina.http.get(french.group(1))
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.mimetype == "text/javascript"
    text = response.get_data(as_text=True)
    assert text.startswith("globalThis.MAG_MESSAGES = ") and text.endswith(";\n")
    with app.test_request_context():
        expected = client_messages()
    assert json.loads(text.removeprefix("globalThis.MAG_MESSAGES = ").removesuffix(";\n")) == (
        expected
    )
    # Every live page of that language names the same file.
    console = room.facilitator.http.get(f"/animer/{room.session_id}").text
    assert french.group(1) in console
    english = amina.http.get(f"/s/{room.session_id}?lang=en").text
    assert re.search(r'src="/messages/en/[0-9a-f]{10}\.js"', english)
    # An old digest (the server restarted with other messages) gets today's, uncached.
    stale = amina.http.get("/messages/fr/0123456789.js")
    assert stale.headers["Cache-Control"] == "no-cache"
    assert stale.data == response.data
    assert amina.http.get("/messages/xx/0123456789.js").status_code == 404


def test_the_method_table_gives_the_hashed_address_of_a_kinds_screens(
    app, amina, room, monkeypatch
):
    from mag.domain import commands

    assets = app.extensions["mag_assets"]
    name = "js/kinds/silence.0123456789.js"
    monkeypatch.setitem(
        assets.by_path,
        "js/kinds/silence.js",
        Asset("js/kinds/silence.js", b"", "text/javascript", name=name),
    )
    monkeypatch.setattr(commands, "KINDS", {"silence": None, "absent": None})
    html = participant_page(amina, room)
    table = json.loads(
        re.search(r'<script type="application/json" id="mag-method">(.*?)</script>', html).group(1)
    )
    assert table["kind_modules"] == ["absent", "silence"]
    assert table["kind_scripts"]["silence"] == f"/static/{name}"
    # A kind whose file is not in static/ (the tests serve theirs): its plain address.
    assert table["kind_scripts"]["absent"] == "/static/js/kinds/absent.js"
    assert f'<link rel="modulepreload" href="/static/{name}">' in html
