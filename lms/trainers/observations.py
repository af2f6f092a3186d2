"""Teach-back observations: scoring the rubric, the pass rule, and certification on passing."""
from __future__ import annotations

from datetime import date

from lms.core.errors import Conflict, ValidationFailed
from lms.core.roles import Role
from lms.extensions import db
from lms.org.models import Employee
from lms.trainers.certification import can_deliver, issue_certification
from lms.trainers.cohorts import require_lead
from lms.trainers.members import advance
from lms.trainers.models import CohortMember, TeachBack, TeachBackScore
from lms.trainers.path import RECERTIFICATION, next_state
from lms.trainers.rubric import passes, rubric_from_dict, score_problems


def member_rubric(member: CohortMember) -> dict:
    """The rubric the member's teach-back is scored on (from the cohort's trainer course)."""
    rubric = member.cohort.training_course.rubric
    if not rubric or not rubric.get("criteria"):
        raise Conflict(f"{member.cohort.training_course.title} has no teach-back rubric; sync its rubric.yml.")
    return rubric


def record_teach_back(actor: Employee, member: CohortMember, *, scores: dict[str, int | None], observed_on: date,
                      today: date, comments: str = "", notes: dict[str, str] | None = None,
                      second_observer: Employee | None = None) -> TeachBack:
    """A lead trainer of the cohort scores the teach-back; passing certifies, otherwise not yet competent."""
    cohort = member.cohort
    require_lead(actor, cohort)
    next_state(member.track, member.state, "observe")
    if cohort.status != "running":
        raise Conflict(f"{cohort.name} is {cohort.status}; teach-backs are observed while it runs.")
    data = member_rubric(member)
    rubric = rubric_from_dict(data)
    problems = score_problems(rubric, scores)
    if observed_on is None or observed_on > today:
        problems.append("The teach-back date cannot be in the future.")
    if second_observer is not None:
        if second_observer.id in (actor.id, member.employee_id):
            problems.append("The second observer must be someone other than the observer and the member.")
        elif not (second_observer.has_role(Role.LEAD_TRAINER) or can_deliver(second_observer, cohort.course, observed_on)):
            problems.append(f"{second_observer.full_name} is neither a lead trainer nor a certified trainer.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    passed = passes(rubric, scores)
    notes = notes or {}
    teach_back = TeachBack(
        member=member, observer_id=actor.id, second_observer_id=second_observer.id if second_observer else None,
        kind="short" if member.track == RECERTIFICATION else "full", observed_on=observed_on, rubric=data,
        comments=(comments or "").strip(), passed=passed,
        scores=[TeachBackScore(criterion_id=c.id, position=i, score=scores[c.id], note=(notes.get(c.id) or "").strip())
                for i, c in enumerate(rubric.criteria)],
    )
    db.session.add(teach_back)
    db.session.flush()
    average = teach_back.average
    advance(member, "observe", actor, f"{'Short t' if teach_back.kind == 'short' else 'T'}each-back observed on "
                                      f"{observed_on:%d %b %Y}: average {average:.2f}.")
    if passed:
        advance(member, "pass", actor, "Met the rubric's pass rule.")
        issue_certification(member.employee, cohort.course, observed_on, certified_by=actor, teach_back=teach_back,
                            renewal=member.track == RECERTIFICATION)
    else:
        advance(member, "fail", actor, teach_back.comments or "Did not meet the rubric's pass rule yet.")
    return teach_back
