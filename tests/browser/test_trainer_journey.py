"""A lead trainer records a passing teach-back in a real browser, and the member becomes a certified trainer."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CRITERIA = ("Models the LAST conversation", "Draws out holistic service thinking instead of scripts",
            "Answers a \"no\" with options", "Runs mixed front-line and back-office groups",
            "Debriefs exercises into practice", "Keeps time")


def test_lead_trainer_records_a_passing_teach_back(page, live_server, login_as):
    login_as("lead.trainer@demo.example")
    expect(page).to_have_url(re.compile(r"/trainers/cohorts$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My cohorts")
    page.get_by_role("link", name="Cascade cohort, Port Louis").click()
    row = page.get_by_role("row").filter(has=page.get_by_text("co-delivered", exact=True))
    link = row.get_by_role("link").first
    name = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="Record the teach-back").click()
    for title in CRITERIA:
        page.get_by_role("group", name=title).get_by_label(re.compile(r"^3: ")).check()
    page.get_by_role("group", name="Keeps time").get_by_label("Note on “Keeps time”").fill("Ended on the minute.")
    page.get_by_label("Feedback for the member").fill("Ready to deliver on your own.")
    page.get_by_role("button", name="Record the teach-back").click()
    expect(page.get_by_role("status")).to_contain_text(f"{name} is now a certified trainer")
    expect(page.locator("#member-state")).to_have_text("certified")
    page.goto(f"{live_server}/trainers")
    expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("trainer")


def test_trainer_record_fits_a_phone(page, live_server, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("trainer@demo.example")
    expect(page).to_have_url(re.compile(r"/trainers/me$"))
    expect(page.get_by_role("status").filter(has_text="Certification expires in")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
