"""The pass-the-quiz completion requirement of courses whose completion needs the quiz."""
from __future__ import annotations

from flask_babel import gettext

from lms.learning.completion import completion_requirement
from lms.learning.models import Enrolment
from lms.quizzes.queries import passed_and_pass_mark


@completion_requirement
def quiz_passed_if_required(enrolment: Enrolment) -> str | None:
    """A course with `completion_quiz` needs a passed attempt at its quiz."""
    course = enrolment.course
    if not course.completion_quiz:
        return None
    passed, mark = passed_and_pass_mark(enrolment.employee_id, course.id)
    if passed:
        return None
    mark = mark if mark is not None else (course.quiz_settings or {}).get("pass_mark", 70)
    return gettext("Pass the quiz (%(mark)s%% needed).", mark=f"{mark:g}")
