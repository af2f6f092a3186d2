"""`lms notify deliver`, `outbox` and `send-test`."""
from __future__ import annotations

from lms.extensions import db as _db
from lms.notify.outbox import queue_email
from tests.notify.conftest import free_port, only_message


def test_outbox_lists_recent_messages_newest_first(runner, db):
    result = runner.invoke(args=["lms", "notify", "outbox"])
    assert result.exit_code == 0
    assert "The outbox is empty." in result.output
    for n in range(3):
        queue_email(f"p{n}@example.test", f"Notice {n}", "text")
    db.session.commit()
    result = runner.invoke(args=["lms", "notify", "outbox", "--limit", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert "sent" in lines[0] and "p2@example.test" in lines[0] and lines[0].endswith("Notice 2")
    assert "Notice 1" in lines[1]
    assert "Notice 0" not in runner.invoke(args=["lms", "notify", "outbox", "--status", "failed"]).output


def test_send_test_delivers_through_smtp(runner, db, smtp_backend):
    result = runner.invoke(args=["lms", "notify", "send-test", "--to", "ops@example.test"])
    assert result.exit_code == 0, result.output
    assert "to ops@example.test through smtp" in result.output
    assert [r.rcpt_tos for r in smtp_backend.received] == [["ops@example.test"]]
    assert smtp_backend.received[0].message["Subject"] == "Test message from Service Excellence"


def test_send_test_refuses_a_bad_address_and_reports_a_failed_send(runner, db, mail):
    result = runner.invoke(args=["lms", "notify", "send-test", "--to", "not-an-address"])
    assert result.exit_code == 1
    assert "is not an e-mail address" in result.output
    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port())
    result = runner.invoke(args=["lms", "notify", "send-test", "--to", "ops@example.test"])
    assert result.exit_code == 1
    assert "is pending: ConnectionRefusedError" in result.output


def test_deliver_sends_due_messages_and_can_retry_failed_ones(runner, db, mail, smtp_server):
    mail(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="127.0.0.1", LMS_SMTP_PORT=free_port(), LMS_MAIL_RETRY_SECONDS=0)
    queue_email("ann@example.test", "Retry me", "text")
    db.session.commit()
    assert only_message(db).status == "pending"
    mail(LMS_SMTP_PORT=smtp_server.port)
    result = runner.invoke(args=["lms", "notify", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Delivered through smtp: 1 sent, 0 to retry, 0 failed." in result.output
    _db.session.expire_all()
    assert only_message(db).status == "sent"

    smtp_server.handler.refuse.add("gone@example.test")
    queue_email("gone@example.test", "Refused", "text")
    db.session.commit()
    smtp_server.handler.refuse.clear()
    result = runner.invoke(args=["lms", "notify", "deliver"])
    assert "0 sent" in result.output
    result = runner.invoke(args=["lms", "notify", "deliver", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "1 failed message(s) queued again." in result.output
    assert "1 sent" in result.output
    assert sorted(r.rcpt_tos[0] for r in smtp_server.handler.received) == ["ann@example.test", "gone@example.test"]
