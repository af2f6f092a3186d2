"""Queueing e-mail in the caller's transaction; it is delivered only once that transaction commits."""
from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from flask import current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from lms.core.database import dialect_insert
from lms.core.emails import InvalidEmail, normalize_email
from lms.core.errors import NotFound, ValidationFailed
from lms.core.models import utcnow
from lms.extensions import db
from lms.notify.mime import Attachment, is_invite, parse_mimetype
from lms.notify.models import OutboxAttachment, OutboxMessage

MAX_RECIPIENTS = 100
MAX_SUBJECT = 255
MAX_DEDUPE_KEY = 200
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# session.info keys: ids of messages queued in the current transaction, and of those it committed.
_QUEUED = "lms.notify.queued_ids"
_COMMITTED = "lms.notify.committed_ids"

AttachmentLike = Attachment | tuple[str, str, bytes | str]


def queue_email(
    to: str | Iterable[str],
    subject: str,
    text: str,
    *,
    html: str | None = None,
    attachments: Sequence[AttachmentLike] = (),
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Add an e-mail to the outbox in the current transaction; None when `dedupe_key` is already queued."""
    recipients = _recipients(to)
    subject = _subject(subject)
    files = [_attachment(a) for a in attachments]
    if sum(len(f.content) for f in files) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed("The attachments are too large to send by e-mail.")
    if dedupe_key is not None and not 0 < len(dedupe_key) <= MAX_DEDUPE_KEY:
        raise ValidationFailed(f"A dedupe key has 1 to {MAX_DEDUPE_KEY} characters.")

    now = utcnow()
    values = dict(
        recipients=recipients, subject=subject, text_body=text, html_body=html,
        message_id=_new_message_id(), dedupe_key=dedupe_key, status="pending", attempts=0,
        created_at=now, next_attempt_at=now,
    )
    session = db.session
    # ON CONFLICT DO NOTHING rather than a savepoint around an IntegrityError: the caller's transaction is
    # untouched either way, and on SQLite a savepoint opened as the first statement of a transaction is
    # committed by its RELEASE (pysqlite starts transactions only at DML), so a rollback would not undo it.
    statement = dialect_insert(session.get_bind().dialect.name)(OutboxMessage).values(**values)
    if dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    new_id = session.execute(statement.returning(OutboxMessage.id)).scalar_one_or_none()
    if new_id is None:
        return None
    message = session.get(OutboxMessage, new_id)
    for position, file in enumerate(files):
        message.attachments.append(OutboxAttachment(position=position, filename=file.filename,
                                                    mimetype=file.mimetype, content=file.content))
    session.flush()
    session.info.setdefault(_QUEUED, []).append(new_id)
    return message


def get_message(message_id: int) -> OutboxMessage:
    """The outbox message, or NotFound."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("There is no such message.")
    return message


def retry_failed_messages() -> int:
    """Give every failed message a fresh set of attempts; returns how many."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# --------------------------------------------------------------------------- after commit


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    ids = session.info.pop(_QUEUED, None)
    if ids:
        session.info.setdefault(_COMMITTED, []).extend(ids)


@event.listens_for(Session, "after_transaction_end")
def _deliver_after_transaction(session: Session, transaction) -> None:
    # Only when the outermost transaction ends, after its connection went back to the pool: delivering
    # from after_commit would hold a second connection per committing thread and can starve the pool.
    if transaction.parent is not None:
        return
    session.info.pop(_QUEUED, None)  # queued but never committed: rolled back or closed
    committed = session.info.pop(_COMMITTED, None)
    if committed:
        from lms.notify.jobs import enqueue_delivery

        enqueue_delivery(committed)


# --------------------------------------------------------------------------- checks


def _recipients(to: str | Iterable[str]) -> list[str]:
    addresses = [to] if isinstance(to, str) else list(to)
    if not addresses:
        raise ValidationFailed("An e-mail needs at least one recipient.")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationFailed(f"An e-mail goes to at most {MAX_RECIPIENTS} recipients.")
    normalized: list[str] = []
    for address in addresses:
        try:
            value = normalize_email(address)
        except InvalidEmail as exc:
            raise ValidationFailed(f"{address!r} is not an e-mail address: {exc}") from None
        if value not in normalized:
            normalized.append(value)
    return normalized


def _subject(subject: str) -> str:
    subject = subject.strip()
    if not subject:
        raise ValidationFailed("An e-mail needs a subject.")
    if "\r" in subject or "\n" in subject:
        raise ValidationFailed("A subject is one line.")
    if len(subject) > MAX_SUBJECT:
        raise ValidationFailed(f"A subject has at most {MAX_SUBJECT} characters.")
    return subject


def _attachment(value: AttachmentLike) -> Attachment:
    filename, mimetype, content = (value.filename, value.mimetype, value.content) if isinstance(value, Attachment) else value
    if isinstance(content, str):
        content = content.encode("utf-8")
    filename = filename.strip()
    if not filename or len(filename) > 255 or any(c in filename for c in '/\\\r\n"') or filename in {".", ".."}:
        raise ValidationFailed(f"{filename!r} is not a usable attachment name.")
    try:
        parse_mimetype(mimetype)
    except ValueError:
        raise ValidationFailed(f"{mimetype!r} is not a MIME type.") from None
    attachment = Attachment(filename, mimetype.strip(), bytes(content))
    if is_invite(attachment):
        charset = parse_mimetype(mimetype)[2].get("charset") or "utf-8"
        try:
            attachment.content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise ValidationFailed(f"The calendar invite {filename!r} is not {charset} text.") from None
    return attachment


def _new_message_id() -> str:
    sender = current_app.config["LMS_MAIL_FROM"]
    domain = sender.rpartition("@")[2].strip(" >") or "localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"
