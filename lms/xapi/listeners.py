"""Turning domain events into xAPI statements: completions, graded quiz attempts, workshop attendance.

Each listener runs inside the transaction that made the fact true, and records the statement
there (see record.py); it never sends anything itself.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from sqlalchemy import select

from lms.core.models import utcnow
from lms.core.signals import attempt_graded, attendance_recorded, course_completed
from lms.extensions import db
from lms.org.models import Employee
from lms.xapi import statements as xs
from lms.xapi.record import record_statement, void_statements
from lms.xapi.settings import base_url, home_page


def _actor(employee_no: str) -> dict:
    return xs.actor(home_page(current_app.config), employee_no)


def _employee_no(employee_id: int) -> str:
    """The employee number, from the session when the person is loaded, else by one narrow query."""
    loaded = db.session.identity_map.get(db.session.identity_key(Employee, employee_id))
    if loaded is not None:
        return loaded.employee_no
    return db.session.execute(select(Employee.employee_no).where(Employee.id == employee_id)).scalar_one()


def _course(course) -> xs.Activity:
    return xs.course_activity(base_url(current_app.config), course.slug, course.title)


@course_completed.connect
def on_course_completed(sender, enrolment, **_) -> None:
    """Record that the learner completed the course."""
    statement = xs.completion_statement(xs.new_statement_id(), _actor(_employee_no(enrolment.employee_id)),
                                        _course(enrolment.course), enrolment.completed_at)
    record_statement(f"completion:enrolment:{enrolment.id}", "completed", enrolment.employee_id, statement)


@attempt_graded.connect
def on_attempt_graded(sender, attempt, **_) -> None:
    """Record the result of a graded quiz attempt: passed or failed, with its score."""
    quiz, course = attempt.quiz, attempt.quiz.course
    statement = xs.quiz_statement(
        xs.new_statement_id(), _actor(_employee_no(attempt.employee_id)),
        xs.quiz_activity(base_url(current_app.config), course.slug, quiz.title), _course(course),
        score=attempt.score or 0.0, max_score=attempt.max_score, percent=attempt.percent, passed=bool(attempt.passed),
        submitted_at=attempt.submitted_at or attempt.graded_at, started_at=attempt.started_at,
    )
    record_statement(f"attempt:{attempt.id}", "passed" if attempt.passed else "failed", attempt.employee_id,
                     statement)


@attendance_recorded.connect
def on_attendance_recorded(sender, session, bookings, **_) -> None:
    """Record attendance of both days; void it when a trainer corrects a booking to absent."""
    corrected = []
    for booking in bookings:
        subject = f"attendance:booking:{booking.id}"
        if not booking.attended_both_days:
            corrected.append(subject)
            continue
        activity = xs.session_activity(base_url(current_app.config), session.id,
                                       f"{session.course.title}, {session.day1:%d %b %Y}, {session.site.name}")
        statement = xs.attendance_statement(xs.new_statement_id(), _actor(booking.employee.employee_no), activity,
                                            _course(session.course), session_end(session))
        record_statement(subject, "attended", booking.employee_id, statement)
    if corrected:
        # The trainer who corrected the sheet voids the statement.
        marker = db.session.get(Employee, bookings[0].attendance_marked_by_id or bookings[0].employee_id)
        void_statements(corrected, _actor(marker.employee_no), utcnow())


def session_end(session) -> datetime:
    """When day 2 of a session ended, in the site's time zone (UTC if the site's zone is unknown)."""
    try:
        zone = ZoneInfo(session.site.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.combine(session.day2, session.end_time, tzinfo=zone)
