"""A course's quiz: its settings from the course, and the questions drawn for one attempt."""
from __future__ import annotations

import random
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from lms.core.errors import NotFound
from lms.extensions import db
from lms.learning.models import Course
from lms.quizzes.bank import live_questions
from lms.quizzes.models import Quiz, QuizQuestion

DEFAULTS = {"pass_mark": 70, "attempts": 3, "time_limit_minutes": None, "review": "after_each", "draw": []}


def quiz_for(course: Course) -> Quiz | None:
    """The course's quiz row, active or not."""
    # The caller holds the course: quiz.course resolves without loading it (and its modules) again.
    return db.session.execute(_quiz_statement(), {"course_id": course.id}).scalar_one_or_none()


@cache
def _quiz_statement():
    return select(Quiz).where(Quiz.course_id == bindparam("course_id")).options(lazyload(Quiz.course))


def get_quiz(course: Course) -> Quiz:
    """The course's active quiz, or NotFound."""
    quiz = quiz_for(course)
    if quiz is None or not quiz.active:
        raise NotFound("This course has no quiz.")
    return quiz


def sync_quiz(course: Course) -> Quiz | None:
    """Create or update the course's quiz from its quiz settings; a course without them has its quiz switched off."""
    quiz = quiz_for(course)
    settings = course.quiz_settings
    if settings is None:
        if quiz is not None and quiz.active:
            quiz.active = False
            db.session.flush()
        return quiz
    values = {**DEFAULTS, **{k: v for k, v in settings.items() if v is not None}}
    if quiz is None:
        quiz = Quiz(course_id=course.id)
        db.session.add(quiz)
    wanted = {
        "title": values.get("title") or f"{course.title} quiz",
        "pass_mark": float(values["pass_mark"]),
        "attempts_allowed": int(values["attempts"]),
        "time_limit_minutes": values["time_limit_minutes"],
        "review": values["review"],
        "draw": [{"category": d["category"], "count": int(d["count"])} for d in values["draw"]],
        "active": not course.archived,
    }
    for name, value in wanted.items():
        if getattr(quiz, name) != value:
            setattr(quiz, name, value)
    db.session.flush()
    return quiz


def draw_questions(quiz: Quiz, rng: random.Random) -> list[QuizQuestion]:
    """The questions of a new attempt, shuffled: every live question, or `count` from each drawn category.

    A draw that asks for a whole category fixes those questions; a category the
    bank no longer fills gives what it has.
    """
    live = live_questions(quiz.course)
    if quiz.draw:
        chosen: list[QuizQuestion] = []
        for rule in quiz.draw:
            pool = [q for q in live if q.category == rule["category"]]
            chosen += rng.sample(pool, min(rule["count"], len(pool)))
    else:
        chosen = list(live)
    rng.shuffle(chosen)
    return chosen
