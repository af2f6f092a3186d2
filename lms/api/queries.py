"""The record lists the API pages through: one statement per page (plus one per page for related rows).

Each list is keyed by id and read after a cursor, `limit + 1` rows at a time: the extra row only
says that there is a next page. Aggregates come from lms.insights.queries, as on the dashboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.insights.models import ServiceIdea
from lms.learning.models import Course, Enrolment
from lms.org.models import Department, Employee, Site
from lms.workshops.models import Booking, Room, SessionTrainer, WorkshopSession

ENROLMENT_STATES = ("assigned", "started", "overdue", "completed", "unassigned")


def enrolment_state(today: date):
    """An enrolment's state, as the participation figures count it (see lms/insights/participation.py).

    completed; else unassigned (no live rule matches the person any more); else overdue (past its
    due date); else started (a module opened, or for the workshop a seat held or a day attended);
    else assigned.
    """
    booked = exists().where(Booking.employee_id == Enrolment.employee_id, Booking.course_id == Enrolment.course_id,
                            or_(Booking.status == "booked", Booking.day1_present.is_(True)))
    return case(
        (Enrolment.completed_at.is_not(None), "completed"),
        (Enrolment.unassigned_at.is_not(None), "unassigned"),
        (Enrolment.due_date < today, "overdue"),
        (or_(Enrolment.started_at.is_not(None), and_(Course.kind == "workshop", booked)), "started"),
        else_="assigned",
    )


@dataclass(frozen=True)
class EnrolmentFilter:
    course: str | None = None  # a course slug
    department_id: int | None = None
    site_id: int | None = None
    state: str | None = None
    updated_since: datetime | None = None
    active: bool | None = None


def enrolment_rows(today: date, filters: EnrolmentFilter, after: int, limit: int) -> list:
    """Up to limit + 1 enrolments with their person, course, department and site, after id `after`."""
    state = enrolment_state(today)
    stmt = (
        select(Enrolment.id, Enrolment.assigned_at, Enrolment.due_date, Enrolment.started_at, Enrolment.completed_at,
               Enrolment.unassigned_at, state.label("state"),
               Employee.id.label("employee_id"), Employee.employee_no, Employee.full_name, Employee.active,
               Course.id.label("course_id"), Course.slug.label("course_slug"), Course.title.label("course_title"),
               Course.kind.label("course_kind"), Course.archived.label("course_archived"),
               Department.id.label("department_id"), Department.code.label("department_code"),
               Department.name.label("department_name"), Department.kind.label("department_kind"),
               Site.id.label("site_id"), Site.code.label("site_code"), Site.name.label("site_name"))
        .select_from(Enrolment).join(Employee, Enrolment.employee_id == Employee.id)
        .join(Course, Enrolment.course_id == Course.id)
        .join(Department, Employee.department_id == Department.id).join(Site, Department.site_id == Site.id)
        .where(Enrolment.id > after).order_by(Enrolment.id).limit(limit + 1)
    )
    if filters.course is not None:
        stmt = stmt.where(Course.slug == filters.course)
    if filters.department_id is not None:
        stmt = stmt.where(Employee.department_id == filters.department_id)
    if filters.site_id is not None:
        stmt = stmt.where(Department.site_id == filters.site_id)
    if filters.state is not None:
        stmt = stmt.where(state == filters.state)
    if filters.active is not None:
        stmt = stmt.where(Employee.active.is_(filters.active))
    if filters.updated_since is not None:
        since = filters.updated_since
        stmt = stmt.where(or_(Enrolment.assigned_at >= since, Enrolment.started_at >= since,
                              Enrolment.completed_at >= since, Enrolment.unassigned_at >= since))
    return list(db.session.execute(stmt))


@dataclass(frozen=True)
class SessionFilter:
    site_id: int | None = None
    status: str | None = None
    starts_from: date | None = None
    starts_to: date | None = None


def session_rows(filters: SessionFilter, after: int, limit: int) -> list:
    """Up to limit + 1 workshop sessions with their course, site and room, after id `after`."""
    stmt = (
        select(WorkshopSession.id, WorkshopSession.day1, WorkshopSession.day2, WorkshopSession.start_time,
               WorkshopSession.end_time, WorkshopSession.capacity, WorkshopSession.seats_taken, WorkshopSession.status,
               Course.id.label("course_id"), Course.slug.label("course_slug"), Course.title.label("course_title"),
               Site.id.label("site_id"), Site.code.label("site_code"), Site.name.label("site_name"),
               Site.timezone.label("site_timezone"), Room.id.label("room_id"), Room.name.label("room_name"))
        .select_from(WorkshopSession).join(Course, WorkshopSession.course_id == Course.id)
        .join(Site, WorkshopSession.site_id == Site.id).join(Room, WorkshopSession.room_id == Room.id)
        .where(WorkshopSession.id > after).order_by(WorkshopSession.id).limit(limit + 1)
    )
    if filters.site_id is not None:
        stmt = stmt.where(WorkshopSession.site_id == filters.site_id)
    if filters.status is not None:
        stmt = stmt.where(WorkshopSession.status == filters.status)
    if filters.starts_from is not None:
        stmt = stmt.where(WorkshopSession.day1 >= filters.starts_from)
    if filters.starts_to is not None:
        stmt = stmt.where(WorkshopSession.day1 <= filters.starts_to)
    return list(db.session.execute(stmt))


@dataclass(frozen=True)
class BookingCounts:
    booked: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    no_show: int = 0
    attended_both_days: int = 0


def booking_counts(session_ids: list[int]) -> dict[int, BookingCounts]:
    """Bookings per status, and people who attended both days, of each session (one grouped query)."""
    if not session_ids:
        return {}
    count = func.count()
    rows = db.session.execute(
        select(Booking.session_id, count.filter(Booking.status == "booked"), count.filter(Booking.status == "waitlisted"),
               count.filter(Booking.status == "cancelled"), count.filter(Booking.status == "no_show"),
               count.filter(Booking.day1_present.is_(True), Booking.day2_present.is_(True)))
        .where(Booking.session_id.in_(session_ids)).group_by(Booking.session_id)
    )
    return {row[0]: BookingCounts(*row[1:]) for row in rows}


def session_trainers(session_ids: list[int]) -> dict[int, list]:
    """The trainers of each session, by name (one query)."""
    if not session_ids:
        return {}
    trainers: dict[int, list] = {}
    rows = db.session.execute(
        select(SessionTrainer.session_id, Employee.id, Employee.employee_no, Employee.full_name)
        .join(Employee, SessionTrainer.employee_id == Employee.id)
        .where(SessionTrainer.session_id.in_(session_ids)).order_by(Employee.full_name, Employee.id)
    )
    for session_id, *trainer in rows:
        trainers.setdefault(session_id, []).append(trainer)
    return trainers


@dataclass(frozen=True)
class BookingFilter:
    session_id: int | None = None
    status: str | None = None
    department_id: int | None = None
    site_id: int | None = None


def booking_rows(filters: BookingFilter, after: int, limit: int) -> list:
    """Up to limit + 1 bookings with their person and the person's department, after id `after`."""
    stmt = (
        select(Booking.id, Booking.session_id, Booking.course_id, Booking.status, Booking.requested_at,
               Booking.cancelled_at, Booking.day1_present, Booking.day2_present, Booking.attendance_marked_at,
               WorkshopSession.site_id, Employee.id.label("employee_id"), Employee.employee_no, Employee.full_name,
               Employee.active, Department.id.label("department_id"), Department.code.label("department_code"),
               Department.name.label("department_name"), Department.kind.label("department_kind"))
        .select_from(Booking).join(WorkshopSession, Booking.session_id == WorkshopSession.id)
        .join(Employee, Booking.employee_id == Employee.id).join(Department, Employee.department_id == Department.id)
        .where(Booking.id > after).order_by(Booking.id).limit(limit + 1)
    )
    if filters.session_id is not None:
        stmt = stmt.where(Booking.session_id == filters.session_id)
    if filters.status is not None:
        stmt = stmt.where(Booking.status == filters.status)
    if filters.department_id is not None:
        stmt = stmt.where(Employee.department_id == filters.department_id)
    if filters.site_id is not None:
        stmt = stmt.where(WorkshopSession.site_id == filters.site_id)
    return list(db.session.execute(stmt))


@dataclass(frozen=True)
class IdeaFilter:
    status: str | None = None
    department_id: int | None = None
    submitted_since: datetime | None = None


def idea_rows(filters: IdeaFilter, after: int, limit: int) -> list:
    """Up to limit + 1 service ideas with their author, department and beneficiary, after id `after`."""
    beneficiary = aliased(Department, name="beneficiary_department")
    stmt = (
        select(ServiceIdea.id, ServiceIdea.title, ServiceIdea.description, ServiceIdea.status, ServiceIdea.beneficiary,
               ServiceIdea.submitted_at, ServiceIdea.accepted_at, ServiceIdea.implemented_on, ServiceIdea.outcome,
               ServiceIdea.declined_at, ServiceIdea.declined_reason,
               Employee.id.label("author_id"), Employee.employee_no, Employee.full_name, Employee.active,
               Department.id.label("department_id"), Department.code.label("department_code"),
               Department.name.label("department_name"), Department.kind.label("department_kind"),
               beneficiary.id.label("beneficiary_department_id"), beneficiary.code.label("beneficiary_department_code"),
               beneficiary.name.label("beneficiary_department_name"),
               beneficiary.kind.label("beneficiary_department_kind"))
        .select_from(ServiceIdea).join(Employee, ServiceIdea.author_id == Employee.id)
        .join(Department, ServiceIdea.department_id == Department.id)
        .outerjoin(beneficiary, ServiceIdea.beneficiary_department_id == beneficiary.id)
        .where(ServiceIdea.id > after).order_by(ServiceIdea.id).limit(limit + 1)
    )
    if filters.status is not None:
        stmt = stmt.where(ServiceIdea.status == filters.status)
    if filters.department_id is not None:
        stmt = stmt.where(ServiceIdea.department_id == filters.department_id)
    if filters.submitted_since is not None:
        stmt = stmt.where(ServiceIdea.submitted_at >= filters.submitted_since)
    return list(db.session.execute(stmt))
