"""queue_email: the row is added in the caller's transaction and delivered only after it commits, once."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from lms.core.errors import ValidationFailed
from lms.extensions import db as _db
from lms.notify.mime import Attachment
from lms.notify.models import OutboxAttachment, OutboxMessage
from lms.notify.outbox import queue_email
from tests.notify.conftest import only_message, outbox_count

INVITE = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_queued_message_waits_for_commit_then_is_delivered_by_the_outbox_backend(db):
    message = queue_email(["Ann@Example.test", "bob@example.test"], "Booked", "You are booked.",
                          html="<p>You are booked.</p>",
                          attachments=[("invite.ics", "text/calendar; method=REQUEST; charset=utf-8", INVITE)])
    assert message is not None
    assert message.status == "pending"
    assert message.recipients == ["ann@example.test", "bob@example.test"]
    assert [a.filename for a in message.attachments] == ["invite.ics"]
    db.session.commit()

    stored = only_message(db)
    assert stored.status == "sent"
    assert stored.backend == "outbox"
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.attachments[0].content == INVITE
    assert stored.attachments[0].mimetype == "text/calendar; method=REQUEST; charset=utf-8"
    assert stored.message_id.startswith("<") and stored.message_id.endswith("@localhost>")


def test_rollback_sends_nothing_and_leaves_no_row(db, mail, capsys):
    mail(LMS_MAIL_BACKEND="console")
    queue_email("ann@example.test", "Never sent", "This transaction is rolled back.")
    queue_email("ann@example.test", "Never sent either", "Nor this one.", dedupe_key="rolled-back")
    db.session.rollback()
    assert outbox_count(db) == 0
    assert "Never sent" not in capsys.readouterr().out
    # The next transaction starts clean: only its own message goes out.
    queue_email("ann@example.test", "Sent", "This one commits.")
    db.session.commit()
    out = capsys.readouterr().out
    assert "Subject: Sent" in out and "Never sent" not in out
    assert outbox_count(db, status="sent") == 1


def test_dedupe_key_refuses_a_second_identical_reminder(db):
    first = queue_email("ann@example.test", "Reminder", "Tomorrow.", dedupe_key="workshop-reminder:1")
    assert first is not None
    assert queue_email("ann@example.test", "Reminder", "Tomorrow.", dedupe_key="workshop-reminder:1") is None
    db.session.commit()
    assert queue_email("ann@example.test", "Reminder", "Tomorrow.", dedupe_key="workshop-reminder:1") is None
    db.session.commit()
    assert outbox_count(db) == 1


def test_a_refused_duplicate_keeps_the_callers_transaction_alive(db, make_employee):
    queue_email("ann@example.test", "Reminder", "Once.", dedupe_key="k1")
    db.session.commit()
    employee = make_employee()
    employee.full_name = "Changed in the same transaction"
    assert queue_email("ann@example.test", "Reminder", "Twice?", dedupe_key="k1") is None
    queue_email("bob@example.test", "Other", "Still queued.")
    db.session.commit()
    db.session.expire_all()
    assert employee.full_name == "Changed in the same transaction"
    assert outbox_count(db) == 2
    assert outbox_count(db, status="sent") == 2


def test_dedupe_holds_for_two_sessions_at_once(app, db):
    """Two workers queue the same reminder concurrently: one row, one winner, both transactions commit."""
    first_inserted = threading.Event()
    second_started = threading.Event()
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def worker(name: str):
        try:
            with app.app_context():
                try:
                    if name == "b":
                        first_inserted.wait(10)
                        second_started.set()
                    message = queue_email("ann@example.test", "Reminder", f"from {name}", dedupe_key="same-reminder")
                    results[name] = message.id if message is not None else None
                    if name == "a":
                        first_inserted.set()
                        # Hold the transaction open while b tries the same key.
                        second_started.wait(10)
                        time.sleep(0.2)
                    _db.session.commit()
                finally:
                    _db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert results["a"] is not None and results["b"] is None
    assert outbox_count(db) == 1
    assert only_message(db).text_body == "from a"


def test_attachments_keep_their_order_name_type_and_bytes(db):
    files = [Attachment("b.pdf", "application/pdf", b"%PDF-1.7"), ("a.txt", "text/plain", "plain text é")]
    message = queue_email("ann@example.test", "Files", "See attached.", attachments=files)
    db.session.commit()
    rows = db.session.execute(
        select(OutboxAttachment).where(OutboxAttachment.message_id == message.id).order_by(OutboxAttachment.position)
    ).scalars().all()
    assert [(r.filename, r.mimetype, r.content) for r in rows] == [
        ("b.pdf", "application/pdf", b"%PDF-1.7"), ("a.txt", "text/plain", "plain text é".encode())]


@pytest.mark.parametrize("args, kwargs, reason", [
    (([], "S", "t"), {}, "at least one recipient"),
    (("not an address", "S", "t"), {}, "is not an e-mail address"),
    (("a@example.test", "  ", "t"), {}, "needs a subject"),
    (("a@example.test", "Bcc: x@evil.test\nS", "t"), {}, "one line"),
    (("a@example.test", "x" * 256, "t"), {}, "at most 255"),
    (("a@example.test", "S", "t"), {"attachments": [("../etc/passwd", "text/plain", b"x")]}, "attachment name"),
    (("a@example.test", "S", "t"), {"attachments": [("a.bin", "nonsense", b"x")]}, "not a MIME type"),
    (("a@example.test", "S", "t"), {"attachments": [("i.ics", "text/calendar; method=REQUEST", b"\xff\xfe")]},
     "not utf-8 text"),
    (("a@example.test", "S", "t"), {"dedupe_key": "k" * 201}, "dedupe key"),
])
def test_bad_input_is_refused_with_a_reason(db, args, kwargs, reason):
    with pytest.raises(ValidationFailed, match=reason):
        queue_email(*args, **kwargs)
    assert outbox_count(db) == 0


def test_duplicate_recipients_are_sent_once(db):
    message = queue_email(["a@example.test", "A@example.test"], "S", "t")
    assert message.recipients == ["a@example.test"]


def test_messages_queued_in_one_transaction_are_all_delivered(db):
    for n in range(3):
        queue_email(f"p{n}@example.test", f"Notice {n}", "text")
    db.session.commit()
    assert outbox_count(db, status="sent") == 3
    assert db.session.execute(select(OutboxMessage.backend).distinct()).scalars().all() == ["outbox"]


def test_delivery_starts_after_the_callers_connection_is_back_in_the_pool(db, mail, monkeypatch):
    """Delivering while the committing session still held its connection needed two per thread and starved the pool."""
    from lms.notify import backends

    seen: list[int] = []

    class Probe:
        name = "probe"

        def __init__(self, config):
            pass

        def send(self, message, recipients):
            seen.append(_db.engine.pool.checkedout())

    monkeypatch.setitem(backends._BACKENDS, "probe", Probe)
    mail(LMS_MAIL_BACKEND="probe")
    queue_email("ann@example.test", "Pool", "One connection at a time.")
    db.session.commit()
    assert seen == [1]  # the delivery's own connection only
    assert only_message(db).backend == "probe"
