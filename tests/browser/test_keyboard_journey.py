"""A learner's journey with the keyboard alone: Tab to move, Enter to follow or press, Space to tick, typing in fields.

Log in, open a course, read a module and mark it complete, take the course quiz to its result.
Each step checks that focus is visible (the focus outline is drawn) where the key is pressed.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.own_server import DEMO_PASSWORD, ROLES, build_demo_app, serve

pytestmark = pytest.mark.browser

SLUG = "service-recovery-last"
MAX_TABS = 200


@pytest.fixture(scope="module")
def keyboard_server(tmp_path_factory):
    with serve(build_demo_app(tmp_path_factory, "keyboard")) as url:
        yield url


def tab_to(page: Page, test: str, what: str) -> None:
    """Press Tab until the focused element passes the JS predicate `test` (given `el`); fail after MAX_TABS."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({test}); }})()"):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
            assert outline != "none" or shadow != "none", f"no visible focus on {what}"
            return
    raise AssertionError(f"Tab never reached {what}")


def tab_to_text(page: Page, text: str) -> None:
    """Tab to the link or button whose text starts with `text`."""
    tab_to(page, f"el.textContent.trim().startsWith({text!r})", repr(text))


def enter_and_load(page: Page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_learner_journey_with_the_keyboard_alone(page: Page, keyboard_server):
    page.goto(f"{keyboard_server}/login")
    tab_to(page, "el.id === 'email' || el.name === 'email'", "the e-mail field")
    page.keyboard.type(ROLES["learner"])
    tab_to(page, "el.type === 'password'", "the password field")
    page.keyboard.type(DEMO_PASSWORD)
    enter_and_load(page)
    expect(page).to_have_url(re.compile(r"/my$"))

    tab_to(page, f"el.tagName === 'A' && el.getAttribute('href') === '/courses/{SLUG}'", "the course link")
    enter_and_load(page)
    expect(page).to_have_url(re.compile(f"/courses/{SLUG}$"))

    tab_to(page, "el.tagName === 'A' && el.getAttribute('href').includes('/modules/')", "a module link")
    module_url = page.evaluate("document.activeElement.href")
    enter_and_load(page)
    expect(page).to_have_url(module_url)
    expect(page.locator(".module-body")).to_be_visible()
    tab_to_text(page, "Mark complete")
    enter_and_load(page)
    expect(page.locator("#flash")).to_contain_text("marked complete")

    page.goto(f"{keyboard_server}/courses/{SLUG}")
    tab_to(page, "el.tagName === 'A' && el.getAttribute('href').endsWith('/quiz')", "the quiz link")
    enter_and_load(page)
    tab_to_text(page, "Start")
    enter_and_load(page)
    expect(page).to_have_url(re.compile(r"/quiz/attempts/\d+$"))

    while True:  # each page of questions: Space picks an answer in every group of choices
        groups = page.locator("fieldset.question:has(input[type=radio])").count()
        for _ in range(groups):
            tab_to(page, "el.type === 'radio' && !el.closest('fieldset').dataset.kbDone", "an unanswered choice")
            page.evaluate("document.activeElement.closest('fieldset').dataset.kbDone = '1'")
            page.keyboard.press("Space")
            assert page.evaluate("document.activeElement.checked")
        if page.get_by_role("button", name=re.compile(r"^Save and go to page \d+$")).count():
            tab_to_text(page, "Save and go to page")
        else:
            tab_to_text(page, "Save and finish")
        enter_and_load(page)
        page.wait_for_load_state("domcontentloaded")
        if "/summary" in page.url:
            break
    tab_to_text(page, "Submit all answers and finish")
    enter_and_load(page)
    expect(page.get_by_role("status").filter(has_text=re.compile("Passed|Not passed")).first).to_be_visible()
