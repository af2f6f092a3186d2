"""Security fixtures: one seeded world per module (seeding takes seconds), clients with and without CSRF."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from lms.extensions import db as _db
from lms.extensions import limiter
from tests.conftest import _clear_tables
from tests.helpers import TEST_PASSWORD, csrf_token_from
from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(app):
    """The demo organization plus single-role accounts and two of every owned object, for the whole module."""
    with app.app_context():
        _clear_tables(_db.engine)
        built = build_world(_db)
        _db.session.remove()
    yield built
    with app.app_context():
        _db.session.remove()
        _clear_tables(_db.engine)
    limiter.reset()


@pytest.fixture
def as_user(app, world):
    """`as_user("manager")`: a test client logged in as that world account through the login form."""
    def make(account: str):
        client = app.test_client()
        response = client.post("/login", data={"email": world.emails[account], "password": TEST_PASSWORD})
        assert response.status_code == 302, f"{account} could not log in ({response.status_code})"
        return client

    return make


@pytest.fixture
def csrf_app(app):
    """The same application with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def csrf_user(csrf_app, world):
    """`csrf_user("all")`: a client logged in through the real form (with its CSRF token) while CSRF is on."""
    def make(account: str):
        client = csrf_app.test_client()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": world.emails[account], "password": TEST_PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302
        return client

    return make


def row_digest(engine) -> dict[str, int]:
    """Row count and content hash of every table (outside the audit and throttle tables)."""
    import hashlib

    digest = {}
    with engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            if table.name in ("audit_event", "login_failure"):
                continue
            rows = conn.execute(table.select()).all()
            digest[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digest


@pytest.fixture
def snapshot(app):
    """Call to get a digest of the whole database now."""
    def take():
        with app.app_context():
            return row_digest(_db.engine)

    return take
