"""The workshop rollout as a burn-up: completions week by week against the published plan and the seats booked.

"completed" counts people in the scope who completed the workshop, by the week of completion;
"booked" the seats they hold, by the week of the session's last day. "planned" comes from the
latest published rollout plan (its sessions' attendees by the week of their last day, with the
plan's finish as the target date); without one, from the workshop sessions themselves (their
capacity, with the last session's second day as the target date). Plans and sessions belong to
sites, so "planned" is shown for the organization and for a site, not for narrower scopes.
The target is the scope's headcount: every worker attends.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from lms.extensions import db
from lms.insights import counted
from lms.insights.scope import Scope, people_conditions
from lms.insights.sqlfuncs import week_start
from lms.learning.models import Course, Enrolment
from lms.org.models import Employee, Site
from lms.rollout.models import RolloutPlan
from lms.workshops.models import Booking, WorkshopSession


@dataclass(frozen=True)
class BurnUpWeek:
    week: date  # the Monday
    completed: int  # cumulative completions up to the end of the week
    booked: int  # cumulative seats booked in sessions ending by then
    planned: int | None  # cumulative seats planned in sessions ending by then (None: not for this scope)


@dataclass(frozen=True)
class BurnUp:
    weeks: list[BurnUpWeek]
    target: int  # everyone in the scope
    target_date: date | None
    completed: int
    planned_total: int | None
    plan_name: str | None = None  # the published plan the planned line comes from, if any

    @property
    def percent(self) -> float | None:
        return 100.0 * self.completed / self.target if self.target else None


def _cumulative(rows) -> dict[date, int]:
    return {week: int(total) for week, total in rows}


def burn_up(scope: Scope, today: date, counters: bool = True) -> BurnUp:
    """Weekly cumulative completions, bookings and planned seats of the workshop in `scope` (four queries).

    For the whole organization the weeks are summed from the maintained counters unless `counters` is False.
    """
    conditions = people_conditions(scope)
    workshop = select(Course.id).where(Course.kind == "workshop", Course.archived.is_(False))
    counters = counters and scope.is_organization

    done_week = week_start(Enrolment.completed_at)
    completed = _cumulative(db.session.execute(
        counted.completions_by_week(workshop) if counters else
        select(done_week, func.sum(func.count()).over(order_by=done_week))
        .join(Employee, Enrolment.employee_id == Employee.id)
        .where(*conditions, Enrolment.course_id.in_(workshop), Enrolment.completed_at.is_not(None))
        .group_by(done_week)
    ).all())

    seat_week = week_start(WorkshopSession.day2)
    booked = _cumulative(db.session.execute(
        counted.seats_by_week(workshop) if counters else
        select(seat_week, func.sum(func.count()).over(order_by=seat_week))
        .select_from(Booking).join(WorkshopSession, Booking.session_id == WorkshopSession.id)
        .join(Employee, Booking.employee_id == Employee.id)
        .where(*conditions, Booking.status == "booked", WorkshopSession.status != "cancelled",
               WorkshopSession.course_id.in_(workshop))
        .group_by(seat_week)
    ).all())

    planned: dict[date, int] | None = None
    plan_name = None
    if scope.line_of is None and scope.department_id is None and scope.team_of is None:
        plan = _published_plan()
        if plan is not None:
            planned, last_day = _plan_weeks(plan, scope.site_id)
            plan_name = plan.name
        else:
            planned, last_day = _session_weeks(workshop, scope.site_id)
    else:
        last_day = db.session.execute(
            select(func.max(WorkshopSession.day2)).join(Booking, Booking.session_id == WorkshopSession.id)
            .join(Employee, Booking.employee_id == Employee.id)
            .where(*conditions, Booking.status == "booked", WorkshopSession.status != "cancelled",
                   WorkshopSession.course_id.in_(workshop))
        ).scalar()

    target = db.session.execute(counted.headcount(scope) if counters else
                                select(func.count()).select_from(Employee).where(*conditions)).scalar_one()
    weeks = _weeks(completed, booked, planned, today, last_day)
    return BurnUp(
        weeks=weeks, target=target, target_date=last_day,
        completed=weeks[-1].completed if weeks else 0,
        planned_total=(max(planned.values()) if planned else 0) if planned is not None else None,
        plan_name=plan_name,
    )


def _published_plan() -> RolloutPlan | None:
    """The most recently published rollout plan, if any."""
    return db.session.execute(
        select(RolloutPlan).where(RolloutPlan.status == "published", RolloutPlan.plan_doc.is_not(None))
        .order_by(RolloutPlan.published_at.desc(), RolloutPlan.id.desc()).limit(1)
    ).scalars().first()


def _plan_weeks(plan: RolloutPlan, site_id: int | None) -> tuple[dict[date, int], date | None]:
    """Cumulative planned attendees by the week of each plan session's last day, and the plan's finish."""
    site_code = db.session.get(Site, site_id).code if site_id is not None else None
    per_week: dict[date, int] = {}
    last_day = None
    for session in (plan.plan_doc or {}).get("sessions", []):
        if site_code is not None and session.get("site") != site_code:
            continue
        day = date.fromisoformat(max(session["days"]))
        week = day - timedelta(days=day.weekday())
        per_week[week] = per_week.get(week, 0) + len(session.get("attendees", []))
        last_day = max(last_day, day) if last_day else day
    finish = ((plan.plan_doc or {}).get("stats") or {}).get("finish")
    if finish and site_code is None:
        last_day = date.fromisoformat(finish)
    running, planned = 0, {}
    for week in sorted(per_week):
        running += per_week[week]
        planned[week] = running
    return planned, last_day or plan.window_end


def _session_weeks(workshop, site_id: int | None) -> tuple[dict[date, int], date | None]:
    """Cumulative capacity of the workshop sessions not cancelled, by the week of their second day (one query)."""
    seat_week = week_start(WorkshopSession.day2)
    sessions = select(seat_week.label("week"), func.sum(WorkshopSession.capacity).label("seats"),
                      func.max(WorkshopSession.day2).label("last_day")).where(
        WorkshopSession.status != "cancelled", WorkshopSession.course_id.in_(workshop))
    if site_id is not None:
        sessions = sessions.where(WorkshopSession.site_id == site_id)
    weekly = sessions.group_by(seat_week).subquery()
    rows = db.session.execute(
        select(weekly.c.week, func.sum(weekly.c.seats).over(order_by=weekly.c.week), func.max(weekly.c.last_day).over())
    ).all()
    return {week: int(total) for week, total, _ in rows}, (rows[0][2] if rows else None)


def _weeks(completed: dict, booked: dict, planned: dict | None, today: date, last_day: date | None) -> list[BurnUpWeek]:
    """Every week from the first figure to the later of this week and the last session, carrying totals forward."""
    known = set(completed) | set(booked) | set(planned or ())
    if not known:
        return []
    this_week = today - timedelta(days=today.weekday())
    first = min(known)
    end = max([*known, this_week, *([last_day - timedelta(days=last_day.weekday())] if last_day else [])])
    out, done, seats, plan = [], 0, 0, 0
    week = first
    while week <= end:
        done = completed.get(week, done)
        seats = booked.get(week, seats)
        plan = planned.get(week, plan) if planned is not None else None
        out.append(BurnUpWeek(week, done, seats, plan))
        week += timedelta(days=7)
    return out
