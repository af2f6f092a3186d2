"""Maintained counters behind the organization-wide figures, so that the leader's dashboard reads hundreds of rows, not millions.

Database triggers (migration 0011_scale) keep every counter in the same transaction as the row it
summarizes, whichever code path writes it: services, bulk inserts, imports, the demo. Only active
employees count, in the department they are in now; a department move or a deactivation moves or
removes everything the person contributed.

- department_count: active headcount per department.
- department_course_count: per department and course, enrolments assigned (live), started, completed,
  open with a due date, and "engaged" people (started the course, or hold a seat or attended day 1:
  the workshop's "started").
- department_course_due: open enrolments per department, course and due date (overdue = open_due minus
  those due today or later).
- course_completion_day: completions per course and UTC day (the burn-up).
- session_booked_count: booked seats per workshop session (the burn-up).
- quiz_department_count: per quiz and department, people with a graded attempt, people who passed,
  graded attempts and their summed percent, and attempts of any state.
- quiz_question_count: graded answers per question (in eight buckets by employee, so that concurrent
  submissions rarely wait on the same row) and their summed fraction.
- idea_author_count: service ideas submitted and implemented per author's department, split by whether
  the author has completed the workshop.
- site_kind_count, site_kind_course_count, site_kind_course_due: the three department counters summed per
  site and department kind (kept by triggers on those counters and on departments that change site or
  kind), so that the organization, kind and site tables read a few hundred rows.

`rebuild_counters` recomputes them all from the rows (the generator loads with triggers paused, then
rebuilds; tests compare the triggers' counts with a rebuild).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import Base

QUESTION_BUCKETS = 8
TRIGGER_PREFIX = "counter_"


class DepartmentCount(Base):
    __tablename__ = "department_count"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    headcount: Mapped[int] = mapped_column(default=0)


class DepartmentCourseCount(Base):
    __tablename__ = "department_course_count"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    assigned: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    open_due: Mapped[int] = mapped_column(default=0)
    engaged: Mapped[int] = mapped_column(default=0)


class DepartmentCourseDue(Base):
    __tablename__ = "department_course_due"
    __table_args__ = (Index("ix_department_course_due_due_date", "due_date"),)

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    enrolments: Mapped[int] = mapped_column(default=0)


class CourseCompletionDay(Base):
    __tablename__ = "course_completion_day"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    completed: Mapped[int] = mapped_column(default=0)


class SessionBookedCount(Base):
    __tablename__ = "session_booked_count"

    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"), primary_key=True)
    booked: Mapped[int] = mapped_column(default=0)


class QuizDepartmentCount(Base):
    __tablename__ = "quiz_department_count"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    learners: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    percent_sum: Mapped[float] = mapped_column(default=0.0)
    attempts_all: Mapped[int] = mapped_column(default=0)


class QuizQuestionCount(Base):
    __tablename__ = "quiz_question_count"

    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_question.id"), primary_key=True)
    bucket: Mapped[int] = mapped_column(primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    fraction_sum: Mapped[float] = mapped_column(default=0.0)


class IdeaAuthorCount(Base):
    __tablename__ = "idea_author_count"

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    done: Mapped[int] = mapped_column(primary_key=True)  # 1: the authors completed the workshop
    submitted: Mapped[int] = mapped_column(default=0)
    implemented: Mapped[int] = mapped_column(default=0)


class SiteKindCount(Base):
    """department_count summed per site and department kind."""

    __tablename__ = "site_kind_count"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    headcount: Mapped[int] = mapped_column(default=0)


class SiteKindCourseCount(Base):
    """department_course_count summed per site, department kind and course."""

    __tablename__ = "site_kind_course_count"

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    assigned: Mapped[int] = mapped_column(default=0)
    started: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    open_due: Mapped[int] = mapped_column(default=0)
    engaged: Mapped[int] = mapped_column(default=0)


class SiteKindCourseDue(Base):
    """department_course_due summed per site, department kind, course and due date."""

    __tablename__ = "site_kind_course_due"
    __table_args__ = (Index("ix_site_kind_course_due_due_date", "due_date"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), primary_key=True)
    due_date: Mapped[date] = mapped_column(primary_key=True)
    enrolments: Mapped[int] = mapped_column(default=0)


COUNTER_TABLES = (DepartmentCount, DepartmentCourseCount, DepartmentCourseDue, CourseCompletionDay,
                  SessionBookedCount, QuizDepartmentCount, QuizQuestionCount, IdeaAuthorCount,
                  SiteKindCount, SiteKindCourseCount, SiteKindCourseDue)
# Whether an employee (the SQL expression `who`) has completed a workshop course.
WORKSHOP_DONE = ("(CASE WHEN EXISTS (SELECT 1 FROM enrolment w JOIN course c ON c.id = w.course_id "
                 "WHERE w.employee_id = {who} AND c.kind = 'workshop' AND w.completed_at IS NOT NULL) THEN 1 ELSE 0 END)")


def _day(dialect: str, column: str) -> str:
    if dialect == "postgresql":
        return f"CAST(({column}) AT TIME ZONE 'UTC' AS DATE)"
    return f"date({column})"


def rebuild_statements(dialect: str) -> list[str]:
    """The SQL that recomputes every counter from the rows it summarizes."""
    live = "(en.unassigned_at IS NULL OR en.completed_at IS NOT NULL)"
    begun = "(en.started_at IS NOT NULL OR en.completed_at IS NOT NULL)"
    open_due = "(en.completed_at IS NULL AND en.unassigned_at IS NULL AND en.due_date IS NOT NULL)"
    return [
        *(f"DELETE FROM {model.__tablename__}" for model in COUNTER_TABLES),
        "INSERT INTO department_count (department_id, headcount) "
        "SELECT department_id, COUNT(*) FROM employee WHERE active GROUP BY department_id",
        f"""INSERT INTO department_course_count (department_id, course_id, assigned, started, completed, open_due, engaged)
        SELECT department_id, course_id, SUM(assigned), SUM(started), SUM(completed), SUM(open_due), SUM(engaged) FROM (
          SELECT e.department_id, en.course_id,
                 CASE WHEN {live} THEN 1 ELSE 0 END AS assigned,
                 CASE WHEN {live} AND {begun} THEN 1 ELSE 0 END AS started,
                 CASE WHEN en.completed_at IS NOT NULL THEN 1 ELSE 0 END AS completed,
                 CASE WHEN {open_due} THEN 1 ELSE 0 END AS open_due, 0 AS engaged
          FROM enrolment en JOIN employee e ON e.id = en.employee_id WHERE e.active
          UNION ALL
          SELECT e.department_id, x.course_id, 0, 0, 0, 0, 1 FROM (
            SELECT employee_id, course_id FROM booking WHERE status = 'booked' OR day1_present
            UNION
            SELECT employee_id, course_id FROM enrolment WHERE started_at IS NOT NULL OR completed_at IS NOT NULL
          ) x JOIN employee e ON e.id = x.employee_id WHERE e.active
        ) c GROUP BY department_id, course_id""",
        f"""INSERT INTO department_course_due (department_id, course_id, due_date, enrolments)
        SELECT e.department_id, en.course_id, en.due_date, COUNT(*) FROM enrolment en JOIN employee e ON e.id = en.employee_id
        WHERE e.active AND {open_due} GROUP BY e.department_id, en.course_id, en.due_date""",
        f"""INSERT INTO course_completion_day (course_id, day, completed)
        SELECT en.course_id, {_day(dialect, 'en.completed_at')}, COUNT(*) FROM enrolment en
        JOIN employee e ON e.id = en.employee_id WHERE e.active AND en.completed_at IS NOT NULL
        GROUP BY en.course_id, {_day(dialect, 'en.completed_at')}""",
        """INSERT INTO session_booked_count (session_id, booked)
        SELECT b.session_id, COUNT(*) FROM booking b JOIN employee e ON e.id = b.employee_id
        WHERE e.active AND b.status = 'booked' GROUP BY b.session_id""",
        """INSERT INTO quiz_department_count (quiz_id, department_id, learners, passed, attempts, percent_sum, attempts_all)
        SELECT a.quiz_id, e.department_id,
               COUNT(DISTINCT CASE WHEN a.state = 'graded' THEN a.employee_id END),
               COUNT(DISTINCT CASE WHEN a.state = 'graded' AND a.passed THEN a.employee_id END),
               SUM(CASE WHEN a.state = 'graded' THEN 1 ELSE 0 END),
               COALESCE(SUM(CASE WHEN a.state = 'graded' THEN a.percent END), 0), COUNT(*)
        FROM quiz_attempt a JOIN employee e ON e.id = a.employee_id WHERE e.active
        GROUP BY a.quiz_id, e.department_id""",
        f"""INSERT INTO quiz_question_count (question_id, bucket, answers, fraction_sum)
        SELECT s.question_id, a.employee_id % {QUESTION_BUCKETS}, COUNT(*), COALESCE(SUM(s.fraction), 0)
        FROM quiz_slot s JOIN quiz_attempt a ON a.id = s.attempt_id JOIN employee e ON e.id = a.employee_id
        WHERE e.active AND a.state = 'graded' AND s.marks > 0
        GROUP BY s.question_id, a.employee_id % {QUESTION_BUCKETS}""",
        f"""INSERT INTO idea_author_count (department_id, done, submitted, implemented)
        SELECT department_id, done, COUNT(*), SUM(implemented) FROM (
          SELECT e.department_id, {WORKSHOP_DONE.format(who='e.id')} AS done,
                 CASE WHEN si.status = 'implemented' THEN 1 ELSE 0 END AS implemented
          FROM service_idea si JOIN employee e ON e.id = si.author_id WHERE e.active) x
        GROUP BY department_id, done""",
        # Last: the department counters' own triggers may have filled these while they were rebuilt.
        "DELETE FROM site_kind_count",
        "DELETE FROM site_kind_course_count",
        "DELETE FROM site_kind_course_due",
        """INSERT INTO site_kind_count (site_id, kind, headcount)
        SELECT d.site_id, d.kind, SUM(c.headcount) FROM department_count c JOIN department d ON d.id = c.department_id
        GROUP BY d.site_id, d.kind""",
        """INSERT INTO site_kind_course_count (site_id, kind, course_id, assigned, started, completed, open_due, engaged)
        SELECT d.site_id, d.kind, c.course_id, SUM(c.assigned), SUM(c.started), SUM(c.completed), SUM(c.open_due),
               SUM(c.engaged)
        FROM department_course_count c JOIN department d ON d.id = c.department_id GROUP BY d.site_id, d.kind, c.course_id""",
        """INSERT INTO site_kind_course_due (site_id, kind, course_id, due_date, enrolments)
        SELECT d.site_id, d.kind, c.course_id, c.due_date, SUM(c.enrolments)
        FROM department_course_due c JOIN department d ON d.id = c.department_id
        GROUP BY d.site_id, d.kind, c.course_id, c.due_date""",
    ]


def rebuild_counters(connection: Connection) -> None:
    """Recompute every counter from the rows, in the connection's transaction."""
    for statement in rebuild_statements(connection.dialect.name):
        connection.execute(text(statement))


@contextmanager
def counters_paused(connection: Connection):
    """Bulk-load with the counter triggers off, then rebuild the counters and switch the triggers back on.

    Both steps are DDL inside the connection's transaction (SQLite: drop and re-create the triggers as
    stored; PostgreSQL: disable and enable them), so a failed load leaves the triggers as they were.
    """
    if connection.dialect.name == "postgresql":
        triggers = connection.execute(text(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname LIKE :prefix"), {"prefix": TRIGGER_PREFIX + "%"}).all()
        for table, name in triggers:
            connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"'))
        yield
        for table, name in triggers:
            connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"'))
    else:
        triggers = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE :prefix"),
            {"prefix": TRIGGER_PREFIX + "%"}).all()
        for name, _ in triggers:
            connection.execute(text(f'DROP TRIGGER "{name}"'))
        yield
        for _, sql in triggers:
            connection.exec_driver_sql(sql)
    rebuild_counters(connection)
