"""Train-the-trainer: cohorts, their meetings, members and their path, teach-backs, certifications."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.learning.models import Course
from lms.org.models import Employee, Site
from lms.trainers.path import ACTIVE_STATES, COHORT_STATUSES, STATES, TRACKS


def _in_list(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


cohort_lead = Table(
    "cohort_lead", Base.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("employee_id", ForeignKey("employee.id"), primary_key=True, index=True),
)

cohort_prerequisite = Table(
    "cohort_prerequisite", Base.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("course.id"), primary_key=True),
)


class Cohort(TimestampMixin, Base):
    """A group of future trainers prepared together for one course by its lead trainers."""

    __tablename__ = "cohort"
    __table_args__ = (
        CheckConstraint(_in_list("status", COHORT_STATUSES), name="status"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The course its members will deliver (the workshop), and the course they study (holding the rubric).
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    training_course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    capacity: Mapped[int] = mapped_column(default=12)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    training_course: Mapped[Course] = relationship(foreign_keys=[training_course_id])
    site: Mapped[Site] = relationship()
    leads: Mapped[list[Employee]] = relationship(secondary=cohort_lead, order_by=Employee.full_name)
    prerequisites: Mapped[list[Course]] = relationship(secondary=cohort_prerequisite, order_by=Course.title)
    meetings: Mapped[list[CohortMeeting]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="(CohortMeeting.day, CohortMeeting.starts_at)"
    )
    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort", order_by="CohortMember.id")

    def is_led_by(self, employee: Employee) -> bool:
        return any(lead.id == employee.id for lead in self.leads)


class CohortMeeting(Base):
    """One meeting of a cohort: when and where."""

    __tablename__ = "cohort_meeting"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date]
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    place: Mapped[str] = mapped_column(String(200))

    cohort: Mapped[Cohort] = relationship(back_populates="meetings")
    attendance: Mapped[list[MeetingAttendance]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class MeetingAttendance(Base):
    """Whether a member attended a meeting, and who recorded it."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("cohort_meeting.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("cohort_member.id", ondelete="CASCADE"), primary_key=True, index=True)
    present: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CohortMember(Base):
    """A nomination and the path that follows it; `state` is the path's current state."""

    __tablename__ = "cohort_member"
    __table_args__ = (
        UniqueConstraint("cohort_id", "employee_id"),
        CheckConstraint(_in_list("state", STATES), name="state"),
        CheckConstraint(_in_list("track", TRACKS), name="track"),
        # One path under way per person at a time, whatever the cohort.
        Index("uq_cohort_member_active_path", "employee_id", unique=True,
              sqlite_where=text(_in_list("state", ACTIVE_STATES)),
              postgresql_where=text(_in_list("state", ACTIVE_STATES))),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    track: Mapped[str] = mapped_column(String(16), default="certification")
    state: Mapped[str] = mapped_column(String(24))
    state_since: Mapped[datetime] = mapped_column(default=utcnow)
    nominated_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    nominated_by: Mapped[Employee] = relationship(foreign_keys=[nominated_by_id])
    steps: Mapped[list[PathStep]] = relationship(back_populates="member", order_by="PathStep.id",
                                                 cascade="all, delete-orphan")


class PathStep(Base):
    """One step of a member's path: what happened, from which state to which, when and by whom."""

    __tablename__ = "path_step"
    __table_args__ = (
        CheckConstraint(_in_list("to_state", STATES), name="to_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("cohort_member.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    member: Mapped[CohortMember] = relationship(back_populates="steps")
    actor: Mapped[Employee] = relationship()


class CoDelivery(Base):
    """A trainee co-delivered a real workshop session beside a certified trainer, who recorded it."""

    __tablename__ = "co_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("cohort_member.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    # The workshop session; its foreign key is added when workshop sessions exist.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("workshop_session.id"), index=True)
    delivered_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[CohortMember] = relationship()
    trainee: Mapped[Employee] = relationship(foreign_keys=[trainee_id])
    trainer: Mapped[Employee] = relationship(foreign_keys=[trainer_id])


class TeachBack(Base):
    """An observed teach-back scored on the rubric; the rubric is kept as it was on the day."""

    __tablename__ = "teach_back"
    __table_args__ = (
        CheckConstraint("kind IN ('full', 'short')", name="kind"),
        CheckConstraint("second_observer_id IS NULL OR second_observer_id <> observer_id", name="two_observers"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("cohort_member.id"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    second_observer_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    kind: Mapped[str] = mapped_column(String(8), default="full")
    observed_on: Mapped[date]
    rubric: Mapped[dict] = mapped_column(JSON)
    comments: Mapped[str] = mapped_column(Text, default="")
    passed: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[CohortMember] = relationship()
    observer: Mapped[Employee] = relationship(foreign_keys=[observer_id])
    second_observer: Mapped[Employee | None] = relationship(foreign_keys=[second_observer_id])
    scores: Mapped[list[TeachBackScore]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="TeachBackScore.position")

    @property
    def average(self) -> float:
        return sum(s.score for s in self.scores) / len(self.scores) if self.scores else 0.0


class TeachBackScore(Base):
    """The level given to one rubric criterion, with the observer's note."""

    __tablename__ = "teach_back_score"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),)

    teach_back_id: Mapped[int] = mapped_column(ForeignKey("teach_back.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    score: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")


class Certification(Base):
    """The right to deliver a course from `issued_on` to `expires_on` (both included) unless revoked."""

    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint("expires_on >= issued_on", name="expires_after_issue"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_has_reason"),
        Index("ix_certification_course_validity", "course_id", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    issued_on: Mapped[date]
    expires_on: Mapped[date]
    # Who certified them; None for the founding lead trainers the cascade starts from.
    certified_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    teach_back_id: Mapped[int | None] = mapped_column(ForeignKey("teach_back.id"))
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("certification.id"))
    reminder_sent_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    course: Mapped[Course] = relationship()
    certified_by: Mapped[Employee | None] = relationship(foreign_keys=[certified_by_id])
    revoked_by: Mapped[Employee | None] = relationship(foreign_keys=[revoked_by_id])
    teach_back: Mapped[TeachBack | None] = relationship()

    def valid_on(self, day: date) -> bool:
        return self.revoked_at is None and self.issued_on <= day <= self.expires_on


class LeadTrainerPromotion(Base):
    """A certified trainer made a lead trainer: by whom, when, after how many sessions."""

    __tablename__ = "lead_trainer_promotion"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    promoted_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    sessions_delivered: Mapped[int]
    promoted_at: Mapped[datetime] = mapped_column(default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    promoted_by: Mapped[Employee] = relationship(foreign_keys=[promoted_by_id])
