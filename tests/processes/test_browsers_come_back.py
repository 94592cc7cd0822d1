"""Real browsers on three processes: two processes die, and every page is back within 5 s."""

import os
import signal

import pytest
from browsers import CHROMIUM, CHROMIUM_ARGS
from cluster import create_session, in_own_thread
from playwright.sync_api import expect, sync_playwright

from mag.domain.protocol import builtin_protocol

pytestmark = pytest.mark.e2e

STEPS = builtin_protocol("mag-court").steps
BACK_WITHIN_MS = 5_000


def heading(index: int) -> str:
    return f"{STEPS[index].number} · {STEPS[index].title}"


def test_pages_are_back_in_their_place_within_5_s_after_two_of_three_processes_die(cluster):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test installs Debian's chromium")
    server = cluster("--processes", "3")
    session_id, code, team = create_session(server.url)
    errors: list[str] = []

    def drive() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )

            def person():
                context = browser.new_context(locale="fr-BE")
                page = context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                return page

            console = person()
            console.context.add_cookies(
                [{"name": k, "value": v, "url": server.url} for k, v in team.items()]
            )
            console.goto(f"{server.url}/animer/{session_id}")
            people = []
            for name in ("Awa", "Bilal", "Chloé", "Dirk", "Emma", "Fatou"):
                page = person()
                page.goto(f"{server.url}/rejoindre")
                page.get_by_label("Code de la séance").fill(code)
                page.get_by_label("Pseudonyme").fill(name)
                page.get_by_role("button", name="Entrer").click()
                page.get_by_role("button", name="J'ai lu la convention et je l'accepte").click()
                people.append(page)
            console.get_by_role("button", name="Démarrer la séance").click()
            for page in (console, *people):
                expect(page.locator("#step-title")).to_have_text(heading(0))

            # The two processes holding the most pages die.
            holding = sorted(server.live_connections().items(), key=lambda item: -item[1])
            assert holding[0][1] > 0
            for pid, _pages in holding[:2]:
                os.kill(pid, signal.SIGKILL)
            console.get_by_role("button", name="Étape suivante").click()
            for page in (console, *people):
                expect(page.locator("#step-title")).to_have_text(heading(1), timeout=BACK_WITHIN_MS)
            browser.close()

    in_own_thread(drive)
    assert errors == []
