"""What people are told about their workshop bookings, by e-mail with a calendar invite."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.extensions import db
from lms.notify.daily import daily_job
from lms.notify.language import in_language_of
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


# What changed in a session, as change_session names it.
CHANGES = {"room": _l("room"), "dates": _l("dates"), "start": _l("start time"), "end": _l("end time"),
           "capacity": _l("number of seats"), "trainers": _l("trainers"), "note": _l("note")}


def _when(session: WorkshopSession) -> str:
    return gettext("%(day1)s and %(day2)s, %(start)s to %(end)s, in %(room)s at %(site)s",
                   day1=format_date(session.day1, "EEEE dd MMMM"), day2=format_date(session.day2, "EEEE dd MMMM y"),
                   start=session.start_time.strftime("%H:%M"), end=session.end_time.strftime("%H:%M"), room=session.room.name,
                   site=session.site.name)


def _day(day: date, pattern: str = "dd MMMM") -> str:
    return format_date(day, pattern)


def _link(session: WorkshopSession) -> str:
    try:
        return url_for("workshops.session_page", session_id=session.id, _external=True)
    except RuntimeError:  # outside a request (CLI, jobs): build from the configured base URL
        return f"{current_app.config.get('LMS_BASE_URL', 'http://127.0.0.1:5000')}/workshops/sessions/{session.id}"


def _greeting(booking: Booking) -> str:
    return gettext("Hello %(name)s,", name=booking.employee.full_name) + "\n\n"


def booking_made(booking: Booking) -> None:
    """Confirmation with the invite, or a waitlist notice without one, in the person's language."""
    session = booking.session
    course = session.course.title
    with in_language_of(booking.employee):
        if booking.status == "booked":
            _queue(booking, gettext("Booked: %(course)s, %(day)s", course=course, day=_day(session.day1)),
                   _greeting(booking) + gettext("You are booked on %(course)s: %(when)s.", course=course, when=_when(session))
                   + "\n\n" + gettext("The invite is attached. Details and cancellation: %(link)s", link=_link(session)) + "\n")
        else:
            from lms.notify.outbox import queue_email

            queue_email(booking.employee.email, gettext("Waitlisted: %(course)s, %(day)s", course=course, day=_day(session.day1)),
                        _greeting(booking) + f"{booking.waitlist_reason}\n\n"
                        + gettext("Session: %(when)s.", when=_when(session)) + f"\n{_link(session)}\n")


def promoted(booking: Booking) -> None:
    """A waitlisted person got a seat."""
    session = booking.session
    with in_language_of(booking.employee):
        _queue(booking, gettext("You have a seat: %(course)s, %(day)s", course=session.course.title, day=_day(session.day1)),
               _greeting(booking) + gettext("A seat freed up and it is yours: %(when)s.", when=_when(session)) + "\n\n"
               + gettext("The invite is attached. %(link)s", link=_link(session)) + "\n")


def booking_cancelled(booking: Booking) -> None:
    """The booking ended; calendars drop the entries."""
    session = booking.session
    if booking.day1_present is not None:
        return
    with in_language_of(booking.employee):
        text = _greeting(booking) + gettext("Your booking on %(course)s (%(when)s) is cancelled.", course=session.course.title,
                                            when=_when(session)) + "\n"
        if booking.cancel_reason:
            text += f"\n{booking.cancel_reason}\n"
        text += "\n" + gettext("You can book another session: %(link)s", link=_link(session).rsplit('/sessions/', 1)[0]) + "\n"
        _queue(booking, gettext("Cancelled: %(course)s, %(day)s", course=session.course.title, day=_day(session.day1)), text,
               cancel=True)


def session_changed(session: WorkshopSession, changed: list[str]) -> None:
    """Everyone booked gets the updated invite (a higher SEQUENCE replaces the old one)."""
    for booking in db.session.execute(select(Booking).where(Booking.session_id == session.id, Booking.status == "booked")).scalars():
        with in_language_of(booking.employee):
            what = ", ".join(str(CHANGES.get(name, name)) for name in changed)
            _queue(booking, gettext("Changed: %(course)s, %(day)s", course=session.course.title, day=_day(session.day1)),
                   _greeting(booking) + gettext("Your workshop changed (%(changes)s). It is now: %(when)s.", changes=what,
                                                when=_when(session)) + "\n\n"
                   + gettext("The updated invite is attached. %(link)s", link=_link(session)) + "\n")


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
        with in_language_of(booking.employee):
            queued = _queue(booking, gettext("Reminder: %(course)s starts %(day)s", course=booking.session.course.title,
                                             day=_day(booking.session.day1, "EEEE dd MMMM")),
                            _greeting(booking) + gettext("A reminder: %(when)s.", when=_when(booking.session))
                            + f"\n\n{_link(booking.session)}\n",
                            dedupe_key=f"workshop-reminder:{booking.id}")
        count += queued is not None
    return count
