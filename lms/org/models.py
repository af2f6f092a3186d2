"""Sites, departments and employees: the organization the programme reaches."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.core.roles import ALL_ROLES, Role


class DepartmentKind(StrEnum):
    FRONT_LINE = "front_line"
    INTERNAL_PROVIDER = "internal_provider"
    LEADERSHIP = "leadership"


DEPARTMENT_KINDS = tuple(k.value for k in DepartmentKind)
DEFAULT_MAX_AWAY_FRACTION = 0.2


def _in_list(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def new_session_token() -> str:
    """A fresh random token; rotating it ends every session of the account."""
    return secrets.token_urlsafe(24)


class Site(TimestampMixin, Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # ISO weekday numbers (Monday = 1) on which the site works.
    working_weekdays: Mapped[list] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5])

    departments: Mapped[list[Department]] = relationship(back_populates="site")
    # Loaded when a calendar is built, not with every site (each page shows the user's site).
    holidays: Mapped[list[SiteHoliday]] = relationship(cascade="all, delete-orphan", order_by="SiteHoliday.day")

    def __repr__(self) -> str:
        return f"<Site {self.code}>"


class SiteHoliday(Base):
    """A day on which a site does not work."""

    __tablename__ = "site_holiday"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(200), default="")


class Department(TimestampMixin, Base):
    __tablename__ = "department"
    __table_args__ = (
        CheckConstraint(_in_list("kind", DEPARTMENT_KINDS), name="kind"),
        CheckConstraint("max_away_fraction > 0 AND max_away_fraction <= 1", name="max_away_fraction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    max_away_fraction: Mapped[float] = mapped_column(default=DEFAULT_MAX_AWAY_FRACTION)

    site: Mapped[Site] = relationship(back_populates="departments")
    employees: Mapped[list[Employee]] = relationship(back_populates="department")

    @property
    def kind_label(self) -> str:
        return self.kind.replace("_", " ")

    def max_away(self, headcount: int) -> int:
        """How many of `headcount` people may be away on one day: the staffing floor, at least 1."""
        return max(1, int(headcount * self.max_away_fraction + 1e-9))

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class EmployeeRole(Base):
    """One role held by one employee (learner is implied and never stored)."""

    __tablename__ = "employee_role"
    __table_args__ = (CheckConstraint(_in_list("role", ALL_ROLES), name="role"),)

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Employee(TimestampMixin, Base):
    """A person on the roster; also the login account when a password is set."""

    __tablename__ = "employee"
    __table_args__ = (
        UniqueConstraint("employee_no"),
        # An e-mail is unique among active employees; a leaver's address may be reused.
        Index(
            "uq_employee_email_active",
            "email",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(254), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    hire_date: Mapped[date | None]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None]
    # The language the person chose for the platform (lms.core.i18n.LANGUAGES); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(8))

    department: Mapped[Department] = relationship(back_populates="employees", lazy="joined")
    manager: Mapped[Employee | None] = relationship(remote_side=[id], back_populates="reports")
    reports: Mapped[list[Employee]] = relationship(back_populates="manager")
    role_rows: Mapped[list[EmployeeRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # --- roles -------------------------------------------------------------
    @property
    def roles(self) -> set[str]:
        return {Role.LEARNER.value} | {r.role for r in self.role_rows}

    def set_roles(self, roles) -> None:
        """Replace the stored roles (learner is implied and dropped)."""
        wanted = {str(r) for r in roles} - {Role.LEARNER.value}
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        have = {r.role for r in self.role_rows}
        self.role_rows.extend(EmployeeRole(role=r) for r in sorted(wanted - have))

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.roles

    def has_any_role(self, *roles: Role | str) -> bool:
        return any(self.has_role(r) for r in roles)

    # --- Flask-Login -------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The token makes the session cookie die when the token rotates.
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<Employee {self.employee_no} {self.email}>"


class RosterUpload(Base):
    """A roster file uploaded through the web, kept between its preview and its confirmation."""

    __tablename__ = "roster_upload"
    __table_args__ = (CheckConstraint("status IN ('pending', 'applied', 'discarded')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes]
    deactivate_missing: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None]
    summary: Mapped[str] = mapped_column(String(500), default="")

    uploaded_by: Mapped[Employee] = relationship()
