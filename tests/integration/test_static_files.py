"""Static files under hashed names, cached for a year; pages never cached; all compressed.

What a phone on a weak network downloads once and keeps (mag/web/assets.py).
"""

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest
import rjsmin

from mag.web.assets import IMMUTABLE, MIN_COMPRESSED_SIZE, Asset, Assets, minified
from mag.web.i18n_client import PAGES, client_messages
from mag.web.i18n_console import console_messages
from mag.web.i18n_projection import projection_messages

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


def messages_of(html: str) -> str:
    """The address of the messages file a live page names."""
    found = re.search(r'<script defer src="(/messages/[^"]+)">', html)
    assert found, "a live page names its messages"
    return found.group(1)


def served_messages(client, url: str) -> dict[str, str]:
    text = client.get(url).get_data(as_text=True)
    assert text.startswith("globalThis.MAG_MESSAGES = ") and text.endswith(";\n")
    return json.loads(text.removeprefix("globalThis.MAG_MESSAGES = ").removesuffix(";\n"))


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
        path = unhashed(url).removeprefix("/static/")
        source = minified(path, (STATIC / path).read_bytes()).decode()
        # The same file minified, its imports renamed to the hashed names (served as well).
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
    before = Assets(tmp_path, minify=False)
    (js / "dom.js").write_text("export const h = 2;\n")
    (js / "b.js").write_text('import { a } from "./a.js";\nexport const b = a + 1;\n')
    after = Assets(tmp_path, minify=False)
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
    assert css.data == minified("css/mag.css", (STATIC / "css" / "mag.css").read_bytes())
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
        if len(identity.data) < MIN_COMPRESSED_SIZE:  # not worth its header
            assert "Content-Encoding" not in compressed.headers, url
            assert compressed.data == identity.data, url
            continue
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


def test_the_messages_come_once_per_page_and_language_as_a_cached_file(app, amina, room):
    app.config["MAG_LANGUAGES"] = ["fr", "en"]
    french = messages_of(participant_page(amina, room))
    assert re.fullmatch(r"/messages/participant/fr/[0-9a-f]{10}\.js", french)
    response = amina.http.get(french)
    assert response.headers["Cache-Control"] == IMMUTABLE
    # A classic script: its charset said, or the page's encoding would be used.
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    with app.test_request_context():
        expected = client_messages("participant")
    assert served_messages(amina.http, french) == expected
    # The join form prefetches the same file.
    assert french in amina.http.get("/rejoindre").text
    # The console and the projection name files of their own.
    console = messages_of(room.facilitator.http.get(f"/animer/{room.session_id}").text)
    assert re.fullmatch(r"/messages/facilitator/fr/[0-9a-f]{10}\.js", console)
    projection = messages_of(room.facilitator.http.get(f"/projeter/{room.session_id}").text)
    assert re.fullmatch(r"/messages/projection/fr/[0-9a-f]{10}\.js", projection)
    english = messages_of(amina.http.get(f"/s/{room.session_id}?lang=en").text)
    assert re.fullmatch(r"/messages/participant/en/[0-9a-f]{10}\.js", english)
    # An old digest (the server restarted with other messages) gets today's, uncached.
    stale = amina.http.get("/messages/participant/fr/0123456789.js")
    assert stale.headers["Cache-Control"] == "no-cache"
    assert stale.data == response.data
    assert amina.http.get("/messages/participant/xx/0123456789.js").status_code == 404
    assert amina.http.get("/messages/archive/fr/0123456789.js").status_code == 404


# -- which messages each page's scripts ask for

# `t(key…)`, `tn(key…)`, `has(key…)` and their first argument (not a method `.has(`);
# a lookahead, so a call inside another's argument, `t(has(own) ? own : "x")`, counts too.
CALL = re.compile(r"(?<![\w.$])(t|tn|has)\(\s*(?=([^,()]*(?:\([^()]*\)[^,()]*)*))")
KEY = re.compile(r"""(["'])([a-z][a-z0-9_]*)\1""")
TEMPLATE = re.compile(r"`([a-z0-9_]*(?:\$\{[^}`]*\}[a-z0-9_]*)+)`")
# Literals that name a message key but are something else, in a module that passes
# keys through variables (`t(label)`), where every literal counts as a key.
NOT_KEYS = {
    "accept_narration": "a command (console/vote.js)",
    "decline_narration": "a command (console/vote.js)",
    "reference": "a contribution's field (console/analysis.js)",
}


def template_keys(template: str, keys: set[str]) -> set[str]:
    """The keys a template literal may make: `kind_${c.kind}` → kind_note, kind_stakes…

    Each interpolated value is taken as one word (a kind, a status, a mode, a level),
    so `${kind}_label` gives question_label, not console_question_label.
    """
    parts = re.split(r"\$\{[^}]*\}", template)
    if not re.search("[a-z]", "".join(parts)):
        return set()  # `${key}_${form}`: i18n.js itself
    pattern = re.compile("[a-z0-9]+".join(map(re.escape, parts)))
    return {key for key in keys if pattern.fullmatch(key)}


def asked_for(script: str, keys: set[str]) -> set[str]:
    """The message keys a script may show, among ``keys`` (every page's).

    A key written in the call, as a literal, a choice of literals or a template; when a
    call gets its key from a variable, every literal and template of the script.
    """
    script = rjsmin.jsmin(script)  # no comments
    asked: set[str] = set()
    through_variables = False
    for function, argument in CALL.findall(script):
        argument = argument.split("?", 1)[-1]  # a choice: the keys, not the condition
        literals = [key for _, key in KEY.findall(argument)]
        templates = TEMPLATE.findall(argument)
        for key in literals:
            asked |= {f"{key}_one", f"{key}_other"} if function == "tn" else {key}
        for template in templates:
            asked |= template_keys(template, keys)
        through_variables |= not literals and not templates
    if through_variables:
        asked |= {key for _, key in KEY.findall(script) if key in keys and key not in NOT_KEYS}
        for template in TEMPLATE.findall(script):
            asked |= template_keys(template, keys)
    return asked


def test_the_scan_finds_keys_written_every_way():
    keys = {"a_b", "kind_note", "kind_stakes", "note_label", "x_note_label", "one_one", "one_other"}
    keys |= {"yes", "no", "picked", "other"}
    script = """
        // t("a_b") in a comment does not count
        h("p", { text: t(`kind_${c.kind}`) }); t(`${kind}_label`); tn("one", n);
        t(flag === "picked" ? "yes" : "no"); seen.has("other");
    """
    assert asked_for(script, keys) == {
        "kind_note", "kind_stakes", "note_label", "one_one", "one_other", "yes", "no"
    }  # fmt: skip
    # A key passed through a variable: every literal and template of the script may be one.
    script += 'const own = `x_${kind}_label`; t(has(own) ? own : "a_b");'
    assert asked_for(script, keys) == keys


@pytest.fixture
def pages(amina, room) -> dict[str, str]:
    """The HTML of each live page."""
    return {
        "participant": participant_page(amina, room),
        "facilitator": room.facilitator.http.get(f"/animer/{room.session_id}").text,
        "projection": room.facilitator.http.get(f"/projeter/{room.session_id}").text,
    }


def test_each_page_gets_every_message_its_scripts_ask_for(app, amina, pages):
    assert set(pages) == set(PAGES)
    assets = app.extensions["mag_assets"]
    with app.test_request_context():
        every = set(client_messages())
    for page, html in pages.items():
        sent = served_messages(amina.http, messages_of(html))
        modules = [unhashed(url).removeprefix("/static/") for url in preload_links(html)]
        assert f"js/{page}.js" in modules and "js/round.js" in modules, page
        asked: set[str] = set()
        for path in modules:
            if path.startswith("js/"):
                asked |= asked_for(assets.folder.joinpath(path).read_text("utf-8"), every)
        assert asked - set(sent) == set(), page
        assert len(asked) > 100, page  # the scan does find them


def test_the_participant_page_gets_neither_the_consoles_messages_nor_the_projections(
    app, amina, pages
):
    sent = served_messages(amina.http, messages_of(pages["participant"]))
    with app.test_request_context():
        console, projection = set(console_messages()), set(projection_messages())
    assert console and projection
    assert set(sent) & (console | projection) == set()
    assert not {"confirm_end", "lobby_connected_one", "status_lobby"} & set(sent)  # the staff's
    assert sent["expect_agreement"] and sent["board_empty"] and sent["plain_board"]
    # The console's file has the console's, not the projection's.
    at_console = served_messages(amina.http, messages_of(pages["facilitator"]))
    assert console <= set(at_console) and not projection & set(at_console)


# -- what is served is minified, and still runs


def preload_links(html: str) -> list[str]:
    return re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)


def test_every_served_script_is_minified_and_still_valid(app, tmp_path):
    # node checks the scripts' syntax: scripts/test installs it, so it is never skipped.
    assert shutil.which("node"), "node is missing: scripts/test installs Debian's nodejs"
    client = app.test_client()
    assets = app.extensions["mag_assets"]
    checked = 0
    for path, asset in sorted(assets.by_path.items()):
        if not path.endswith(".js"):
            continue
        response = client.get(f"/static/{asset.name}")
        # A module is read as UTF-8 whatever the header says: no charset, 15 bytes less.
        assert response.headers["Content-Type"] == "text/javascript", path
        served = response.data
        source = (STATIC / path).read_bytes()
        if not path.endswith(".min.js"):
            assert len(served) < len(source), path
            assert b"\n//" not in served and b"/**" not in served, path  # no comments left
        module = tmp_path / f"{checked}.mjs"
        module.write_bytes(served)
        checked += 1
        result = subprocess.run(
            ["node", "--check", str(module)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"
    assert checked > 30


def test_served_stylesheets_are_minified(app):
    client = app.test_client()
    assets = app.extensions["mag_assets"]
    for path in ["css/mag.css", "css/steps.css", "css/review.css"]:
        served = client.get(f"/static/{assets.url_name(path)}").get_data(as_text=True)
        source = (STATIC / path).read_text()
        assert len(served) < 0.9 * len(source), path
        assert "/*" not in served and "\n  " not in served, path


def test_mag_minify_0_serves_the_files_as_written(db_url, tmp_path):
    from mag import create_app

    app = create_app(
        {
            "TESTING": True,
            "MAG_DATABASE_URL": db_url,
            "MAG_DATA_DIR": tmp_path,
            "MAG_MINIFY": False,
        }
    )
    try:
        client = app.test_client()
        assets = app.extensions["mag_assets"]
        for path in ["js/dom.js", "css/mag.css"]:
            served = client.get(f"/static/{assets.url_name(path)}").data
            assert served == (STATIC / path).read_bytes(), path
    finally:
        app.extensions["mag"].engine.dispose()


def test_the_hash_covers_what_is_served(tmp_path):
    (tmp_path / "dom.js").write_text("export const h = 1; // one\n")
    before = Assets(tmp_path)
    assert before.by_path["dom.js"].body == b"export const h=1;\n"
    (tmp_path / "dom.js").write_text("export const h = 1; // another comment\n")
    assert Assets(tmp_path).url_name("dom.js") == before.url_name("dom.js")
    assert Assets(tmp_path, minify=False).url_name("dom.js") != before.url_name("dom.js")


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
