"""Courses and modules (synced from courses/), assignment rules, enrolments, progress, certificates, toolkits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.org.models import Department, Employee

COURSE_KINDS = ("online", "workshop", "trainer", "leadership")
RULE_TARGET_KINDS = ("department_kind", "site", "department", "employee", "role")
DUE_KINDS = ("none", "fixed", "after_hire", "after_assignment")


class Course(TimestampMixin, Base):
    """A course as synced from its folder; keyed by slug, versioned by content hash."""

    __tablename__ = "course"
    __table_args__ = (CheckConstraint("kind IN ('online', 'workshop', 'trainer', 'leadership')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    audience: Mapped[list] = mapped_column(JSON, default=list)
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    principles: Mapped[list] = mapped_column(JSON, default=list)
    completion_quiz: Mapped[bool] = mapped_column(default=False)
    quiz_settings: Mapped[dict | None] = mapped_column(JSON)
    # The bank's GIFT text (kilobytes) is kept for the record and read by nothing that lists courses: loaded on access.
    quiz_bank: Mapped[str | None] = mapped_column(Text, deferred=True)
    rubric: Mapped[dict | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    default_rule_seeded: Mapped[bool] = mapped_column(default=False)
    # language -> {"title", "summary", "objectives"}, from course.yml's `translations`
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    archived: Mapped[bool] = mapped_column(default=False)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)

    modules: Mapped[list[CourseModule]] = relationship(
        back_populates="course", order_by="CourseModule.position", lazy="selectin"
    )

    @property
    def live_modules(self) -> list[CourseModule]:
        return [m for m in self.modules if not m.archived]

    @property
    def learner_modules(self) -> list[CourseModule]:
        """The modules that count for completion: live, and meant for learners."""
        return [m for m in self.modules if m.counts_for_completion]

    def module(self, stem: str) -> CourseModule | None:
        return next((m for m in self.modules if m.stem == stem and not m.archived), None)

    def localized(self, language: str | None) -> dict:
        """{"title", "summary", "objectives"} in `language` where course.yml translates them, else the originals."""
        texts = (self.translations or {}).get(language or "", {})
        return {"title": texts.get("title", self.title), "summary": texts.get("summary", self.summary),
                "objectives": texts.get("objectives", self.objectives)}

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseModule(TimestampMixin, Base):
    """One module of a course; a module removed from the course is archived, never deleted."""

    __tablename__ = "course_module"
    __table_args__ = (
        UniqueConstraint("course_id", "stem"),
        CheckConstraint("for_role IN ('learner', 'facilitator')", name="for_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    stem: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=0)
    principles: Mapped[list] = mapped_column(JSON, default=list)
    for_role: Mapped[str] = mapped_column(String(16), default="learner")
    toolkit: Mapped[bool] = mapped_column(default=False)
    body_html: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship(back_populates="modules")

    @hybrid_property
    def counts_for_completion(self) -> bool:
        """Live and meant for learners: the modules a learner completes to complete the course."""
        return not self.archived and self.for_role == "learner"

    @counts_for_completion.inplace.expression
    @classmethod
    def _counts_for_completion_expression(cls):
        return and_(cls.archived.is_(False), cls.for_role == "learner")

    def localized(self, language: str | None) -> tuple[str, str]:
        """(title, body HTML) in `language` when a translation exists, else the original."""
        translation = self.translations.get(language or "", None)
        if translation:
            return translation["title"], translation["body_html"]
        return self.title, self.body_html


class AssignmentRule(TimestampMixin, Base):
    """A live rule: everyone it matches, now or later, is enrolled in the course."""

    __tablename__ = "assignment_rule"
    __table_args__ = (
        CheckConstraint("due_kind IN ('none', 'fixed', 'after_hire', 'after_assignment')", name="due_kind"),
        CheckConstraint("(due_kind = 'fixed') = (due_date IS NOT NULL)", name="fixed_has_date"),
        CheckConstraint("(due_kind IN ('after_hire', 'after_assignment')) = (due_days IS NOT NULL)", name="relative_has_days"),
        CheckConstraint("due_days IS NULL OR due_days >= 0", name="due_days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    everyone: Mapped[bool] = mapped_column(default=False)
    due_kind: Mapped[str] = mapped_column(String(20), default="none")
    due_date: Mapped[date | None]
    due_days: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    is_default: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    course: Mapped[Course] = relationship(lazy="joined")
    created_by: Mapped[Employee | None] = relationship()
    targets: Mapped[list[AssignmentTarget]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class AssignmentTarget(Base):
    """Who a rule reaches: a department kind, site, department, named employee or role."""

    __tablename__ = "assignment_target"
    __table_args__ = (
        CheckConstraint("kind IN ('department_kind', 'site', 'department', 'employee', 'role')", name="kind"),
        UniqueConstraint("rule_id", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("assignment_rule.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))


class Enrolment(Base):
    """An employee's place in a course; history stays when they leave its audience."""

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("employee_id", "course_id"),
        Index("ix_enrolment_course_state", "course_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_rule.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    # Set when no live rule matches the employee any more; cleared if one matches again.
    unassigned_at: Mapped[datetime | None]
    last_module_id: Mapped[int | None] = mapped_column(ForeignKey("course_module.id"))

    employee: Mapped[Employee] = relationship()
    course: Mapped[Course] = relationship(lazy="joined")
    last_module: Mapped[CourseModule | None] = relationship()


class ModuleProgress(Base):
    """A learner's visit to and completion of one module."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("employee_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_module.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class Certificate(Base):
    """Proof of a completed course, verifiable by its code on a public page."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), unique=True)
    employee_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[str] = mapped_column(String(200))
    completed_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()


class RecoveryToolkit(TimestampMixin, Base):
    """A department's authority limit: how far its staff may go without asking (P05)."""

    __tablename__ = "recovery_toolkit"
    __table_args__ = (CheckConstraint("authority_limit >= 0", name="limit_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), unique=True)
    authority_limit: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=0)
    currency: Mapped[str] = mapped_column(String(3), default="MUR")
    note: Mapped[str] = mapped_column(Text, default="")

    department: Mapped[Department] = relationship()
    offers: Mapped[list[RecoveryOffer]] = relationship(
        cascade="all, delete-orphan", order_by="RecoveryOffer.position", lazy="selectin"
    )


class RecoveryOffer(Base):
    """One thing of value staff can offer to put a problem right (P06, P09)."""

    __tablename__ = "recovery_offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("recovery_toolkit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    typical_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
