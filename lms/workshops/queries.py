"""Read-only workshop queries."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.org.models import Employee, Site
from lms.org.queries import reports_subquery
from lms.workshops.models import Booking, Room, SessionTrainer, WorkshopSession


def sessions_between(site_id: int | None, start: date, end: date, include_drafts: bool = False) -> list[WorkshopSession]:
    """Sessions whose day 1 falls in [start, end], by date and site."""
    stmt = select(WorkshopSession).where(WorkshopSession.day1 >= start, WorkshopSession.day1 <= end)
    if site_id:
        stmt = stmt.where(WorkshopSession.site_id == site_id)
    if not include_drafts:
        stmt = stmt.where(WorkshopSession.status != "draft")
    return list(db.session.execute(stmt.order_by(WorkshopSession.day1, WorkshopSession.start_time, WorkshopSession.id)).scalars())


def bookings_of(employee: Employee) -> list[Booking]:
    """All of a person's bookings, newest session first."""
    return list(db.session.execute(
        select(Booking).join(WorkshopSession).where(Booking.employee_id == employee.id)
        .order_by(WorkshopSession.day1.desc(), Booking.id.desc())
    ).scalars())


def sessions_delivered_by(trainer: Employee) -> list[WorkshopSession]:
    """Sessions a trainer delivers, soonest first."""
    return list(db.session.execute(
        select(WorkshopSession).join(SessionTrainer).where(SessionTrainer.employee_id == trainer.id)
        .order_by(WorkshopSession.day1, WorkshopSession.id)
    ).scalars())


def bookable_reports(manager: Employee, session: WorkshopSession) -> list[Employee]:
    """People in the manager's line, at the session's site, without an active booking for the workshop."""
    line = reports_subquery(manager.id)
    active = select(Booking.employee_id).where(Booking.course_id == session.course_id,
                                               Booking.status.in_(("booked", "waitlisted")))
    from lms.org.models import Department

    return list(db.session.execute(
        select(Employee).join(Department, Employee.department_id == Department.id)
        .where(Employee.id.in_(select(line.c.id)), Employee.active, Department.site_id == session.site_id,
               Employee.id.not_in(active))
        .order_by(Employee.full_name)
    ).scalars())


def session_bookings(session: WorkshopSession) -> list[Booking]:
    """Every booking of a session: booked, waitlisted (in order), then the rest."""
    order = {"booked": 0, "waitlisted": 1, "no_show": 2, "cancelled": 3}
    rows = db.session.execute(select(Booking).where(Booking.session_id == session.id).order_by(Booking.requested_at, Booking.id)).scalars()
    return sorted(rows, key=lambda b: order[b.status])


def rooms_by_site() -> list[tuple[Site, list[Room]]]:
    """Every site with its rooms."""
    sites = db.session.execute(select(Site).order_by(Site.name)).scalars().all()
    rooms = db.session.execute(select(Room).order_by(Room.name)).scalars().all()
    return [(s, [r for r in rooms if r.site_id == s.id]) for s in sites]


def session_counts_by_status() -> dict[str, int]:
    """How many sessions there are per stored status."""
    return dict(db.session.execute(select(WorkshopSession.status, func.count()).group_by(WorkshopSession.status)).all())


def co_delivery_candidates(session: WorkshopSession) -> list:
    """Trainees (cohort members for the workshop) whose path is ready to record a co-delivery."""
    from lms.trainers.models import Cohort, CohortMember
    from lms.trainers.path import TRANSITIONS

    allowed = TRANSITIONS["co_deliver"].sources
    members = db.session.execute(
        select(CohortMember).join(Cohort).join(Employee, CohortMember.employee_id == Employee.id)
        .where(Cohort.course_id == session.course_id, Cohort.status != "closed", Employee.active)
        .order_by(Employee.full_name)
    ).scalars()
    return [m for m in members if m.state in allowed.get(m.track, ())]
