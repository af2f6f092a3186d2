"""Browser fixtures: the demo platform served on a free port, driven by the system Chromium."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from lms import create_app
from tests.conftest import test_config

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
    from flask_migrate import upgrade

    from lms.core.demo import seed_demo
    from lms.extensions import db

    database = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(test_config(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
                                 WTF_CSRF_ENABLED=True, TESTING=False))
    with app.app_context():
        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
        from lms.cli import INIT_HOOKS

        for hook in INIT_HOOKS:
            hook()
        seed_demo(db.session, "development")
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The live app served in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


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
