"""Service-idea figures (P13): ideas by status, implemented per department per month, and the workshop's effect."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from lms.extensions import db
from lms.insights import counted
from lms.insights.models import IDEA_STATUSES, ServiceIdea
from lms.insights.scope import Scope, people_conditions
from lms.insights.sqlfuncs import month_start
from lms.learning.models import Course, Enrolment
from lms.org.models import Department, Employee, Site


def months_back(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _authors(scope: Scope):
    # Ideas stay with their department even after their author leaves, so leavers' ideas count too.
    return select(Employee.id).where(*people_conditions(scope, active_only=False))


def ideas_by_status(scope: Scope) -> dict[str, int]:
    """How many ideas are at each status (one query)."""
    stmt = select(ServiceIdea.status, func.count()).group_by(ServiceIdea.status)
    if not scope.is_organization:
        stmt = stmt.where(ServiceIdea.author_id.in_(_authors(scope)))
    counts = dict(db.session.execute(stmt).all())
    return {status: counts.get(status, 0) for status in IDEA_STATUSES}


@dataclass(frozen=True)
class DepartmentMonths:
    department_id: int
    department: str
    site: str
    counts: dict[date, int]  # month -> ideas implemented

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def implemented_by_department(scope: Scope, months: list[date]) -> list[DepartmentMonths]:
    """Ideas implemented per department per month over `months` (one query), departments with any first."""
    month = month_start(ServiceIdea.implemented_on)
    stmt = (select(Department.id, Department.name, Site.name, month, func.count())
            .select_from(ServiceIdea).join(Department, ServiceIdea.department_id == Department.id)
            .join(Site, Department.site_id == Site.id)
            .where(ServiceIdea.status == "implemented", ServiceIdea.implemented_on >= months[0],
                   ServiceIdea.implemented_on < _after(months[-1]))
            .group_by(Department.id, Department.name, Site.name, month))
    if not scope.is_organization:
        stmt = stmt.where(ServiceIdea.author_id.in_(_authors(scope)))
    rows: dict[int, DepartmentMonths] = {}
    for department_id, name, site, when, count in db.session.execute(stmt):
        entry = rows.setdefault(department_id, DepartmentMonths(department_id, name, site, {m: 0 for m in months}))
        entry.counts[when] = count
    return sorted(rows.values(), key=lambda r: (-r.total, r.site, r.department))


def implemented_per_month(rows: list[DepartmentMonths], months: list[date]) -> list[tuple[date, int]]:
    """Column totals of implemented_by_department: (month, ideas implemented)."""
    return [(m, sum(r.counts.get(m, 0) for r in rows)) for m in months]


def leading_departments(rows: list[DepartmentMonths], months: list[date], limit: int) -> list[DepartmentMonths]:
    """The first `limit` rows of implemented_by_department, the rest summed into one "other departments" row."""
    if len(rows) <= limit + 1:
        return rows
    rest = rows[limit:]
    others = DepartmentMonths(0, f"{len(rest):,} other departments", "",
                              {m: sum(r.counts.get(m, 0) for r in rest) for m in months})
    return rows[:limit] + [others]


def _after(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


@dataclass(frozen=True)
class WorkshopComparison:
    group: str  # "Completed the workshop" / "Not yet"
    people: int
    submitted: int
    implemented: int

    @property
    def submitted_per_100(self) -> float | None:
        return 100.0 * self.submitted / self.people if self.people else None

    @property
    def implemented_per_100(self) -> float | None:
        return 100.0 * self.implemented / self.people if self.people else None


def workshop_comparison(scope: Scope, counters: bool = True) -> list[WorkshopComparison]:
    """Active people who completed the workshop against those who have not: ideas submitted and implemented (one query).

    For the whole organization people are counted from the maintained counters unless `counters` is False.
    """
    if counters and scope.is_organization:
        found = counted.workshop_comparison()
        return [WorkshopComparison(label, *found[flag])
                for flag, label in ((1, "Completed the workshop"), (0, "Not completed yet"))]
    done = (select(Enrolment.employee_id.label("employee_id")).join(Course, Enrolment.course_id == Course.id)
            .where(Course.kind == "workshop", Enrolment.completed_at.is_not(None)).distinct().subquery("done"))
    completed = case((done.c.employee_id.is_(None), 0), else_=1)
    rows = {flag: (people, submitted, implemented) for flag, people, submitted, implemented in db.session.execute(
        select(completed, func.count(func.distinct(Employee.id)), func.count(ServiceIdea.id),
               func.count(ServiceIdea.id).filter(ServiceIdea.status == "implemented"))
        .select_from(Employee).outerjoin(done, done.c.employee_id == Employee.id)
        .outerjoin(ServiceIdea, ServiceIdea.author_id == Employee.id)
        .where(*people_conditions(scope)).group_by(completed)
    )}
    return [WorkshopComparison(label, *rows.get(flag, (0, 0, 0)))
            for flag, label in ((1, "Completed the workshop"), (0, "Not completed yet"))]
