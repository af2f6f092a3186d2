"""Participation per course: assigned, started, completed, overdue, grouped by kind, site, department or team.

One statement per table, whatever the size of the organization: a UNION ALL of three grouped
branches, the headcount of each group, the assigned courses' enrolments, and the workshop.

Definitions (only active employees count):
- an assigned course counts its live enrolments (not unassigned, or completed even if unassigned later);
  started = started or completed; overdue = not completed and past its due date;
- the workshop is for every worker, so every active employee counts as assigned to it; started =
  holds a seat (booked) or attended a day or started its modules; completed = the enrolment is complete
  (both days attended); overdue = an enrolment due date has passed without completion.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, String, and_, cast, exists, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.insights import counted
from lms.insights.scope import NO_MANAGER, Scope, people_conditions
from lms.learning.models import Course, Enrolment
from lms.org.models import Department, Employee, Site
from lms.workshops.models import Booking

DIMENSIONS = ("organization", "kind", "site", "department", "team")
KIND_ORDER = {"online": 0, "leadership": 1, "trainer": 2, "workshop": 3}
PER_PAGE = 50


@dataclass(frozen=True)
class Figures:
    """The four counts of one course in one group."""

    assigned: int = 0
    started: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float | None:
        """Percent complete of those assigned; None when no one is."""
        return 100.0 * self.completed / self.assigned if self.assigned else None


@dataclass(frozen=True)
class Group:
    """One row of a participation table: a kind, site, department or team."""

    key: int | str
    label: str
    kind: str | None
    site: str | None
    headcount: int


@dataclass(frozen=True)
class CourseRef:
    id: int
    slug: str
    title: str
    kind: str


@dataclass
class Participation:
    """Figures per (group, course), with the groups and courses in display order."""

    dimension: str
    groups: list[Group]
    courses: list[CourseRef]
    cells: dict[tuple, Figures]
    page: int = 1
    pages: int = 1
    total: int = 0

    def figures(self, group: Group, course: CourseRef) -> Figures:
        """The figures of one cell (zeros when nobody is assigned)."""
        return self.cells.get((group.key, course.id), Figures())

    def rows(self):
        """(group, course, figures) for every group and course, in display order."""
        for group in self.groups:
            for course in self.courses:
                yield group, course, self.figures(group, course)

    # The pager macro's interface.
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _group_columns(dimension: str):
    """(key, label, kind, site, grouping expressions, order, the team manager alias or None) of a dimension."""
    no_text = cast(null(), String)
    if dimension == "organization":
        return literal_column("0"), literal_column("'Organization'"), no_text, no_text, [], [], None
    if dimension == "kind":
        return Department.kind, Department.kind, Department.kind, no_text, [Department.kind], [Department.kind], None
    if dimension == "site":
        return Site.id, Site.name, no_text, no_text, [Site.id, Site.name], [Site.name, Site.id], None
    if dimension == "department":
        columns = [Department.id, Department.name, Department.kind, Site.name]
        return (Department.id, Department.name, Department.kind, Site.name, columns,
                [Site.name, Department.name, Department.id], None)
    if dimension == "team":
        manager = aliased(Employee, name="team_manager")
        key = func.coalesce(Employee.manager_id, NO_MANAGER)
        label = func.coalesce(manager.full_name, "No manager")
        return key, label, no_text, no_text, [key, label], [label, key], manager
    raise ValueError(f"unknown dimension {dimension!r}")


def participation_statement(scope: Scope, dimension: str, today: date, keys: list | None = None):
    """The UNION ALL statement of a participation table (exposed for the API and for tests)."""
    conditions = people_conditions(scope)
    key, label, kind, site, grouping, _, manager = _group_columns(dimension)
    if keys is not None:
        conditions = [*conditions, key.in_(keys)]

    def people(*columns):
        stmt = (select(key.label("key"), label.label("label"), kind.label("kind"), site.label("site"), *columns)
                .select_from(Employee).join(Department, Employee.department_id == Department.id)
                .join(Site, Department.site_id == Site.id))
        if manager is not None:
            stmt = stmt.outerjoin(manager, Employee.manager_id == manager.id)
        return stmt.where(*conditions)

    no_int, no_text = cast(null(), Integer), cast(null(), String)
    count = func.count()
    heads = people(no_int.label("course_id"), no_text.label("slug"), no_text.label("title"), no_text.label("course_kind"),
                   count.label("assigned"), cast(literal_column("0"), Integer).label("started"),
                   cast(literal_column("0"), Integer).label("completed"), cast(literal_column("0"), Integer).label("overdue")
                   ).group_by(*grouping)

    live = or_(Enrolment.unassigned_at.is_(None), Enrolment.completed_at.is_not(None))
    started = or_(Enrolment.started_at.is_not(None), Enrolment.completed_at.is_not(None))
    overdue = and_(Enrolment.completed_at.is_(None), Enrolment.unassigned_at.is_(None), Enrolment.due_date < today)
    course_columns = (Course.id, Course.slug, Course.title, Course.kind)
    assigned = (
        people(*course_columns, count, count.filter(started), func.count(Enrolment.completed_at), count.filter(overdue))
        .join(Enrolment, Enrolment.employee_id == Employee.id).join(Course, Enrolment.course_id == Course.id)
        .where(live, Course.kind != "workshop", Course.archived.is_(False))
        .group_by(*grouping, *course_columns)
    )

    booked = exists().where(Booking.employee_id == Employee.id, Booking.course_id == Course.id,
                            or_(Booking.status == "booked", Booking.day1_present.is_(True)))
    workshop = (
        people(*course_columns, count, count.filter(or_(booked, started)), func.count(Enrolment.completed_at),
               count.filter(overdue))
        .join(Course, and_(Course.kind == "workshop", Course.archived.is_(False)))
        .outerjoin(Enrolment, and_(Enrolment.employee_id == Employee.id, Enrolment.course_id == Course.id))
        .group_by(*grouping, *course_columns)
    )
    return union_all(heads, assigned, workshop)


def _page_of_keys(scope: Scope, dimension: str, page: int, per_page: int,
                  counters: bool = False) -> tuple[list, int, int, int]:
    """The group keys on one page, the page number, the number of pages and of groups.

    One statement (the number of groups comes with the keys as a window count); a page past the last
    one costs a count and the last page.
    """
    conditions = people_conditions(scope)
    key, label, kind, site, grouping, order, manager = _group_columns(dimension)
    if counters:
        count, ordered = counted.page_of_keys(scope, (key, label, kind, site, grouping), order)
    else:
        stmt = (select(key.label("key")).select_from(Employee).join(Department, Employee.department_id == Department.id)
                .join(Site, Department.site_id == Site.id))
        if manager is not None:
            stmt = stmt.outerjoin(manager, Employee.manager_id == manager.id)
        stmt = stmt.where(*conditions).group_by(*grouping)
        count, ordered = select(func.count()).select_from(stmt.subquery()), stmt.order_by(*order)
    page = max(page, 1)
    counted_keys = ordered.add_columns(func.count().over().label("groups"))
    rows = db.session.execute(counted_keys.limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        total = rows[0].groups
        return [row[0] for row in rows], page, max(1, math.ceil(total / per_page)), total
    total = db.session.execute(count).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    if total == 0 or page == 1:
        return [], 1, pages, total
    page = min(page, pages)
    keys = list(db.session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).scalars())
    return keys, page, pages, total


def participation(scope: Scope, dimension: str, today: date, page: int | None = None,
                  per_page: int = PER_PAGE, counters: bool = True) -> Participation:
    """Figures per group of `dimension` and course within `scope`; paged when `page` is given.

    Whole departments (the organization, a site, a department) are summed from the maintained
    counters unless `counters` is False; a manager's line and teams are counted from the rows.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    counters = counters and counted.countable(scope, dimension)
    keys, number, pages, total = None, 1, 1, 0
    if page is not None:
        keys, number, pages, total = _page_of_keys(scope, dimension, page, per_page, counters)
        if not keys:
            return Participation(dimension, [], [], {}, number, pages, total)
    groups: dict = {}
    courses: dict[int, CourseRef] = {}
    cells: dict[tuple, Figures] = {}
    if counters:
        statement = counted.participation_statement(scope, _group_columns(dimension)[:5], today, keys)
    else:
        statement = participation_statement(scope, dimension, today, keys)
    for row in db.session.execute(statement):
        if row.course_id is None:
            groups[row.key] = Group(row.key, _label(dimension, row.label), row.kind, row.site, row.assigned)
            continue
        courses.setdefault(row.course_id, CourseRef(row.course_id, row.slug, row.title, row.course_kind))
        cells[(row.key, row.course_id)] = Figures(row.assigned, row.started, row.completed, row.overdue)
    ordered_groups = sorted(groups.values(), key=_group_order(dimension))
    ordered_courses = sorted(courses.values(), key=lambda c: (KIND_ORDER.get(c.kind, 9), c.title))
    return Participation(dimension, ordered_groups, ordered_courses, cells, number, pages, total or len(groups))


ROLLED_UP = ("organization", "kind", "site")


def participation_by(scope: Scope, dimensions: tuple[str, ...], today: date, counters: bool = True) -> list[Participation]:
    """participation() for several unpaged dimensions at once, in order.

    With the counters, the organization, kind and site tables are summed from one statement at
    the grain of site and department kind (a few hundred rows whatever the size of the organization).
    """
    if not (counters and counted.countable(scope) and set(dimensions) <= set(ROLLED_UP)):
        return [participation(scope, dimension, today, counters=counters) for dimension in dimensions]
    if scope.department_id is None:
        statement = counted.site_kind_statement(scope, today)
    else:
        grain = (Site.id, Site.name, Department.kind, Site.name, [Site.id, Site.name, Department.kind])
        statement = counted.participation_statement(scope, grain, today)
    rows = db.session.execute(statement).all()
    return [_assemble(dimension, counted.roll_up(rows, dimension)) for dimension in dimensions]


def _assemble(dimension: str, rows) -> Participation:
    groups: dict = {}
    courses: dict[int, CourseRef] = {}
    cells: dict[tuple, Figures] = {}
    for row in rows:
        if row.course_id is None:
            groups[row.key] = Group(row.key, _label(dimension, row.label), row.kind, row.site, row.assigned)
            continue
        courses.setdefault(row.course_id, CourseRef(row.course_id, row.slug, row.title, row.course_kind))
        cells[(row.key, row.course_id)] = Figures(row.assigned, row.started, row.completed, row.overdue)
    ordered_groups = sorted(groups.values(), key=_group_order(dimension))
    ordered_courses = sorted(courses.values(), key=lambda c: (KIND_ORDER.get(c.kind, 9), c.title))
    return Participation(dimension, ordered_groups, ordered_courses, cells, 1, 1, len(groups))


def _label(dimension: str, label: str) -> str:
    if dimension == "kind":
        return KIND_LABELS.get(label, label)
    return label


KIND_LABELS = {"front_line": "Front line", "internal_provider": "Internal providers", "leadership": "Leadership"}


def _group_order(dimension: str):
    if dimension == "kind":
        order = list(KIND_LABELS)
        return lambda g: order.index(g.key) if g.key in order else len(order)
    if dimension == "department":
        return lambda g: (g.site or "", g.label, g.key)
    return lambda g: (g.label, str(g.key))
