"""Destructive actions ask first, and the confirm step works without JavaScript (a <details> disclosure, no onsubmit)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.own_server import ROLES, build_demo_app, log_in, serve

pytestmark = pytest.mark.browser

# Pages with a destructive action, for a role who may take it: (role, path, the action's visible label).
DESTRUCTIVE = [
    ("admin", "/admin/assignments", "Stop"),
    ("admin", "/admin/service-dependencies", "Remove"),
]


@pytest.fixture(scope="module")
def confirm_server(tmp_path_factory):
    with serve(build_demo_app(tmp_path_factory, "confirm")) as url:
        yield url


def test_learner_cancels_a_booking_through_the_confirm_step_without_javascript(browser, confirm_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, confirm_server, ROLES["learner"])
        page.goto(f"{confirm_server}/workshops/my")
        yes = page.get_by_role("button", name="Yes, cancel the booking")
        expect(yes).to_be_hidden()  # nothing is cancelled by a single click
        assert not page.locator("form[onsubmit]").count()
        page.locator("details.confirm > summary").first.click()
        expect(page.locator("details.confirm[open]")).to_contain_text("Someone waiting may take it.")
        yes.first.click()
        expect(page.locator("#flash")).to_contain_text("The booking is cancelled.")
        expect(page.get_by_role("button", name="Yes, cancel the booking")).to_have_count(0)
    finally:
        context.close()


def test_keyboard_opens_a_confirm_step(browser, confirm_server):
    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, confirm_server, ROLES["admin"])
        for path, label in [(p, lbl) for r, p, lbl in DESTRUCTIVE if r == "admin"]:
            page.goto(f"{confirm_server}{path}")
            summary = page.locator("details.confirm > summary").filter(has_text=re.compile(f"^{label}")).first
            summary.focus()
            page.keyboard.press("Enter")
            body = page.locator("details.confirm[open] .confirm-body").first
            expect(body).to_be_visible()
            expect(body.get_by_role("button", name=re.compile("^Yes, "))).to_be_visible()
    finally:
        context.close()
