"""The sign-in sheet: present or absent on each day; no-shows go back to the pool; completion follows."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.core.database import begin_write
from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.signals import attendance_recorded
from lms.extensions import db
from lms.learning.completion import completion_requirement
from lms.learning.models import Enrolment
from lms.learning.progress import find_enrolment, refresh_completion
from lms.org.models import Employee
from lms.workshops.models import Booking, WorkshopSession


def may_run(actor: Employee, session: WorkshopSession) -> bool:
    """Trainers of the session and admins run its sign-in sheet."""
    return actor.has_role("admin") or any(link.employee_id == actor.id for link in session.trainer_links)


def sheet(session: WorkshopSession) -> list[Booking]:
    """Everyone on the sheet: booked people and no-shows, by name."""
    return list(db.session.execute(
        select(Booking).join(Employee, Booking.employee_id == Employee.id)
        .where(Booking.session_id == session.id, Booking.status.in_(("booked", "no_show")))
        .order_by(Employee.full_name)
    ).scalars())


def record_attendance(actor: Employee, session: WorkshopSession, marks: dict[int, tuple[bool | None, bool | None]],
                      today: date) -> list[Booking]:
    """Record present (True) or absent (False) per booking and day; None leaves a day unmarked."""
    if not may_run(actor, session):
        raise PermissionDenied(N_("Only the session's trainers record its attendance."))
    if session.status == "cancelled":
        raise Conflict(N_("This session was cancelled."))
    begin_write(db.session)
    bookings = {b.id: b for b in sheet(session)}
    problems = []
    if unknown := set(marks) - set(bookings):
        problems.append(f"Booking(s) {', '.join(map(str, sorted(unknown)))} are not on this session's sheet.")
    for day_number, day in enumerate(session.days, start=1):
        if day > today and any(m[day_number - 1] is not None for m in marks.values()):
            problems.append(f"Day {day_number} ({day:%d %B}) has not happened yet.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    now = utcnow()
    changed = []
    for booking_id, (day1, day2) in marks.items():
        booking = bookings[booking_id]
        if (day1, day2) == (booking.day1_present, booking.day2_present):
            continue
        booking.day1_present, booking.day2_present = day1, day2
        booking.attendance_marked_by_id, booking.attendance_marked_at = actor.id, now
        _apply_show_status(booking)
        changed.append(booking)
    db.session.flush()
    for booking in changed:
        enrolment = find_enrolment(booking.employee, session.course)
        if enrolment is not None and booking.attended_both_days:
            refresh_completion(enrolment)
    attendance_recorded.send(None, session=session, bookings=changed)
    return changed


def _apply_show_status(booking: Booking) -> None:
    """An absence frees the person to book another session; correcting it takes the place back."""
    absent = booking.day1_present is False or booking.day2_present is False
    if absent and booking.status == "booked":
        booking.status = "no_show"
    elif not absent and booking.status == "no_show":
        booking.status = "booked"
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            raise Conflict(f"{booking.employee.full_name} has booked another session since; cancel that one first.") from None


@completion_requirement
def attended_both_days(enrolment: Enrolment) -> str | None:
    """A workshop is complete only after both days were attended."""
    if enrolment.course.kind != "workshop":
        return None
    attended = db.session.execute(
        select(Booking.id).where(Booking.employee_id == enrolment.employee_id, Booking.course_id == enrolment.course_id,
                                 Booking.day1_present.is_(True), Booking.day2_present.is_(True)).limit(1)
    ).first()
    return None if attended else gettext("Attend both days of a workshop session.")
