"""The per-process question copies: an attempt's questions without a statement once loaded, right after any reload."""
from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import select, text

from lms.learning.assignments import apply_assignment_rules
from lms.learning.models import Course
from lms.quizzes.assembly import get_quiz
from lms.quizzes.attempts import get_attempt, save_answers, start_attempt, submit_attempt
from lms.quizzes.demo import simulated_answer
from lms.org.models import Employee
from lms.quizzes.models import QuizQuestion
from tests.conftest import ROOT

LAST = "service-recovery-last"


@pytest.fixture
def synced(db):
    from lms.learning.commands import sync_courses_now

    sync_courses_now(ROOT / "courses")


@pytest.fixture
def attempt_id(db, synced, make_employee):
    """An attempt just started by a new learner of the last course: (attempt id, learner)."""
    person = make_employee()
    apply_assignment_rules(employee_ids=[person.id])
    course = db.session.execute(select(Course).where(Course.slug == LAST)).scalar_one()
    attempt = start_attempt(person, get_quiz(course))
    db.session.commit()
    return attempt.id, person.id


def _open(db, attempt_no: int, person_id: int):
    """The attempt as the next request gets it: a fresh session, the learner, then their attempt."""
    db.session.remove()
    return get_attempt(attempt_no, db.session.get(Employee, person_id))


def _stored(db, question_id: int) -> dict:
    """The question as its row holds it, read in a session of its own."""
    return db.session.execute(select(QuizQuestion.data).where(QuizQuestion.id == question_id)).scalar_one()


def test_an_attempts_questions_are_its_rows_and_need_no_statement_once_loaded(db, attempt_id, sql_statements):
    attempt_no, person = attempt_id
    first = _open(db, attempt_no, person)
    loaded = {slot.position: (slot.question_id, slot.question.data) for slot in first.slots}
    assert sum("FROM quiz_question" in s for s in sql_statements) == 1
    sql_statements.clear()
    again = _open(db, attempt_no, person)
    assert {slot.position: (slot.question.id, slot.question.data) for slot in again.slots} == loaded
    assert not any("quiz_question" in s for s in sql_statements)
    for slot in again.slots:
        assert slot.question.data == _stored(db, slot.question_id)
        assert slot.question.has_marks == (slot.question.qtype != "description")


def test_grading_with_the_copies_scores_as_the_rows_say(db, attempt_id):
    attempt_no, person = attempt_id
    attempt = _open(db, attempt_no, person)
    rng = random.Random(3)
    answers = {slot.position: simulated_answer(_stored(db, slot.question_id), slot.layout, rng, 1.0)
               for slot in attempt.slots if slot.question.has_marks}
    save_answers(attempt, answers)
    db.session.commit()
    graded = submit_attempt(_open(db, attempt_no, person))
    db.session.commit()
    assert graded.state == "graded" and graded.percent == 100.0 and graded.passed is True


def test_copies_older_than_the_setting_are_read_again(app, db, attempt_id, monkeypatch):
    attempt_no, person = attempt_id
    slot = _open(db, attempt_no, person).slots[0]
    question_id, data = slot.question_id, dict(slot.question.data)
    # A restore from a backup put other rows under the same ids: this process's ORM did not see it.
    changed = {**data, "text": "Restored from elsewhere"}
    db.session.execute(text("UPDATE quiz_question SET data = :data WHERE id = :id"),
                       {"data": json.dumps(changed), "id": question_id})
    db.session.commit()
    assert _open(db, attempt_no, person).slots[0].question.data["text"] == data["text"]  # still the copy
    monkeypatch.setitem(app.config, "LMS_COURSE_CACHE_SECONDS", 0)
    assert _open(db, attempt_no, person).slots[0].question.data["text"] == "Restored from elsewhere"


def test_a_submit_reads_the_slots_once_as_rows_and_no_question_once_warm(db, attempt_id, sql_statements):
    attempt_no, person = attempt_id
    _open(db, attempt_no, person)  # the attempt's pages loaded its questions into the process's copies
    db.session.remove()
    sql_statements.clear()
    graded = submit_attempt(get_attempt(attempt_no, db.session.get(Employee, person), with_slots=False))
    db.session.commit()
    slot_reads = [s for s in sql_statements if s.lstrip().startswith("SELECT") and "FROM quiz_slot" in s]
    assert len(slot_reads) == 1 and not any("quiz_question" in s for s in sql_statements)
    assert graded.state == "graded" and graded.percent == 0.0  # nothing was answered
    assert "slots" not in graded.__dict__  # no slot objects were built


def test_each_app_keeps_its_own_copies(app, db, attempt_id):
    # Two apps in one process (the browser tests serve a demo app beside the test app) have two databases, where
    # the same id can be two different questions.
    from flask import Flask

    from lms.quizzes.question_cache import _app_copies

    attempt_no, person = attempt_id
    mine = _open(db, attempt_no, person).slots[0]
    other = Flask("other")
    other.config["LMS_COURSE_CACHE_SECONDS"] = 30
    with other.app_context():
        assert mine.question_id not in _app_copies().questions
    assert _app_copies().questions[mine.question_id] is mine.question
