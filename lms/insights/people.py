"""Person by person: each employee in a scope with their state in every course, paged or streamed.

A person's state in a course follows the same definitions as the participation figures
(see participation.py): completed, overdue, started (for the workshop: booked or attended),
assigned; a course the person is not assigned to has no state.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from lms.extensions import db
from lms.insights.participation import KIND_ORDER, CourseRef
from lms.insights.scope import Scope, people_conditions
from lms.learning.models import Course, Enrolment
from lms.org.models import Department, Employee, Site
from lms.workshops.models import Booking

STATES = ("completed", "overdue", "started", "assigned")
PER_PAGE = 50
STREAM_BATCH = 2000


@dataclass
class PersonRow:
    id: int
    employee_no: str
    name: str
    job_title: str
    department: str
    kind: str
    site: str
    manager: str | None
    states: dict[int, str] = field(default_factory=dict)

    def state(self, course_id: int) -> str | None:
        """The person's state in the course, None when not assigned."""
        return self.states.get(course_id)


def courses_in_scope(scope: Scope) -> list[CourseRef]:
    """The courses a participation table of `scope` shows: those assigned to anyone in it, and the workshop (one query)."""
    live = or_(Enrolment.unassigned_at.is_(None), Enrolment.completed_at.is_not(None))
    assigned = exists().where(Enrolment.course_id == Course.id, live,
                              Enrolment.employee_id.in_(select(Employee.id).where(*people_conditions(scope))))
    rows = db.session.execute(
        select(Course.id, Course.slug, Course.title, Course.kind)
        .where(Course.archived.is_(False), or_(Course.kind == "workshop", assigned))
    ).all()
    return sorted((CourseRef(*row) for row in rows), key=lambda c: (KIND_ORDER.get(c.kind, 9), c.title))


def _booked(course: CourseRef, person):
    """Whether `person` (an employee id column) holds or held a seat in a session of the workshop."""
    return exists().where(Booking.employee_id == person, Booking.course_id == course.id,
                          or_(Booking.status == "booked", Booking.day1_present.is_(True)))


def _enrolment_state(course: CourseRef, today: date):
    """The state an enrolment row in `course` gives its person (completed, overdue, started, assigned)."""
    started = or_(Enrolment.started_at.is_not(None), Enrolment.completed_at.is_not(None))
    if course.kind == "workshop":
        started = or_(started, _booked(course, Enrolment.employee_id))
    return case((Enrolment.completed_at.is_not(None), "completed"),
                (and_(Enrolment.unassigned_at.is_(None), Enrolment.due_date < today), "overdue"),
                (started, "started"), else_="assigned")


def _counted(course: CourseRef):
    """Which enrolment rows give a state: an unassigned online course only once completed; the workshop always."""
    if course.kind == "workshop":
        return Enrolment.course_id == course.id
    return and_(Enrolment.course_id == course.id, or_(Enrolment.unassigned_at.is_(None), Enrolment.completed_at.is_not(None)))


def _with_workshop_default(course: CourseRef, state):
    # Everyone is assigned to the workshop, enrolled or not; a seat without an enrolment still counts as started.
    if course.kind != "workshop":
        return state
    return func.coalesce(state, case((_booked(course, Employee.id), "started"), else_="assigned"))


def _state_column(course: CourseRef, today: date):
    """The person's state in one course, as a correlated subquery on the (employee, course) unique index."""
    enrolment = (select(_enrolment_state(course, today)).where(Enrolment.employee_id == Employee.id, _counted(course))
                 .correlate(Employee))
    return _with_workshop_default(course, enrolment.scalar_subquery())


def _grouped_states(courses: list[CourseRef], today: date, conditions: list):
    """Everyone's state in every course in one pass over their enrolments (for exports of a whole scope)."""
    return (
        select(Enrolment.employee_id,
               *(func.max(case((_counted(c), _enrolment_state(c, today)))).label(f"course_{c.id}") for c in courses))
        .where(Enrolment.course_id.in_([c.id for c in courses]),
               Enrolment.employee_id.in_(select(Employee.id).where(*conditions)))
        .group_by(Enrolment.employee_id).subquery("states")
    )


def _statement(scope: Scope, today: date, courses: list[CourseRef], ids=None, conditions: list | None = None,
               grouped: bool = False):
    """People and their states: per person by correlated subqueries (a page), or `grouped` in one pass (a scope)."""
    if conditions is None:
        conditions = people_conditions(scope)
    if ids is not None:
        conditions = [*conditions, Employee.id.in_(ids)]
    manager = aliased(Employee, name="line_manager")
    stmt = (select(Employee.id, Employee.employee_no, Employee.full_name, Employee.job_title, Department.name,
                   Department.kind, Site.name, manager.full_name)
            .select_from(Employee).join(Department, Employee.department_id == Department.id)
            .join(Site, Department.site_id == Site.id).outerjoin(manager, Employee.manager_id == manager.id)
            .where(*conditions).order_by(Employee.full_name, Employee.id))
    if not grouped:
        return stmt.add_columns(*(_state_column(c, today).label(f"course_{c.id}") for c in courses))
    if not courses:
        return stmt
    states = _grouped_states(courses, today, conditions)
    return (stmt.outerjoin(states, states.c.employee_id == Employee.id)
            .add_columns(*(_with_workshop_default(c, states.c[f"course_{c.id}"]).label(f"course_{c.id}") for c in courses)))


def _collect(result, courses: list[CourseRef]) -> Iterator[PersonRow]:
    """One PersonRow per result row; courses with no state are left out of `states`."""
    for row in result:
        states = {course.id: state for course, state in zip(courses, row[8:]) if state is not None}
        yield PersonRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], states)


@dataclass
class PeoplePage:
    items: list[PersonRow]
    page: int
    pages: int
    total: int

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


def people_page(scope: Scope, today: date, courses: list[CourseRef], page: int = 1,
                per_page: int = PER_PAGE) -> PeoplePage:
    """One page of the scope's people with their states in `courses` (two queries)."""
    ids = select(Employee.id).where(*people_conditions(scope))  # its own copy of the scope's line CTE
    total = db.session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    page_ids = ids.order_by(Employee.full_name, Employee.id).limit(per_page).offset((page - 1) * per_page)
    items = list(_collect(db.session.execute(
        _statement(scope, today, courses, conditions=[Employee.id.in_(page_ids)])), courses))
    return PeoplePage(items, page, pages, total)


def person_row(scope: Scope, today: date, employee_id: int, courses: list[CourseRef]) -> PersonRow | None:
    """One person's states in `courses`, or None when they are not in the scope."""
    rows = list(_collect(db.session.execute(_statement(scope, today, courses, [employee_id])), courses))
    return rows[0] if rows else None


def stream_people(scope: Scope, today: date, courses: list[CourseRef], engine=None) -> Iterator[PersonRow]:
    """Every person in the scope, in name order, read in batches (for exports).

    With an engine, the rows come through a connection of their own, so that a response body can
    stream them after the request (and its session) has ended.
    """
    statement = _statement(scope, today, courses, grouped=True)
    if engine is None:
        yield from _collect(db.session.execute(statement.execution_options(yield_per=STREAM_BATCH)), courses)
        return
    with engine.connect() as connection:
        yield from _collect(connection.execution_options(yield_per=STREAM_BATCH).execute(statement), courses)
