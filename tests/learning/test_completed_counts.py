"""The completed-module count: read once per request, never stale after a write in the same session."""
from __future__ import annotations

import pytest

from lms.core.models import utcnow
from lms.learning.completion import outstanding
from lms.learning.progress import (complete_module, completed_module_count, enrol, progress_by_module,
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
    now = utcnow()
    db.session.add(QuizAttempt(quiz_id=quiz.id, employee_id=learner.id, number=1, state="graded", submitted_at=now,
                               graded_at=now, max_score=10.0, score=9.0, percent=90.0, passed=True))
    db.session.flush()
    assert refresh_completion(enrolment) and enrolment.completed_at is not None
