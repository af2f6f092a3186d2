"""One audit event per changed row (or one summary per bulk statement)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, utcnow
from lms.org.models import Employee

ACTIONS = ("insert", "update", "delete", "bulk")


class AuditEvent(Base):
    """Who changed what, when, and the values before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (
        CheckConstraint("action IN ('insert', 'update', 'delete', 'bulk')", name="action"),
        Index("ix_audit_event_table_row", "table_name", "row_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(300))
    actor_roles: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str] = mapped_column(String(100), index=True)
    row_id: Mapped[str] = mapped_column(String(100), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[Employee | None] = relationship()
