"""A leader opens the enterprise dashboard, drills into an internal-provider department and downloads its CSV."""
from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_leader_drills_into_a_provider_department_and_downloads_its_csv(page, live_server, login_as):
    login_as("leader@demo.example")
    expect(page).to_have_url(re.compile(r"/insights$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enterprise dashboard")
    expect(page.get_by_role("table", name="Participation per course")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Workshop burn-up"))).to_be_visible()

    departments = page.get_by_role("table", name=re.compile("^Participation by department"))
    departments.get_by_role("link", name="Logistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logistics")
    expect(page.get_by_text("internal provider", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Internal service reviews received")).to_be_visible()
    table = page.get_by_role("table", name="Participation per course in Logistics")
    shown = {row.get_by_role("rowheader").inner_text().split(" workshop")[0]: row.get_by_role("cell").nth(0).inner_text()
             for row in table.get_by_role("row").all()[1:]}

    with page.expect_download() as info:
        page.get_by_role("link", name="Download Participation per course in Logistics as CSV").click()
    download = info.value
    assert re.fullmatch(r"courses-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows and {r["Course"]: r["Assigned"] for r in rows} == shown  # the same figures as the page


def test_dashboard_fits_a_phone(page, live_server, login_as):
    page.set_viewport_size({"width": 390, "height": 844})
    login_as("leader@demo.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enterprise dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
