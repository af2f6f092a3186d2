"""In the browser: the demo leader creates an API token, a BI tool reads the API over HTTP with it, the leader revokes it."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (CHROMIUM, browser_type_launch_args, live_app, live_server,  # noqa: F401
                                    login_as)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install -y chromium)")]


def bi_tool_get(url: str, token: str) -> tuple[int, dict]:
    """What a BI tool does: a plain HTTP GET with the token."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_leader_creates_uses_and_revokes_a_token(page, live_server, login_as):
    login_as("leader@demo.example")
    page.goto(f"{live_server}/account/api-tokens")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_label("Token name").fill("Power BI: programme reach")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("alert")).to_contain_text("shown this once")
    token = page.get_by_label("Your new token").input_value()
    assert re.fullmatch(r"lms_pat_[A-Za-z0-9_-]{43}", token)

    status, body = bi_tool_get(f"{live_server}/api/v1/participation/kind", token)
    assert status == 200
    assert [g["group"]["kind"] for g in body["data"]] == ["front_line", "internal_provider", "leadership"]
    assert sum(g["group"]["headcount"] for g in body["data"]) > 100

    page.reload()  # sends the form again: no second token, and the token is not shown again
    expect(page.get_by_role("alert")).to_contain_text("sent already")
    assert token not in page.content()
    page.goto(f"{live_server}/account/api-tokens")
    row = page.get_by_role("row", name=re.compile("Power BI: programme reach"))
    expect(row).not_to_contain_text("Never")  # last used is shown
    row.locator("details.confirm > summary").filter(has_text="Revoke token Power BI: programme reach").click()
    row.get_by_role("button", name="Yes, revoke Power BI: programme reach").click()  # the confirm step
    expect(page.locator("#flash")).to_contain_text("revoked")

    status, body = bi_tool_get(f"{live_server}/api/v1/enrolments", token)
    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_the_token_page_fits_a_phone(page, live_server, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("admin@demo.example")
    page.goto(f"{live_server}/account/api-tokens")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
