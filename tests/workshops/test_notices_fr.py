"""Workshop e-mails go out in the language each recipient chose, whoever triggers them; English otherwise."""
from __future__ import annotations

from babel.dates import format_date
from icalendar import Calendar
from sqlalchemy import select

from lms.notify.models import OutboxMessage
from lms.workshops.booking import book_seat, cancel_booking


def _messages(db, to: str) -> list[OutboxMessage]:
    return [m for m in db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars() if to in m.recipients]


def test_each_recipient_gets_the_notice_in_their_own_language(app, db, make_session, staff):
    session = make_session(capacity=1)
    french, english = staff(session.site, 2)
    french.language, english.language = "fr", None  # no choice: English
    db.session.commit()
    # An English-speaking request books both; the notices follow the recipients, not the request.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        booking = book_seat(french, french, session)
        book_seat(english, english, session)
        db.session.commit()
        cancel_booking(french, booking)
        db.session.commit()

    confirmation, cancelled = _messages(db, french.email)
    day = format_date(session.day1, "dd MMMM", locale="fr")
    assert confirmation.subject == f"Inscription confirmée : {session.course.title}, {day}"
    assert confirmation.text_body.startswith(f"Bonjour {french.full_name},")
    assert format_date(session.day1, "EEEE dd MMMM", locale="fr") in confirmation.text_body
    invite = Calendar.from_ical(next(a for a in confirmation.attachments if a.filename == "invite.ics").content)
    assert str(invite.walk("VEVENT")[0]["summary"]).endswith("jour 1 sur 2")
    assert cancelled.subject.startswith("Annulation :") and "est annulée" in cancelled.text_body

    waitlisted, promoted = _messages(db, english.email)
    assert waitlisted.subject.startswith("Waitlisted:") and waitlisted.text_body.startswith("Hello ")
    assert promoted.subject.startswith("You have a seat:")


def test_the_certification_reminder_speaks_the_trainers_language(db, certified, make_room):
    from datetime import date, timedelta

    from lms.trainers.reminders import send_certification_reminders

    room = make_room()
    trainer = certified(room.site, issued_on=date.today() - timedelta(days=700), language="fr")
    assert send_certification_reminders(date.today()) == 1
    db.session.commit()
    (reminder,) = _messages(db, trainer.email)
    assert reminder.subject.startswith("Votre certification de formateur prend fin le ")
    assert "Demandez la mise en situation courte de recertification" in reminder.text_body
