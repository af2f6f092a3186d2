"""The transactional outbox: every e-mail the platform sends, with its attachments and delivery state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, utcnow

STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(Base):
    """One e-mail: queued in the sender's transaction, delivered by a job after it commits."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        # The delivery job claims due messages through this index.
        Index("ix_outbox_message_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    # Unique, so the same reminder cannot be queued twice, even by two workers at once.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    backend: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a pending message may next be tried; while sending, when an abandoned claim may be taken over.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="message", order_by="OutboxAttachment.position", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} {self.subject!r}>"


class OutboxAttachment(Base):
    """A file sent with a message, e.g. an iCalendar invite (`text/calendar; method=REQUEST`)."""

    __tablename__ = "outbox_attachment"
    __table_args__ = (UniqueConstraint("message_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"))
    position: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    @property
    def size(self) -> int:
        return len(self.content)
