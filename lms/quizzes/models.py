"""Question banks, quizzes and attempts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.learning.models import Course
from lms.org.models import Employee

QUESTION_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay", "description")
QUESTION_ORIGINS = ("sync", "import")
ATTEMPT_STATES = ("in_progress", "submitted", "needs_marking", "graded")
UPLOAD_STATES = ("pending", "applied", "discarded")


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class QuizQuestion(Base):
    """One version of a question in a course's bank; rows never change, so attempts keep what they used.

    A question is identified by its content hash within the course: re-importing
    the same text changes nothing, an edited question becomes a new row (the next
    version of its category and name) and the old row is archived.
    """

    __tablename__ = "quiz_question"
    __table_args__ = (
        UniqueConstraint("course_id", "content_hash"),
        CheckConstraint(_in_list("qtype", QUESTION_TYPES), name="qtype"),
        CheckConstraint(_in_list("origin", QUESTION_ORIGINS), name="origin"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_quiz_question_course_live", "course_id", "archived"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    category: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    qtype: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict] = mapped_column(JSON)
    principles: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    # sync: from the course folder's quiz.gift (replaced by the next sync); import: added by an admin.
    origin: Mapped[str] = mapped_column(String(8), default="sync")
    archived: Mapped[bool] = mapped_column(default=False)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()

    @property
    def has_marks(self) -> bool:
        return self.qtype != "description"


class Quiz(TimestampMixin, Base):
    """A course's quiz, kept in line with the course's quiz settings by course sync."""

    __tablename__ = "quiz"
    __table_args__ = (
        CheckConstraint("pass_mark > 0 AND pass_mark <= 100", name="pass_mark"),
        CheckConstraint("attempts_allowed >= 0", name="attempts_not_negative"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes > 0", name="time_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[float] = mapped_column(default=70.0)
    attempts_allowed: Mapped[int] = mapped_column(default=3)  # 0 = unlimited
    time_limit_minutes: Mapped[int | None]
    review: Mapped[str] = mapped_column(String(16), default="after_each")
    # [{category, count}]; empty means every live question of the bank.
    draw: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)

    course: Mapped[Course] = relationship(lazy="joined")

    @property
    def unlimited(self) -> bool:
        return self.attempts_allowed == 0


class QuizAttempt(Base):
    """One try at a quiz by one employee; its questions and their layouts are fixed when it starts."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        # The attempt limit holds under concurrent starts: two requests cannot both take number N.
        UniqueConstraint("employee_id", "quiz_id", "number"),
        # At most one open attempt per person and quiz, whatever the application does.
        Index("uq_quiz_attempt_open", "employee_id", "quiz_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        Index("ix_quiz_attempt_quiz_state", "quiz_id", "state"),
        CheckConstraint(_in_list("state", ATTEMPT_STATES), name="state"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("(state = 'in_progress') = (submitted_at IS NULL)", name="submitted_when_closed"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= max_score)", name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    number: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    last_saved_at: Mapped[datetime | None]
    saves: Mapped[int] = mapped_column(default=0)  # answers saved so far: a submit graded on older ones grades again
    submitted_at: Mapped[datetime | None]
    graded_at: Mapped[datetime | None]
    timed_out: Mapped[bool] = mapped_column(default=False)
    max_score: Mapped[float] = mapped_column(default=0.0)
    score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]

    quiz: Mapped[Quiz] = relationship(lazy="joined")
    employee: Mapped[Employee] = relationship()
    slots: Mapped[list[QuizSlot]] = relationship(
        back_populates="attempt", order_by="QuizSlot.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_open(self) -> bool:
        return self.state == "in_progress"


class QuizSlot(Base):
    """One question of an attempt: the question version, its per-attempt layout, the answer and its grade."""

    __tablename__ = "quiz_slot"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        CheckConstraint("fraction IS NULL OR (fraction >= 0 AND fraction <= 1)", name="fraction_in_range"),
        CheckConstraint("marks >= 0", name="marks_not_negative"),
        CheckConstraint("mark_points IS NULL OR mark_points >= 0", name="mark_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_question.id"), index=True)
    marks: Mapped[float] = mapped_column(default=1.0)
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the browser sent (choice keys or text), checked against the layout when saved.
    response: Mapped[dict | list | str | None] = mapped_column(JSON)
    answered: Mapped[bool] = mapped_column(default=False)
    saved_at: Mapped[datetime | None]
    fraction: Mapped[float | None]
    feedback: Mapped[list] = mapped_column(JSON, default=list)
    needs_marking: Mapped[bool] = mapped_column(default=False)
    mark_points: Mapped[int | None]
    mark_comment: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    marked_at: Mapped[datetime | None]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="slots")
    question: Mapped[QuizQuestion] = relationship(lazy="joined")
    marked_by: Mapped[Employee | None] = relationship()


class QuizResponseChoice(Base):
    """One choice made in a graded slot (an answer, true/false, a matched pair, a typed value), for statistics."""

    __tablename__ = "quiz_response_choice"
    __table_args__ = (
        UniqueConstraint("slot_id", "choice"),
        Index("ix_quiz_response_choice_question", "question_id", "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("quiz_slot.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_question.id"))
    choice: Mapped[str] = mapped_column(String(255))


class QuizBankUpload(Base):
    """A GIFT file uploaded through the web, kept between its preview and its confirmation."""

    __tablename__ = "quiz_bank_upload"
    __table_args__ = (CheckConstraint(_in_list("status", UPLOAD_STATES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    match_grades: Mapped[str] = mapped_column(String(8), default="error")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    summary: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    uploaded_by: Mapped[Employee] = relationship()
