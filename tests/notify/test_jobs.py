"""The job queue: immediate in development and tests, SQLite (or Redis) storage and a real consumer otherwise."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from huey.storage import PriorityRedisStorage, SqliteStorage

from lms import create_app
from lms.config import ConfigError, load_config
from lms.notify import jobs
from lms.notify.jobs import daily_today, deliver_due_job, huey, init_jobs, is_immediate, make_storage
from lms.notify.outbox import queue_email
from tests.conftest import ROOT
from tests.notify.conftest import only_message, outbox_count

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def queued(app, mail, tmp_path):
    """Jobs go to a SQLite queue under tmp_path instead of running at once (as in production)."""
    mail(TESTING=False, LMS_JOBS_IMMEDIATE=False, LMS_INSTANCE_DIR=str(tmp_path))
    previous = huey.storage
    huey.storage = make_storage({"LMS_INSTANCE_DIR": str(tmp_path), "REDIS_URL": None})
    try:
        yield tmp_path
    finally:
        huey.storage.close()
        huey.storage = previous


def test_jobs_run_immediately_in_tests_and_by_default_outside_production(app, monkeypatch, tmp_path):
    assert is_immediate(app)
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("LMS_JOBS_IMMEDIATE", raising=False)
    monkeypatch.delenv("LMS_ENV", raising=False)
    assert load_config()["LMS_JOBS_IMMEDIATE"] is True
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_config()["LMS_JOBS_IMMEDIATE"] is False
    monkeypatch.setenv("LMS_JOBS_IMMEDIATE", "1")
    assert load_config()["LMS_JOBS_IMMEDIATE"] is True


def test_storage_is_sqlite_under_the_instance_folder_or_redis_from_redis_url(tmp_path):
    sqlite = make_storage({"LMS_INSTANCE_DIR": str(tmp_path), "REDIS_URL": None})
    assert isinstance(sqlite, SqliteStorage)
    assert Path(sqlite.filename) == tmp_path / "jobs.sqlite3"
    assert (tmp_path / "jobs.sqlite3").exists()
    sqlite.close()
    assert isinstance(make_storage({"LMS_INSTANCE_DIR": str(tmp_path), "REDIS_URL": REDIS_TEST_URL}),
                      PriorityRedisStorage)


def test_queued_mode_enqueues_after_commit_and_the_consumer_delivers(db, queued):
    queue_email("ann@example.test", "Booked", "You are booked.")
    assert huey.pending_count() == 0  # nothing before the commit
    db.session.commit()
    assert only_message(db).status == "pending"
    assert huey.pending_count() == 1

    task = huey.dequeue()
    huey.execute(task)  # what the consumer does
    assert only_message(db).status == "sent"
    assert huey.pending_count() == 0


def test_queued_mode_rollback_enqueues_nothing(db, queued):
    queue_email("ann@example.test", "Booked", "You are booked.")
    db.session.rollback()
    assert huey.pending_count() == 0
    assert outbox_count(db) == 0


def test_the_periodic_sweep_delivers_what_no_job_was_started_for(db, queued):
    queue_email("ann@example.test", "Booked", "You are booked.")
    db.session.commit()
    huey.flush()  # the delivery job is lost (say the queue was wiped): the outbox row is not
    assert only_message(db).status == "pending"
    deliver_due_job.call_local()
    assert only_message(db).status == "sent"


def test_redis_queue_round_trip(db, queued):
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    sqlite = huey.storage
    huey.storage = make_storage({"REDIS_URL": REDIS_TEST_URL, "LMS_INSTANCE_DIR": str(queued)})
    try:
        huey.flush()
        queue_email("ann@example.test", "Booked", "Through Redis.")
        db.session.commit()
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert only_message(db).status == "sent"
    finally:
        huey.flush()
        huey.storage = sqlite


def test_huey_consumer_runs_the_delivery_job_through_the_worker_module(app, db, queued):
    """A real `huey_consumer lms.notify.worker.huey` process builds its own app and delivers."""
    log_path = queued / "consumer.log"
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], LMS_INSTANCE_DIR=str(queued),
               SECRET_KEY="consumer-test", LMS_ENV="development", LMS_JOBS_IMMEDIATE="0", LMS_MAIL_BACKEND="outbox",
               REDIS_URL="", PYTHONPATH=str(ROOT))
    queue_email("ann@example.test", "Booked", "Delivered by the consumer.")
    db.session.commit()
    assert only_message(db).status == "pending"
    consumer = Path(sys.executable).with_name("huey_consumer")
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(consumer), "lms.notify.worker.huey", "-k", "thread", "-w", "1", "--no-periodic",
                                    "-d", "0.05", "-m", "0.5"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            db.session.rollback()
            if only_message(db).status == "sent":
                break
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
    db.session.rollback()
    assert only_message(db).status == "sent", log_path.read_text()
    assert huey.pending_count() == 0


def test_daily_jobs_run_at_the_configured_hour_in_the_configured_zone(app, mail, monkeypatch):
    monkeypatch.setitem(jobs._daily_schedule, "hour", jobs._daily_schedule["hour"])
    monkeypatch.setitem(jobs._daily_schedule, "tz", jobs._daily_schedule["tz"])
    mail(LMS_DAILY_JOBS_HOUR=6, LMS_DAILY_JOBS_TZ="Europe/Berlin")
    init_jobs(app)
    # Huey hands the scheduler naive UTC times; 05:00 UTC is 06:00 in Berlin in winter, 07:00 in summer.
    assert jobs._is_daily_time(datetime(2027, 1, 15, 5, 0))
    assert not jobs._is_daily_time(datetime(2027, 1, 15, 5, 1))
    assert not jobs._is_daily_time(datetime(2027, 1, 15, 6, 0))
    assert jobs._is_daily_time(datetime(2027, 7, 15, 4, 0))
    assert daily_today(datetime(2027, 1, 15, 23, 30, tzinfo=timezone.utc)) == date(2027, 1, 16)


@pytest.mark.parametrize("setting, value, message", [
    ("LMS_DAILY_JOBS_HOUR", "24", "0 to 23"),
    ("LMS_DAILY_JOBS_TZ", "Mars/Olympus", "not a time zone"),
    ("LMS_MAIL_BACKEND", "pigeon", "LMS_MAIL_BACKEND"),
])
def test_bad_job_or_mail_settings_stop_the_app_at_start_up(monkeypatch, tmp_path, setting, value, message):
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=message):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
