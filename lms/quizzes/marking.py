"""Essay marking: who may mark whose essays, the rubric, and marking that completes an attempt's score."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.core.roles import Role
from lms.extensions import db
from lms.org.models import Employee
from lms.quizzes.attempts import finish_if_marked
from lms.quizzes.models import QuizAttempt, QuizSlot

# The short rubric every essay is marked against: points and what earns them.
RUBRIC = (
    (0, "Does not answer the question asked."),
    (1, "Names the right idea but does not apply it to the situation."),
    (2, "Applies the idea to the situation, but only in part."),
    (3, "Applies the idea well and says why it helps."),
    (4, "Applies the idea fully, with a concrete action and the reason behind it."),
)
MAX_POINTS = RUBRIC[-1][0]
MARKER_ROLES = (Role.TRAINER, Role.LEAD_TRAINER, Role.ADMIN)


def marks_everyone(marker: Employee) -> bool:
    """Lead trainers and admins mark essays from the whole organization."""
    return marker.has_any_role(Role.LEAD_TRAINER, Role.ADMIN)


def may_mark(marker: Employee, learner: Employee) -> bool:
    """Trainers mark their own learners: those working at the trainer's site; nobody marks their own essay."""
    if marker.id == learner.id:
        return False
    if marks_everyone(marker):
        return True
    return marker.has_role(Role.TRAINER) and learner.department.site_id == marker.department.site_id


def get_essay_slot(marker: Employee, slot_id: int) -> QuizSlot:
    """An essay answer the marker may see; anything else is NotFound."""
    slot = db.session.get(QuizSlot, slot_id)
    if slot is None or slot.question.qtype != "essay" or slot.attempt.is_open:
        raise NotFound(N_("No such essay."))
    if not may_mark(marker, slot.attempt.employee):
        raise NotFound(N_("No such essay."))
    return slot


def mark_essay(marker: Employee, slot: QuizSlot, points: int, comment: str, now: datetime | None = None) -> QuizAttempt:
    """Record a trainer's mark for one essay; the attempt is graded once no essay in it waits."""
    now = now or utcnow()
    if not may_mark(marker, slot.attempt.employee):
        raise PermissionDenied(N_("You may not mark this essay."))
    if not 0 <= points <= MAX_POINTS:
        raise ValidationFailed(f"Give between 0 and {MAX_POINTS} points.")
    attempt = slot.attempt
    # Markers of the same attempt queue on its row, so the last one to finish sees every mark.
    locked = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.state == "needs_marking")
        .values(state="needs_marking").execution_options(synchronize_session=False)
    ).rowcount
    claimed = locked and db.session.execute(
        update(QuizSlot).where(QuizSlot.id == slot.id, QuizSlot.needs_marking.is_(True))
        .values(needs_marking=False, mark_points=points, fraction=points / MAX_POINTS, mark_comment=comment.strip(),
                marked_by_id=marker.id, marked_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise Conflict(N_("This essay was already marked."))
    db.session.refresh(attempt)
    finish_if_marked(attempt, now)
    return attempt
