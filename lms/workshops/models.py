"""Rooms, two-day sessions, bookings with waitlists and attendance, calendar feeds.

Invariants live in the database: a room or a trainer is used by one session a day
(unique room_day / trainer_day rows), seats never exceed capacity (a check on the
maintained seats_taken counter, moved only by conditional updates), a department's
people away per day are counted in department_day, and an employee has at most one
active booking per workshop course (a partial unique index).
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.models import Base, TimestampMixin, utcnow
from lms.learning.models import Course
from lms.org.models import Employee, Site

SESSION_STATUSES = ("draft", "open", "cancelled", "completed")
BOOKING_STATUSES = ("booked", "waitlisted", "cancelled", "no_show")
ACTIVE_BOOKING = ("booked", "waitlisted")


class Room(TimestampMixin, Base):
    __tablename__ = "room"
    __table_args__ = (UniqueConstraint("site_id", "name"), CheckConstraint("capacity > 0", name="capacity_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(lazy="joined")
    closures: Mapped[list[RoomClosure]] = relationship(cascade="all, delete-orphan", order_by="RoomClosure.day",
                                                       lazy="selectin")


class RoomClosure(Base):
    """A day a room cannot be used."""

    __tablename__ = "room_closure"
    __table_args__ = (UniqueConstraint("room_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")


class WorkshopSession(TimestampMixin, Base):
    """One two-day delivery of the workshop in one room."""

    __tablename__ = "workshop_session"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'cancelled', 'completed')", name="status"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
        CheckConstraint("day2 > day1", name="day2_after_day1"),
        CheckConstraint("end_time > start_time", name="ends_after_start"),
        Index("ix_workshop_session_site_day1", "site_id", "day1"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    day1: Mapped[date]
    day2: Mapped[date]
    start_time: Mapped[time]
    end_time: Mapped[time]
    capacity: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # Raised on every change, so that calendar clients replace the old invite (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))

    course: Mapped[Course] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    room: Mapped[Room] = relationship(lazy="joined")
    trainer_links: Mapped[list[SessionTrainer]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def trainers(self) -> list[Employee]:
        return [link.trainer for link in self.trainer_links]

    @property
    def days(self) -> tuple[date, date]:
        return (self.day1, self.day2)

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    def display_status(self, today: date) -> str:
        """draft, open, full, in progress, completed or cancelled."""
        if self.status in ("draft", "cancelled", "completed"):
            return self.status
        if self.day1 <= today <= self.day2:
            return "in progress"
        if today > self.day2:
            return "completed"
        return "full" if self.seats_taken >= self.capacity else "open"


class SessionTrainer(Base):
    __tablename__ = "session_trainer"

    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True, index=True)

    trainer: Mapped[Employee] = relationship(lazy="joined")


class RoomDay(Base):
    """A room in use on a day: at most one session."""

    __tablename__ = "room_day"

    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"), index=True)


class TrainerDay(Base):
    """A trainer delivering on a day: at most one session."""

    __tablename__ = "trainer_day"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id", ondelete="CASCADE"), index=True)


class DepartmentDay(Base):
    """How many of a department are booked into sessions on a day (kept by conditional updates)."""

    __tablename__ = "department_day"
    __table_args__ = (CheckConstraint("away >= 0", name="away_not_negative"),)

    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    away: Mapped[int] = mapped_column(default=0)


class Booking(Base):
    """A seat (or a place on the waitlist) for one employee in one session."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("status IN ('booked', 'waitlisted', 'cancelled', 'no_show')", name="status"),
        Index("uq_booking_active_per_course", "employee_id", "course_id", unique=True,
              sqlite_where=text("status IN ('booked', 'waitlisted')"),
              postgresql_where=text("status IN ('booked', 'waitlisted')")),
        Index("ix_booking_session_status", "session_id", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("workshop_session.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    waitlist_reason: Mapped[str] = mapped_column(String(300), default="")
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    day1_present: Mapped[bool | None]
    day2_present: Mapped[bool | None]
    attendance_marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    attendance_marked_at: Mapped[datetime | None]

    session: Mapped[WorkshopSession] = relationship(lazy="joined")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id], lazy="joined")
    booked_by: Mapped[Employee | None] = relationship(foreign_keys=[booked_by_id])

    @property
    def attended_both_days(self) -> bool:
        return bool(self.day1_present and self.day2_present)


class CalendarFeed(Base):
    """A secret, revocable URL serving one person's workshop days as iCalendar."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

