"""Statements recorded for completions, graded quiz attempts and workshop attendance, each once and only if it happened."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lms.learning.progress import complete_module, find_enrolment
from lms.quizzes.marking import mark_essay
from lms.workshops.attendance import record_attendance
from lms.workshops.booking import book_seat
from tests.quizzes.test_marking_and_statistics import ESSAY_BANK, make_quiz, taken
from tests.workshops.test_attendance_and_invites import move_to_past

from .conftest import BASE_URL, HOME_PAGE, assert_valid_statement, complete_course, statements

QUIZ_BANK = """
::Q1 pick::Pick A. {=A ~B}

::Q2 sky::The sky is blue. {T}
"""


def test_completing_a_course_records_one_completed_statement(client, db, xapi_config, learner, online_course):
    assert [r.status_code for r in complete_course(client, online_course)] == [302, 302]
    [row] = statements(db)
    enrolment = find_enrolment(learner, online_course)
    assert (row.verb, row.subject, row.employee_id, row.status, row.attempts) == (
        "completed", f"completion:enrolment:{enrolment.id}", learner.id, "pending", 0)  # no store: kept, not sent
    statement = row.statement
    assert_valid_statement(statement)
    assert statement["id"] == row.statement_id
    assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": "E-1001"}}
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["id"] == f"{BASE_URL}/courses/listening"
    completed = enrolment.completed_at.astimezone(ZoneInfo("UTC"))
    assert statement["timestamp"] == completed.strftime("%Y-%m-%dT%H:%M:%S.") + f"{completed.microsecond // 1000:03d}Z"

    complete_course(client, online_course)  # completing again records nothing more
    assert len(statements(db)) == 1


def test_nothing_is_recorded_for_a_completion_that_is_rolled_back(db, xapi_config, online_course, make_employee):
    from lms.learning.progress import enrol

    person = make_employee()
    enrolment = enrol(person, online_course)
    db.session.commit()
    for module in online_course.learner_modules:
        complete_module(person, enrolment, module)
    assert find_enrolment(person, online_course).completed_at is not None
    db.session.rollback()
    assert statements(db) == []


def test_a_graded_quiz_records_passed_or_failed_with_its_score(db, xapi_config, make_employee):
    quiz = make_quiz(db, "quizzed", QUIZ_BANK, pass_mark=75)
    failing, passing = make_employee(employee_no="E-2"), make_employee(employee_no="E-3")
    failed = taken(db, quiz, failing, {"Q1 pick": "A", "Q2 sky": False})
    passed = taken(db, quiz, passing, {"Q1 pick": "A", "Q2 sky": True})

    by_subject = {row.subject: row for row in statements(db)}
    fail_row, pass_row = by_subject[f"attempt:{failed.id}"], by_subject[f"attempt:{passed.id}"]
    for row in by_subject.values():
        assert_valid_statement(row.statement)
    assert fail_row.verb == "failed" and fail_row.statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert fail_row.statement["result"]["score"] == {"scaled": 0.5, "raw": 1.0, "min": 0, "max": 2.0}
    assert (fail_row.statement["result"]["success"], fail_row.statement["result"]["completion"]) == (False, True)
    assert fail_row.statement["object"]["id"] == f"{BASE_URL}/courses/quizzed/quiz"
    assert fail_row.statement["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE_URL}/courses/quizzed"
    assert fail_row.statement["actor"]["account"]["name"] == "E-2"
    assert pass_row.verb == "passed"
    assert pass_row.statement["result"]["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0, "max": 2.0}
    assert pass_row.statement["result"]["success"] is True
    # The pass completes the course (its completion needs the quiz): that is a statement of its own.
    completion = by_subject[f"completion:enrolment:{find_enrolment(passing, quiz.course).id}"]
    assert completion.verb == "completed" and completion.employee_id == passing.id
    assert len(by_subject) == 3


def test_an_essay_is_reported_once_a_trainer_has_marked_it(db, xapi_config, make_employee, make_department):
    quiz = make_quiz(db, "essays", ESSAY_BANK, pass_mark=75)
    department = make_department()
    learner = make_employee(department=department)
    attempt = taken(db, quiz, learner, {"P01 pick": "A", "P01 explain": "I would listen first."})
    assert statements(db) == []  # waiting for a trainer: not graded yet
    slot = next(s for s in attempt.slots if s.question.qtype == "essay")
    mark_essay(make_employee(roles=("trainer",), department=department), slot, 4, "Good.")
    db.session.commit()
    rows = {row.verb: row for row in statements(db)}
    assert set(rows) == {"passed", "completed"}
    assert rows["passed"].statement["result"]["score"] == {"scaled": 1.0, "raw": 2.0, "min": 0, "max": 2.0}


def test_attending_both_days_records_attended_and_a_correction_voids_it(db, xapi_config, make_session, staff,
                                                                        make_employee):
    trainer = make_employee(roles=("trainer",), employee_no="T-7")
    session = make_session(trainer=trainer)
    both, one_day = staff(session.site, 2)
    bookings = [book_seat(p, p, session) for p in (both, one_day)]
    db.session.commit()
    move_to_past(db, session)
    record_attendance(trainer, session, {bookings[0].id: (True, True), bookings[1].id: (True, None)}, date.today())
    db.session.commit()

    [row] = statements(db, "attended")
    assert (row.subject, row.employee_id) == (f"attendance:booking:{bookings[0].id}", both.id)
    statement = row.statement
    assert_valid_statement(statement)
    assert statement["actor"]["account"] == {"homePage": HOME_PAGE, "name": both.employee_no}
    assert statement["object"]["id"] == f"{BASE_URL}/workshops/sessions/{session.id}"
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE_URL}/courses/service-problem-solving"
    ended = datetime.combine(session.day2, time(17), tzinfo=ZoneInfo(session.site.timezone))
    assert statement["timestamp"] == ended.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    # The trainer corrects day 2 to absent: the statement is voided, by the trainer.
    record_attendance(trainer, session, {bookings[0].id: (True, False)}, date.today())
    db.session.commit()
    [original] = statements(db, "attended")
    [voiding] = statements(db, "voided")
    assert original.voided_at is not None
    assert_valid_statement(voiding.statement)
    assert voiding.statement["object"] == {"objectType": "StatementRef", "id": original.statement_id}
    assert voiding.statement["actor"]["account"]["name"] == "T-7"

    # Corrected back to present: a fresh statement reports the attendance again.
    record_attendance(trainer, session, {bookings[0].id: (True, True)}, date.today())
    db.session.commit()
    attended = statements(db, "attended")
    assert len(attended) == 2 and attended[1].voided_at is None and attended[1].statement_id != original.statement_id
    assert len(statements(db, "voided")) == 1
