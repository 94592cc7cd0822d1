"""What a participant's phone downloads, and how long joining takes on a weak network.

Run: .venv/bin/python benchmarks/page_weight.py [--runs 3]

Against another checkout (say the code before a change, from ``git worktree add
/tmp/before HEAD~3``): PYTHONPATH=/tmp/before .venv/bin/python benchmarks/page_weight.py.
The server is started from a temporary folder, so the mag it imports is the one
PYTHONPATH names (its templates and static files with it); the first line printed
says which.

Starts a real ``mag serve`` (SQLite in a temporary folder) on a free loopback port,
creates a session over HTTP, and drives Debian's Chromium with Playwright, one browser
context per measurement (so a cold cache each time):

- cold: the participant page (/s/<session>, after joining, the convention screen) in a
  browser that has never seen the site; the join itself is made over HTTP in the same
  context, so only the page's own requests are counted;
- warm: the same page opened again in the same context (a new tab, a plain navigation);
- join on slow 3G: the network emulated by Chromium (``Network.emulateNetworkConditions``:
  400 kbit/s down and up, 400 ms latency), the join form opened and filled, and the time
  from the click on « Entrer » to the convention shown (taken in the page); once clicked
  as soon as the form is loaded, once after ``--typing`` seconds, as a person takes to
  type a code and a pseudonym (what the form prefetches meanwhile then counts); best,
  median and worst of ``--runs`` each, with the bytes and requests after the click of
  the median run.

Bytes are what crossed the network (CDP ``encodedDataLength``: headers and the body as
sent, compressed or not); requests served from the browser's cache are counted apart.
The Socket.IO WebSocket's frames are not counted (its opening request is); long-polling
requests, if any, are. Prints figures; asserts nothing timed. Every wait is bounded; it
stops the server it started.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright
from serving import stop_group

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browsers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

READY_TIMEOUT = 60.0
SHOWN_TIMEOUT_MS = 60_000
PHONE = {"width": 360, "height": 740}
# Slow 3G as in the issue: 400 kbit/s each way, 400 ms of latency per request.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
CONVENTION = "Ce qui se dit ici reste ici ; on parle des situations, pas des personnes."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``python -m mag serve`` in a process group of its own, run from a temporary folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "MAG_DATA_DIR": str(folder),
            "MAG_DATABASE_URL": f"sqlite:///{folder}/mag.sqlite3",
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = folder / "server.log"
        self.process = None

    def which_mag(self) -> str:
        code = "import mag, pathlib; print(pathlib.Path(mag.__file__).parent.parent)"
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def start(self) -> "Server":
        argv = [sys.executable, "-m", "mag", "serve", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--no-demo"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=self.folder,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mag serve exited:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/rejoindre", timeout=1) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"mag serve not ready after {READY_TIMEOUT:.0f} s")

    def stop(self) -> None:
        stop_group(self.process)

    def create_session(self) -> str:
        """A session made through the creation form; returns its join code."""
        data = urllib.parse.urlencode(
            {
                "title": "Poids des pages",
                "question": "Qu'est-ce qu'un téléphone télécharge ?",
                "protocol": "mag-court",
                "convention": CONVENTION,
            }
        ).encode()
        with urllib.request.urlopen(f"{self.base}/seances", data=data, timeout=10) as response:
            page = response.read().decode()
        code = re.search(r'id="join-code"[^>]*value="([^"]+)"', page)
        if code is None:
            raise RuntimeError("POST /seances gave no join code")
        return code.group(1)


@dataclass
class Traffic:
    """The requests one page made, seen through the Chrome DevTools Protocol.

    Events may be handled late (Playwright hands them over when the script next talks to
    the browser), so each response keeps when its request was sent, and ``since`` is
    applied when the figures are read.
    """

    # Only requests sent from this moment on (ms since the epoch) count; None: all.
    since: float | None = None
    urls: dict[str, str] = field(default_factory=dict)
    sent_at: dict[str, float] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)
    # (sent at, url, bytes, from the cache) of each response, redirects included.
    responses: list[tuple[float, str, int, bool]] = field(default_factory=list)
    websockets: int = 0

    def watch(self, cdp) -> None:
        cdp.on("Network.requestWillBeSent", self._will_be_sent)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketCreated", self._websocket)
        cdp.send("Network.enable")

    def _will_be_sent(self, event) -> None:
        request_id = event["requestId"]
        redirect = event.get("redirectResponse")
        if redirect is not None:
            self.responses.append(
                (
                    self.sent_at[request_id],
                    self.urls[request_id],
                    redirect.get("encodedDataLength", 0),
                    False,
                )
            )
        self.urls[request_id] = event["request"]["url"]
        self.sent_at[request_id] = event["wallTime"] * 1000

    def _finished(self, event) -> None:
        request_id = event["requestId"]
        size = event["encodedDataLength"]
        from_cache = request_id in self.cached or size == 0
        self.responses.append(
            (self.sent_at.get(request_id, 0.0), self.urls.get(request_id, ""), size, from_cache)
        )

    def _websocket(self, event) -> None:
        self.websockets += 1  # only the live page opens one

    def counted(self) -> list[tuple[float, str, int, bool]]:
        return [r for r in self.responses if self.since is None or r[0] >= self.since]

    def received(self) -> list[tuple[str, int]]:
        return [(url, size) for _, url, size, cached in self.counted() if not cached]

    def details(self) -> str:
        return "\n".join(
            f"    {size:>7} B  {urllib.parse.urlsplit(url).path}" for url, size in self.received()
        )

    def total(self) -> int:
        return sum(size for _, size in self.received())

    def summary(self) -> str:
        kinds = Counter()
        for url, size in self.received():
            kinds[kind_of(url)] += size
        parts = ", ".join(f"{kind} {kb(size)}" for kind, size in kinds.most_common())
        from_cache = sum(1 for *_, cached in self.counted() if cached)
        return (
            f"{kb(self.total()):>9} in {len(self.received()):>2} requests"
            f" ({from_cache} from the cache, {self.websockets} WebSocket)  [{parts}]"
        )


def kind_of(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    if path.startswith("/socket.io"):
        return "socket.io"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".js"):
        return "messages" if "/static/" not in path else "js"
    return "page"


def kb(size: float) -> str:
    return f"{size / 1000:.1f} KB"


def convention_shown(page):
    page.get_by_role("heading", name="Convention de travail").wait_for(timeout=SHOWN_TIMEOUT_MS)
    page.get_by_text(CONVENTION[:30]).wait_for(timeout=SHOWN_TIMEOUT_MS)


def settle(page) -> None:
    """Let the page's last requests end (the WebSocket stays open: it is not waited for)."""
    page.wait_for_load_state("networkidle", timeout=SHOWN_TIMEOUT_MS)


def join_over_http(context, base: str, code: str, name: str) -> str:
    response = context.request.post(
        f"{base}/rejoindre",
        form={"code": code, "pseudonym": name, "function": "éducatrice"},
        max_redirects=0,
    )
    location = response.headers.get("location", "")
    if response.status != 302 or "/s/" not in location:
        raise RuntimeError(f"joining answered {response.status}")
    return urllib.parse.urljoin(base, location)


def cold_and_warm(browser, base: str, code: str) -> tuple[Traffic, Traffic]:
    context = browser.new_context(viewport=PHONE, locale="fr-BE")
    try:
        url = join_over_http(context, base, code, "Froid")
        traffic = [Traffic(), Traffic()]
        for seen in traffic:
            page = context.new_page()
            seen.watch(context.new_cdp_session(page))
            page.goto(url)
            convention_shown(page)
            settle(page)
            page.close()
        return traffic[0], traffic[1]
    finally:
        context.close()


def join_on_slow_3g(browser, base: str, code: str, name: str, typing: float):
    """The join form opened on slow 3G, filled in ``typing`` seconds, then « Entrer »."""
    context = browser.new_context(viewport=PHONE, locale="fr-BE")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        traffic = Traffic()
        traffic.watch(cdp)
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.add_init_script(MARK_CONVENTION_SHOWN)
        page.goto(f"{base}/rejoindre", timeout=SHOWN_TIMEOUT_MS)
        typed_by = time.monotonic() + typing
        page.get_by_label("Code de la séance").fill(code)
        page.get_by_label("Pseudonyme").fill(name)
        page.get_by_label("Votre fonction").fill("éducatrice")
        page.wait_for_timeout(max(0.0, typed_by - time.monotonic()) * 1000)
        clicked_at = page.evaluate("Date.now()")
        traffic.since = clicked_at
        page.get_by_role("button", name="Entrer").click()
        convention_shown(page)
        shown_at = page.evaluate("window.magConventionShownAt")
        settle(page)
        return (shown_at - clicked_at) / 1000, traffic
    finally:
        context.close()


# The moment the convention is on screen, taken in the page (a frame after its text is
# there), so the figure does not depend on how often Playwright looks.
MARK_CONVENTION_SHOWN = """
(() => {
  const look = () => {
    const section = document.getElementById("convention");
    const text = document.getElementById("convention-text");
    if (section && !section.hidden && text && text.textContent.trim()) {
      window.magConventionShownAt = Date.now();
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})();
"""


def report_joins(label: str, joins) -> None:
    times = sorted(seconds for seconds, _ in joins)
    median = statistics.median_low(times)
    traffic = next(t for seconds, t in joins if seconds == median)
    print(
        f"join on slow 3G, {label}, « Entrer » to the convention, {len(times)} runs:"
        f" best {times[0]:.2f} s, median {median:.2f} s, worst {times[-1]:.2f} s"
    )
    print(f"  after « Entrer », median run: {traffic.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="joins on slow 3G (default 3)")
    parser.add_argument(
        "--typing",
        type=float,
        default=5.0,
        help="seconds spent filling the join form in the second series (default 5)",
    )
    parser.add_argument("--verbose", action="store_true", help="list the cold load's requests")
    options = parser.parse_args()
    runs = min(max(options.runs, 1), 20)
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing (sudo apt-get install chromium)")
    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    server = Server(folder)
    try:
        print(f"page_weight: mag from {server.which_mag()}, {os.cpu_count()} CPUs")
        server.start()
        code = server.create_session()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            print(f"Chromium {browser.version}")
            cold, warm = cold_and_warm(browser, server.base, code)
            print(f"participant page, cold: {cold.summary()}")
            if options.verbose:
                print(cold.details())
            print(f"participant page, warm: {warm.summary()}")
            for typing in (0.0, options.typing):
                joins = [
                    join_on_slow_3g(browser, server.base, code, f"L{typing:.0f}{n}", typing)
                    for n in range(runs)
                ]
                label = "clicked at once" if not typing else f"clicked after {typing:.0f} s"
                report_joins(label, joins)
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
