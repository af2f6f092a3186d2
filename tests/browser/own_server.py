"""A demo platform of its own for browser tests that change data (quiz attempts, bookings) or walk every page."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from lms import create_app

DEMO_PASSWORD = "demo-pass-2027"

# Every demo role, by the account that holds it (see lms/org/demo.py).
ROLES = {
    "learner": "learner@demo.example",
    "backoffice": "backoffice@demo.example",
    "manager": "manager@demo.example",
    "trainer": "trainer@demo.example",
    "lead_trainer": "lead.trainer@demo.example",
    "leader": "leader@demo.example",
    "admin": "admin@demo.example",
}


def build_demo_app(tmp_path_factory, name: str, **config):
    """The platform with its demo organization on its own SQLite file, as `lms init --demo` leaves it.

    Rate limits are off unless `config` (which overrides the test config) turns them back on."""
    from flask_migrate import upgrade

    from lms.cli import INIT_HOOKS
    from lms.core.demo import seed_demo
    from lms.extensions import db
    from tests.conftest import test_config

    database: Path = tmp_path_factory.mktemp(name) / "demo.sqlite3"
    settings = {"WTF_CSRF_ENABLED": True, "TESTING": False, "RATELIMIT_ENABLED": False, **config}
    app = create_app(test_config(tmp_path_factory, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", **settings))
    with app.app_context():
        upgrade(directory=app.config["LMS_MIGRATIONS_DIR"])
        for hook in INIT_HOOKS:
            hook()
        seed_demo(db.session, "development")
        db.session.commit()
    return app


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve `app` in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form."""
    page.goto(f"{base_url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("domcontentloaded")
