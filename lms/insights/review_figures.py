"""Internal service review figures: who reviewed whom in a round, and the trend over recent rounds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, and_, func, literal, or_, select, union_all

from lms.core.models import UTCDateTime
from lms.extensions import db
from lms.insights.models import ServiceDependency, ServiceReview, ServiceReviewAction
from lms.insights.reviews import review_period, round_window
from lms.org.models import Department

TREND_ROUNDS = 6


@dataclass(frozen=True)
class ReviewCell:
    department_id: int
    department: str
    provider_id: int
    provider: str
    review_id: int | None
    submitted_at: datetime | None
    actions: int

    @property
    def reviewed(self) -> bool:
        return self.review_id is not None


def _due(opens, closes):
    """Dependencies due in a round: created before it closed and not removed before it opened."""
    return and_(ServiceDependency.created_at < closes,
                or_(ServiceDependency.removed_at.is_(None), ServiceDependency.removed_at >= opens))


def _action_counts():
    return (select(ServiceReviewAction.review_id, func.count().label("actions"))
            .group_by(ServiceReviewAction.review_id).subquery("action_counts"))


def who_reviewed_whom(period: date, department_id: int | None = None, provider_id: int | None = None) -> list[ReviewCell]:
    """Every review due for `period`, written or not, with its actions (one query)."""
    opens, closes = round_window(period)
    front, provider = Department.__table__.alias("front"), Department.__table__.alias("provider")
    actions = _action_counts()
    stmt = (
        select(front.c.id, front.c.name, provider.c.id, provider.c.name, ServiceReview.id, ServiceReview.submitted_at,
               func.coalesce(actions.c.actions, 0))
        .select_from(ServiceDependency)
        .join(front, ServiceDependency.department_id == front.c.id)
        .join(provider, ServiceDependency.provider_id == provider.c.id)
        .outerjoin(ServiceReview, and_(ServiceReview.department_id == ServiceDependency.department_id,
                                       ServiceReview.provider_id == ServiceDependency.provider_id,
                                       ServiceReview.period == period))
        .outerjoin(actions, actions.c.review_id == ServiceReview.id)
        .where(_due(opens, closes))
        .order_by(front.c.name, provider.c.name)
    )
    if department_id is not None:
        stmt = stmt.where(ServiceDependency.department_id == department_id)
    if provider_id is not None:
        stmt = stmt.where(ServiceDependency.provider_id == provider_id)
    # A pair ended and re-added within one round appears twice: keep it once.
    seen, cells = set(), []
    for row in db.session.execute(stmt):
        if (row[0], row[2]) not in seen:
            seen.add((row[0], row[2]))
            cells.append(ReviewCell(*row))
    return cells


@dataclass(frozen=True)
class ReviewRound:
    period: date
    due: int
    submitted: int
    with_action: int

    @property
    def percent_submitted(self) -> float | None:
        return 100.0 * self.submitted / self.due if self.due else None


def recent_periods(today: date, count: int = TREND_ROUNDS) -> list[date]:
    """The months reviewed in the last `count` rounds, oldest first (the open round last)."""
    periods, period = [], review_period(today)
    for _ in range(count):
        periods.append(period)
        period = review_period(period)
    return periods[::-1]


def review_trend(today: date, provider_id: int | None = None, count: int = TREND_ROUNDS) -> list[ReviewRound]:
    """Per recent round: reviews due, written and answered with at least one action (one query)."""
    periods = recent_periods(today, count)
    rounds = union_all(*(
        select(literal(p, Date).label("period"), literal(round_window(p)[0], UTCDateTime()).label("opens"),
               literal(round_window(p)[1], UTCDateTime()).label("closes"))
        for p in periods
    )).subquery("rounds")
    # Pairs, not dependency rows: a pair ended and re-added within one round is due once.
    due = (select(rounds.c.period, ServiceDependency.department_id, ServiceDependency.provider_id)
           .select_from(rounds).join(ServiceDependency, _due(rounds.c.opens, rounds.c.closes)))
    if provider_id is not None:
        due = due.where(ServiceDependency.provider_id == provider_id)
    pairs = due.distinct().subquery("due_pairs")
    actions = _action_counts()
    stmt = (
        select(pairs.c.period, func.count(), func.count(ServiceReview.id),
               func.count(ServiceReview.id).filter(actions.c.actions > 0))
        .select_from(pairs)
        .outerjoin(ServiceReview, and_(ServiceReview.department_id == pairs.c.department_id,
                                       ServiceReview.provider_id == pairs.c.provider_id,
                                       ServiceReview.period == pairs.c.period))
        .outerjoin(actions, actions.c.review_id == ServiceReview.id)
        .group_by(pairs.c.period)
    )
    found = {period: (due, submitted, answered) for period, due, submitted, answered in db.session.execute(stmt)}
    return [ReviewRound(p, *found.get(p, (0, 0, 0))) for p in periods]
