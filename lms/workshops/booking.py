"""Booking seats: capacity and staffing floors hold under concurrency; a waitlist promotes in order.

Seats are taken with a conditional UPDATE of the session's seats_taken (checked by the
database against capacity) and each department's people away per day with a conditional
UPDATE of department_day, all inside a savepoint so that a refusal undoes both.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from lms.core.database import begin_write, insert_ignoring_duplicates
from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.progress import enrol, find_enrolment
from lms.org.models import Department, Employee
from lms.workshops import notices
from lms.workshops.labels import said
from lms.workshops.models import Booking, DepartmentDay, WorkshopSession

FULL = "The session is full: you are on the waitlist and will get the first seat that frees up."


class _NoPlace(Exception):
    """Raised inside a savepoint to undo a partly taken place."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cutoff(session: WorkshopSession) -> datetime:
    """The last moment a learner may book or cancel their own seat."""
    hours = current_app.config.get("LMS_BOOKING_CUTOFF_HOURS", 24)
    return session_start(session) - timedelta(hours=hours)


def session_start(session: WorkshopSession) -> datetime:
    """Day 1's start, in the site's time zone."""
    return datetime.combine(session.day1, session.start_time, tzinfo=ZoneInfo(session.site.timezone or "UTC"))


def headcount(department_id: int) -> int:
    """Active employees of a department."""
    return db.session.execute(
        select(func.count()).where(Employee.department_id == department_id, Employee.active)
    ).scalar_one()


def _take_seat(session: WorkshopSession) -> bool:
    taken = db.session.execute(
        update(WorkshopSession)
        .where(WorkshopSession.id == session.id, WorkshopSession.status == "open",
               WorkshopSession.seats_taken < WorkshopSession.capacity)
        .values(seats_taken=WorkshopSession.seats_taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def _take_department_day(department: Department, day: date, limit: int) -> bool:
    insert_ignoring_duplicates(db.session, DepartmentDay, [{"department_id": department.id, "day": day, "away": 0}])
    taken = db.session.execute(
        update(DepartmentDay)
        .where(DepartmentDay.department_id == department.id, DepartmentDay.day == day, DepartmentDay.away < limit)
        .values(away=DepartmentDay.away + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    return taken == 1


def _try_place(booking: Booking) -> str | None:
    """Give the booking a seat within its department's floor; return why not, or None."""
    session, department = booking.session, booking.employee.department
    limit = department.max_away(headcount(department.id))
    try:
        with db.session.begin_nested():
            if not _take_seat(session):
                raise _NoPlace(FULL)
            for day in session.days:
                if not _take_department_day(department, day, limit):
                    raise _NoPlace(
                        f"{department.name} already has {limit} of its {headcount(department.id)} people away on "
                        f"{day:%A %d %B}; its staffing floor allows no more. You are on the waitlist.")
    except _NoPlace as refusal:
        return refusal.reason
    booking.status, booking.waitlist_reason = "booked", ""
    db.session.flush()
    db.session.refresh(session)
    return None


def _check_bookable(actor: Employee, employee: Employee, session: WorkshopSession, now: datetime) -> None:
    problems = []
    if session.status != "open":
        problems.append(said(N_("This session is %(status)s; it cannot be booked."), words=("status",), status=session.status))
    elif now >= session_start(session):
        problems.append(N_("This session has already started."))
    elif actor.id == employee.id and not actor.has_role("admin") and now > cutoff(session):
        problems.append(said(N_("Booking closed at %(when)s; ask your manager or an administrator."),
                             patterns={"when": "dd MMMM HH:mm"}, when=cutoff(session)))
    if not employee.active:
        problems.append(said(N_("%(name)s is not an active employee."), name=employee.full_name))
    if employee.department.site_id != session.site_id:
        problems.append(said(N_("%(name)s works at %(site)s; this session is at %(session_site)s."), name=employee.full_name,
                             site=employee.department.site.name, session_site=session.site.name))
    enrolment = find_enrolment(employee, session.course)
    if enrolment is not None and enrolment.completed_at is not None:
        problems.append(said(N_("%(name)s has already completed %(course)s."), name=employee.full_name,
                             course=session.course.title))
    if problems:
        raise ValidationFailed(problems[0], problems)


def book_seat(actor: Employee, employee: Employee, session: WorkshopSession) -> Booking:
    """Book `employee` into `session`, or put them on its waitlist with the reason; never overfills."""
    begin_write(db.session)
    now = utcnow()
    _check_bookable(actor, employee, session, now)
    booking = Booking(session=session, course_id=session.course_id, employee=employee, status="waitlisted",
                      booked_by_id=actor.id, requested_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        current = active_booking(employee, session.course_id)
        if current:
            raise Conflict(said(N_("%(name)s already has a booking for this workshop on %(day)s at %(site)s; cancel it first."),
                                patterns={"day": "dd MMMM"}, name=employee.full_name, day=current.session.day1,
                                site=current.session.site.name)) from None
        raise Conflict(said(N_("%(name)s already has a booking for this workshop; cancel it first."),
                            name=employee.full_name)) from None
    booking.waitlist_reason = _try_place(booking) or ""
    enrol(employee, session.course)
    db.session.flush()
    notices.booking_made(booking)
    return booking


def active_booking(employee: Employee, course_id: int) -> Booking | None:
    """The employee's booked or waitlisted booking for the course, if any."""
    return db.session.execute(
        select(Booking).where(Booking.employee_id == employee.id, Booking.course_id == course_id,
                              Booking.status.in_(("booked", "waitlisted")))
    ).scalar_one_or_none()


def release_booking(booking: Booking, reason: str, *, promote: bool = True, status: str = "cancelled") -> Booking:
    """End a booking, tell its holder, give back its seat and department days, and promote the waitlist."""
    was_booked = booking.status == "booked"
    booking.status, booking.cancelled_at, booking.cancel_reason = status, utcnow(), reason[:300]
    if was_booked:
        session = booking.session
        db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id)
                           .values(seats_taken=WorkshopSession.seats_taken - 1).execution_options(synchronize_session=False))
        db.session.execute(update(DepartmentDay).where(DepartmentDay.department_id == booking.employee.department_id,
                                                       DepartmentDay.day.in_(session.days))
                           .values(away=DepartmentDay.away - 1).execution_options(synchronize_session=False))
        db.session.flush()
        db.session.refresh(session)
        if promote:
            promote_waitlists(session, booking.employee.department_id)
    db.session.flush()
    notices.booking_cancelled(booking)
    return booking


def cancel_booking(actor: Employee, booking: Booking, reason: str = "") -> Booking:
    """Cancel a booking (own seat up to the cut-off; managers and admins any time before day 1)."""
    begin_write(db.session)
    db.session.refresh(booking)
    if booking.status not in ("booked", "waitlisted"):
        raise Conflict(N_("This booking is already cancelled."))
    now = utcnow()
    if now >= session_start(booking.session):
        raise ValidationFailed(N_("The session has started; the trainer records attendance instead."))
    if actor.id == booking.employee_id and not actor.has_role("admin") and now > cutoff(booking.session):
        raise PermissionDenied(said(N_("Cancellation closed at %(when)s; ask your manager."), patterns={"when": "dd MMMM HH:mm"},
                                    when=cutoff(booking.session)))
    return release_booking(booking, reason or ("Cancelled by " + ("you" if actor.id == booking.employee_id else actor.full_name)))


def promote_waitlists(session: WorkshopSession, department_id: int | None = None) -> list[Booking]:
    """Seat waitlisted people in request order: on this session, and on sessions sharing its days
    whose waitlisted people belong to the department that just freed a day."""
    sessions = [session]
    if department_id is not None:
        sessions += list(db.session.execute(
            select(WorkshopSession).join(Booking, Booking.session_id == WorkshopSession.id)
            .join(Employee, Booking.employee_id == Employee.id)
            .where(Booking.status == "waitlisted", Employee.department_id == department_id,
                   WorkshopSession.id != session.id, WorkshopSession.status == "open",
                   (WorkshopSession.day1.in_(session.days)) | (WorkshopSession.day2.in_(session.days)))
            .distinct()
        ).scalars())
    promoted = []
    for candidate_session in sessions:
        waiting = db.session.execute(
            select(Booking).where(Booking.session_id == candidate_session.id, Booking.status == "waitlisted")
            .order_by(Booking.requested_at, Booking.id)
        ).scalars().all()
        for booking in waiting:
            reason = _try_place(booking)
            if reason is None:
                promoted.append(booking)
                notices.promoted(booking)
            elif reason == FULL:
                break
            else:
                booking.waitlist_reason = reason
    db.session.flush()
    return promoted


def waitlist_position(booking: Booking) -> int | None:
    """1 for the first person waiting, or None when not waitlisted."""
    if booking.status != "waitlisted":
        return None
    return db.session.execute(
        select(func.count()).where(Booking.session_id == booking.session_id, Booking.status == "waitlisted",
                                   (Booking.requested_at < booking.requested_at)
                                   | and_(Booking.requested_at == booking.requested_at, Booking.id <= booking.id))
    ).scalar_one()
