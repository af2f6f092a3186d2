"""Read-only learning queries, aggregated in SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import lazyload

from lms.extensions import db
from lms.learning.due import due_state
from lms.learning.models import AssignmentRule, Certificate, Course, CourseModule, Enrolment, ModuleProgress
from lms.org.models import Employee


@dataclass(frozen=True)
class EnrolmentSummary:
    enrolment: Enrolment
    course: Course
    modules_total: int
    modules_done: int
    certificate_code: str | None
    state: str

    @property
    def percent(self) -> float:
        if self.enrolment.completed_at:
            return 100.0
        return 100.0 * self.modules_done / self.modules_total if self.modules_total else 0.0


def _module_totals():
    return (
        select(CourseModule.course_id, func.count().label("total"))
        .where(CourseModule.counts_for_completion)
        .group_by(CourseModule.course_id).subquery()
    )


def _modules_done(employee_id):
    return (
        select(CourseModule.course_id, func.count().label("done"))
        .join(ModuleProgress, ModuleProgress.module_id == CourseModule.id)
        .where(ModuleProgress.employee_id == employee_id, ModuleProgress.completed_at.is_not(None),
               CourseModule.counts_for_completion)
        .group_by(CourseModule.course_id).subquery()
    )


@cache
def _summaries_statement(include_unassigned: bool):
    """The learner-home statement, built once: building its subqueries cost more than running it."""
    totals, done = _module_totals(), _modules_done(bindparam("employee_id"))
    stmt = (
        select(Enrolment, Course, func.coalesce(totals.c.total, 0), func.coalesce(done.c.done, 0), Certificate.code)
        .join(Course, Enrolment.course_id == Course.id)
        .outerjoin(totals, totals.c.course_id == Course.id)
        .outerjoin(done, done.c.course_id == Course.id)
        .outerjoin(Certificate, Certificate.enrolment_id == Enrolment.id)
        .where(Enrolment.employee_id == bindparam("employee_id"), Course.archived.is_(False))
        # The course comes in this row already, and its modules (bodies and all) are not shown.
        .options(lazyload(Enrolment.course), lazyload(Course.modules))
    )
    if not include_unassigned:
        stmt = stmt.where((Enrolment.unassigned_at.is_(None)) | (Enrolment.completed_at.is_not(None)))
    return stmt


def enrolment_summaries(employee: Employee, today: date, include_unassigned: bool = False) -> list[EnrolmentSummary]:
    """The employee's courses with progress and due state, most urgent first, in one query."""
    rows = [
        EnrolmentSummary(e, c, total, finished, code, due_state(e.due_date, e.completed_at is not None, today))
        for e, c, total, finished, code in db.session.execute(_summaries_statement(include_unassigned),
                                                              {"employee_id": employee.id})
    ]
    order = {"overdue": 0, "due_soon": 1, "due": 2, "no_due_date": 3, "completed": 4}
    return sorted(rows, key=lambda r: (order[r.state], r.enrolment.due_date or date.max, r.course.title))


TEAM_PER_PAGE = 50


def team_learning(manager_line, today: date) -> list[tuple]:
    """Per person in a reporting line: (employee, assigned, completed, overdue), in one query."""
    return db.session.execute(_team_learning_statement(manager_line, today)).all()


def team_learning_page(manager_line, today: date, page: int, q: str = "", per_page: int = TEAM_PER_PAGE):
    """One page of `team_learning`, optionally only people whose name, e-mail or job title holds `q`."""
    from lms.trainers.queries import Page

    stmt = _team_learning_statement(manager_line, today)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(func.lower(Employee.full_name).like(like) | func.lower(Employee.email).like(like)
                          | func.lower(Employee.job_title).like(like))
    total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    return Page(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all(), page, pages, total)


def _team_learning_statement(manager_line, today: date):
    assigned = (Enrolment.unassigned_at.is_(None)) | Enrolment.completed_at.is_not(None)
    stmt = (
        select(
            Employee,
            func.count(Enrolment.id).filter(assigned),
            func.count(Enrolment.id).filter(Enrolment.completed_at.is_not(None)),
            func.count(Enrolment.id).filter(and_(Enrolment.completed_at.is_(None), Enrolment.unassigned_at.is_(None),
                                                 Enrolment.due_date < today)),
        )
        .outerjoin(Enrolment, Enrolment.employee_id == Employee.id)
        .where(Employee.id.in_(select(manager_line.c.id)), Employee.active)
        .group_by(Employee.id).order_by(Employee.full_name, Employee.id)
        # Roles are not shown, and loading them took one more statement per 500 people in the line.
        .options(lazyload(Employee.role_rows))
    )
    return stmt


def course_overview() -> list[tuple]:
    """Every course with its enrolment counts: (course, enrolled, completed)."""
    assigned = (Enrolment.unassigned_at.is_(None)) | Enrolment.completed_at.is_not(None)
    return db.session.execute(
        select(Course, func.count(Enrolment.id).filter(assigned), func.count(Enrolment.completed_at))
        .outerjoin(Enrolment, Enrolment.course_id == Course.id)
        .group_by(Course.id).order_by(Course.archived, Course.kind, Course.title)
    ).all()


def rules_with_counts() -> list[tuple]:
    """Every assignment rule with how many live enrolments it created."""
    return db.session.execute(
        select(AssignmentRule, func.count(Enrolment.id))
        .outerjoin(Enrolment, and_(Enrolment.rule_id == AssignmentRule.id, Enrolment.unassigned_at.is_(None)))
        .group_by(AssignmentRule.id).order_by(AssignmentRule.active.desc(), AssignmentRule.id)
    ).all()
