"""Generated organizations for the scale tests: the demo plus `lms generate`, built once per module where possible."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from lms.extensions import db as _db
from lms.learning.course_cache import forget_courses
from lms.quizzes.question_cache import forget_questions

ROOT = Path(__file__).resolve().parent.parent.parent
SEED = 3


def clear_database(engine) -> None:
    """Empty every table (as the `db` fixture does after each test)."""
    tables = list(reversed(_db.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(repr(t.name).replace(chr(39), chr(34)) for t in tables)} "
                              "RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    forget_courses()  # the tables were emptied behind the ORM's back: no process-wide copy may outlive them
    forget_questions()


def seed_demo_and_generate(tmp_path: Path, employees: int, seed: int = SEED, today: date | None = None):
    """The demo organization (courses synced first, as `lms init --demo`), then a generated one beside it."""
    from lms.core.demo import seed_demo
    from lms.learning.commands import sync_courses_now
    from lms.scale.generate import generate_organization

    courses = tmp_path / "courses"
    if not courses.exists():
        shutil.copytree(ROOT / "courses", courses)
    sync_courses_now(courses)
    seed_demo(_db.session, "development")
    _db.session.commit()
    report = generate_organization(_db.session, employees, seed, today=today)
    _db.session.commit()
    return report


@dataclass(frozen=True)
class Built:
    report: object
    employees: int


@pytest.fixture
def generated(db, tmp_path):
    """Call with a number of employees: the demo plus a generated organization of that size (emptied after the test)."""

    def build(employees: int, seed: int = SEED, today: date | None = None):
        return seed_demo_and_generate(tmp_path, employees, seed, today)

    return build
