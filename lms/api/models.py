"""Personal API tokens: only a SHA-256 of each token is stored, with a short hint to recognize it by."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, utcnow
from lms.org.models import Employee


class ApiToken(Base):
    """A read-only token a leader or admin gave a BI tool; revoked, never deleted."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Hex SHA-256 of the whole token; the token itself is shown once and kept nowhere.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(20))
    # The one-time value of the form that created it: the same form sent again creates nothing.
    form_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    owner: Mapped[Employee] = relationship(foreign_keys=[owner_id])
    revoked_by: Mapped[Employee | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
