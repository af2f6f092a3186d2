"""Tables of the auth domain: failed logins (the throttle's record) and single sign-on identities."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, utcnow
from lms.org.models import Employee


class LoginFailure(Base):
    """One failed login, counted against an account or a client address (stored as a hash, never in clear)."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ExternalIdentity(Base):
    """An OpenID Connect identity (issuer and subject) that logs in as an employee."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("employee_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    email_at_link: Mapped[str] = mapped_column(String(254), default="")
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    employee: Mapped[Employee] = relationship()
