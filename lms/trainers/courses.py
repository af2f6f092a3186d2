"""Which courses train-the-trainer works with: the one trainers deliver, the one they study, the prerequisites."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.learning.models import Course

ONLINE_KINDS = ("online", "leadership")


def delivery_course() -> Course | None:
    """The workshop that certified trainers deliver (the first live workshop course)."""
    return db.session.execute(
        select(Course).where(Course.kind == "workshop", Course.archived.is_(False)).order_by(Course.id).limit(1)
    ).scalar_one_or_none()


def training_course() -> Course | None:
    """The course cohort members study, whose rubric scores their teach-back."""
    return db.session.execute(
        select(Course).where(Course.kind == "trainer", Course.archived.is_(False)).order_by(Course.id).limit(1)
    ).scalar_one_or_none()


def default_prerequisites() -> list[Course]:
    """The online courses and the workshop: what a nominee completes before a cohort."""
    return list(db.session.execute(
        select(Course).where(Course.archived.is_(False), Course.kind.in_((*ONLINE_KINDS, "workshop")))
        .order_by(Course.title)
    ).scalars())


def selectable_prerequisites() -> list[Course]:
    """Every live course except the trainer course itself, for choosing a cohort's prerequisites."""
    return list(db.session.execute(
        select(Course).where(Course.archived.is_(False), Course.kind != "trainer").order_by(Course.kind, Course.title)
    ).scalars())
