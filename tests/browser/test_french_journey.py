"""A learner uses the platform in French, on a phone: the login page's switch, the course and its modules in French,
the account's language choice, and axe on each page (no serious or critical violation, `lang` right)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.own_server import DEMO_PASSWORD, build_demo_app, serve
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def french_server(tmp_path_factory):
    with serve(build_demo_app(tmp_path_factory, "french")) as url:
        yield url


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_learner_takes_the_first_course_in_french(browser, french_server):
    context = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    page = context.new_page()
    problems: list[str] = []

    page.goto(f"{french_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    problems += serious_violations(page, "login (fr)")

    page.get_by_label("Adresse e-mail").fill("learner@demo.example")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Ma formation")).to_be_visible()
    expect(page.get_by_role("link", name="L’excellence de service pour tous")).to_be_visible()
    problems += serious_violations(page, "my learning (fr)")
    assert _fits_the_phone(page)

    page.get_by_role("link", name="L’excellence de service pour tous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("L’excellence de service pour tous")
    page.get_by_role("link", name="Le rattrapage est une stratégie, pas un coup de chance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le rattrapage est une stratégie, pas un coup de chance")
    expect(page.get_by_role("heading", name="Minuit moins vingt à la réception")).to_be_visible()
    expect(page).to_have_title(re.compile("Excellence de service$"))
    problems += serious_violations(page, "module (fr)")
    assert _fits_the_phone(page)

    page.get_by_role("button", name=re.compile("Marquer comme terminé")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Qui est-ce que je sers ?")

    # The account page saves the choice, so that another browser shows French too.
    page.goto(f"{french_server}/account/password")
    page.get_by_role("combobox", name="Langue").select_option("fr")
    page.get_by_role("button", name="Enregistrer la langue").click()
    other = browser.new_context(viewport=PHONE, extra_http_headers={"Accept-Language": "en"}).new_page()
    other.goto(f"{french_server}/login")
    other.get_by_label("E-mail").fill("learner@demo.example")
    other.get_by_label("Password").fill(DEMO_PASSWORD)
    other.get_by_role("button", name="Log in").click()
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    expect(other.get_by_role("heading", name="Ma formation")).to_be_visible()

    assert problems == []
