"""Live courses with their modules, kept per process: every learner page reads one, and only a content sync changes them.

A course is loaded once (in a session of its own on the request's connection, so the copy is detached) and
each request gets it merged into its session without a statement. Writes to courses or modules in this
process (a sync, a test) drop every copy at once; other processes drop theirs after
LMS_COURSE_CACHE_SECONDS, so a sync run from the command line reaches the web workers within that time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from lms.extensions import db
from lms.learning.models import Course, CourseModule

_generation = 0  # moved by every write to a course or module in this process


@dataclass(frozen=True)
class _Copy:
    course: Course
    loaded_at: float
    generation: int


def cached_course(slug: str) -> Course | None:
    """The live course with this slug (and its modules) in the request's session, or None."""
    copies: dict[str, _Copy] = current_app.extensions.setdefault("lms.course_cache", {})
    copy = copies.get(slug)
    if copy is None or not still_fresh(copy.loaded_at, copy.generation, _generation):
        copy = _load(slug)
        if copy is None:
            copies.pop(slug, None)
            return None
        copies[slug] = copy
    return db.session.merge(copy.course, load=False)


def still_fresh(loaded_at: float, generation: int, current_generation: int) -> bool:
    """Whether a process's copy (of courses, or of quiz questions) may still serve: nothing in the process dropped
    copies since it was loaded, and it is younger than LMS_COURSE_CACHE_SECONDS (`loaded_at` from time.monotonic)."""
    return generation == current_generation and \
        time.monotonic() - loaded_at <= current_app.config["LMS_COURSE_CACHE_SECONDS"]


def forget_courses() -> None:
    """Drop every process-wide copy (the next request loads them again)."""
    global _generation
    _generation += 1


def _load(slug: str) -> _Copy | None:
    generation = _generation
    with Session(bind=db.session.connection()) as session:
        course = session.execute(_course_statement(), {"slug": slug}).scalar_one_or_none()
    if course is None:
        return None
    return _Copy(course, time.monotonic(), generation)


@cache
def _course_statement():
    # Built once: building the statement cost more than running it (modules come with it, selectin).
    return select(Course).where(Course.slug == bindparam("slug"), Course.archived.is_(False))


def _written(*_args) -> None:
    forget_courses()


for _model in (Course, CourseModule):
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _written)
