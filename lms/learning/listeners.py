"""Learning's reactions to other domains' events."""
from __future__ import annotations

from lms.core.signals import employees_changed, quiz_passed


@employees_changed.connect
def enrol_by_rules(sender, employee_ids: list[int]) -> None:
    """New or moved employees are enrolled by the live assignment rules."""
    from lms.learning.assignments import apply_assignment_rules

    if employee_ids:
        apply_assignment_rules(employee_ids=employee_ids)


@quiz_passed.connect
def complete_after_quiz(sender, employee_id: int, course_id: int) -> None:
    """A passed quiz may be the last thing a course was waiting for."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.learning.models import Enrolment
    from lms.learning.progress import refresh_completion

    enrolment = db.session.execute(
        select(Enrolment).where(Enrolment.employee_id == employee_id, Enrolment.course_id == course_id)
    ).scalar_one_or_none()
    if enrolment is not None:
        refresh_completion(enrolment)
