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
    from lms.extensions import db
    from lms.learning.course_cache import cached_course
    from lms.learning.models import Course
    from lms.learning.progress import enrolment_of, refresh_completion

    course = db.session.get(Course, course_id)  # in the session already, as the quiz's course
    if course is not None and not course.archived:
        cached_course(course.slug)  # its modules from the process's copy rather than a statement
    enrolment = enrolment_of(employee_id, course_id)
    if enrolment is not None:
        refresh_completion(enrolment)
