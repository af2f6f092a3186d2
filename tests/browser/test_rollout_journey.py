"""A leader plans the demo organization's rollout in a real browser: bound, solve, preview, publish, workshops page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _open_menu(page) -> None:
    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():  # narrow screens fold the navigation
        menu.click()


def test_leader_takes_a_live_plan_from_preview_to_published_sessions(page, live_server, login_as):
    login_as("leader@demo.example")
    _open_menu(page)
    page.get_by_role("button", name="Lead").click()  # the leader's pages are grouped in a menu
    page.get_by_role("link", name="Rollout plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rollout plans")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("Everyone at every site")
    for site in ("Port Louis head office", "Airport", "Belle Mare resort"):
        expect(page.get_by_label(site)).to_be_checked()
    first_day = page.get_by_label("First day").input_value()
    page.get_by_role("button", name="Create plan and see the bound").click()

    # before solving: the bound, the term that binds, and whether the window can fit everyone
    expect(page.get_by_role("heading", level=1)).to_contain_text("Everyone at every site")
    expect(page.get_by_text("No plan can finish before working day")).to_be_visible()
    expect(page.get_by_text("the binding term is")).to_be_visible()
    expect(page.get_by_role("note").filter(has_text="everyone can fit")).to_be_visible()
    page.get_by_role("button", name="Solve", exact=True).click()

    # the preview
    expect(page.get_by_role("heading", name="The plan")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Sessions started each week"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("People away"))).to_be_visible()
    expect(page.get_by_text("Everyone is placed.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"finish / bound = \d\.\d\d"))).to_be_visible()
    publish = page.get_by_role("button", name=re.compile(r"Publish \d+ sessions and book everyone"))
    planned = int(re.search(r"Publish (\d+)", publish.inner_text()).group(1))
    assert planned > 0
    publish.click()

    expect(page.get_by_role("status")).to_contain_text(f"Published {planned} sessions")
    published = page.get_by_role("region", name=re.compile("Published sessions")).get_by_role("link")
    expect(published).to_have_count(planned)
    first = published.first
    href, label = first.get_attribute("href"), first.inner_text()

    # the new sessions are on the workshops page, open for booking
    page.goto(f"{live_server}/workshops?site=0&start={first_day}")
    expect(page.locator(f'a[href="{href}"]')).to_have_text(label)
    page.locator(f'a[href="{href}"]').click()
    expect(page.get_by_text("Planned by the rollout plan “Everyone at every site”.")).to_be_visible()


def test_rollout_pages_fit_a_phone(page, live_server, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("leader@demo.example")
    page.goto(f"{live_server}/rollout")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    plans = page.get_by_role("table").get_by_role("link")
    if plans.count():
        plans.first.click()
        expect(page.get_by_role("heading", name="Lower bound")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server}/rollout/what-if")
    page.get_by_role("button", name="Work it out").click()
    expect(page.get_by_role("table", name=re.compile("Per site"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
