"""Internal service reviews (P10, P13): each month every front-line department reviews the providers it depends on.

The round for a month opens on the first day of the following month and lasts that month:
in March, front-line managers answer for February ("how did they serve us last month, and
what should they do next month?"). Dependencies are kept by admins (see models.py).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.exc import IntegrityError

from lms.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.insights.models import ServiceDependency, ServiceReview, ServiceReviewAction
from lms.org.models import Department, DepartmentKind, Employee

MAX_ANSWER = 4000
# Reviewers' roles are never shown with a review: not loading them saves a statement per list.
_REVIEW_LOADS = (joinedload(ServiceReview.department), joinedload(ServiceReview.provider),
                 joinedload(ServiceReview.submitted_by).lazyload(Employee.role_rows),
                 selectinload(ServiceReview.actions).joinedload(ServiceReviewAction.recorded_by)
                 .lazyload(Employee.role_rows))


def month_after(day: date) -> date:
    """The first day of the month after `day`'s month."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def review_period(today: date) -> date:
    """The month reviewed in the round open today: the first day of last month."""
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def round_window(period: date) -> tuple[datetime, datetime]:
    """When the round for `period` opens and closes (UTC)."""
    opens = month_after(period)
    closes = month_after(opens)
    return (datetime(opens.year, opens.month, 1, tzinfo=timezone.utc),
            datetime(closes.year, closes.month, 1, tzinfo=timezone.utc))


# --------------------------------------------------------------------------- dependencies


def add_dependency(actor: Employee, department: Department, provider: Department) -> ServiceDependency:
    """Record that a front-line department depends on an internal provider."""
    problems = []
    if department.kind != DepartmentKind.FRONT_LINE:
        problems.append(f"{department.name} is not a front-line department.")
    if provider.kind != DepartmentKind.INTERNAL_PROVIDER:
        problems.append(f"{provider.name} is not an internal service provider.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    dependency = ServiceDependency(department=department, provider=provider, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(dependency)
            db.session.flush()
    except IntegrityError:
        raise Conflict(f"{department.name} already depends on {provider.name}.") from None
    return dependency


def remove_dependency(actor: Employee, dependency: ServiceDependency) -> None:
    """End a dependency; reviews already written stay."""
    if dependency.removed_at is not None:
        raise Conflict(N_("This dependency was already removed."))
    dependency.removed_at, dependency.removed_by_id = utcnow(), actor.id
    db.session.flush()


def get_dependency(dependency_id: int) -> ServiceDependency:
    """The dependency, or NotFound."""
    dependency = db.session.get(ServiceDependency, dependency_id)
    if dependency is None:
        raise NotFound(N_("No such dependency."))
    return dependency


def live_dependencies() -> list[ServiceDependency]:
    """Every live dependency, by department and provider name."""
    front, provider = Department.__table__.alias("front"), Department.__table__.alias("prov")
    return list(db.session.execute(
        select(ServiceDependency)
        .options(joinedload(ServiceDependency.department), joinedload(ServiceDependency.provider))
        .join(front, ServiceDependency.department_id == front.c.id)
        .join(provider, ServiceDependency.provider_id == provider.c.id)
        .where(ServiceDependency.removed_at.is_(None)).order_by(front.c.name, provider.c.name)
    ).scalars())


def providers_of(department: Department) -> list[Department]:
    """The internal providers a department depends on now, by name."""
    return list(db.session.execute(
        select(Department).join(ServiceDependency, ServiceDependency.provider_id == Department.id)
        .where(ServiceDependency.department_id == department.id, ServiceDependency.removed_at.is_(None))
        .order_by(Department.name)
    ).scalars())


# --------------------------------------------------------------------------- reviews


def may_review_for(actor: Employee, department: Department) -> bool:
    """Managers of a front-line department write its reviews."""
    return (actor.has_role("manager") and actor.department_id == department.id
            and department.kind == DepartmentKind.FRONT_LINE)


def may_act_for(actor: Employee, provider: Department) -> bool:
    """Managers of the reviewed provider record its actions."""
    return actor.has_role("manager") and actor.department_id == provider.id


def may_read(actor: Employee, review: ServiceReview) -> bool:
    """Both departments' members and leaders read a review."""
    return actor.has_role("leader") or actor.department_id in (review.department_id, review.provider_id)


def get_review(review_id: int) -> ServiceReview:
    """The review, or NotFound."""
    review = db.session.get(ServiceReview, review_id)
    if review is None:
        raise NotFound(N_("No such review."))
    return review


def submit_review(actor: Employee, department: Department, provider: Department, *, how_served: str,
                  next_month: str, today: date) -> ServiceReview:
    """Write this round's review of `provider` for `department`: once per month and pair."""
    if not may_review_for(actor, department):
        raise PermissionDenied(N_("Only a manager of this front-line department writes its reviews."))
    if provider.id not in {p.id for p in providers_of(department)}:
        raise ValidationFailed(f"{department.name} does not depend on {provider.name}; ask an administrator to add it.")
    how_served, next_month = (how_served or "").strip(), (next_month or "").strip()
    problems = []
    if not how_served:
        problems.append("Say how they served you last month.")
    if not next_month:
        problems.append("Say what they should do next month.")
    if len(how_served) > MAX_ANSWER or len(next_month) > MAX_ANSWER:
        problems.append(f"Keep each answer under {MAX_ANSWER} characters.")
    if problems:
        raise ValidationFailed(problems[0], problems)
    period = review_period(today)
    review = ServiceReview(department=department, provider=provider, period=period, how_served=how_served,
                           next_month=next_month, submitted_by=actor)
    try:
        with db.session.begin_nested():
            db.session.add(review)
            db.session.flush()
    except IntegrityError:
        raise Conflict(f"{department.name} has already reviewed {provider.name} for {period:%B %Y}.") from None
    return review


def record_action(actor: Employee, review: ServiceReview, text: str) -> ServiceReviewAction:
    """Record what the reviewed provider will do about a review."""
    if not may_act_for(actor, review.provider):
        raise PermissionDenied(N_("Only a manager of the reviewed department records its actions."))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(N_("Describe the action."))
    if len(text) > MAX_ANSWER:
        raise ValidationFailed(f"Keep the action under {MAX_ANSWER} characters.")
    action = ServiceReviewAction(review=review, text=text, recorded_by_id=actor.id)
    db.session.add(action)
    db.session.flush()
    return action


def round_status(department: Department, period: date) -> list[tuple[Department, ServiceReview | None]]:
    """The providers a department depends on, each with its review for `period` if written (two queries)."""
    providers = providers_of(department)
    # Actions are not loaded here: the pages also list the department's newest reviews (these among them),
    # whose loader fills them in, so a written round costs no statement of its own.
    written = {r.provider_id: r for r in db.session.execute(
        select(ServiceReview).where(ServiceReview.department_id == department.id, ServiceReview.period == period)
        .options(lazyload(ServiceReview.actions))
    ).scalars()}
    return [(p, written.get(p.id)) for p in providers]


def reviews_received(provider: Department, limit: int = 24) -> list[ServiceReview]:
    """The newest reviews of a provider, with their actions."""
    return list(db.session.execute(
        select(ServiceReview).where(ServiceReview.provider_id == provider.id).options(*_REVIEW_LOADS)
        .order_by(ServiceReview.period.desc(), ServiceReview.id.desc()).limit(limit)
    ).scalars())


def reviews_given(department: Department, limit: int = 24) -> list[ServiceReview]:
    """The newest reviews a department wrote, with the providers' actions."""
    return list(db.session.execute(
        select(ServiceReview).where(ServiceReview.department_id == department.id).options(*_REVIEW_LOADS)
        .order_by(ServiceReview.period.desc(), ServiceReview.id.desc()).limit(limit)
    ).scalars())
