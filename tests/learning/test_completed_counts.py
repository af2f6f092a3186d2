"""Progress writes and counts: the completed-module count (read once, never stale), the resume point, a passed quiz."""
from __future__ import annotations

import pytest

from lms.core.models import utcnow
from lms.core.signals import quiz_passed
from lms.learning.completion import outstanding
from lms.learning.progress import (complete_module, completed_module_count, enrol, modules_left, progress_by_module,
                                   refresh_completion, view_module)
from lms.quizzes.assembly import quiz_for
from lms.quizzes.models import QuizAttempt

SLUG = "service-recovery-last"


@pytest.fixture
def enrolled(db, synced, course, make_employee):
    learner = make_employee()
    enrolment = enrol(learner, course(SLUG))
    db.session.commit()
    return learner, enrolment


def test_the_progress_rows_just_read_answer_the_count(db, enrolled, sql_statements):
    learner, enrolment = enrolled
    first, second = enrolment.course.learner_modules[:2]
    complete_module(learner, enrolment, first)
    view_module(learner, enrolment, second)  # opened, not completed: not counted
    db.session.commit()
    progress_by_module(learner, enrolment.course)
    sql_statements.clear()
    assert completed_module_count(enrolment) == 1
    assert sql_statements == []


def test_a_completion_in_the_same_session_is_counted(db, enrolled):
    learner, enrolment = enrolled
    modules = enrolment.course.learner_modules
    progress_by_module(learner, enrolment.course)
    assert completed_module_count(enrolment) == 0
    complete_module(learner, enrolment, modules[0])
    assert completed_module_count(enrolment) == 1
    complete_module(learner, enrolment, modules[0])  # again: still one
    assert completed_module_count(enrolment) == 1


def test_every_module_done_leaves_the_quiz_then_a_pass_completes_the_course(db, enrolled):
    learner, enrolment = enrolled
    course = enrolment.course
    quiz = quiz_for(course)
    assert course.completion_quiz and quiz is not None
    assert [complete_module(learner, enrolment, module) for module in course.learner_modules] == \
        [False] * len(course.learner_modules)
    assert outstanding(enrolment) == [f"Pass the quiz ({quiz.pass_mark:g}% needed)."]
    _passed_attempt(db, learner, quiz)
    assert refresh_completion(enrolment) and enrolment.completed_at is not None


def test_visits_start_the_enrolment_once_and_move_the_resume_point(db, enrolled, sql_statements):
    learner, enrolment = enrolled
    first, second = enrolment.course.learner_modules[:2]
    view_module(learner, enrolment, first)
    started = enrolment.started_at
    assert started is not None and enrolment.last_module is first
    view_module(learner, enrolment, second)
    # The object shows what was written, and nothing is left for a flush to write again.
    assert enrolment.started_at == started and enrolment.last_module is second
    assert not db.session.dirty
    db.session.commit()
    db.session.expire_all()
    assert enrolment.started_at == started and enrolment.last_module_id == second.id
    assert sum("UPDATE enrolment" in s for s in sql_statements) == 2


def test_the_progress_row_written_is_the_sessions_instance_as_stored(db, enrolled):
    learner, enrolment = enrolled
    first = enrolment.course.learner_modules[0]
    opened = view_module(learner, enrolment, first)
    assert opened in db.session and opened.completed_at is None and not db.session.dirty
    loaded = progress_by_module(learner, enrolment.course)[first.id]
    complete_module(learner, enrolment, first)
    # The instance read before shows the completion without being read again, and a later visit returns it.
    assert loaded is opened and loaded.completed_at is not None
    assert view_module(learner, enrolment, first) is loaded
    assert loaded.first_viewed_at <= loaded.last_viewed_at and not db.session.dirty
    db.session.commit()
    db.session.expire_all()
    assert loaded.completed_at is not None


def test_a_pass_with_modules_left_is_settled_by_one_count(db, enrolled, sql_statements):
    learner, enrolment = enrolled
    course = enrolment.course
    *before_last, last = course.learner_modules
    for module in before_last:
        complete_module(learner, enrolment, module)
    _passed_attempt(db, learner, quiz_for(course))
    employee_id, course_id = learner.id, course.id
    db.session.commit()
    sql_statements.clear()
    quiz_passed.send(None, employee_id=employee_id, course_id=course_id)
    assert len(sql_statements) == 2  # the enrolment, and the count of modules left: no module is loaded
    assert enrolment.completed_at is None and modules_left(enrolment) == 1
    complete_module(learner, enrolment, last)  # the last module completes the course: the quiz was passed
    assert modules_left(enrolment) == 0 and enrolment.completed_at is not None


def test_a_pass_after_the_last_module_completes_the_course(db, enrolled):
    learner, enrolment = enrolled
    course = enrolment.course
    for module in course.learner_modules:
        complete_module(learner, enrolment, module)
    assert enrolment.completed_at is None  # the quiz is still to pass
    _passed_attempt(db, learner, quiz_for(course))
    quiz_passed.send(None, employee_id=learner.id, course_id=course.id)
    assert enrolment.completed_at is not None


def _passed_attempt(db, learner, quiz):
    now = utcnow()
    db.session.add(QuizAttempt(quiz_id=quiz.id, employee_id=learner.id, number=1, state="graded", submitted_at=now,
                               graded_at=now, max_score=10.0, score=9.0, percent=90.0, passed=True))
    db.session.flush()
