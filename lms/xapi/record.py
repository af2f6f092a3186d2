"""Recording statements in the caller's transaction; once it commits, a job sends them.

A rollback takes the statement with it, so no statement reports what did not happen; nothing is
sent from inside the transaction, so a slow or unreachable store never holds a learner's request.
"""
from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, event, select, text, update
from sqlalchemy.orm import Session

from lms.core.database import dialect_insert
from lms.core.models import utcnow
from lms.extensions import db
from lms.xapi.models import XapiStatement
from lms.xapi.statements import new_statement_id, voiding_statement

log = logging.getLogger(__name__)

# session.info keys: ids of statements recorded in the current transaction, and of those it committed.
_QUEUED = "lms.xapi.queued_ids"
_COMMITTED = "lms.xapi.committed_ids"


def record_statement(subject: str, verb: str, employee_id: int | None, statement: dict) -> int | None:
    """Add a statement to the current transaction; None when `subject` already has a live one."""
    now = utcnow()
    new_id = db.session.execute(_insert(db.session.get_bind().dialect.name), {
        "statement_id": statement["id"], "subject": subject, "verb": verb, "employee_id": employee_id,
        "statement": statement, "now": now}).scalar_one_or_none()
    if new_id is not None:
        db.session.info.setdefault(_QUEUED, []).append(new_id)
    return new_id


def void_statements(subjects: list[str], voider: dict, now: datetime | None = None) -> list[int]:
    """Void the live statements of `subjects` (facts that were corrected), recording a voiding statement for each."""
    if not subjects:
        return []
    now = now or utcnow()
    live = db.session.execute(
        select(XapiStatement.id, XapiStatement.statement_id, XapiStatement.employee_id)
        .where(XapiStatement.subject.in_(subjects), XapiStatement.voided_at.is_(None),
               XapiStatement.verb != "voided")
    ).all()
    recorded = []
    for row_id, statement_id, employee_id in live:
        db.session.execute(update(XapiStatement).where(XapiStatement.id == row_id).values(voided_at=now)
                           .execution_options(synchronize_session=False))
        voiding = voiding_statement(new_statement_id(), voider, statement_id, now)
        new_id = record_statement(f"void:{statement_id}", "voided", employee_id, voiding)
        if new_id is not None:
            recorded.append(new_id)
    return recorded


@cache
def _insert(dialect: str):
    """The insert of a pending statement, built once per dialect (every graded attempt and completion records one)."""
    insert = dialect_insert(dialect)
    # ON CONFLICT rather than a savepoint: the caller's transaction is left as it was either way.
    table = XapiStatement.__table__  # a Core insert: the ORM's bulk-insert path cost more than the statement
    return (insert(table)
            .values(statement_id=bindparam("statement_id"), subject=bindparam("subject"), verb=bindparam("verb"),
                    employee_id=bindparam("employee_id"), statement=bindparam("statement"), status="pending",
                    attempts=0, created_at=bindparam("now"), next_attempt_at=bindparam("now"))
            .on_conflict_do_nothing(index_elements=["subject"], index_where=text("voided_at IS NULL"))
            .returning(table.c.id))


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    ids = session.info.pop(_QUEUED, None)
    if ids:
        session.info.setdefault(_COMMITTED, []).extend(ids)


@event.listens_for(Session, "after_transaction_end")
def _send_after_transaction(session: Session, transaction) -> None:
    # Only when the outermost transaction ends and its connection is back in the pool (as lms.notify.outbox).
    if transaction.parent is not None:
        return
    session.info.pop(_QUEUED, None)  # recorded but never committed: rolled back or closed
    committed = session.info.pop(_COMMITTED, None)
    if committed:
        from lms.xapi.jobs import enqueue_delivery

        enqueue_delivery(committed)
