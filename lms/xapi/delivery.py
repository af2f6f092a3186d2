"""Sending recorded statements to the learning record store: claim each one, PUT it, record the outcome.

Each statement is sent with `PUT statements?statementId=<its id>`, so sending it twice (a worker
that died after the store accepted it) stores it once. A statement the store refuses as malformed
(400, 413) fails for good; any other failure (unreachable, timeout, 401, 5xx) is retried with a
growing delay, without end, and stops the run: the store is down, the next sweep tries again.
"""
from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms.core.models import utcnow
from lms.extensions import db
from lms.xapi.models import XapiStatement
from lms.xapi.statements import XAPI_VERSION

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
MAX_RETRY_DELAY = timedelta(hours=1)
BATCH = 200
MAX_ERROR = 2000
PERMANENT_STATUSES = (400, 413)


class PermanentFailure(Exception):
    """The store refused the statement itself; sending it again would not help."""


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    configured: bool = True

    def __str__(self) -> str:
        if not self.configured:
            return "no learning record store configured"
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"


@dataclass(frozen=True)
class LrsClient:
    """The statements resource of a learning record store, with basic auth."""

    endpoint: str
    username: str | None
    password: str | None
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping) -> LrsClient | None:
        """The configured store, or None when LMS_XAPI_ENDPOINT is unset."""
        if not config.get("LMS_XAPI_ENDPOINT"):
            return None
        return cls(config["LMS_XAPI_ENDPOINT"], config.get("LMS_XAPI_USERNAME"), config.get("LMS_XAPI_PASSWORD"),
                   config["LMS_XAPI_TIMEOUT"])

    def headers(self) -> dict[str, str]:
        """The headers of every request: JSON, the xAPI version and the credentials."""
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Experience-API-Version": XAPI_VERSION}
        if self.username:
            pair = f"{self.username}:{self.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers

    def put(self, statement_id: str, statement: dict) -> str | None:
        """Store the statement; returns a note for a statement the store already held, raises on failure."""
        url = f"{self.endpoint.rstrip('/')}/statements?{urlencode({'statementId': statement_id})}"
        body = json.dumps(statement, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="PUT", headers=self.headers())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URL from config
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            if exc.code == 409:  # the store holds a statement with this id: ours, sent before
                return f"409 Conflict: already stored. {detail}".strip()
            if exc.code in PERMANENT_STATUSES:
                raise PermanentFailure(f"{exc.code} {exc.reason}: {detail}") from None
            raise
        return None


def retry_delay(config: Mapping, attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: the base, doubled each time, at most an hour."""
    seconds = config["LMS_XAPI_RETRY_SECONDS"] * 2 ** min(attempts - 1, 20)
    return min(timedelta(seconds=seconds), MAX_RETRY_DELAY)


def deliver_due(ids: Sequence[int] | None = None, *, now: datetime | None = None) -> DeliveryReport:
    """Send the due statements (only those in `ids` when given), oldest first, each in its own short transaction."""
    config = current_app.config
    client = LrsClient.from_config(config)
    if client is None:
        return DeliveryReport(configured=False)
    now = now or utcnow()
    report = DeliveryReport()
    # Its own session: this also runs as the caller's transaction ends.
    with Session(db.engine) as session:
        after_id = 0
        while batch := _due_ids(session, ids, now, after_id):
            for statement_id in batch:
                if _claim(session, statement_id, now) and not _deliver_one(
                        session, session.get(XapiStatement, statement_id), client, config, now, report):
                    return report
            after_id = batch[-1]
    return report


def _due_ids(session: Session, ids: Sequence[int] | None, now: datetime, after_id: int) -> list[int]:
    stmt = (select(XapiStatement.id)
            .where(XapiStatement.status.in_(("pending", "sending")), XapiStatement.next_attempt_at <= now,
                   XapiStatement.id > after_id)
            .order_by(XapiStatement.id).limit(BATCH))
    if ids is not None:
        stmt = stmt.where(XapiStatement.id.in_(list(ids)))
    found = list(session.execute(stmt).scalars())
    session.rollback()
    return found


def _claim(session: Session, statement_id: int, now: datetime) -> bool:
    """Take the statement for this worker (a conditional update: two workers never both win)."""
    result = session.execute(
        update(XapiStatement)
        .where(XapiStatement.id == statement_id, XapiStatement.status.in_(("pending", "sending")),
               XapiStatement.next_attempt_at <= now)
        .values(status="sending", attempts=XapiStatement.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _deliver_one(session: Session, row: XapiStatement, client: LrsClient, config: Mapping, now: datetime,
                 report: DeliveryReport) -> bool:
    """Send one claimed statement and record the outcome; False when the store seems down."""
    reachable = True
    try:
        note = client.put(row.statement_id, row.statement)
    except PermanentFailure as exc:
        row.status, row.last_error = "failed", _error(exc)
        report.failed += 1
        log.error("xAPI statement %s refused by the store: %s", row.statement_id, row.last_error)
    except Exception as exc:  # noqa: BLE001 - unreachable, timed out, refused for now: kept and retried
        row.status, row.last_error = "pending", _error(exc)
        row.next_attempt_at = now + retry_delay(config, row.attempts)
        report.retrying += 1
        reachable = False
        log.warning("xAPI statement %s not sent (attempt %s), retrying: %s", row.statement_id, row.attempts,
                    row.last_error)
    else:
        row.status, row.sent_at, row.last_error = "sent", utcnow(), note
        report.sent += 1
    session.commit()
    return reachable


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
