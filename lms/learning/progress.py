"""A learner's way through a course: opening modules, marking them complete, completing the course."""
from __future__ import annotations

from datetime import datetime
from functools import cache

from flask_babel import ngettext
from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from lms.core.database import dialect_insert
from lms.core.errors import NotFound, PermissionDenied
from lms.core.markers import N_
from lms.core.models import as_loaded, utcnow
from lms.core.signals import course_completed
from lms.extensions import db
from lms.learning.certificates import issue_certificate
from lms.learning.completion import completion_requirement, outstanding
from lms.learning.course_cache import cached_course
from lms.learning.models import Course, CourseModule, Enrolment, ModuleProgress
from lms.org.models import Employee

_COUNTED = "lms.completed_module_counts"  # the session's info key of the counts known since its last write


def get_course(slug: str) -> Course:
    """The live course with this slug, or NotFound."""
    course = cached_course(slug)
    if course is None:
        raise NotFound(N_("No such course."))
    return course


def find_enrolment(employee: Employee, course: Course) -> Enrolment | None:
    """The employee's enrolment in the course, if any."""
    return enrolment_of(employee.id, course.id)


def enrolment_of(employee_id: int, course_id: int) -> Enrolment | None:
    """The enrolment of this employee in this course, if any."""
    # The caller holds the course, so enrolment.course resolves without loading it (and its modules) again.
    return db.session.execute(_enrolment_statement(),
                              {"employee_id": employee_id, "course_id": course_id}).scalar_one_or_none()


@cache
def _enrolment_statement():
    return (select(Enrolment)
            .where(Enrolment.employee_id == bindparam("employee_id"), Enrolment.course_id == bindparam("course_id"))
            .options(lazyload(Enrolment.course)))


def enrol(employee: Employee, course: Course) -> Enrolment:
    """Enrol an employee by hand (a cohort member, a booked workshop attendee); idempotent."""
    enrolment = find_enrolment(employee, course)
    if enrolment is None:
        enrolment = Enrolment(employee=employee, course=course)
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def require_module(course: Course, stem: str, employee: Employee) -> CourseModule:
    """The live module; facilitator pages only for trainers."""
    module = course.module(stem)
    if module is None:
        raise NotFound(N_("No such module."))
    if module.for_role == "facilitator" and not employee.has_any_role("trainer", "lead_trainer"):
        raise PermissionDenied(N_("This page is for trainers."))
    return module


def progress_by_module(employee: Employee, course: Course) -> dict[int, ModuleProgress]:
    """The employee's progress rows for this course's modules, by module id."""
    rows = db.session.execute(_progress_statement(), {"employee_id": employee.id, "course_id": course.id}).scalars()
    by_module = {row.module_id: row for row in rows}
    # The course page asks for the completed count next (its to-do list): the rows just read answer it.
    _counted()[(employee.id, course.id)] = sum(
        1 for m in course.learner_modules if (row := by_module.get(m.id)) is not None and row.completed_at is not None)
    return by_module


@cache
def _progress_statement():
    return (select(ModuleProgress).join(CourseModule, ModuleProgress.module_id == CourseModule.id)
            .where(ModuleProgress.employee_id == bindparam("employee_id"), CourseModule.course_id == bindparam("course_id")))


def _touch_progress(employee: Employee, module: CourseModule, now: datetime, completing: bool) -> ModuleProgress:
    """Create or update the progress row in one statement; a concurrent create (double click, two tabs) is absorbed.

    An upsert: a first visit inserts the row, a later one moves `last_viewed_at`, and completing sets
    `completed_at` unless it was already set (the first completion is kept).
    """
    db.session.info.pop(_COUNTED, None)  # written by a statement, which no flush event reports
    written = db.session.execute(
        _touch_statement(db.session.connection().dialect.name),
        {"employee_id": employee.id, "module_id": module.id, "now": now, "completed_at": now if completing else None},
    ).one()
    return as_loaded(db.session, ModuleProgress, written._asdict())


@cache
def _touch_statement(dialect: str):
    # On the table, not the entity: the ORM's insert path cost more than the upsert itself.
    table = ModuleProgress.__table__
    insert = dialect_insert(dialect)
    stmt = insert(table).values(
        employee_id=bindparam("employee_id"), module_id=bindparam("module_id"), first_viewed_at=bindparam("now"),
        last_viewed_at=bindparam("now"), completed_at=bindparam("completed_at"))
    completed = func.coalesce(table.c.completed_at, stmt.excluded.completed_at)
    return (stmt.on_conflict_do_update(index_elements=[table.c.employee_id, table.c.module_id],
                                       set_={"last_viewed_at": stmt.excluded.last_viewed_at, "completed_at": completed})
            .returning(*table.c))


def view_module(employee: Employee, enrolment: Enrolment, module: CourseModule, completing: bool = False) -> ModuleProgress:
    """Record that the learner opened (or, `completing`, completed) a module; the course resumes here next time."""
    now = utcnow()
    row = _touch_progress(employee, module, now, completing)
    _resume_here(enrolment, module, now)
    return row


_ENROLMENTS = Enrolment.__table__
_RESUME_AT = (update(_ENROLMENTS).where(_ENROLMENTS.c.id == bindparam("enrolment_id"))
              .values(last_module_id=bindparam("module_id")))
# A first visit also starts the enrolment; started_at stays out of the other statement because the counters'
# trigger fires on every update that names it.
_START_AND_RESUME_AT = (_RESUME_AT.values(started_at=func.coalesce(_ENROLMENTS.c.started_at, bindparam("now")))
                        .returning(_ENROLMENTS.c.started_at))


def _resume_here(enrolment: Enrolment, module: CourseModule, now: datetime) -> None:
    """Point the enrolment at this module (and start it), with one prebuilt UPDATE rather than a unit-of-work flush."""
    params = {"enrolment_id": enrolment.id, "module_id": module.id}
    if enrolment.started_at is None:
        started_at = db.session.execute(_START_AND_RESUME_AT, {**params, "now": now}).scalar_one()
        set_committed_value(enrolment, "started_at", started_at)
    else:
        db.session.execute(_RESUME_AT, params)
    set_committed_value(enrolment, "last_module_id", module.id)
    if "last_module" in enrolment.__dict__:
        db.session.expire(enrolment, ["last_module"])


def complete_module(employee: Employee, enrolment: Enrolment, module: CourseModule) -> bool:
    """Mark a module complete (idempotent); returns True when this completed the course."""
    view_module(employee, enrolment, module, completing=True)
    return refresh_completion(enrolment)


def refresh_completion(enrolment: Enrolment) -> bool:
    """Complete the enrolment (and issue its certificate) once every requirement is met."""
    if enrolment.completed_at is not None:
        return False
    # Most calls come before the last module: one count settles them without asking every requirement.
    if completed_module_count(enrolment) < len(enrolment.course.learner_modules) or outstanding(enrolment):
        return False
    enrolment.completed_at = utcnow()
    db.session.flush()
    issue_certificate(enrolment)
    course_completed.send(None, enrolment=enrolment)
    return True


def modules_left(enrolment: Enrolment) -> int:
    """How many live learner modules of the course the enrolled employee has not completed (one statement)."""
    return db.session.execute(_modules_left_statement(),
                              {"employee_id": enrolment.employee_id, "course_id": enrolment.course_id}).scalar_one()


@cache
def _modules_left_statement():
    done = (select(ModuleProgress.id)
            .where(ModuleProgress.module_id == CourseModule.id, ModuleProgress.employee_id == bindparam("employee_id"),
                   ModuleProgress.completed_at.is_not(None)))
    return (select(func.count()).select_from(CourseModule)
            .where(CourseModule.course_id == bindparam("course_id"), CourseModule.counts_for_completion,
                   ~done.exists()))


def completed_module_count(enrolment: Enrolment) -> int:
    """How many of the course's learner modules the enrolled employee has completed."""
    counted, key = _counted(), (enrolment.employee_id, enrolment.course_id)
    if key not in counted:
        counted[key] = db.session.execute(_completed_count_statement(),
                                          {"employee_id": key[0], "course_id": key[1]}).scalar_one()
    return counted[key]


def _counted() -> dict[tuple[int, int], int]:
    """Completed-module counts known in this session since its last write ((employee id, course id) -> count)."""
    return db.session.info.setdefault(_COUNTED, {})


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_counts(session, *_args) -> None:
    session.info.pop(_COUNTED, None)


@cache
def _completed_count_statement():
    return (select(func.count()).select_from(ModuleProgress).join(CourseModule, ModuleProgress.module_id == CourseModule.id)
            .where(ModuleProgress.employee_id == bindparam("employee_id"), CourseModule.course_id == bindparam("course_id"),
                   CourseModule.counts_for_completion, ModuleProgress.completed_at.is_not(None)))


@completion_requirement
def all_learner_modules_completed(enrolment: Enrolment) -> str | None:
    """Every live learner module is marked complete."""
    total = len(enrolment.course.learner_modules)
    done = completed_module_count(enrolment)
    if done < total:
        return ngettext("Complete the remaining %(left)d of %(num)d module.",
                        "Complete the remaining %(left)d of %(num)d modules.", total, left=total - done)
    return None
