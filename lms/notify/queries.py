"""Reading the outbox for the admin page and the CLI."""
from __future__ import annotations

from sqlalchemy import Select, String, cast, func, or_, select

from lms.extensions import db
from lms.notify.models import STATUSES, OutboxMessage

PER_PAGE = 50


def outbox_statement(status: str | None = None, q: str = "") -> Select:
    """Messages, newest first, optionally of one status and with `q` in a recipient or the subject."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(cast(OutboxMessage.recipients, String)).like(like),
                              func.lower(OutboxMessage.subject).like(like)))
    return stmt


def outbox_page(status: str | None, page: int, per_page: int = PER_PAGE, q: str = ""):
    """One page of the outbox for the admin list."""
    return db.paginate(outbox_statement(status, q), page=max(page, 1), per_page=per_page, error_out=False)


def recent_messages(limit: int, status: str | None = None) -> list[OutboxMessage]:
    """The newest `limit` messages."""
    return list(db.session.execute(outbox_statement(status).limit(limit)).scalars())


def status_counts() -> dict[str, int]:
    """How many messages are in each status (every status present, zeros included)."""
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in STATUSES}
