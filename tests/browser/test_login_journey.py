"""A learner logs in through a real browser and sees their home page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_learner_logs_in_and_sees_home(page, live_server, login_as):
    login_as("learner@demo.example")
    expect(page).to_have_url(re.compile(r"/my$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_text("Yannick Bégué").first).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_wrong_password_stays_on_login(page, live_server, login_as):
    login_as("learner@demo.example", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is wrong.")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_log_out_control_ends_the_session(page, live_server, login_as):
    login_as("learner@demo.example")
    menu = page.get_by_role("button", name="Show navigation")
    if menu.is_visible():  # narrow screens fold the navigation
        menu.click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{live_server}/my")
    expect(page).to_have_url(re.compile(r"/login"))
