"""The jobs that send statements: one started after each commit that recorded some, and a sweep every minute."""
from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import current_app
from huey import crontab

from lms.notify.jobs import huey, job_context, run_job

log = logging.getLogger(__name__)


def enqueue_delivery(ids: Sequence[int]) -> None:
    """Start sending the given (just committed) statements; a failure to start leaves them to the sweep."""
    if not current_app.config.get("LMS_XAPI_ENDPOINT"):
        return  # recorded, not sent: a store configured later receives them through the sweep
    try:
        run_job(deliver_statements_job, list(ids))
    except Exception:  # noqa: BLE001 - the statements are safe in their table; the sweep sends them
        log.exception("could not start sending xAPI statements %s; the sweep will", list(ids))


@huey.task()
def deliver_statements_job(ids: list[int]) -> None:
    """Send the statements one transaction recorded."""
    from lms.xapi.delivery import deliver_due

    with job_context():
        report = deliver_due(ids)
        log.info("xAPI statements %s: %s", ids, report)


@huey.periodic_task(crontab(minute="*"))
def deliver_statements_sweep() -> None:
    """Every minute: retries that are due, and statements whose job was lost."""
    from lms.xapi.delivery import deliver_due

    with job_context():
        report = deliver_due()
        if report.sent or report.retrying or report.failed:
            log.info("xAPI sweep: %s", report)
