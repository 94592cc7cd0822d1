"""Browser tests: a real `mag serve` on a free port, Debian's Chromium driven by Playwright.

Each person (facilitator, participant) gets their own browser context, so their
own cookies, as on separate devices. Every page fails the test if the browser
reports a JavaScript error or a console error, unless the test declared that
error expected (a network cut the test made on purpose, say).
"""

import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browsers import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from servers import Server

from mag.domain.protocol import builtin_protocol

PHONE = {"width": 360, "height": 640}  # a small phone's first screen
LAPTOP = {"width": 1280, "height": 900}
DATABASE_FILE = "e2e.sqlite3"  # in the server's data folder

# Auto-waiting assertions: long enough for a reconnection on a slow machine.
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def server_data_dir(tmp_path_factory) -> Path:
    """The server's data folder (MAG_DATA_DIR), which also holds its SQLite database."""
    return tmp_path_factory.mktemp("e2e-server")


@pytest.fixture(scope="session")
def server(server_data_dir) -> Iterator[str]:
    """Start ``mag serve`` (gunicorn, as in production) on a free port; yield its base URL."""
    data_dir = server_data_dir
    env = {
        **os.environ,
        "MAG_DATABASE_URL": f"sqlite:///{data_dir / DATABASE_FILE}",
        "MAG_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    server = Server(env, data_dir / "server.log")
    try:
        server.start()
    except AssertionError as error:
        pytest.fail(str(error), pytrace=False)
    yield server.url
    crashed = server.process.poll()
    server.stop()
    server.wait()
    output = server.output()
    if crashed is not None:
        pytest.fail(f"`mag serve` stopped during the tests:\n{output}", pytrace=False)
    if re.search(r"Traceback|\[ERROR\]", output):
        pytest.fail(f"`mag serve` logged errors during the tests:\n{output}", pytrace=False)


@pytest.fixture(scope="session")
def server_database(server, server_data_dir) -> Path:
    """The running server's SQLite file, to check what it stored (open it read-only)."""
    return server_data_dir / DATABASE_FILE


@pytest.fixture(scope="session")
def browser(server) -> Iterator[Browser]:
    """One headless Chromium for the whole run (closed before the server stops)."""
    if not CHROMIUM.exists():
        where = "in CI" if os.environ.get("CI") else "here"
        pytest.fail(
            f"{CHROMIUM} is missing {where}: the browser tests are part of the suite, not "
            "optional. Run scripts/test, which installs Debian's chromium package "
            "(or: sudo apt-get install chromium). Do not run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE = Axe()


def accessibility_violations(page: Page) -> list[str]:
    """What axe-core (from the axe-playwright-python package) finds against WCAG 2.2 A and AA."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = AXE.run(page, options=options).response
    return [
        f"{v['id']} ({v['help']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
    ]


@dataclass
class Person:
    """Someone in the room with their own device: a browser context, so their own cookies."""

    name: str
    context: BrowserContext
    base_url: str
    page: Page = field(init=False)
    problems: list[str] = field(default_factory=list)
    tolerated: list[re.Pattern[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page = self.new_page()

    def new_page(self) -> Page:
        """Open a fresh tab in the same context (same cookies) and watch it for errors."""
        return self.watch(self.context.new_page())

    def watch(self, page: Page) -> Page:
        """Fail on the page's errors; accept its confirmation dialogs, as the person would."""
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self._record(f"page error: {error}"))
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def open_tab(self, click: Callable[[], None]) -> Page:
        """The tab that ``click`` opens (a link with target=_blank), watched like the others."""
        with self.context.expect_page() as opened:
            click()
        page = self.watch(opened.value)
        page.wait_for_load_state()
        return page

    def _console(self, message) -> None:
        if message.type == "error":
            self._record(f"console error: {message.text} ({message.location.get('url', '')})")

    def _record(self, problem: str) -> None:
        if not any(pattern.search(problem) for pattern in self.tolerated):
            self.problems.append(problem)

    @contextmanager
    def tolerating(self, pattern: str) -> Iterator[None]:
        """Console errors matching ``pattern`` are expected inside this block (and only there)."""
        compiled = re.compile(pattern)
        self.tolerated.append(compiled)
        try:
            yield
        finally:
            self.tolerated.remove(compiled)

    def come_back(self) -> Page:
        """Close the tab and open the session again: the laptop closed, then reopened."""
        url = self.page.url
        self.page.close()
        self.page = self.new_page()
        self.page.goto(url)
        return self.page

    # -- what people see

    def check_accessible(self, what: str, page: Page | None = None) -> None:
        """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
        page = page or self.page
        found = accessibility_violations(page)
        assert found == [], f"{self.name}, {what}: {found}"
        headings = page.locator("h1:visible")
        assert headings.count() == 1, f"{self.name}, {what}: {headings.all_inner_texts()}"

    def step_heading(self):
        """The heading of the current step, e.g. « 1.1 · Propositions de récits ».

        The participant's screen heading (h1); in the console, under the session's title (h2).
        """
        return self.page.locator("#step").get_by_role("heading", level=self._step_level())

    def _step_level(self) -> int:
        return 1 if "/s/" in self.page.url else 2

    # -- what people do, as they would do it

    def goto(self, path: str) -> Page:
        self.page.goto(f"{self.base_url}{path}")
        return self.page

    def create_session(self, title: str, protocol: str = "mag-complet") -> str:
        """Fill the creation form, open the console; return the join code shown."""
        page = self.goto("/")
        page.get_by_label("Titre de la séance").fill(title)
        page.get_by_label("Question ou thème").fill(
            "Qu'est-ce que la numérisation des services change à notre travail ?"
        )
        page.get_by_role("radio", name=builtin_protocol(protocol).title).check()
        page.get_by_role("button", name="Créer la séance").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        code = page.get_by_label("puis tapez le code de la séance").input_value().strip()
        assert re.fullmatch(r"[A-Z0-9]{6}", code), code
        page.get_by_role("link", name="Ouvrir la console d'animation").click()
        expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
        return code

    def join(self, code: str, pseudonym: str, function: str = "", *, refused: bool = False) -> None:
        """Open the join form, fill it in and enter.

        With ``refused``, the server is expected to answer the form with its
        messages and a 400 status, which Chromium reports as a console error.
        """
        page = self.goto("/rejoindre")
        page.get_by_label("Code de la séance").fill(code)
        page.get_by_label("Pseudonyme").fill(pseudonym)
        page.get_by_label("Votre fonction").fill(function)
        if not refused:
            page.get_by_role("button", name="Entrer").click()
            return
        with self.tolerating(r"status of 400 \(BAD REQUEST\) \(http://[^)]+/rejoindre\)"):
            page.get_by_role("button", name="Entrer").click()
            expect(page.get_by_role("alert")).to_be_visible()

    def accept_convention(self, convention_excerpt: str = "pas des personnes") -> None:
        page = self.page
        expect(page.get_by_role("heading", name="Convention de travail")).to_be_visible()
        expect(page.get_by_label("Texte de la convention de travail")).to_contain_text(
            convention_excerpt
        )
        page.get_by_role("button", name="J'ai lu la convention et je l'accepte").click()
        expect(
            page.get_by_role("button", name="J'ai lu la convention et je l'accepte")
        ).to_be_hidden()

    def invite(self, role: str, name: str = "") -> str:
        """From the console's "Équipe d'animation" card, make a team member's private link.

        ``role`` is the label shown in the form (« Rapporteur·rice »…). Returns the
        link, and comes back to the console as the invitation page offers.
        """
        page = self.page
        team = page.get_by_role("region", name="Équipe d'animation")
        team.get_by_label("Rôle").select_option(label=role)
        team.get_by_label("Nom (facultatif)").fill(name)
        team.get_by_role("button", name="Créer un lien privé").click()
        expect(page.get_by_role("heading", level=1, name="Lien d'équipe créé")).to_be_visible()
        if name:
            expect(page.get_by_text(f"Ce lien privé est pour {name}.")).to_be_visible()
        link = page.get_by_label("Lien privé").input_value()
        assert link.startswith(f"{self.base_url}/equipe/"), link
        page.get_by_role("link", name="Retour à la console d'animation").click()
        expect(page.get_by_role("heading", level=2, name="Équipe d'animation")).to_be_visible()
        return link


# -- programmes: what a research team and practitioners do, as they would do it


def create_programme(
    person: Person,
    title: str = "Numérique et services sociaux",
    question: str = "Comment la numérisation pèse-t-elle ?",
    names: str = "",
) -> tuple[str, str]:
    """Create a programme from its form; return its private link and the fiche form's address.

    The person's page is left on the programme's page.
    """
    page = person.goto("/programmes/nouveau")
    page.get_by_label("Titre du programme").fill(title)
    page.get_by_label("Question de recherche").fill(question)
    if names:
        page.get_by_label("Noms à repérer (facultatif)").fill(names)
    page.get_by_role("button", name="Créer le programme").click()
    link = page.get_by_label("Lien privé du programme").input_value()
    page.get_by_role("link", name="Ouvrir la page du programme").click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    return link, page.locator("#form-url").get_attribute("href")


def file_fiche(person: Person, url: str, what_happened: str, function: str) -> None:
    """Fill in the public fiche form at ``url`` and accept its consent text, not yet saved."""
    page = person.page
    page.goto(url)
    expect(page.get_by_role("heading", level=1, name="Fiche incident")).to_be_visible()
    page.get_by_label("Ce qui s'est passé").fill(what_happened)
    page.get_by_label("Service ou administration concerné").select_option(label="CPAS")
    page.get_by_label("Obstacle numérique").select_option(label="Ligne téléphonique fermée")
    page.get_by_label("Qui était concerné").fill("une personne âgée")
    page.get_by_role("checkbox", name="Retard").check()
    page.get_by_role("checkbox", name="Renoncement").check()
    page.get_by_label("Ce que vous avez fait").fill("Nous sommes allés au guichet ensemble.")
    page.get_by_label("Votre fonction").fill(function)
    page.get_by_label("Région").select_option(label="Wallonie")
    page.get_by_role("checkbox", name="J'ai lu ce texte et je l'accepte").check()


def save_fiche(person: Person) -> None:
    """Send the fiche form; it is saved (no warning stopped it)."""
    person.page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(
        person.page.get_by_role("heading", name="Merci : votre fiche est enregistrée")
    ).to_be_visible()


@pytest.fixture
def open_browser(browser, server) -> Iterator[Callable[..., Person]]:
    """``open_browser("Alice", viewport=PHONE)``: a new person with a page, watched for errors."""
    with people_in(browser, server) as open_:
        yield open_


@pytest.fixture(scope="module")
def open_browser_for_module(browser, server) -> Iterator[Callable[..., Person]]:
    """``open_browser`` for the tests of one module that play one session in stages."""
    with people_in(browser, server) as open_:
        yield open_


@pytest.fixture
def people_at(browser) -> Iterator[Callable[[str], Callable[..., Person]]]:
    """``people_at(url)``: ``open_browser`` for a server of the test's own."""
    with ExitStack() as stack:
        yield lambda url: stack.enter_context(people_in(browser, url))


@contextmanager
def people_in(browser, server) -> Iterator[Callable[..., Person]]:
    """Open people's pages; when done, close them and fail on any error their browser saw."""
    people: list[Person] = []

    def open_(name: str, viewport: dict[str, int] | None = None, locale: str = "fr-BE") -> Person:
        """``locale``: the language the person's browser asks for."""
        context = browser.new_context(viewport=viewport or LAPTOP, locale=locale)
        person = Person(name, context, server)
        people.append(person)
        return person

    yield open_
    for person in people:
        person.context.close()
    problems = [f"{person.name}: {problem}" for person in people for problem in person.problems]
    if problems:
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)
