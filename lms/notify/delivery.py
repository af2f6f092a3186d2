"""Delivering due outbox messages: claim each one, send it through the backend, record the outcome."""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms.core.models import utcnow
from lms.extensions import db
from lms.notify.backends import MailBackend, PermanentFailure, get_backend
from lms.notify.mime import Attachment, build_message
from lms.notify.models import OutboxMessage

log = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died mid-send; another may take the message over.
CLAIM_LEASE = timedelta(minutes=10)
BATCH = 200
MAX_ERROR = 2000


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"


def retry_delay(config: Mapping, attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 4, 16, ... times the base)."""
    return timedelta(seconds=config["LMS_MAIL_RETRY_SECONDS"] * 4 ** (attempts - 1))


def deliver_due(ids: Sequence[int] | None = None, *, now: datetime | None = None) -> DeliveryReport:
    """Deliver the due messages (only those in `ids` when given), each in its own short transaction."""
    config = current_app.config
    backend = get_backend(config)
    now = now or utcnow()
    report = DeliveryReport()
    # Its own session: this also runs as the caller's transaction ends, inside that session's commit.
    with Session(db.engine) as session:
        after_id = 0  # walking up the ids tries each message at most once per run, even with no retry delay
        while batch := _due_ids(session, ids, now, after_id):
            for message_id in batch:
                if _claim(session, message_id, now):
                    _deliver_one(session, session.get(OutboxMessage, message_id), backend, config, now, report)
            after_id = batch[-1]
    return report


def _due_ids(session: Session, ids: Sequence[int] | None, now: datetime, after_id: int) -> list[int]:
    stmt = (select(OutboxMessage.id)
            .where(OutboxMessage.status.in_(("pending", "sending")), OutboxMessage.next_attempt_at <= now,
                   OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id).limit(BATCH))
    if ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
    ids_found = list(session.execute(stmt).scalars())
    session.rollback()
    return ids_found


def _claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take the message for this worker (a conditional update: two workers never both win)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("pending", "sending")),
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", attempts=OutboxMessage.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _deliver_one(session: Session, message: OutboxMessage, backend: MailBackend, config: Mapping,
                 now: datetime, report: DeliveryReport) -> None:
    try:
        email = build_message(
            sender=config["LMS_MAIL_FROM"], recipients=message.recipients, subject=message.subject,
            text=message.text_body, html=message.html_body, message_id=message.message_id, date=message.created_at,
            attachments=[Attachment(a.filename, a.mimetype, a.content) for a in message.attachments],
        )
        note = backend.send(email, message.recipients)
    except PermanentFailure as exc:
        _record_failure(message, exc, permanent=True, config=config, now=now)
    except Exception as exc:  # noqa: BLE001 - any failure to send is recorded and retried, never lost
        _record_failure(message, exc, permanent=False, config=config, now=now)
    else:
        message.status = "sent"
        message.sent_at = utcnow()
        message.backend = backend.name
        message.last_error = note
    if message.status == "sent":
        report.sent += 1
    elif message.status == "failed":
        report.failed += 1
    else:
        report.retrying += 1
    session.commit()


def _record_failure(message: OutboxMessage, exc: Exception, *, permanent: bool, config: Mapping, now: datetime) -> None:
    message.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
    if permanent or message.attempts >= config["LMS_MAIL_MAX_ATTEMPTS"]:
        message.status = "failed"
        log.error("e-mail %s to %s failed after %s attempt(s): %s", message.id, message.recipients,
                  message.attempts, message.last_error)
    else:
        message.status = "pending"
        message.next_attempt_at = now + retry_delay(config, message.attempts)
        log.warning("e-mail %s to %s not sent (attempt %s), retrying: %s", message.id, message.recipients,
                    message.attempts, message.last_error)
