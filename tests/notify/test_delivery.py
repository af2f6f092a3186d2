"""Delivery through each backend: a real SMTP round trip, the console, retries with backoff, permanent refusals."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from lms.config import ConfigError
from lms.core.models import utcnow
from lms.notify.backends import ConsoleBackend, backend_names, check_mail_config
from lms.notify.delivery import CLAIM_LEASE, deliver_due, retry_delay
from lms.notify.outbox import queue_email
from tests.notify.conftest import free_port, only_message

INVITE = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
          b"UID:session-7-day-1@example.test\r\nSEQUENCE:0\r\nDTSTART:20270302T090000Z\r\n"
          b"DTEND:20270302T170000Z\r\nSUMMARY:Service Problem Solving \xe2\x80\x93 day 1\r\nEND:VEVENT\r\n"
          b"END:VCALENDAR\r\n")


def test_smtp_round_trip_with_a_calendar_invite(db, smtp_backend, mail):
    mail(LMS_MAIL_FROM="learning@corp.test")
    queue_email(["ann@example.test", "bob@example.test"], "Booked: Service Problem Solving, 2 March",
                "You are booked.\n", html="<p>You are <b>booked</b>.</p>",
                attachments=[("invite.ics", "text/calendar; method=REQUEST; charset=utf-8", INVITE),
                             ("agenda.pdf", "application/pdf", b"%PDF-1.7 agenda")])
    db.session.commit()

    assert len(smtp_backend.received) == 1
    got = smtp_backend.received[0]
    assert got.mail_from == "learning@corp.test"
    assert sorted(got.rcpt_tos) == ["ann@example.test", "bob@example.test"]
    email = got.message
    assert email["Subject"] == "Booked: Service Problem Solving, 2 March"
    assert email["From"] == "learning@corp.test"
    assert email["To"] == "ann@example.test, bob@example.test"
    assert email.get_body(("plain",)).get_content().replace("\r\n", "\n") == "You are booked.\n"
    assert "<b>booked</b>" in email.get_body(("html",)).get_content()

    calendars = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    invite = calendars[0]
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_content_charset() == "utf-8"
    assert "UID:session-7-day-1@example.test" in invite.get_content()
    assert "Service Problem Solving – day 1" in invite.get_content()
    files = {p.get_filename(): p for p in email.iter_attachments()}
    assert set(files) == {"invite.ics", "agenda.pdf"}
    assert files["invite.ics"].get_content() == INVITE
    assert files["agenda.pdf"].get_content() == b"%PDF-1.7 agenda"

    stored = only_message(db)
    assert (stored.status, stored.backend, stored.attempts, stored.last_error) == ("sent", "smtp", 1, None)
    assert email["Message-ID"] == stored.message_id


def test_console_backend_prints_the_message(db, mail, capsys):
    mail(LMS_MAIL_BACKEND="console")
    queue_email("ann@example.test", "Waitlisted", "You are on the waitlist.",
                attachments=[("invite.ics", "text/calendar; method=REQUEST", INVITE)])
    db.session.commit()
    out = capsys.readouterr().out
    assert "To: ann@example.test" in out
    assert "Subject: Waitlisted" in out
    assert "You are on the waitlist." in out
    assert "[attachment: invite.ics" in out
    assert only_message(db).backend == "console"


def test_console_backend_writes_to_a_given_stream():
    from lms.notify.mime import build_message

    stream = io.StringIO()
    ConsoleBackend({}, stream=stream).send(
        build_message(sender="a@example.test", recipients=["b@example.test"], subject="Hi", text="Body"), ["b@example.test"])
    assert "Subject: Hi" in stream.getvalue() and "Body" in stream.getvalue()


def test_unreachable_server_is_retried_with_backoff_then_marked_failed(db, mail):
    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_SMTP_TIMEOUT=5,
         LMS_MAIL_MAX_ATTEMPTS=3, LMS_MAIL_RETRY_SECONDS=60)
    queue_email("ann@example.test", "Reminder", "Tomorrow.")
    db.session.commit()  # the first attempt runs right after the commit

    first = only_message(db)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    due = first.next_attempt_at
    assert due > first.created_at

    # Not due yet: nothing is tried.
    assert str(deliver_due(now=due - timedelta(seconds=1))) == "0 sent, 0 to retry, 0 failed"
    assert only_message(db).attempts == 1

    report = deliver_due(now=due)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    second = only_message(db)
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.next_attempt_at - due == retry_delay({"LMS_MAIL_RETRY_SECONDS": 60}, 2) == timedelta(minutes=4)

    report = deliver_due(now=second.next_attempt_at)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    last = only_message(db)
    assert (last.status, last.attempts, last.sent_at) == ("failed", 3, None)
    assert "ConnectionRefusedError" in last.last_error
    # A failed message is kept, and never picked up again by itself.
    assert str(deliver_due(now=last.next_attempt_at + timedelta(days=1))) == "0 sent, 0 to retry, 0 failed"


def test_a_retry_succeeds_once_the_server_answers(db, mail, smtp_server):
    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_SMTP_TIMEOUT=5)
    queue_email("ann@example.test", "Reminder", "Tomorrow.")
    db.session.commit()
    failed_once = only_message(db)
    assert failed_once.status == "pending"
    mail(LMS_SMTP_PORT=smtp_server.port)
    assert deliver_due(now=failed_once.next_attempt_at).sent == 1
    sent = only_message(db)
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert "ConnectionRefusedError" not in (sent.last_error or "")
    assert [r.rcpt_tos for r in smtp_server.handler.received] == [["ann@example.test"]]


def test_a_permanent_refusal_fails_at_once(db, smtp_backend):
    smtp_backend.refuse.add("gone@example.test")
    queue_email("gone@example.test", "Reminder", "Tomorrow.")
    db.session.commit()
    message = only_message(db)
    assert (message.status, message.attempts) == ("failed", 1)
    assert "550" in message.last_error and "gone@example.test" in message.last_error
    assert smtp_backend.received == []


def test_a_temporary_refusal_is_retried(db, smtp_backend):
    smtp_backend.defer.add("busy@example.test")
    queue_email("busy@example.test", "Reminder", "Tomorrow.")
    db.session.commit()
    message = only_message(db)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "451" in message.last_error


def test_some_recipients_refused_still_sends_and_notes_them(db, smtp_backend):
    smtp_backend.refuse.add("gone@example.test")
    queue_email(["ann@example.test", "gone@example.test"], "Notice", "Hello.")
    db.session.commit()
    message = only_message(db)
    assert message.status == "sent"
    assert message.last_error.startswith("refused: gone@example.test: 550")
    assert [r.rcpt_tos for r in smtp_backend.received] == [["ann@example.test"]]


def test_two_deliveries_at_once_send_a_message_once(db, smtp_server, mail):
    """A claim is a conditional update: whoever claims second gets nothing to send."""
    from lms.notify import delivery

    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_SMTP_TIMEOUT=5)
    queue_email("ann@example.test", "Once", "Only once.")
    db.session.commit()  # the first attempt fails: the server is not there yet
    pending = only_message(db)
    now = pending.next_attempt_at
    mail(LMS_SMTP_PORT=smtp_server.port)
    with delivery.Session(db.engine) as one, delivery.Session(db.engine) as two:
        assert delivery._claim(one, pending.id, now) is True
        assert delivery._claim(two, pending.id, now) is False
    assert only_message(db).status == "sending"
    assert deliver_due(now=now).sent == 0  # claimed, and the claim has not expired
    # A claim abandoned by a dead worker is taken over after the lease.
    assert deliver_due(now=now + CLAIM_LEASE).sent == 1
    assert len(smtp_server.handler.received) == 1
    assert only_message(db).attempts == 3


def test_mail_settings_are_checked_at_start_up(app):
    base = dict(app.config)
    assert {"outbox", "console", "smtp"} <= set(backend_names())
    with pytest.raises(ConfigError, match="LMS_MAIL_BACKEND='pigeon'"):
        check_mail_config(base | {"LMS_MAIL_BACKEND": "pigeon"})
    with pytest.raises(ConfigError, match="exclude each other"):
        check_mail_config(base | {"LMS_SMTP_SSL": True, "LMS_SMTP_STARTTLS": True})
    with pytest.raises(ConfigError, match="at least 1"):
        check_mail_config(base | {"LMS_MAIL_MAX_ATTEMPTS": 0})
