"""Browser fixtures: the demo platform served on a free port, driven by the system Chromium."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.own_server import build_demo_app, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    browser_items = [i for i in items if "tests/browser" in str(i.path)]
    if os.environ.get("LMS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("LMS_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install -y chromium)")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Always the system Chromium: never a downloaded browser."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The platform with its demo organization on its own SQLite file, as `lms init --demo` leaves it."""
    return build_demo_app(tmp_path_factory, "live", RATELIMIT_ENABLED=True)


@pytest.fixture(scope="session")
def live_server(live_app):
    """The live app served in a thread; yields its base URL."""
    with serve(live_app) as url:
        yield url


@pytest.fixture
def login_as(page, live_server):
    """Log in through the real form as a demo account."""

    def do(email: str, password: str = "demo-pass-2027"):
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("domcontentloaded")

    return do
