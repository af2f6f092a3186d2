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
    from lms.learning.progress import enrolment_of, modules_left, refresh_completion

    enrolment = enrolment_of(employee_id, course_id)
    # Most quizzes are passed before the last module: one count settles them, without loading the course's modules.
    if enrolment is not None and enrolment.completed_at is None and not modules_left(enrolment):
        refresh_completion(enrolment)
