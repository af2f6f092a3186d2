"""A learner takes a course quiz in a real browser, fails, reads the feedback, retakes it and passes."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.quiz_helpers import bank, take_attempt as take

pytestmark = pytest.mark.browser

SLUG = "service-recovery-last"
BANK = bank(SLUG)


def take_attempt(page: Page, right: bool) -> list[str]:
    """Take the attempt, checking the summary page's count on the way."""

    def summary(page: Page) -> None:
        expect(page.get_by_role("heading", level=1)).to_contain_text("check your understanding")
        expect(page.get_by_text("16 of 16 questions answered." if right else "questions answered.")).to_be_visible()

    return take(page, BANK, right, on_summary=summary)


def test_learner_fails_reads_feedback_retakes_and_passes(page: Page, live_server, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("learner@demo.example")
    page.goto(f"{live_server}/courses/{SLUG}/quiz")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service Recovery with LAST, check your understanding")
    expect(page.get_by_text("Pass mark")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("#quiz-timer")).to_contain_text("Time left")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    feedback = take_attempt(page, right=False)
    status = page.get_by_role("status").filter(has_text="Not passed")
    expect(status).to_contain_text("the pass mark is 70%")
    for text in feedback:
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    expect(page.get_by_text("Right answer:")).to_have_count(0)
    expect(page.get_by_text("Incorrect").first).to_be_visible()

    page.get_by_role("link", name="Try again (2 attempts left)").click()
    page.get_by_role("button", name="Start attempt 2").click()
    take_attempt(page, right=True)
    expect(page.get_by_role("status").filter(has_text="Passed")).to_contain_text("you scored 100%")
    expect(page.get_by_text("Right answer:").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server}/courses/{SLUG}/quiz")
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Not passed")).to_have_count(1)
    expect(rows.filter(has_text="Passed").filter(has_text="100%")).to_have_count(1)
    expect(page.get_by_text("Best score")).to_be_visible()
