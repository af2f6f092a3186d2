"""The job queue (Huey): SQLite storage by default, Redis when REDIS_URL is set, or run at once when immediate.

The consumer runs `huey_consumer lms.notify.worker.huey`; tasks run inside the worker's app context.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import BaseStorage, MemoryStorage, PriorityRedisStorage, SqliteStorage

from lms.config import ConfigError
from lms.extensions import db
from lms.notify.backends import check_mail_config

log = logging.getLogger(__name__)

# Storage is chosen by init_jobs() from the app's config; until then nothing can be queued for real.
huey = Huey("lms", results=False, utc=True, storage_class=MemoryStorage)

# When the daily jobs run, as set by init_jobs() (the consumer's scheduler reads it outside any app).
_daily_schedule = {"hour": 6, "tz": ZoneInfo("UTC")}


def init_jobs(app: Flask) -> None:
    """Check the mail and job settings, and point the queue at SQLite or Redis unless jobs run immediately."""
    config = app.config
    check_mail_config(config)
    if not 0 <= config["LMS_DAILY_JOBS_HOUR"] <= 23:
        raise ConfigError("LMS_DAILY_JOBS_HOUR is an hour of the day, 0 to 23")
    try:
        _daily_schedule["tz"] = ZoneInfo(config["LMS_DAILY_JOBS_TZ"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"LMS_DAILY_JOBS_TZ={config['LMS_DAILY_JOBS_TZ']!r} is not a time zone") from None
    _daily_schedule["hour"] = config["LMS_DAILY_JOBS_HOUR"]
    if not is_immediate(app):
        huey.storage = make_storage(config)


def make_storage(config: Mapping) -> BaseStorage:
    """Redis storage when REDIS_URL is set, else a SQLite file beside the database under the instance folder."""
    if config.get("REDIS_URL"):
        return PriorityRedisStorage(huey.name, url=config["REDIS_URL"])
    return SqliteStorage(huey.name, filename=str(Path(config["LMS_INSTANCE_DIR"]) / "jobs.sqlite3"))


def is_immediate(app: Flask | None = None) -> bool:
    """True when jobs run in the caller's process: LMS_JOBS_IMMEDIATE, and always under TESTING."""
    app = app or current_app
    return bool(app.config["LMS_JOBS_IMMEDIATE"] or app.testing)


def run_job(task, *args) -> None:
    """Run the Huey `task` now when jobs are immediate, else put it on the queue for the consumer."""
    if is_immediate():
        task.call_local(*args)
    else:
        task(*args)


def enqueue_delivery(ids: Sequence[int]) -> None:
    """Start delivering the given (just committed) messages; a failure to start leaves them to the sweep."""
    try:
        run_job(deliver_messages_job, list(ids))
    except Exception:  # noqa: BLE001 - the messages are safe in the outbox; the periodic sweep sends them
        log.exception("could not start delivering outbox messages %s; the periodic sweep will", list(ids))


@contextmanager
def job_context() -> Iterator[None]:
    """The caller's app context, or (in the consumer) one of the worker's app, created on first use."""
    if has_app_context():
        yield
        return
    from lms.notify.worker import get_app

    with get_app().app_context():
        try:
            yield
        finally:
            db.session.remove()


def daily_today(now: datetime | None = None) -> date:
    """Today's date where the daily jobs are scheduled (LMS_DAILY_JOBS_TZ)."""
    return (now or datetime.now(timezone.utc)).astimezone(_daily_schedule["tz"]).date()


def _is_daily_time(timestamp: datetime) -> bool:
    # Huey passes naive UTC times (utc=True).
    local = timestamp.replace(tzinfo=timezone.utc).astimezone(_daily_schedule["tz"])
    return local.hour == _daily_schedule["hour"] and local.minute == 0


# --------------------------------------------------------------------------- tasks


@huey.task()
def deliver_messages_job(ids: list[int]) -> None:
    """Deliver the messages one transaction queued."""
    from lms.notify.delivery import deliver_due

    with job_context():
        report = deliver_due(ids)
        log.info("delivered outbox messages %s: %s", ids, report)


@huey.periodic_task(crontab(minute="*"))
def deliver_due_job() -> None:
    """Every minute: retries that are due, and anything whose delivery job was lost."""
    from lms.notify.delivery import deliver_due

    with job_context():
        report = deliver_due()
        if report.sent or report.retrying or report.failed:
            log.info("outbox sweep: %s", report)


@huey.periodic_task(_is_daily_time)
def daily_jobs_job() -> None:
    """Once a day at LMS_DAILY_JOBS_HOUR: every registered daily job."""
    from lms.notify.daily import run_daily_jobs

    with job_context():
        for result in run_daily_jobs(daily_today()):
            log.info("daily job %s: %s", result.name, result.error or result.count)
