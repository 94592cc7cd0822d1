"""Static files under content-hashed names, cached for a year, compressed once.

At start every file of ``static/`` gets a name with a hash of its content,
``js/dom.js`` → ``js/dom.3f2a9c1e0b.js``, which ``url_for('static', ...)`` gives, and
that name is served with ``Cache-Control: public, max-age=31536000, immutable``: a
browser asks for it once, and a changed file has another name. The scripts are
ES modules that import each other by relative specifiers (``./dom.js``); each one is
served with those specifiers rewritten to the hashed names, and its own hash covers
the rewritten text, so the names are computed from the leaves up: a change to
``dom.js`` renames every module that imports it, directly or not. Modules importing
each other in a cycle share one hash made of all their texts.

What is served is minified (rjsmin for the scripts, rcssmin for the stylesheets: comments
and spaces only, names kept, so a served file still reads in the browser's tools) before
its imports are renamed and it is hashed, so the hash covers the bytes sent. The files in
the repository stay as written; ``MAG_MINIFY=0`` serves them so, for development.

The plain name (``/static/js/dom.js``) still answers, uncached: a stylesheet as it
is, a module as one line re-exporting its hashed name, so a script that imports the
plain name (a kind's file served from elsewhere) shares the page's module instead of
loading a second copy. The page's whole import graph is listed in
``<link rel="modulepreload">`` (:meth:`Assets.preload_links`), so the browser fetches
it at once rather than module after module.

Compression: a file is compressed once, at the highest level (Brotli 11, gzip 9),
the first time a browser accepts that encoding, and kept in memory; pages and other
responses are compressed per response by Flask-Compress (mag/app.py).
"""

import gzip
import hashlib
import json
import mimetypes
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from flask import Flask, Response, abort, current_app, request, url_for
from flask_babel import force_locale, get_locale
from markupsafe import Markup
from werkzeug.utils import get_content_type

from mag.config import ROOT
from mag.domain.commands import browser_table
from mag.web.i18n_client import PAGES, client_messages

HASH_LENGTH = 10
# A year; "public" would say nothing more (no request carries an Authorization header).
IMMUTABLE = "max-age=31536000, immutable"
UNCACHED = "no-cache"
ENCODINGS = ("br", "gzip")
# The endpoints serving files (static files, the messages), not pages.
ENDPOINTS = frozenset({"static", "messages"})
# Below this a compressed body saves less than the header costs.
MIN_COMPRESSED_SIZE = 500
# A module's static imports and literal dynamic ones: `from "./x.js"`, `import "./x.js"`,
# `import("./x.js")`. Only relative specifiers: the pages use no other.
SPECIFIER = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.\.?/[^"'\s]+)\2""")
DEFAULT_EXPORT = re.compile(r"\bexport\s+default\b|\bas\s+default\b")


@dataclass
class Asset:
    """One file of ``static/`` as served."""

    path: str  # relative to static/, with slashes: "js/dom.js"
    body: bytes  # imports rewritten for a module
    content_type: str
    imports: tuple[str, ...] = ()  # the paths this module imports, in order
    name: str = ""  # the hashed name
    encoded: dict[str, bytes] = field(default_factory=dict)

    def body_for(self, encoding: str | None) -> bytes:
        if encoding is None:
            return self.body
        if encoding not in self.encoded:
            self.encoded[encoding] = compress(self.body, encoding)
        return self.encoded[encoding]


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(body, quality=11)
    return gzip.compress(body, compresslevel=9, mtime=0)


def hashed_name(path: str, digest: str) -> str:
    stem, suffix = posixpath.splitext(path)
    return f"{stem}.{digest[:HASH_LENGTH]}{suffix}"


def is_module(path: str) -> bool:
    return path.endswith(".js")


def minified(path: str, body: bytes) -> bytes:
    """A script or stylesheet without its comments and spaces; other files as they are.

    A vendor's file already minified (``*.min.js``) is left alone, and so is a file
    that is not UTF-8.
    """
    if path.endswith(".min.js") or not path.endswith((".js", ".css")):
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    text = rjsmin.jsmin(text) if path.endswith(".js") else rcssmin.cssmin(text)
    return (text + "\n").encode("utf-8")


class Assets:
    """Every file of a static folder, by plain and by hashed name."""

    def __init__(self, folder: Path, minify: bool = True):
        self.folder = folder
        # The messages file of each live page and language ("participant/fr"), made when
        # first asked for.
        self.messages: dict[str, Asset] = {}
        sources: dict[str, bytes] = {}
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                path = file.relative_to(folder).as_posix()
                body = file.read_bytes()
                sources[path] = minified(path, body) if minify else body
        self.by_path: dict[str, Asset] = {}
        for path, body in sources.items():
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            content_type = get_content_type(mimetype, "utf-8")
            if is_module(path):
                # RFC 9239 (some systems map .js elsewhere). No charset: a browser reads
                # a module as UTF-8 whatever the header says, and it is 15 bytes a file.
                content_type = "text/javascript"
            imports = tuple(self._imports(path, body, sources)) if is_module(path) else ()
            self.by_path[path] = Asset(path, body, content_type, imports)
        for group in self._groups_leaves_first():
            self._name(group)
        self.by_name = {asset.name: asset for asset in self.by_path.values()}

    # -- building

    @staticmethod
    def _imports(path: str, body: bytes, sources: dict[str, bytes]) -> Iterable[str]:
        for match in SPECIFIER.finditer(body.decode("utf-8")):
            target = resolve(path, match.group(3))
            if target not in sources:
                raise ValueError(f"static/{path} imports {match.group(3)!r}: no such file")
            yield target

    def _groups_leaves_first(self) -> list[list[str]]:
        """The modules in groups importing each other (Tarjan), each after what it imports."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        groups: list[list[str]] = []

        def visit(path: str) -> None:
            index[path] = low[path] = len(index)
            stack.append(path)
            on_stack.add(path)
            for target in self.by_path[path].imports:
                if target not in index:
                    visit(target)
                    low[path] = min(low[path], low[target])
                elif target in on_stack:
                    low[path] = min(low[path], index[target])
            if low[path] == index[path]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == path:
                        break
                groups.append(sorted(group))

        for path in self.by_path:
            if path not in index:
                visit(path)
        return groups

    def _name(self, group: list[str]) -> None:
        """Hash a file, or a cycle of modules, whose imports are already named."""
        if len(group) == 1 and group[0] not in self.by_path[group[0]].imports:
            asset = self.by_path[group[0]]
            asset.body = self._rewrite(asset, {})
            asset.name = hashed_name(asset.path, hashlib.sha256(asset.body).hexdigest())
            return
        # A cycle: one hash of every member's text and of the names it imports from
        # outside, so a change to any of them renames them all.
        digest = hashlib.sha256()
        for path in group:
            asset = self.by_path[path]
            digest.update(path.encode() + b"\0" + asset.body + b"\0")
            for target in asset.imports:
                if target not in group:
                    digest.update(self.by_path[target].name.encode() + b"\0")
        names = {path: hashed_name(path, digest.hexdigest()) for path in group}
        for path in group:
            asset = self.by_path[path]
            asset.body = self._rewrite(asset, names)
            asset.name = names[path]

    def _rewrite(self, asset: Asset, names: dict[str, str]) -> bytes:
        if not asset.imports:
            return asset.body

        def renamed(match: re.Match[str]) -> str:
            target = resolve(asset.path, match.group(3))
            name = names.get(target) or self.by_path[target].name
            specifier = relative(asset.path, name)
            return f"{match.group(1)}{match.group(2)}{specifier}{match.group(2)}"

        return SPECIFIER.sub(renamed, asset.body.decode("utf-8")).encode("utf-8")

    # -- reading

    def url_name(self, path: str) -> str:
        """The hashed name of a file, or the path itself when there is no such file."""
        asset = self.by_path.get(path)
        return asset.name if asset is not None else path

    def graph(self, path: str) -> list[str]:
        """A module and every module it imports, directly or not (each once)."""
        seen: dict[str, None] = {}

        def visit(current: str) -> None:
            if current in seen or current not in self.by_path:
                return
            seen[current] = None
            for target in self.by_path[current].imports:
                visit(target)

        visit(path)
        return list(seen)

    def shim(self, asset: Asset) -> bytes:
        """A plain module name: re-export the hashed module, so there is one instance."""
        target = relative(asset.path, asset.name)
        lines = [f'export * from "{target}";']
        if DEFAULT_EXPORT.search(asset.body.decode("utf-8")):
            lines.append(f'export {{ default }} from "{target}";')
        return ("\n".join(lines) + "\n").encode("utf-8")


def resolve(importer: str, specifier: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))


def relative(importer: str, target: str) -> str:
    specifier = posixpath.relpath(target, posixpath.dirname(importer))
    return specifier if specifier.startswith("../") else f"./{specifier}"


# -- the web side


def assets() -> Assets:
    return current_app.extensions["mag_assets"]


def serve(filename: str) -> Response:
    """``/static/<filename>``: a hashed name for a year, a plain name uncached."""
    found = assets().by_name.get(filename)
    if found is not None:
        return encoded_response(found.body, found.content_type, IMMUTABLE, found)
    found = assets().by_path.get(filename)
    if found is None:
        abort(404)
    if is_module(found.path):
        return encoded_response(assets().shim(found), found.content_type, UNCACHED)
    return encoded_response(found.body, found.content_type, UNCACHED, found)


def encoded_response(
    body: bytes, content_type: str, cache_control: str, asset: Asset | None = None
) -> Response:
    """The body in the best encoding the browser accepts (kept on ``asset`` once made)."""
    encoding = (
        request.accept_encodings.best_match(ENCODINGS) if len(body) >= MIN_COMPRESSED_SIZE else None
    )
    if encoding is not None:
        body = asset.body_for(encoding) if asset is not None else compress(body, encoding)
    response = Response(body, content_type=content_type)
    if encoding is not None:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = cache_control
    return response


def hashed_static_urls(endpoint: str, values: dict[str, object]) -> None:
    """``url_for('static', filename=...)`` gives the hashed name (a ``url_defaults`` hook)."""
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = assets().url_name(str(values["filename"]))


def preload_links(*entries: str) -> Markup:
    """``<link rel="modulepreload">`` for every module the entries import, at once."""
    paths: dict[str, None] = {}
    for entry in entries:
        paths.update(dict.fromkeys(assets().graph(entry)))
    return Markup("\n").join(
        Markup('<link rel="modulepreload" href="{}">').format(url_for("static", filename=path))
        for path in paths
    )


def kind_scripts() -> list[str]:
    """The screens of the kinds of step brought by a module, which every live page loads."""
    return [f"js/kinds/{kind}.js" for kind in browser_table()["kind_modules"]]


def preload_page(entry: str) -> Markup:
    """A live page's head: its messages, then its modules and the kinds' files preloaded."""
    return Markup("\n").join(
        [
            Markup('<script defer src="{}"></script>').format(messages_url(page_of(entry))),
            preload_links(entry, *kind_scripts()),
        ]
    )


def prefetch_page(entry: str, *others: str) -> Markup:
    """``<link rel="prefetch">`` for a page the person goes to next (the join form's).

    While someone types the code and their pseudonym, the session page's files come
    into the browser's cache, so « Entrer » only waits for the page itself. Modules
    are fetched as a module script would be (``crossorigin``), so the cached copy is
    the one the page uses.
    """
    modules: dict[str, None] = {}
    for path in (entry, *kind_scripts()):
        modules.update(dict.fromkeys(assets().graph(path)))
    links = [Markup('<link rel="prefetch" href="{}">').format(messages_url(page_of(entry)))]
    links += [
        Markup('<link rel="prefetch" href="{}" crossorigin>').format(
            url_for("static", filename=path)
        )
        for path in modules
    ]
    links += [
        Markup('<link rel="prefetch" href="{}">').format(url_for("static", filename=path))
        for path in others
    ]
    return Markup("\n").join(links)


# -- the messages the scripts show, one file per live page and language


def messages_file(page: str, locale: str) -> Asset:
    """``client_messages(page)`` in ``locale`` as a classic script, made once per process."""
    made = assets().messages
    name = f"{page}/{locale}"
    if name not in made:
        with force_locale(locale):
            text = json.dumps(client_messages(page), ensure_ascii=False, sort_keys=True)
        body = f"globalThis.MAG_MESSAGES = {text};\n".encode()
        digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
        # A classic script: without a charset it would be read in the page's encoding.
        content_type = "text/javascript; charset=utf-8"
        made[name] = Asset(name, body, content_type, name=f"{name}/{digest}.js")
    return made[name]


def messages_url(page: str) -> str:
    """The address of a live page's messages, in the request's language."""
    found = messages_file(page, str(get_locale()))
    digest = found.name.rsplit("/", 1)[1].removesuffix(".js")
    return url_for("messages", page=page, locale=str(get_locale()), digest=digest)


def page_of(entry: str) -> str:
    """The live page whose script is ``entry`` ("js/participant.js" → "participant")."""
    return posixpath.splitext(posixpath.basename(entry))[0]


def serve_messages(page: str, locale: str, digest: str) -> Response:
    """``/messages/<page>/<locale>/<digest>.js``: cached for a year under the current digest.

    Another digest (a page loaded before the server restarted with other messages)
    gets the current messages, uncached.
    """
    if page not in PAGES or locale not in current_app.config["MAG_LANGUAGES"]:
        abort(404)
    found = messages_file(page, locale)
    current = found.name == f"{page}/{locale}/{digest}.js"
    return encoded_response(
        found.body, found.content_type, IMMUTABLE if current else UNCACHED, found
    )


def register(app: Flask) -> None:
    """Serve ``static/`` under hashed names (``app`` is made with ``static_folder=None``)."""
    app.extensions["mag_assets"] = Assets(ROOT / "static", minify=bool(app.config["MAG_MINIFY"]))
    app.add_url_rule("/static/<path:filename>", "static", serve)
    app.add_url_rule("/messages/<page>/<locale>/<digest>.js", "messages", serve_messages)
    app.url_defaults(hashed_static_urls)
    app.jinja_env.globals["preload_modules"] = preload_links
    app.jinja_env.globals["live_page_head"] = preload_page
    app.jinja_env.globals["prefetch_page"] = prefetch_page
