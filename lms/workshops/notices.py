"""What people are told about their workshop bookings, by e-mail with a calendar invite."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from lms.extensions import db
from lms.notify.daily import daily_job
from lms.workshops.invites import session_invite
from lms.workshops.models import Booking, WorkshopSession

REMINDER_WORKING_DAYS = 2


def _queue(booking: Booking, subject: str, text: str, *, cancel: bool = False, dedupe_key: str | None = None):
    from lms.notify.outbox import queue_email

    invite = session_invite(booking.session, booking.employee, cancel=cancel)
    method = "CANCEL" if cancel else "REQUEST"
    return queue_email(
        booking.employee.email, subject, text,
        attachments=[("invite.ics", f"text/calendar; method={method}; charset=utf-8", invite)],
        dedupe_key=dedupe_key,
    )


def _when(session: WorkshopSession) -> str:
    return (f"{session.day1:%A %d %B} and {session.day2:%A %d %B %Y}, {session.start_time:%H:%M} to "
            f"{session.end_time:%H:%M}, in {session.room.name} at {session.site.name}")


def _link(session: WorkshopSession) -> str:
    try:
        return url_for("workshops.session_page", session_id=session.id, _external=True)
    except RuntimeError:  # outside a request (CLI, jobs): build from the configured base URL
        return f"{current_app.config.get('LMS_BASE_URL', 'http://127.0.0.1:5000')}/workshops/sessions/{session.id}"


def _greeting(booking: Booking) -> str:
    return f"Hello {booking.employee.full_name},\n\n"


def booking_made(booking: Booking) -> None:
    """Confirmation with the invite, or a waitlist notice without one."""
    session = booking.session
    if booking.status == "booked":
        _queue(booking, f"Booked: {session.course.title}, {session.day1:%d %B}",
               _greeting(booking) + f"You are booked on {session.course.title}: {_when(session)}.\n\n"
               f"The invite is attached. Details and cancellation: {_link(session)}\n")
    else:
        from lms.notify.outbox import queue_email

        queue_email(booking.employee.email, f"Waitlisted: {session.course.title}, {session.day1:%d %B}",
                    _greeting(booking) + f"{booking.waitlist_reason}\n\nSession: {_when(session)}.\n{_link(session)}\n")


def promoted(booking: Booking) -> None:
    """A waitlisted person got a seat."""
    session = booking.session
    _queue(booking, f"You have a seat: {session.course.title}, {session.day1:%d %B}",
           _greeting(booking) + f"A seat freed up and it is yours: {_when(session)}.\n\nThe invite is attached. {_link(session)}\n")


def booking_cancelled(booking: Booking) -> None:
    """The booking ended; calendars drop the entries."""
    session = booking.session
    if booking.day1_present is not None:
        return
    text = _greeting(booking) + f"Your booking on {session.course.title} ({_when(session)}) is cancelled.\n"
    if booking.cancel_reason:
        text += f"\n{booking.cancel_reason}\n"
    text += f"\nYou can book another session: {_link(session).rsplit('/sessions/', 1)[0]}\n"
    _queue(booking, f"Cancelled: {session.course.title}, {session.day1:%d %B}", text, cancel=True)


def session_changed(session: WorkshopSession, changed: list[str]) -> None:
    """Everyone booked gets the updated invite (a higher SEQUENCE replaces the old one)."""
    for booking in db.session.execute(select(Booking).where(Booking.session_id == session.id, Booking.status == "booked")).scalars():
        _queue(booking, f"Changed: {session.course.title}, {session.day1:%d %B}",
               _greeting(booking) + f"Your workshop changed ({', '.join(changed)}). It is now: {_when(session)}.\n\n"
               f"The updated invite is attached. {_link(session)}\n")


@daily_job("workshop-reminders")
def send_reminders(today: date) -> int:
    """Remind everyone booked on a session that starts in two working days; each booking once."""
    from lms.workshops.calendar import site_calendar

    count = 0
    candidates = db.session.execute(
        select(Booking).join(WorkshopSession).where(Booking.status == "booked", WorkshopSession.status == "open",
                                                   WorkshopSession.day1 > today, WorkshopSession.day1 <= today + timedelta(days=14))
    ).scalars()
    for booking in candidates:
        calendar = site_calendar(booking.session.site)
        day = today
        for _ in range(REMINDER_WORKING_DAYS):
            day = calendar.next_working_day(day)
        if booking.session.day1 != day:
            continue
        queued = _queue(booking, f"Reminder: {booking.session.course.title} starts {booking.session.day1:%A %d %B}",
                        _greeting(booking) + f"A reminder: {_when(booking.session)}.\n\n{_link(booking.session)}\n",
                        dedupe_key=f"workshop-reminder:{booking.id}")
        count += queued is not None
    return count
