"""The daily-job registry, its runner and `lms notify daily`: a reminder goes out once, never twice."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.extensions import db as _db
from lms.notify.daily import daily_job, daily_jobs, run_daily_jobs
from lms.notify.jobs import daily_jobs_job
from lms.notify.models import OutboxMessage
from lms.notify.outbox import queue_email
from tests.notify.conftest import outbox_count


def _register_reminders(seen_days: list[date]):
    """A job like the workshop reminders: one e-mail per person, keyed so that a rerun sends nothing new."""

    @daily_job("test-reminders")
    def remind(today: date) -> int:
        seen_days.append(today)
        sent = 0
        for person in ("ann@example.test", "bob@example.test"):
            queued = queue_email(person, f"Reminder for {today:%d %B}", "Your workshop starts soon.",
                                 dedupe_key=f"test-reminder:{today}:{person}")
            sent += queued is not None
        return sent

    return remind


def test_registry_refuses_a_second_job_under_the_same_name(daily_registry):
    @daily_job("one")
    def first(today: date) -> int:
        return 0

    assert daily_jobs() == {"one": first}
    with pytest.raises(ValueError, match="already"):
        @daily_job("one")
        def other(today: date) -> int:
            return 0

    daily_job("one")(first)  # the same function again (a module imported twice) is fine
    assert daily_jobs() == {"one": first}


def test_a_reminder_job_run_twice_sends_each_reminder_once(db, daily_registry):
    days: list[date] = []
    _register_reminders(days)
    day = date(2027, 3, 1)
    assert [(r.name, r.count, r.error) for r in run_daily_jobs(day)] == [("test-reminders", 2, None)]
    assert [(r.name, r.count, r.error) for r in run_daily_jobs(day)] == [("test-reminders", 0, None)]
    assert days == [day, day]
    assert outbox_count(db) == 2
    assert outbox_count(db, status="sent") == 2


def test_a_failing_job_is_rolled_back_and_the_others_still_run(db, daily_registry):
    @daily_job("a-breaks")
    def breaks(today: date) -> int:
        queue_email("ann@example.test", "Half done", "Never sent.")
        raise RuntimeError("the database went away")

    @daily_job("b-works")
    def works(today: date) -> int:
        queue_email("bob@example.test", "Done", "Sent.")
        return 1

    results = run_daily_jobs(date(2027, 3, 1))
    assert [(r.name, r.count, r.error) for r in results] == [
        ("a-breaks", 0, "RuntimeError: the database went away"), ("b-works", 1, None)]
    assert db.session.execute(select(OutboxMessage.subject)).scalars().all() == ["Done"]


def test_cli_daily_runs_the_jobs_for_the_given_date(runner, db, daily_registry):
    days: list[date] = []
    _register_reminders(days)
    result = runner.invoke(args=["lms", "notify", "daily", "--date", "2027-03-01"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "test-reminders: 2"
    assert days == [date(2027, 3, 1)]
    result = runner.invoke(args=["lms", "notify", "daily", "--date", "2027-03-01"])
    assert result.output.strip() == "test-reminders: 0"
    _db.session.expire_all()
    assert outbox_count(db) == 2


def test_cli_daily_reports_failure_and_unknown_jobs(runner, db, daily_registry):
    @daily_job("breaks")
    def breaks(today: date) -> int:
        raise RuntimeError("boom")

    result = runner.invoke(args=["lms", "notify", "daily", "--date", "2027-03-01"])
    assert result.exit_code == 1
    assert "breaks: FAILED RuntimeError: boom" in result.output
    result = runner.invoke(args=["lms", "notify", "daily", "--job", "nope"])
    assert result.exit_code == 1
    assert "No such daily job: nope. Known: breaks." in result.output
    result = runner.invoke(args=["lms", "notify", "daily", "--date", "1 March"])
    assert result.exit_code == 2


def test_cli_daily_with_no_jobs(runner, db, daily_registry):
    result = runner.invoke(args=["lms", "notify", "daily"])
    assert result.exit_code == 0
    assert "No daily jobs are registered." in result.output


def test_the_periodic_daily_task_runs_the_registry_for_today(db, daily_registry):
    days: list[date] = []
    _register_reminders(days)
    daily_jobs_job.call_local()
    assert len(days) == 1
    assert outbox_count(db) == 2
