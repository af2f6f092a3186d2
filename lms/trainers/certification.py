"""Certifications: who may deliver a course on a given day, issuing, renewal, revocation and reminders."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, exists, select, update
from sqlalchemy.orm import aliased

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.roles import Role
from lms.core.signals import employees_changed
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee
from lms.trainers.models import Certification, TeachBack
from lms.trainers.validity import DEFAULT_MONTHS, REMINDER_DAYS, renewal_expiry
from lms.trainers.validity import reminder_due as _reminder_due


def certification_months() -> int:
    """How many months a certification lasts (LMS_CERTIFICATION_MONTHS, default 24)."""
    return int(current_app.config.get("LMS_CERTIFICATION_MONTHS", DEFAULT_MONTHS))


def _valid_on(course_id: int, day: date):
    return (Certification.course_id == course_id, Certification.revoked_at.is_(None),
            Certification.issued_on <= day, Certification.expires_on >= day)


def valid_certification(employee: Employee, course: Course, day: date) -> Certification | None:
    """The employee's certification for `course` valid on `day` (the one lasting longest), or None."""
    if not employee.active:
        return None
    return db.session.execute(
        select(Certification).where(Certification.employee_id == employee.id, *_valid_on(course.id, day))
        .order_by(Certification.expires_on.desc()).limit(1)
    ).scalar_one_or_none()


def can_deliver(employee: Employee, course: Course, day: date) -> bool:
    """True when the employee is active and holds a certification for `course` valid on `day`."""
    return valid_certification(employee, course, day) is not None


def certified_trainers(course: Course, day: date) -> Select:
    """A select of the active employees certified to deliver `course` on `day`, by name."""
    return (
        select(Employee)
        .where(Employee.active, exists().where(Certification.employee_id == Employee.id, *_valid_on(course.id, day)))
        .order_by(Employee.full_name, Employee.id)
    )


def latest_certification(employee: Employee, course: Course) -> Certification | None:
    """The employee's unrevoked certification for `course` that lasts longest, valid or not."""
    return db.session.execute(
        select(Certification).where(Certification.employee_id == employee.id, Certification.course_id == course.id,
                                    Certification.revoked_at.is_(None))
        .order_by(Certification.expires_on.desc(), Certification.id.desc()).limit(1)
    ).scalar_one_or_none()


def certifications_of(employee: Employee) -> list[Certification]:
    """Every certification the employee has held, newest first."""
    return list(db.session.execute(
        select(Certification).where(Certification.employee_id == employee.id)
        .order_by(Certification.issued_on.desc(), Certification.id.desc())
    ).scalars())


def get_certification(certification_id: int) -> Certification:
    """The certification with this id, or NotFound."""
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        raise NotFound(N_("No such certification."))
    return certification


def _grant_role(employee: Employee, role: Role) -> None:
    if not employee.has_role(role):
        employee.set_roles(employee.roles | {role.value})
        db.session.flush()
        employees_changed.send(None, employee_ids=[employee.id])


def _drop_role(employee: Employee, role: Role) -> None:
    if employee.has_role(role):
        employee.set_roles(employee.roles - {role.value})
        db.session.flush()
        employees_changed.send(None, employee_ids=[employee.id])


def issue_certification(employee: Employee, course: Course, issued_on: date, *, certified_by: Employee | None,
                        teach_back: TeachBack | None = None, renewal: bool = False) -> Certification:
    """Certify the employee to deliver `course` from `issued_on`; a renewal runs on from the current expiry.

    The employee gains the trainer role. `certified_by` is None only for the founding lead trainers.
    """
    if not employee.active:
        raise Conflict(f"{employee.full_name} is no longer active and cannot be certified.")
    current = latest_certification(employee, course) if renewal else None
    certification = Certification(
        employee=employee, course=course, issued_on=issued_on, certified_by=certified_by, teach_back=teach_back,
        expires_on=renewal_expiry(issued_on, current.expires_on if current else None, certification_months()),
        renews_id=current.id if current else None,
    )
    db.session.add(certification)
    db.session.flush()
    _grant_role(employee, Role.TRAINER)
    return certification


def revoke_certification(actor: Employee, certification: Certification, reason: str, today: date) -> list[Certification]:
    """Revoke the certification and every renewal of it still running; the trainer role goes with it."""
    if not actor.has_any_role(Role.ADMIN, Role.LEAD_TRAINER):
        raise PermissionDenied(N_("Only a lead trainer or an administrator can revoke a certification."))
    if actor.id == certification.employee_id:
        raise PermissionDenied(N_("You cannot revoke your own certification; ask another lead trainer."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Say why the certification is revoked."), ["Say why the certification is revoked."])
    if certification.revoked_at is not None:
        raise Conflict(N_("This certification is already revoked."))
    running = db.session.execute(
        select(Certification).where(Certification.employee_id == certification.employee_id,
                                    Certification.course_id == certification.course_id,
                                    Certification.revoked_at.is_(None),
                                    (Certification.expires_on >= today) | (Certification.id == certification.id))
    ).scalars().all()
    now = utcnow()
    for row in running:
        row.revoked_at, row.revoked_by, row.revoked_reason = now, actor, reason
    db.session.flush()
    employee = certification.employee
    still_valid = db.session.execute(
        select(Certification.id).where(Certification.employee_id == employee.id, Certification.revoked_at.is_(None),
                                       Certification.issued_on <= today, Certification.expires_on >= today).limit(1)
    ).first()
    if still_valid is None:
        _drop_role(employee, Role.TRAINER)
    return running


def due_certification_reminders(today: date) -> list[Certification]:
    """Certifications expiring within 60 days, not renewed, whose reminder has not been sent yet."""
    later = aliased(Certification)
    renewed = exists().where(later.employee_id == Certification.employee_id, later.course_id == Certification.course_id,
                             later.revoked_at.is_(None), later.expires_on > Certification.expires_on)
    return list(db.session.execute(
        select(Certification).join(Employee, Certification.employee_id == Employee.id)
        .where(Employee.active, Certification.revoked_at.is_(None), Certification.reminder_sent_at.is_(None),
               Certification.expires_on >= today, Certification.expires_on <= today + timedelta(days=REMINDER_DAYS),
               Certification.issued_on <= today, ~renewed)
        .order_by(Certification.expires_on, Certification.id)
    ).scalars())


def reminder_due(certification: Certification, today: date) -> bool:
    """True when the certification is inside its reminder window and no reminder has been sent."""
    return certification.reminder_sent_at is None and certification.revoked_at is None and \
        _reminder_due(certification.expires_on, today)


def mark_reminder_sent(certification: Certification, at: datetime | None = None) -> bool:
    """Record that the expiry reminder went out; False when it had been recorded already (send it once)."""
    claimed = db.session.execute(
        update(Certification).where(Certification.id == certification.id, Certification.reminder_sent_at.is_(None))
        .values(reminder_sent_at=at or utcnow()).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.flush()
    db.session.refresh(certification, ["reminder_sent_at"])
    return claimed
