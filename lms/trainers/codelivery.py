"""Co-delivery: a trainee co-facilitates a real workshop session beside a certified trainer, who records it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.core.errors import PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee
from lms.trainers.certification import can_deliver
from lms.trainers.members import advance
from lms.trainers.models import CoDelivery, Cohort, CohortMember
from lms.trainers.path import TRANSITIONS, next_state


def record_co_delivery(actor: Employee, member: CohortMember, session_id: int | None, delivered_on: date,
                       note: str, today: date | None = None) -> CoDelivery:
    """The certified trainer `actor` records that `member` co-delivered a session beside them on `delivered_on`."""
    today = today or utcnow().date()
    course = member.cohort.course
    if actor.id == member.employee_id:
        raise PermissionDenied(N_("The certified trainer you delivered beside records your co-delivery."))
    next_state(member.track, member.state, "co_deliver")
    problems = []
    if delivered_on is None or delivered_on > today:
        problems.append("The session date cannot be in the future.")
    note = (note or "").strip()
    if not note and session_id is None:
        problems.append("Describe the session (where, which group, which blocks the trainee led).")
    if problems:
        raise ValidationFailed(problems[0], problems)
    if not can_deliver(actor, course, delivered_on):
        raise PermissionDenied(f"Only a trainer certified for {course.title} on {delivered_on:%d %b %Y} "
                               "can record a co-delivery on that day.")
    co_delivery = CoDelivery(member=member, trainee_id=member.employee_id, trainer_id=actor.id,
                             session_id=session_id, delivered_on=delivered_on, note=note)
    db.session.add(co_delivery)
    advance(member, "co_deliver", actor, f"Co-delivered on {delivered_on:%d %b %Y} beside {actor.full_name}."
            + (f" {note}" if note else ""))
    return co_delivery


def co_delivery_candidate(employee: Employee, course: Course) -> CohortMember | None:
    """The employee's path in a cohort for `course` at a point where a co-delivery counts, if any."""
    states = TRANSITIONS["co_deliver"].sources
    allowed = {(track, state) for track, sources in states.items() for state in sources}
    for member in db.session.execute(
        select(CohortMember).join(Cohort).where(CohortMember.employee_id == employee.id, Cohort.course_id == course.id,
                                               Cohort.status != "closed")
    ).scalars():
        if (member.track, member.state) in allowed:
            return member
    return None
