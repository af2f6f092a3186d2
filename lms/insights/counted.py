"""Organization-wide figures read from the maintained counters (lms.insights.counters) instead of the rows.

Each function returns exactly what its row-reading twin returns for the same scope; the twins
(participation, burnup, quiz_figures, idea_figures) call these when the scope is not a manager's
line or a team, since the counters are kept per department. Tests compare the two on generated
organizations.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Integer, String, and_, case, cast, func, literal_column, null, select, union_all

from lms.extensions import db
from lms.insights.counters import (CourseCompletionDay, DepartmentCount, DepartmentCourseCount, DepartmentCourseDue,
                                   IdeaAuthorCount, QuizDepartmentCount, QuizQuestionCount, SessionBookedCount,
                                   SiteKindCount, SiteKindCourseCount, SiteKindCourseDue)
from lms.insights.scope import Scope
from lms.insights.sqlfuncs import week_start
from lms.learning.models import Course
from lms.org.models import Department, Site
from lms.quizzes.models import Quiz, QuizQuestion
from lms.workshops.models import WorkshopSession


def countable(scope: Scope, dimension: str = "organization") -> bool:
    """Whether the counters can answer for this scope and grouping (they are kept per department)."""
    return scope.line_of is None and scope.team_of is None and dimension != "team"


def department_conditions(scope: Scope) -> list:
    """WHERE conditions on Department (and its counter) for a site or department scope."""
    conditions = [DepartmentCount.headcount > 0]
    if scope.site_id is not None:
        conditions.append(Department.site_id == scope.site_id)
    if scope.department_id is not None:
        conditions.append(Department.id == scope.department_id)
    return conditions


def _future_due(today: date, departments: list | None = None):
    """Open enrolments not yet overdue, per department and course (a range of the due-date index)."""
    stmt = select(DepartmentCourseDue.department_id, DepartmentCourseDue.course_id,
                  func.sum(DepartmentCourseDue.enrolments).label("enrolments")).where(DepartmentCourseDue.due_date >= today)
    if departments is not None:
        stmt = stmt.where(DepartmentCourseDue.department_id.in_(departments))
    return stmt.group_by(DepartmentCourseDue.department_id, DepartmentCourseDue.course_id).subquery("future_due")


def participation_statement(scope: Scope, group_columns, today: date, keys: list | None = None):
    """participation.participation_statement's rows, summed from the counters of the scope's departments."""
    key, label, kind, site, grouping = group_columns
    conditions = department_conditions(scope)
    if keys is not None:
        conditions.append(key.in_(keys))

    def departments(*columns):
        return (select(key.label("key"), label.label("label"), kind.label("kind"), site.label("site"), *columns)
                .select_from(DepartmentCount).join(Department, DepartmentCount.department_id == Department.id)
                .join(Site, Department.site_id == Site.id).where(*conditions))

    zero = cast(literal_column("0"), Integer)
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    heads = departments(no_int.label("course_id"), no_text.label("slug"), no_text.label("title"),
                        no_text.label("course_kind"), func.sum(DepartmentCount.headcount).label("assigned"),
                        zero.label("started"), zero.label("completed"), zero.label("overdue")).group_by(*grouping)
    # A page of departments needs only their own due dates.
    future = _future_due(today, keys if keys is not None and key is Department.id else None)
    counts = DepartmentCourseCount
    course_columns = (Course.id, Course.slug, Course.title, Course.kind)
    overdue = func.sum(func.coalesce(counts.open_due, 0) - func.coalesce(future.c.enrolments, 0))
    due_join = and_(future.c.department_id == counts.department_id, future.c.course_id == counts.course_id)
    assigned = (
        departments(*course_columns, func.sum(counts.assigned), func.sum(counts.started), func.sum(counts.completed),
                    overdue)
        .join(counts, counts.department_id == Department.id).join(Course, counts.course_id == Course.id)
        .outerjoin(future, due_join)
        .where(Course.kind != "workshop", Course.archived.is_(False))
        .group_by(*grouping, *course_columns).having(func.sum(counts.assigned) > 0)
    )
    workshop = (
        departments(*course_columns, func.sum(DepartmentCount.headcount), func.sum(func.coalesce(counts.engaged, 0)),
                    func.sum(func.coalesce(counts.completed, 0)), overdue)
        .join(Course, and_(Course.kind == "workshop", Course.archived.is_(False)))
        .outerjoin(counts, and_(counts.department_id == Department.id, counts.course_id == Course.id))
        .outerjoin(future, due_join)
        .group_by(*grouping, *course_columns)
    )
    return union_all(heads, assigned, workshop)


def site_kind_statement(scope: Scope, today: date):
    """participation_statement's rows at the grain of site and department kind, from the rollup counters.

    For the organization or a site (a department scope needs the department counters): a few hundred rows.
    """
    heads, counts, due = SiteKindCount, SiteKindCourseCount, SiteKindCourseDue
    future = (select(due.site_id, due.kind, due.course_id, func.sum(due.enrolments).label("enrolments"))
              .where(due.due_date >= today).group_by(due.site_id, due.kind, due.course_id).subquery("future_due"))
    site_only = [heads.site_id == scope.site_id] if scope.site_id is not None else []

    def grain(*columns):
        return (select(Site.id.label("key"), Site.name.label("label"), heads.kind.label("kind"), Site.name.label("site"),
                       *columns).select_from(heads).join(Site, heads.site_id == Site.id)
                .where(heads.headcount > 0, *site_only))

    zero = cast(literal_column("0"), Integer)
    grouping = (Site.id, Site.name, heads.kind)
    course_columns = (Course.id, Course.slug, Course.title, Course.kind)
    same_group = and_(counts.site_id == heads.site_id, counts.kind == heads.kind)
    due_join = and_(future.c.site_id == counts.site_id, future.c.kind == counts.kind, future.c.course_id == counts.course_id)
    overdue = func.sum(func.coalesce(counts.open_due, 0) - func.coalesce(future.c.enrolments, 0))
    people = grain(cast(null(), Integer).label("course_id"), cast(null(), String).label("slug"),
                   cast(null(), String).label("title"), cast(null(), String).label("course_kind"),
                   func.sum(heads.headcount).label("assigned"), zero.label("started"), zero.label("completed"),
                   zero.label("overdue")).group_by(*grouping)
    assigned = (grain(*course_columns, func.sum(counts.assigned), func.sum(counts.started), func.sum(counts.completed),
                      overdue)
                .join(counts, same_group).join(Course, counts.course_id == Course.id).outerjoin(future, due_join)
                .where(Course.kind != "workshop", Course.archived.is_(False))
                .group_by(*grouping, *course_columns).having(func.sum(counts.assigned) > 0))
    workshop = (grain(*course_columns, func.sum(heads.headcount), func.sum(func.coalesce(counts.engaged, 0)),
                      func.sum(func.coalesce(counts.completed, 0)), overdue)
                .join(Course, and_(Course.kind == "workshop", Course.archived.is_(False)))
                .outerjoin(counts, and_(same_group, counts.course_id == Course.id)).outerjoin(future, due_join)
                .group_by(*grouping, *course_columns))
    return union_all(people, assigned, workshop)


class Cell(NamedTuple):
    """One row in the shape of participation_statement's rows."""

    key: object
    label: str
    kind: str | None
    site: str | None
    course_id: int | None
    slug: str | None
    title: str | None
    course_kind: str | None
    assigned: int
    started: int
    completed: int
    overdue: int


def roll_up(rows, dimension: str) -> list[Cell]:
    """Rows at the grain of (site, department kind) summed to the organization, a kind or a site."""
    totals: dict[tuple, list] = {}
    for row in rows:  # key: the site's id, label and site: its name, kind: the department kind
        if dimension == "organization":
            group = (0, "Organization", None, None)
        elif dimension == "kind":
            group = (row.kind, row.kind, row.kind, None)
        else:
            group = (row.key, row.label, None, None)
        entry = totals.setdefault((group[0], row.course_id), [*group, row.course_id, row.slug, row.title,
                                                               row.course_kind, 0, 0, 0, 0])
        for index, value in enumerate((row.assigned, row.started, row.completed, row.overdue), start=8):
            entry[index] += int(value or 0)
    return [Cell(*entry) for entry in totals.values()]


def page_of_keys(scope: Scope, group_columns, order) -> tuple:
    """(count statement, keys statement) of the groups with anyone in them, from the headcount counter."""
    key, _, _, _, grouping = group_columns
    stmt = (select(key.label("key")).select_from(DepartmentCount)
            .join(Department, DepartmentCount.department_id == Department.id).join(Site, Department.site_id == Site.id)
            .where(*department_conditions(scope)).group_by(*grouping))
    return select(func.count()).select_from(stmt.subquery()), stmt.order_by(*order)


def headcount(scope: Scope):
    """The active people in the scope (a sum over department counters)."""
    return (select(func.coalesce(func.sum(DepartmentCount.headcount), 0))
            .join(Department, DepartmentCount.department_id == Department.id).where(*department_conditions(scope)))


def completions_by_week(workshop):
    """(week, cumulative completions) of the workshop across the organization."""
    week = week_start(CourseCompletionDay.day)
    weekly = (select(week.label("week"), func.sum(CourseCompletionDay.completed).label("completed"))
              .where(CourseCompletionDay.course_id.in_(workshop)).group_by(week).subquery("weekly"))
    return select(weekly.c.week, func.sum(weekly.c.completed).over(order_by=weekly.c.week)).where(weekly.c.completed != 0)


def seats_by_week(workshop):
    """(week of day 2, cumulative booked seats) of the workshop sessions not cancelled."""
    week = week_start(WorkshopSession.day2)
    weekly = (select(week.label("week"), func.sum(SessionBookedCount.booked).label("booked"))
              .join(WorkshopSession, SessionBookedCount.session_id == WorkshopSession.id)
              .where(WorkshopSession.status != "cancelled", WorkshopSession.course_id.in_(workshop))
              .group_by(week).subquery("weekly_seats"))
    return select(weekly.c.week, func.sum(weekly.c.booked).over(order_by=weekly.c.week)).where(weekly.c.booked != 0)


def quiz_pass_rates():
    """Rows of quiz_figures.quiz_pass_rates for the whole organization."""
    c = QuizDepartmentCount
    attempts = func.sum(c.attempts)
    return (select(Course.title, Quiz.title, Quiz.pass_mark, func.sum(c.learners), func.sum(c.passed), attempts,
                   case((attempts > 0, func.sum(c.percent_sum) / attempts)))
            .select_from(c).join(Quiz, c.quiz_id == Quiz.id).join(Course, Quiz.course_id == Course.id)
            .where(Quiz.active.is_(True), Course.archived.is_(False))
            .group_by(Quiz.id, Course.id, Course.title, Quiz.title, Quiz.pass_mark)
            .having(func.sum(c.attempts_all) > 0).order_by(Course.title))


def hardest_questions(limit: int, min_answers: int):
    """Rows of quiz_figures.hardest_questions for the whole organization."""
    c = QuizQuestionCount
    answers = func.sum(c.answers)
    per_question = (select(c.question_id.label("question_id"), answers.label("answers"),
                           (100.0 * func.sum(c.fraction_sum) / answers).label("facility"))
                    .group_by(c.question_id).having(answers >= min_answers).subquery("per_question"))
    return (select(Course.title, QuizQuestion.name, QuizQuestion.data, per_question.c.answers, per_question.c.facility)
            .join(QuizQuestion, QuizQuestion.id == per_question.c.question_id)
            .join(Course, QuizQuestion.course_id == Course.id)
            .order_by(per_question.c.facility, QuizQuestion.id).limit(limit))


def workshop_comparison() -> dict[int, tuple[int, int, int]]:
    """{1: completed the workshop, 0: not yet} -> (people, ideas submitted, ideas implemented), active people only.

    People come from the course counters (one workshop course, as the platform has), ideas from their own
    (two statements).
    """
    workshops = select(Course.id).where(Course.kind == "workshop")
    completed = (select(func.coalesce(func.sum(DepartmentCourseCount.completed), 0))
                 .where(DepartmentCourseCount.course_id.in_(workshops)).scalar_subquery())
    everyone = select(func.coalesce(func.sum(DepartmentCount.headcount), 0)).scalar_subquery()
    people_done, people = db.session.execute(select(completed, everyone)).one()
    ideas = {done: (int(submitted), int(implemented)) for done, submitted, implemented in db.session.execute(
        select(IdeaAuthorCount.done, func.sum(IdeaAuthorCount.submitted), func.sum(IdeaAuthorCount.implemented))
        .group_by(IdeaAuthorCount.done))}
    return {1: (int(people_done), *ideas.get(1, (0, 0))), 0: (int(people - people_done), *ideas.get(0, (0, 0)))}
