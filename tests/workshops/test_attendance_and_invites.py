"""The sign-in sheet, no-shows, completion, invites parsed back with icalendar, notices, feeds and reminders."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from lms.core.errors import PermissionDenied, ValidationFailed
from lms.learning.progress import find_enrolment
from lms.notify.models import OutboxMessage
from lms.workshops.attendance import record_attendance
from lms.workshops.booking import book_seat, cancel_booking
from lms.workshops.invites import session_invite
from lms.workshops.models import Booking, WorkshopSession
from lms.workshops.notices import send_reminders
from tests.workshops.conftest import working_day_after


def move_to_past(db, session, days_ago: int = 7):
    """Shift a session (booked while in the future) back in time."""
    day1 = date.today() - timedelta(days=days_ago)
    while day1.weekday() >= 4:
        day1 -= timedelta(days=1)
    db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id)
                       .values(day1=day1, day2=day1 + timedelta(days=1)))
    db.session.commit()
    db.session.refresh(session)


def messages(db, to: str) -> list[OutboxMessage]:
    return [m for m in db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars() if to in m.recipients]


def test_trainer_marks_both_days_and_no_show_returns_to_pool(db, make_session, staff, make_employee):
    trainer = make_employee(roles=("trainer",))
    session = make_session(trainer=trainer)
    present, absent = staff(session.site, 2)
    bookings = [book_seat(p, p, session) for p in (present, absent)]
    db.session.commit()
    move_to_past(db, session)
    record_attendance(trainer, session, {bookings[0].id: (True, True), bookings[1].id: (True, False)}, date.today())
    db.session.commit()
    assert (bookings[0].status, bookings[1].status) == ("booked", "no_show")
    # the no-show can book another session
    again = make_session(room=session.room, day1=working_day_after(21))
    assert book_seat(absent, absent, again).status == "booked"


def test_only_the_sessions_trainers_mark_and_not_future_days(db, make_session, staff, make_employee):
    trainer = make_employee(roles=("trainer",))
    session = make_session(trainer=trainer)
    person = staff(session.site, 1)[0]
    booking = book_seat(person, person, session)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        record_attendance(make_employee(roles=("trainer",)), session, {booking.id: (True, None)}, date.today())
    with pytest.raises(ValidationFailed, match="has not happened yet"):
        record_attendance(trainer, session, {booking.id: (True, None)}, date.today())


def test_attendance_and_passed_assessment_complete_the_workshop(db, make_session, staff, make_employee, workshop):
    from lms.learning.progress import complete_module

    trainer = make_employee(roles=("trainer",))
    session = make_session(trainer=trainer)
    person = staff(session.site, 1)[0]
    booking = book_seat(person, person, session)
    db.session.commit()
    enrolment = find_enrolment(person, workshop)
    for module in workshop.learner_modules:
        complete_module(person, enrolment, module)
    workshop.completion_quiz = False  # the day-2 assessment is covered by the quiz tests
    move_to_past(db, session)
    record_attendance(trainer, session, {booking.id: (True, None)}, date.today())
    db.session.commit()
    assert find_enrolment(person, workshop).completed_at is None
    record_attendance(trainer, session, {booking.id: (True, True)}, date.today())
    db.session.commit()
    assert find_enrolment(person, workshop).completed_at is not None


def test_sign_in_sheet_page_marks_everyone_at_once(client, db, make_session, staff, make_employee, login):
    trainer = make_employee(roles=("trainer",))
    session = make_session(trainer=trainer)
    people = staff(session.site, 3)
    bookings = [book_seat(p, p, session) for p in people]
    db.session.commit()
    move_to_past(db, session)
    login(trainer)
    page = client.get(f"/workshops/sessions/{session.id}/sign-in").get_data(as_text=True)
    assert all(p.full_name in page for p in people)
    form = {"all-day1": "present", "all-day2": "present", f"day2-{bookings[2].id}": "absent"}
    assert client.post(f"/workshops/sessions/{session.id}/sign-in", data=form).status_code == 302
    db.session.expire_all()
    states = [(db.session.get(Booking, b.id).day1_present, db.session.get(Booking, b.id).day2_present) for b in bookings]
    assert states == [(True, True), (True, True), (True, False)]
    client.post("/logout")
    login(make_employee(roles=("trainer",)))
    assert client.get(f"/workshops/sessions/{session.id}/sign-in").status_code == 404


def test_invite_parses_back_with_the_right_fields(db, make_session, staff):
    session = make_session()
    person = staff(session.site, 1)[0]
    session.site.timezone = "Indian/Mauritius"
    calendar = Calendar.from_ical(session_invite(session, person))
    assert str(calendar["method"]) == "REQUEST"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"workshop-session-{session.id}-day-1@service-excellence.local",
                                              f"workshop-session-{session.id}-day-2@service-excellence.local"]
    first = events[0]
    start = first.decoded("dtstart")
    assert start.date() == session.day1 and start.hour == 9 and str(start.tzinfo) == "Indian/Mauritius"
    assert int(first["sequence"]) == 0
    assert str(first["attendee"]) == f"mailto:{person.email}"
    assert calendar.walk("VTIMEZONE"), "the invite carries its time zone"
    session.sequence = 3
    cancel = Calendar.from_ical(session_invite(session, person, cancel=True))
    assert str(cancel["method"]) == "CANCEL" and int(cancel.walk("VEVENT")[0]["sequence"]) == 3
    assert str(cancel.walk("VEVENT")[1]["status"]) == "CANCELLED"


def test_booking_cancelling_and_promotion_send_notices_with_invites(db, make_session, staff):
    session = make_session(capacity=1)
    first, second = staff(session.site, 2)
    booking = book_seat(first, first, session)
    book_seat(second, second, session)
    db.session.commit()
    confirmation = messages(db, first.email)[0]
    assert confirmation.subject.startswith("Booked:")
    invite = next(a for a in confirmation.attachments if a.filename == "invite.ics")
    assert "method=REQUEST" in invite.mimetype and Calendar.from_ical(invite.content)["method"] == "REQUEST"
    assert messages(db, second.email)[0].subject.startswith("Waitlisted:")
    cancel_booking(first, booking)
    db.session.commit()
    assert messages(db, first.email)[-1].subject.startswith("Cancelled:")
    assert "method=CANCEL" in messages(db, first.email)[-1].attachments[0].mimetype
    assert messages(db, second.email)[-1].subject.startswith("You have a seat:")


def test_reminder_two_working_days_before_sent_once(db, make_session, staff):
    from lms.core.workdays import WorkCalendar

    calendar = WorkCalendar.build()
    day1 = calendar.next_working_day(calendar.next_working_day(date.today()))
    session = make_session(day1=working_day_after(30))
    person = staff(session.site, 1)[0]
    book_seat(person, person, session)  # booked while far off (booking closes a day ahead)
    db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id)
                       .values(day1=day1, day2=calendar.next_working_day(day1)))
    db.session.commit()
    assert send_reminders(date.today()) == 1
    db.session.commit()
    assert send_reminders(date.today()) == 0
    db.session.commit()
    reminders = [m for m in messages(db, person.email) if m.subject.startswith("Reminder:")]
    assert len(reminders) == 1


def test_personal_feed_is_secret_and_revocable(app, client, db, make_session, staff, login):
    session = make_session()
    person = staff(session.site, 1)[0]
    book_seat(person, person, session)
    db.session.commit()
    login(person)
    page = client.get("/workshops/my").get_data(as_text=True)
    import re

    url = re.search(r'id="feed-url" readonly value="([^"]+)"', page).group(1)
    path = url.split("//", 1)[1].split("/", 1)[1]
    feed = app.test_client().get("/" + path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) == 2
    client.post("/workshops/my/feed/renew")
    assert app.test_client().get("/" + path).status_code == 404
