"""Rollout plans built from the live organization: settings, the problem and plan documents, and their state."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin
from lms.org.models import Employee, Site

PLAN_STATUSES = ("draft", "solving", "solved", "failed", "published")
DEFAULT_MIN_SIZE = 6
DEFAULT_MAX_SIZE = 20

rollout_plan_site = Table(
    "rollout_plan_site", Base.metadata,
    Column("plan_id", ForeignKey("rollout_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id"), primary_key=True, index=True),
)


class RolloutPlan(TimestampMixin, Base):
    """A plan to put the chosen sites through the workshop within a window, from draft to published."""

    __tablename__ = "rollout_plan"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'solving', 'solved', 'failed', 'published')", name="status"),
        CheckConstraint("window_end >= window_start", name="window_order"),
        CheckConstraint("min_size >= 1 AND max_size >= min_size", name="sizes"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    window_start: Mapped[date]
    window_end: Mapped[date]
    min_size: Mapped[int] = mapped_column(default=DEFAULT_MIN_SIZE)
    max_size: Mapped[int] = mapped_column(default=DEFAULT_MAX_SIZE)
    start_time: Mapped[time] = mapped_column(default=time(9))
    end_time: Mapped[time] = mapped_column(default=time(17))
    status: Mapped[str] = mapped_column(String(16), default="draft")

    # lms.rollout-problem/1 as last built from the organization, and lms.rollout-plan/1 as last solved
    problem_doc: Mapped[dict | None] = mapped_column(JSON)
    plan_doc: Mapped[dict | None] = mapped_column(JSON)
    bound: Mapped[dict | None] = mapped_column(JSON)
    diagnosis: Mapped[dict | None] = mapped_column(JSON)
    mixing: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON, default=list)

    progress: Mapped[int] = mapped_column(default=0)
    progress_note: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    # Raised by every solve request: a job only writes its result while its run is still the latest.
    solve_run: Mapped[int] = mapped_column(default=0)
    solve_started_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]

    locked_keys: Mapped[list] = mapped_column(JSON, default=list)
    removed_keys: Mapped[list] = mapped_column(JSON, default=list)
    excluded_ids: Mapped[list] = mapped_column(JSON, default=list)
    published_session_ids: Mapped[list] = mapped_column(JSON, default=list)

    created_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    published_at: Mapped[datetime | None]

    sites: Mapped[list[Site]] = relationship(secondary=rollout_plan_site, order_by="Site.code", lazy="selectin")
    created_by: Mapped[Employee] = relationship(foreign_keys=[created_by_id])
    published_by: Mapped[Employee | None] = relationship(foreign_keys=[published_by_id])
