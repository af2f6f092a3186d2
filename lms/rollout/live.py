"""Build an `lms.rollout-problem/1` document for a rollout plan from the live organization.

Who: the active employees of the chosen sites who have neither completed nor booked (or been
waitlisted for) the workshop, less the people the leader excluded and anyone certified to
deliver it (an unrevoked certification, whatever its dates: a trainer does not attend). Departments get `max_away` from the staffing floor of their full active
headcount. The format has one calendar, so it takes every weekday any chosen site works and
only the holidays all of them share; each room and trainer is then unavailable on the days its
own site does not work, which keeps a planned session's two days consecutive at its site.
Rooms, trainers and departments already committed by existing sessions come back as `Holds`
(see holds.py) so that a re-plan can add the sessions it keeps before writing them in.

Beyond the format (readers ignore unknown keys) the document carries names, database ids
(`ref`), each department's headcount and people already away per day, and each site's
closed days, for the preview and the what-if.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from flask import current_app
from sqlalchemy import and_, exists, func, select

from lms.core.errors import ValidationFailed
from lms.core.markers import N_
from lms.core.workdays import WorkCalendar
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.org.models import Department, Employee, Site
from lms.rollout.holds import DEFAULT_TRAINER_CAP, Holds, apply_holds
from lms.rollout.problem import PROBLEM_FORMAT
from lms.trainers.models import Certification
from lms.workshops.calendar import site_calendar
from lms.workshops.models import Booking, DepartmentDay, Room, RoomDay, TrainerDay
from lms.workshops.sessions import workshop_course

SESSION_DAYS = 2
SESSION_TRAINERS = 1


@dataclass(frozen=True)
class Settings:
    """What a leader chooses: the sites, the window, session sizes and who to leave out."""

    sites: tuple[Site, ...]
    window_start: date
    window_end: date
    min_size: int
    max_size: int
    excluded_ids: frozenset[int] = frozenset()
    # room-days kept free: (problem room id, day), from sessions the leader removed
    blocked_room_days: frozenset[tuple[str, date]] = frozenset()


@dataclass
class LiveProblem:
    """The problem document without anything committed, and what the database already commits."""

    doc: dict
    holds: Holds

    def full(self, first=()) -> dict:
        """The document with the committed days written in as unavailability."""
        return apply_holds(self.doc, self.holds, first)


def room_id(room: Room) -> str:
    """A room's id in problem documents."""
    return f"R{room.id}"


def earliest_start(today: date) -> date:
    """The first day a planned session may start: later than the booking cut-off from today."""
    hours = current_app.config.get("LMS_BOOKING_CUTOFF_HOURS", 24)
    return today + timedelta(days=ceil(hours / 24) + 1)


def build_problem(settings: Settings, today: date) -> LiveProblem:
    """The live organization as a rollout problem over the settings' window (from the earliest start)."""
    start = max(settings.window_start, earliest_start(today))
    end = settings.window_end
    if start > end:
        raise ValidationFailed(f"The window ends before {start:%d %B %Y}, the earliest day a session can start.")
    if not settings.sites:
        raise ValidationFailed(N_("Choose at least one site."))
    calendars = {s.code: site_calendar(s) for s in settings.sites}
    weekdays = sorted(set().union(*(c.weekdays for c in calendars.values())))
    holidays = set.intersection(*(set(c.holidays) for c in calendars.values()))
    window = WorkCalendar.build(weekdays, holidays, start, end)
    closed = {code: [d for d in window.days if not c.is_working_day(d)] for code, c in calendars.items()}
    site_ids = [s.id for s in settings.sites]
    course = workshop_course()

    departments, codes = _departments(site_ids, start, end)
    trainers, trainer_days = _trainers(site_ids, course.id, start, end, closed)
    employees = _pending(site_ids, course.id, settings.excluded_ids)
    rooms, room_days = _rooms(site_ids, start, end, closed)
    staffed = {d["site"] for d in departments}
    rooms = [r for r in rooms if r["site"] in staffed]  # the format refuses rooms at a site without departments

    holds = Holds(room_days=room_days | {(r, d) for r, d in settings.blocked_room_days if start <= d <= end},
                  trainer_days=trainer_days,
                  away=Counter({(codes[dept_id], day): away for (dept_id, day), away in _away(codes, start, end).items()}))
    for department in departments:
        department["already_away"] = {d.isoformat(): n for (code, d), n in sorted(holds.away.items())
                                      if code == department["id"] and n}
    doc = {
        "format": PROBLEM_FORMAT,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "working_weekdays": weekdays,
        "holidays": sorted(d.isoformat() for d in holidays if start <= d <= end),
        "session": {"days": SESSION_DAYS, "min_size": settings.min_size, "max_size": settings.max_size,
                    "trainers": SESSION_TRAINERS},
        "departments": departments,
        "employees": employees,
        "rooms": rooms,
        "trainers": trainers,
        "sites": [{"id": s.code, "name": s.name, "ref": s.id, "closed": [d.isoformat() for d in closed[s.code]]}
                  for s in settings.sites],
        "requested_window": {"start": settings.window_start.isoformat(), "end": end.isoformat()},
        "built_on": today.isoformat(),
    }
    return LiveProblem(doc, holds)


def _departments(site_ids: list[int], start: date, end: date) -> tuple[list[dict], dict[int, str]]:
    """Departments with active people at the sites, with max_away from the whole active headcount."""
    rows = db.session.execute(
        select(Department, Site.code, func.count(Employee.id))
        .join(Site, Department.site_id == Site.id)
        .join(Employee, and_(Employee.department_id == Department.id, Employee.active))
        .where(Department.site_id.in_(site_ids))
        .group_by(Department.id, Site.code)
        .order_by(Department.code)
    ).all()
    departments = [{"id": d.code, "site": code, "kind": d.kind, "max_away": d.max_away(n), "name": d.name,
                    "ref": d.id, "headcount": n} for d, code, n in rows]
    return departments, {d.id: d.code for d, _, _ in rows}


def _pending(site_ids: list[int], course_id: int, excluded: frozenset[int]) -> list[dict]:
    """Active people at the sites who have neither completed nor booked the workshop, nor are certified to deliver it."""
    completed = exists().where(Enrolment.employee_id == Employee.id, Enrolment.course_id == course_id,
                               Enrolment.completed_at.is_not(None))
    delivers = exists().where(Certification.employee_id == Employee.id, Certification.course_id == course_id,
                              Certification.revoked_at.is_(None))
    booked = exists().where(Booking.employee_id == Employee.id, Booking.course_id == course_id,
                            Booking.status.in_(("booked", "waitlisted")))
    query = (select(Employee.id, Employee.employee_no, Department.code)
             .join(Department, Employee.department_id == Department.id)
             .where(Department.site_id.in_(site_ids), Employee.active, ~completed, ~booked, ~delivers)
             .order_by(Department.code, Employee.employee_no))
    return [{"id": number, "department": code, "ref": ref}
            for ref, number, code in db.session.execute(query) if ref not in excluded]


def _rooms(site_ids: list[int], start: date, end: date, closed: dict[str, list[date]]):
    """Rooms in use at the sites, unavailable on closures and the site's closed days; the days already taken."""
    rooms = db.session.execute(
        select(Room).where(Room.site_id.in_(site_ids), Room.active).order_by(Room.site_id, Room.name)
    ).scalars().all()
    out = []
    for room in rooms:
        shut = {c.day for c in room.closures if start <= c.day <= end} | set(closed[room.site.code])
        out.append({"id": room_id(room), "site": room.site.code, "capacity": room.capacity,
                    "unavailable": sorted(d.isoformat() for d in shut), "name": room.name, "ref": room.id})
    taken = db.session.execute(
        select(RoomDay.room_id, RoomDay.day)
        .where(RoomDay.room_id.in_([r.id for r in rooms]), RoomDay.day >= start, RoomDay.day <= end)
    ).all()
    return out, {(f"R{rid}", day) for rid, day in taken}


def _trainers(site_ids: list[int], course_id: int, start: date, end: date, closed: dict[str, list[date]]):
    """Trainers certified for the workshop at some time in the window, at their own site only."""
    rows = db.session.execute(
        select(Employee.id, Employee.employee_no, Employee.full_name, Site.code,
               Certification.issued_on, Certification.expires_on)
        .join(Certification, Certification.employee_id == Employee.id)
        .join(Department, Employee.department_id == Department.id)
        .join(Site, Department.site_id == Site.id)
        .where(Certification.course_id == course_id, Certification.revoked_at.is_(None),
               Certification.issued_on <= end, Certification.expires_on >= start,
               Employee.active, Department.site_id.in_(site_ids))
        .order_by(Employee.employee_no, Certification.issued_on)
    ).all()
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    who: dict[int, tuple[str, str, str]] = {}
    for ref, number, name, code, issued, expires in rows:
        spans[ref].append((max(issued, start), min(expires, end)))
        who[ref] = (number, name, code)
    trainers = []
    for ref, periods in spans.items():
        number, name, code = who[ref]
        first = min(a for a, _ in periods)
        last = max(b for _, b in periods)
        # days between certifications (a lapse before a renewal) are not covered
        gaps = {first + timedelta(days=i) for i in range((last - first).days + 1)}
        for a, b in periods:
            gaps -= {a + timedelta(days=i) for i in range((b - a).days + 1)}
        off = gaps | set(closed[code])
        trainers.append({"id": number, "sites": [code], "available_from": first.isoformat(),
                         "available_until": last.isoformat(), "max_days_per_week": DEFAULT_TRAINER_CAP,
                         "unavailable": sorted(d.isoformat() for d in off if first <= d <= last),
                         "name": name, "ref": ref})
    trainers.sort(key=lambda t: t["id"])
    busy = db.session.execute(
        select(Employee.employee_no, TrainerDay.day).join(TrainerDay, TrainerDay.employee_id == Employee.id)
        .where(TrainerDay.employee_id.in_(list(spans)), TrainerDay.day >= start, TrainerDay.day <= end)
    ).all()
    return trainers, {(number, day) for number, day in busy}


def _away(codes: dict[int, str], start: date, end: date) -> dict[tuple[int, date], int]:
    """People of each department already booked away per day in the window."""
    rows = db.session.execute(
        select(DepartmentDay.department_id, DepartmentDay.day, DepartmentDay.away)
        .where(DepartmentDay.department_id.in_(list(codes)), DepartmentDay.day >= start, DepartmentDay.day <= end,
               DepartmentDay.away > 0)
    ).all()
    return {(dept_id, day): away for dept_id, day, away in rows}
