"""Nominations: managers nominate their reports, lead trainers decide, members withdraw, trainers ask to renew."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.roles import Role
from lms.extensions import db
from lms.learning.models import Course, Enrolment
from lms.learning.progress import enrol
from lms.org.models import Employee
from lms.org.queries import is_in_reporting_line
from lms.trainers.certification import latest_certification, valid_certification
from lms.trainers.cohorts import require_lead, seated_count
from lms.trainers.courses import ONLINE_KINDS
from lms.trainers.members import advance, start_path
from lms.trainers.models import Cohort, CohortMember
from lms.trainers.path import ACTIVE_STATES, CERTIFICATION, RECERTIFICATION, STATE_LABELS, next_state
from lms.trainers.validity import in_recertification_window


class PrerequisitesMissing(ValidationFailed):
    """The nominee has not completed the cohort's prerequisite courses; `problems` names each."""


def _reason(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(f"Give a reason for {what}.", [f"Give a reason for {what}."])
    return text


def missing_prerequisites(employee: Employee, cohort: Cohort) -> list[Course]:
    """The cohort's prerequisite courses the employee still has to complete.

    An online course counts only when it is assigned to the employee: the online tracks differ by
    department kind, so nobody is expected to complete another audience's track. The workshop always counts.
    """
    courses = cohort.prerequisites
    if not courses:
        return []
    enrolments = {
        course_id: (completed_at, unassigned_at)
        for course_id, completed_at, unassigned_at in db.session.execute(
            select(Enrolment.course_id, Enrolment.completed_at, Enrolment.unassigned_at)
            .where(Enrolment.employee_id == employee.id, Enrolment.course_id.in_([c.id for c in courses]))
        )
    }
    missing = []
    for course in courses:
        completed_at, unassigned_at = enrolments.get(course.id, (None, None))
        if completed_at is not None:
            continue
        assigned = course.id in enrolments and unassigned_at is None
        if course.kind in ONLINE_KINDS and not assigned:
            continue
        missing.append(course)
    return missing


def _path_elsewhere(employee: Employee) -> CohortMember | None:
    return db.session.execute(
        select(CohortMember).where(CohortMember.employee_id == employee.id, CohortMember.state.in_(ACTIVE_STATES))
    ).scalar_one_or_none()


def _check_joinable(employee: Employee, cohort: Cohort) -> None:
    if cohort.status == "closed":
        raise Conflict(f"{cohort.name} is closed.")
    if not employee.active:
        raise Conflict(f"{employee.full_name} is no longer active.")
    earlier = db.session.execute(
        select(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.employee_id == employee.id)
    ).scalar_one_or_none()
    if earlier is not None:
        raise Conflict(f"{employee.full_name} was already nominated to {cohort.name} "
                       f"({STATE_LABELS[earlier.state]}); choose another cohort.")
    elsewhere = _path_elsewhere(employee)
    if elsewhere is not None:
        raise Conflict(f"{employee.full_name} is already on a path in {elsewhere.cohort.name} "
                       f"({STATE_LABELS[elsewhere.state]}).")


def nominate(actor: Employee, employee: Employee, cohort: Cohort, reason: str, today: date) -> CohortMember:
    """A manager nominates someone in their reporting line, who must have completed the prerequisites."""
    if not actor.has_role(Role.MANAGER) or employee.id == actor.id or not is_in_reporting_line(actor, employee.id):
        raise PermissionDenied(N_("You can nominate only people who report to you."))
    reason = _reason(reason, "the nomination")
    _check_joinable(employee, cohort)
    current = valid_certification(employee, cohort.course, today)
    if current is not None:
        raise Conflict(f"{employee.full_name} is already certified until {current.expires_on:%d %b %Y}; "
                       "they renew through a recertification teach-back.")
    missing = missing_prerequisites(employee, cohort)
    if missing:
        titles = [c.title for c in missing]
        raise PrerequisitesMissing(
            f"{employee.full_name} has not completed the prerequisite courses yet: {', '.join(titles)}.", titles)
    return start_path(cohort, employee, actor, CERTIFICATION, reason)


def request_recertification(employee: Employee, cohort: Cohort, today: date, reason: str = "") -> CohortMember:
    """A certified trainer near expiry (or past it) asks a cohort for the short recertification teach-back."""
    _check_joinable(employee, cohort)
    current = latest_certification(employee, cohort.course)
    if current is None:
        raise Conflict(f"You hold no certification for {cohort.course.title} to renew; "
                       "a manager nominates you for the full path.")
    if not in_recertification_window(current.expires_on, today):
        raise Conflict(f"Your certification runs until {current.expires_on:%d %b %Y}; "
                       "recertification opens 60 days before it expires.")
    note = (reason or "").strip() or f"Renewal of the certification expiring {current.expires_on:%d %b %Y}."
    return start_path(cohort, employee, employee, RECERTIFICATION, note)


def accept_nomination(actor: Employee, member: CohortMember, reason: str) -> CohortMember:
    """A lead trainer accepts a nominee into the cohort, within its capacity; they are enrolled in the trainer course."""
    cohort = member.cohort
    require_lead(actor, cohort)
    next_state(member.track, member.state, "accept")
    reason = _reason(reason, "accepting")
    if cohort.status == "closed":
        raise Conflict(f"{cohort.name} is closed.")
    # Lock the cohort so that two lead trainers accepting at once cannot overfill it.
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    if seated_count(cohort) >= cohort.capacity:
        raise Conflict(f"{cohort.name} is full ({cohort.capacity} places); raise its capacity or decline.")
    advance(member, "accept", actor, reason)
    if member.track == CERTIFICATION:
        enrol(member.employee, cohort.training_course)
    return member


def decline_nomination(actor: Employee, member: CohortMember, reason: str) -> CohortMember:
    """A lead trainer declines a nomination, saying why."""
    require_lead(actor, member.cohort)
    next_state(member.track, member.state, "decline")
    advance(member, "decline", actor, _reason(reason, "declining"))
    return member


def withdraw(actor: Employee, member: CohortMember, reason: str = "") -> CohortMember:
    """The member withdraws (a reason is optional), or a lead trainer withdraws them (with a reason)."""
    if actor.id == member.employee_id:
        note = (reason or "").strip() or "Withdrew."
    elif member.cohort.is_led_by(actor):
        note = _reason(reason, "withdrawing them")
    else:
        raise PermissionDenied(N_("Only the member or the cohort's lead trainers can withdraw from this path."))
    advance(member, "withdraw", actor, note)
    return member


def open_cohorts_for(course: Course | None = None) -> list[Cohort]:
    """Cohorts taking nominations (planned or running), by name."""
    stmt = select(Cohort).where(Cohort.status != "closed").order_by(Cohort.name)
    if course is not None:
        stmt = stmt.where(Cohort.course_id == course.id)
    return list(db.session.execute(stmt).scalars())
