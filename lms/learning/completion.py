"""What a course needs before it counts as completed; other domains register their requirements."""
from __future__ import annotations

from collections.abc import Callable

from lms.learning.models import Enrolment

# A requirement returns None when met, or a short sentence saying what is still to do.
Requirement = Callable[[Enrolment], str | None]
_REQUIREMENTS: list[Requirement] = []


def completion_requirement(fn: Requirement) -> Requirement:
    """Register `fn` as a requirement every enrolment must meet to complete."""
    _REQUIREMENTS.append(fn)
    return fn


def outstanding(enrolment: Enrolment) -> list[str]:
    """Everything still to do before `enrolment` is complete; empty when it is."""
    return [message for check in _REQUIREMENTS if (message := check(enrolment))]
