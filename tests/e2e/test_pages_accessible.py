"""The pages outside a live session meet WCAG 2.2 A and AA (axe-core): the team's home, the
join form, and the error pages a mistyped or expired address leads to."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_home_and_the_join_form(open_browser):
    visitor = open_browser("visitor", viewport={"width": 360, "height": 640})
    page = visitor.goto("/")
    expect(page.get_by_role("button", name="Créer la séance")).to_be_visible()
    visitor.check_accessible("the team's home")
    page = visitor.goto("/rejoindre")
    expect(page.get_by_role("button", name="Entrer")).to_be_visible()
    visitor.check_accessible("the join form")


def test_the_error_pages(open_browser):
    animateur = open_browser("animateur")
    animateur.create_session("Une séance")
    session_id = animateur.page.url.rstrip("/").rsplit("/", 1)[-1]
    visitor = open_browser("visitor", viewport={"width": 360, "height": 640})
    for path, status, heading in (
        ("/s/nulle-part/ailleurs", 404, "Page introuvable"),
        (f"/projeter/{session_id}", 403, "Vue de projection non disponible"),
    ):
        with visitor.tolerating(rf"status of {status}"):
            response = visitor.page.goto(f"{visitor.base_url}{path}")
        assert response.status == status
        page = visitor.page
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.get_by_role("link", name="Rejoindre une séance avec son code")).to_be_visible()
        visitor.check_accessible(f"the {status} page")
