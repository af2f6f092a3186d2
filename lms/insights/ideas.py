"""Service ideas: any employee submits one; their manager accepts it, records it implemented, or declines it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.insights.models import BENEFICIARIES, ServiceIdea
from lms.org.models import Department, Employee
from lms.org.queries import is_in_reporting_line

# action -> the statuses it may start from, and the status it leads to
TRANSITIONS = {
    "accept": (("submitted",), "accepted"),
    "implement": (("accepted",), "implemented"),
    "decline": (("submitted", "accepted"), "declined"),
}


def get_idea(idea_id: int) -> ServiceIdea:
    """The idea, or NotFound."""
    idea = db.session.get(ServiceIdea, idea_id)
    if idea is None:
        raise NotFound(N_("No such idea."))
    return idea


def may_decide(actor: Employee, idea: ServiceIdea) -> bool:
    """The author's manager decides; ideas of someone without a manager go to the leaders."""
    author = idea.author
    if author.id == actor.id:
        return False
    if author.manager_id is None:
        return actor.has_role("leader")
    return author.manager_id == actor.id


def may_see(actor: Employee, idea: ServiceIdea) -> bool:
    """The author, their managers up the line and leaders see an idea."""
    if actor.id == idea.author_id or actor.has_role("leader") or may_decide(actor, idea):
        return True
    return actor.has_role("manager") and is_in_reporting_line(actor, idea.author_id)


def visible_idea(actor: Employee, idea_id: int) -> ServiceIdea:
    """The idea if `actor` may see it, else NotFound (its existence stays private)."""
    idea = get_idea(idea_id)
    if not may_see(actor, idea):
        raise NotFound(N_("No such idea."))
    return idea


def submit_idea(author: Employee, *, title: str, description: str, beneficiary: str,
                beneficiary_department_id: int | None = None) -> ServiceIdea:
    """Record a new idea from `author`, counted for their current department."""
    title, description = (title or "").strip(), (description or "").strip()
    problems = []
    if not title:
        problems.append("Give the idea a title.")
    if not description:
        problems.append("Describe the idea.")
    if beneficiary not in BENEFICIARIES:
        problems.append("Say who benefits: external customers or an internal department.")
    department = None
    if beneficiary == "internal":
        department = db.session.get(Department, beneficiary_department_id) if beneficiary_department_id else None
        if department is None:
            problems.append("Choose the internal department that benefits.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    idea = ServiceIdea(author=author, department_id=author.department_id, title=title[:200], description=description,
                       beneficiary=beneficiary, beneficiary_department=department, status="submitted")
    db.session.add(idea)
    db.session.flush()
    return idea


def accept_idea(actor: Employee, idea: ServiceIdea) -> ServiceIdea:
    """Accept a submitted idea."""
    return _move(actor, idea, "accept", accepted_at=utcnow())


def implement_idea(actor: Employee, idea: ServiceIdea, *, implemented_on: date | None, outcome: str,
                   today: date) -> ServiceIdea:
    """Record an accepted idea as put into practice on a day, with its outcome."""
    outcome = (outcome or "").strip()
    problems = []
    if implemented_on is None:
        problems.append("Give the day the idea was put into practice.")
    elif implemented_on > today:
        problems.append("An idea is recorded as implemented once it has been: the day cannot be in the future.")
    if not outcome:
        problems.append("Describe the outcome in a sentence or two.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    return _move(actor, idea, "implement", implemented_on=implemented_on, outcome=outcome)


def decline_idea(actor: Employee, idea: ServiceIdea, *, reason: str) -> ServiceIdea:
    """Decline a submitted or accepted idea, with the reason the author will read."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Give the reason, so that the author knows why."))
    return _move(actor, idea, "decline", declined_at=utcnow(), declined_reason=reason)


def _move(actor: Employee, idea: ServiceIdea, action: str, **values) -> ServiceIdea:
    if not may_decide(actor, idea):
        raise PermissionDenied(N_("Only the author's manager decides on this idea."))
    sources, target = TRANSITIONS[action]
    # A conditional update: of two managers' clicks racing, only the first moves the idea.
    result = db.session.execute(
        update(ServiceIdea).where(ServiceIdea.id == idea.id, ServiceIdea.status.in_(sources))
        .values(status=target, decided_by_id=actor.id, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(idea)
        raise Conflict(f"This idea is {idea.status} already; it cannot be moved to {target}.")
    db.session.refresh(idea)
    return idea


def ideas_of(author: Employee) -> list[ServiceIdea]:
    """The author's own ideas, newest first."""
    return list(db.session.execute(
        select(ServiceIdea).where(ServiceIdea.author_id == author.id).order_by(ServiceIdea.submitted_at.desc(),
                                                                               ServiceIdea.id.desc())
    ).scalars())


def ideas_to_decide(actor: Employee) -> list[ServiceIdea]:
    """Ideas `actor` decides on: their direct reports' (and, for leaders, those of people without a manager), open first."""
    authors = select(Employee.id).where(Employee.manager_id == actor.id)
    if actor.has_role("leader"):
        authors = authors.union(select(Employee.id).where(Employee.manager_id.is_(None), Employee.id != actor.id))
    open_first = ServiceIdea.status.in_(("submitted", "accepted"))
    return list(db.session.execute(
        select(ServiceIdea).where(ServiceIdea.author_id.in_(authors))
        .order_by(open_first.desc(), ServiceIdea.submitted_at.desc(), ServiceIdea.id.desc())
    ).scalars())
