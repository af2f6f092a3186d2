"""Question versions kept per app in each process: every page of an attempt, its saves and its grading read its questions.

A question row never changes once written (an edit makes a new version and archives the old one, and
attempts do not read `archived`), so a copy loaded once serves every later attempt in the process
without a join or decoding its JSON again. Copies are detached: their columns read as usual, their
`course` is not loaded. Each app keeps its own (an id means a question only in one database); they are dropped
after LMS_COURSE_CACHE_SECONDS and by `forget_questions` (tests that empty the tables behind the ORM's back, where
ids come round again).
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from lms.extensions import db
from lms.learning.course_cache import still_fresh
from lms.quizzes.models import QuizQuestion, QuizSlot

_generation = 0  # moved by `forget_questions`: every app's copies made before it are dropped


@dataclass
class _Copies:
    """One app's copies (each app has its own database: ids mean nothing across apps)."""

    questions: dict[int, QuizQuestion] = field(default_factory=dict)
    loaded_at: float = field(default_factory=time.monotonic)
    generation: int = 0


def attach_questions(slots: Iterable[QuizSlot]) -> None:
    """Give each slot its question version from this process's copies (see `question_versions`)."""
    slots = list(slots)
    questions = question_versions({slot.question_id for slot in slots})
    for slot in slots:
        set_committed_value(slot, "question", questions[slot.question_id])


def question_versions(ids: Iterable[int]) -> dict[int, QuizQuestion]:
    """These question versions by id, from this process's copies, loading any missing ones in one statement."""
    ids = set(ids)
    copies = _app_copies()
    found = {question_id: copy for question_id in ids if (copy := copies.questions.get(question_id)) is not None}
    missing = ids - found.keys()
    if missing:
        with Session(bind=db.session.connection()) as session:  # its own session, so the copies come out detached
            loaded = {q.id: q for q in session.execute(_questions_statement(), {"ids": list(missing)}).scalars()}
        copies.questions.update(loaded)
        found.update(loaded)
    return found


def forget_questions() -> None:
    """Drop every copy of every app (the next attempt loads its questions again)."""
    global _generation
    _generation += 1


def _app_copies() -> _Copies:
    """The current app's copies, new ones when they are older than the setting or were forgotten."""
    copies = current_app.extensions.get("lms.question_cache")
    if copies is None or not still_fresh(copies.loaded_at, copies.generation, _generation):
        # Replaced, not cleared: a request of another thread may still read the old ones.
        copies = current_app.extensions["lms.question_cache"] = _Copies(generation=_generation)
    return copies


@cache
def _questions_statement():
    return select(QuizQuestion).where(QuizQuestion.id.in_(bindparam("ids", expanding=True)))


def _written(*_args) -> None:
    forget_questions()


for _name in ("after_update", "after_delete"):  # not expected (rows are immutable), but never served stale
    event.listen(QuizQuestion, _name, _written)
