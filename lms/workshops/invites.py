"""iCalendar invites and personal feeds (built with the icalendar package)."""
from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from icalendar import Calendar, Event, vCalAddress, vText
from sqlalchemy import select

from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Employee
from lms.workshops.models import Booking, CalendarFeed, SessionTrainer, WorkshopSession

PRODID = "-//Service Excellence//Workshops//EN"


def uid(session: WorkshopSession, day_number: int) -> str:
    """A stable UID per session day, so updates replace the same calendar entries."""
    domain = current_app.config.get("LMS_CALENDAR_DOMAIN", "service-excellence.local")
    return f"workshop-session-{session.id}-day-{day_number}@{domain}"


def _events(session: WorkshopSession, status: str, attendee: Employee | None) -> list[Event]:
    zone = ZoneInfo(session.site.timezone or "UTC")
    trainers = ", ".join(t.full_name for t in session.trainers)
    organizer = current_app.config.get("LMS_MAIL_FROM", "learning@localhost")
    events = []
    for number, day in enumerate(session.days, start=1):
        event = Event()
        event.add("uid", uid(session, number))
        event.add("sequence", session.sequence)
        event.add("dtstamp", utcnow())
        event.add("dtstart", datetime.combine(day, session.start_time, tzinfo=zone))
        event.add("dtend", datetime.combine(day, session.end_time, tzinfo=zone))
        event.add("summary", gettext("%(course)s, day %(n)s of 2", course=session.course.title, n=number))
        event.add("location", f"{session.room.name}, {session.site.name}")
        event.add("description", gettext("Trainers: %(names)s.", names=trainers) + ((" " + session.note) if session.note else ""))
        event.add("status", status)
        event["organizer"] = vCalAddress(f"mailto:{organizer}")
        event["organizer"].params["cn"] = vText("Service Excellence")
        if attendee is not None:
            address = vCalAddress(f"mailto:{attendee.email}")
            address.params["cn"] = vText(attendee.full_name)
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=0)
        events.append(event)
    return events


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def session_invite(session: WorkshopSession, attendee: Employee, cancel: bool = False) -> bytes:
    """METHOD:REQUEST (or CANCEL) for both days of a session, addressed to one person."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    for event in _events(session, "CANCELLED" if cancel or session.status == "cancelled" else "CONFIRMED", attendee):
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed(employee: Employee) -> bytes:
    """Everything the person attends or delivers, as a subscribable calendar."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Service Excellence workshops")
    attending = select(WorkshopSession).join(Booking, Booking.session_id == WorkshopSession.id).where(
        Booking.employee_id == employee.id, Booking.status == "booked")
    delivering = select(WorkshopSession).join(SessionTrainer, SessionTrainer.session_id == WorkshopSession.id).where(
        SessionTrainer.employee_id == employee.id)
    sessions: dict[int, WorkshopSession] = {}
    for statement in (attending, delivering):
        for session in db.session.execute(statement).scalars():
            sessions[session.id] = session
    for session in sorted(sessions.values(), key=lambda s: s.day1):
        status = "CANCELLED" if session.status == "cancelled" else "CONFIRMED"
        for event in _events(session, status, None):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_token(employee: Employee, *, renew: bool = False) -> str:
    """The person's secret feed token, created on first use; `renew` revokes the old URL."""
    row = db.session.execute(select(CalendarFeed).where(CalendarFeed.employee_id == employee.id)).scalar_one_or_none()
    if row is None:
        row = CalendarFeed(employee_id=employee.id, token=secrets.token_urlsafe(32))
        db.session.add(row)
    elif renew:
        row.token, row.created_at = secrets.token_urlsafe(32), utcnow()
    db.session.flush()
    return row.token


def employee_for_feed(token: str) -> Employee | None:
    """Whose feed this token opens, if it is current and they are active."""
    row = db.session.execute(select(CalendarFeed).where(CalendarFeed.token == token)).scalar_one_or_none()
    if row is None:
        return None
    employee = db.session.get(Employee, row.employee_id)
    return employee if employee is not None and employee.active else None
