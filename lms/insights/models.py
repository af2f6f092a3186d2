"""Leading indicators (P13): service ideas, who depends on which internal provider, and the monthly reviews.

"Depends on" is an admin-maintained list of (front-line department, internal-provider department)
pairs. A pair is never deleted, only ended (`removed_at`), so that past review rounds keep the
number of reviews that were due in them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.org.models import Department, Employee

IDEA_STATUSES = ("submitted", "accepted", "implemented", "declined")
BENEFICIARIES = ("external", "internal")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ServiceIdea(TimestampMixin, Base):
    """A value-added service idea, moved by the author's manager from submitted to implemented or declined."""

    __tablename__ = "service_idea"
    __table_args__ = (
        CheckConstraint(_in_list("status", IDEA_STATUSES), name="status"),
        CheckConstraint(_in_list("beneficiary", BENEFICIARIES), name="beneficiary"),
        CheckConstraint("(beneficiary = 'internal') = (beneficiary_department_id IS NOT NULL)",
                        name="internal_names_department"),
        CheckConstraint("(status = 'implemented') = (implemented_on IS NOT NULL)", name="implemented_has_date"),
        CheckConstraint("status <> 'declined' OR declined_reason <> ''", name="declined_has_reason"),
        Index("ix_service_idea_department_implemented", "department_id", "implemented_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    # The author's department when the idea was submitted: ideas count for it even if the author moves.
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    beneficiary: Mapped[str] = mapped_column(String(16))
    beneficiary_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    implemented_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(Text, default="")
    declined_at: Mapped[datetime | None]
    declined_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    author: Mapped[Employee] = relationship(foreign_keys=[author_id])
    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    beneficiary_department: Mapped[Department | None] = relationship(foreign_keys=[beneficiary_department_id])
    decided_by: Mapped[Employee | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def beneficiary_label(self) -> str:
        if self.beneficiary == "external":
            return "External customers"
        return self.beneficiary_department.name if self.beneficiary_department else "An internal department"


class ServiceDependency(Base):
    """A front-line department depends on an internal-provider department, so it reviews it every month."""

    __tablename__ = "service_dependency"
    __table_args__ = (
        CheckConstraint("department_id <> provider_id", name="not_itself"),
        Index("uq_service_dependency_live_pair", "department_id", "provider_id", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    provider: Mapped[Department] = relationship(foreign_keys=[provider_id])


class ServiceReview(Base):
    """A front-line department's open review of one internal provider for one month (P10, P13)."""

    __tablename__ = "service_review"
    __table_args__ = (
        UniqueConstraint("department_id", "provider_id", "period"),
        CheckConstraint("department_id <> provider_id", name="not_itself"),
        Index("ix_service_review_provider_period", "provider_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    # The first day of the month reviewed; the review is written during the month after it.
    period: Mapped[date]
    how_served: Mapped[str] = mapped_column(Text)
    next_month: Mapped[str] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    provider: Mapped[Department] = relationship(foreign_keys=[provider_id])
    submitted_by: Mapped[Employee] = relationship()
    actions: Mapped[list[ServiceReviewAction]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ServiceReviewAction.id", lazy="selectin"
    )


class ServiceReviewAction(Base):
    """What the reviewed provider department will do about a review."""

    __tablename__ = "service_review_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("service_review.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[ServiceReview] = relationship(back_populates="actions")
    recorded_by: Mapped[Employee] = relationship()
