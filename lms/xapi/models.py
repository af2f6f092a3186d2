"""Recorded xAPI statements: written in the learner's transaction, sent to the learning record store by a job.

`subject` names the fact a statement reports (a completion, a graded attempt, an attendance); a
fact has at most one live (unvoided) statement, so recording it twice records it once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.models import Base, utcnow

STATUSES = ("pending", "sending", "sent", "failed")


class XapiStatement(Base):
    """One statement and its delivery state."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("uq_xapi_statement_live_subject", "subject", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
        # The delivery job finds due statements through this index.
        Index("ix_xapi_statement_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(String(120))
    verb: Mapped[str] = mapped_column(String(16))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    statement: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a pending statement may next be tried; while sending, when an abandoned claim may be taken over.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<XapiStatement {self.id} {self.verb} {self.subject} {self.status}>"
