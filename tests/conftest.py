"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), a clean database per test, factories."""
from __future__ import annotations

import contextvars
import shutil
import itertools
import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from lms import create_app
from lms.core.roles import Role
from lms.extensions import db as _db
from lms.extensions import limiter
from lms.learning.course_cache import forget_courses
from lms.quizzes.question_cache import forget_questions

from tests.helpers import TEST_PASSWORD, counting

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    os.environ.setdefault("LMS_ARGON2_TIME_COST", "1")
    os.environ.setdefault("LMS_ARGON2_MEMORY_KIB", "1024")


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def test_config(tmp_path_factory, **extra) -> dict:
    """Config for a test app; `extra` overrides."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ["LMS_INSTANCE_DIR"] = str(instance)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LMS_INSTANCE_DIR": str(instance),
        "LMS_ARGON2_TIME_COST": 1,
        "LMS_ARGON2_MEMORY_KIB": 1024,
    }
    config.update(extra)
    return config


def reset_database(engine) -> None:
    """Drop every table (and Alembic's record) so that migrations start from nothing."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            names = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))]
            for name in names:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, a request reuses the test's app context: `g` (and Flask-Login's cached
    user) and the database session would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application, migrated to the newest revision once per test run."""
    from flask_migrate import upgrade

    application = create_app(test_config(tmp_path_factory))
    application.test_client_class = IsolatedClient
    with application.app_context():
        reset_database(_db.engine)
        upgrade(directory=application.config["LMS_MIGRATIONS_DIR"])
    return application


def _clear_tables(engine) -> None:
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    # The tables were emptied without the ORM, which would have told the caches; ids come round again.
    forget_courses()
    forget_questions()


@pytest.fixture
def db(app):
    """The database inside an app context, emptied after the test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _clear_tables(_db.engine)
    limiter.reset()


@pytest.fixture
def sql_statements(db):
    """The SQL statements sent through the test database while the test reads them."""
    with counting(db.engine) as seen:
        yield seen


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


# --------------------------------------------------------------------------- factories

_sequence = itertools.count(1)


@pytest.fixture
def make_site(db):
    from lms.org.models import Site

    def make(code: str | None = None, **fields):
        n = next(_sequence)
        site = Site(code=code or f"S{n}", name=fields.pop("name", code or f"Site {n}"), **fields)
        db.session.add(site)
        db.session.flush()
        return site

    return make


@pytest.fixture
def make_department(db, make_site):
    from lms.org.models import Department

    def make(code: str | None = None, kind: str = "front_line", site=None, **fields):
        n = next(_sequence)
        department = Department(code=code or f"D{n}", name=fields.pop("name", f"Department {n}"), kind=kind,
                                site=site or make_site(), **fields)
        db.session.add(department)
        db.session.flush()
        return department

    return make


@pytest.fixture
def make_employee(db, make_department):
    from lms.auth.passwords import make_hasher
    from lms.org.models import Employee

    hasher = make_hasher(1, 1024)

    def make(email: str | None = None, roles=(), department=None, manager=None, password: str | None = TEST_PASSWORD,
             **fields):
        n = next(_sequence)
        employee = Employee(
            employee_no=fields.pop("employee_no", f"T{n:06d}"),
            email=(email or f"person{n}@example.test").lower(),
            full_name=fields.pop("full_name", f"Person {n}"),
            department=department or make_department(),
            manager=manager,
            password_hash=hasher.hash(password) if password else None,
            **fields,
        )
        employee.set_roles(roles)
        db.session.add(employee)
        db.session.commit()
        return employee

    return make


@pytest.fixture
def login(client):
    """Log `employee` in through the real login form; returns the response."""

    def do(employee, password: str = TEST_PASSWORD, follow: bool = False):
        return client.post("/login", data={"email": employee.email, "password": password}, follow_redirects=follow)

    return do


@pytest.fixture
def demo_org(db, app, course_root):
    """The demo organization, seeded as `lms init --demo` does: courses synced first."""
    from lms.core.demo import seed_demo
    from lms.learning.commands import sync_courses_now

    sync_courses_now(course_root)
    seed_demo(db.session, "development")
    db.session.commit()
    return db


# --------------------------------------------------------------------------- courses


@pytest.fixture
def course_root(tmp_path):
    """A private copy of courses/."""
    root = tmp_path / "courses"
    shutil.copytree(ROOT / "courses", root)
    return root


@pytest.fixture
def synced(db, course_root):
    """The copied courses synced, with their default rules applied; returns the course root."""
    from lms.learning.commands import sync_courses_now

    sync_courses_now(course_root)
    return course_root


@pytest.fixture
def course(db, synced):
    """Look up a synced course by slug."""
    from sqlalchemy import select

    from lms.learning.models import Course

    def get(slug: str) -> Course:
        return db.session.execute(select(Course).where(Course.slug == slug)).scalar_one()

    return get


ROLES = tuple(Role)
