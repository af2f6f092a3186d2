"""Sending statements to the learning record store: through the job queue, retried, and never in a learner's way."""
from __future__ import annotations

import base64
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.learning.progress import enrol, find_enrolment
from lms.notify.jobs import huey, make_storage
from lms.xapi import delivery
from lms.xapi.delivery import deliver_due, retry_delay
from lms.xapi.jobs import deliver_statements_sweep

from .conftest import assert_valid_statement, complete_course, statements


def test_a_completion_reaches_the_store_with_the_xapi_headers(client, db, store, learner, online_course):
    assert [r.status_code for r in complete_course(client, online_course)] == [302, 302]
    [row] = statements(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None) and row.sent_at is not None
    [request] = store.received
    url = urlsplit(request.path)
    assert (request.method, url.path, parse_qs(url.query)) == ("PUT", "/xapi/statements",
                                                               {"statementId": [row.statement_id]})
    assert request.headers["x-experience-api-version"] == "1.0.3"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"lms:s3cret").decode()
    assert request.body == row.statement
    assert_valid_statement(request.body)


def test_an_unreachable_store_never_blocks_the_learner_and_the_statement_is_retried(
        client, db, app, unreachable_store, learner, online_course, store_later):
    responses = complete_course(client, online_course)
    assert [r.status_code for r in responses] == [302, 302]  # the learner's requests succeed
    assert find_enrolment(learner, online_course).completed_at is not None
    [row] = statements(db)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "Connection refused" in row.last_error or "URLError" in row.last_error
    assert row.next_attempt_at - row.created_at >= timedelta(seconds=app.config["LMS_XAPI_RETRY_SECONDS"])

    # Not due yet: a sweep now leaves it alone.
    assert str(deliver_due(now=row.created_at)) == "0 sent, 0 to retry, 0 failed"
    # The store is back; once the retry is due, the sweep sends it.
    received = store_later()
    report = deliver_due(now=row.next_attempt_at)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [row] = statements(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
    assert [r.body["id"] for r in received.received] == [row.statement_id]


def _two_completions(db, online_course, make_employee):
    """Two people complete the course in one transaction (make_employee commits, so people come first)."""
    from lms.learning.progress import complete_module

    people = [make_employee(), make_employee()]
    for person in people:
        enrolment = enrol(person, online_course)
        for module in online_course.learner_modules:
            complete_module(person, enrolment, module)
    db.session.commit()


def test_a_down_store_stops_the_run_and_the_others_wait_their_turn(db, unreachable_store, online_course,
                                                                    make_employee):
    _two_completions(db, online_course, make_employee)  # sent after the commit: the first fails, the run stops
    first, second = statements(db)
    assert (first.status, first.attempts, second.status, second.attempts) == ("pending", 1, "pending", 0)


@pytest.mark.parametrize("status, outcome, note", [(400, "failed", "400"), (409, "sent", "already stored"),
                                                   (503, "pending", "503"), (401, "pending", "401")])
def test_what_the_store_answers_decides_the_outcome(db, store, online_course, make_employee, status, outcome, note):
    store.status = status
    _two_completions(db, online_course, make_employee)
    rows = statements(db)
    assert rows[0].status == outcome and note in rows[0].last_error
    # A refused statement does not stop the run; a store that fails for now does.
    assert len(store.received) == (2 if outcome in ("failed", "sent") else 1)


def test_retries_wait_longer_each_time_up_to_an_hour():
    config = {"LMS_XAPI_RETRY_SECONDS": 60}
    assert [retry_delay(config, n).total_seconds() for n in (1, 2, 3, 6, 7, 500)] == [60, 120, 240, 1920, 3600, 3600]


def test_without_a_store_statements_are_recorded_and_not_sent(db, xapi_config, online_course, make_employee,
                                                               monkeypatch):
    started = []
    monkeypatch.setattr("lms.xapi.jobs.run_job", lambda task, *args: started.append(args))
    _two_completions(db, online_course, make_employee)
    assert [(r.status, r.attempts) for r in statements(db)] == [("pending", 0), ("pending", 0)]
    assert started == []  # no job started without a store
    assert str(deliver_due()) == "no learning record store configured"


def test_queued_mode_sends_through_the_consumer_after_the_commit(app, db, store, online_course, make_employee,
                                                                 monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "LMS_JOBS_IMMEDIATE", False)
    previous = huey.storage
    huey.storage = make_storage({"LMS_INSTANCE_DIR": str(tmp_path), "REDIS_URL": None})
    try:
        _two_completions(db, online_course, make_employee)
        assert huey.pending_count() == 1 and store.received == []  # queued, nothing sent in the request
        assert [r.status for r in statements(db)] == ["pending", "pending"]
        huey.execute(huey.dequeue())  # what the consumer does
        assert [r.status for r in statements(db)] == ["sent", "sent"] and len(store.received) == 2
    finally:
        huey.storage.close()
        huey.storage = previous


def test_the_sweep_sends_what_waited_for_a_store(db, xapi_config, online_course, make_employee, store_later):
    _two_completions(db, online_course, make_employee)  # no store yet: recorded only
    received = store_later()
    deliver_statements_sweep.call_local()
    assert [r.status for r in statements(db)] == ["sent", "sent"] and len(received.received) == 2


def test_a_claimed_statement_is_sent_once_even_by_two_workers(db, store, online_course, make_employee, monkeypatch):
    monkeypatch.setattr("lms.xapi.jobs.run_job", lambda task, *args: None)  # no job after the commit
    _two_completions(db, online_course, make_employee)
    rows = statements(db)
    now = rows[-1].created_at
    from sqlalchemy.orm import Session

    with Session(db.engine) as other:
        assert delivery._claim(other, rows[0].id, now)  # another worker holds the first
        report = deliver_due(now=now)
    assert (report.sent, [r.body["id"] for r in store.received]) == (1, [rows[1].statement_id])
    # The other worker died: once its claim lapses, the statement is taken over and sent.
    report = deliver_due(now=now + delivery.CLAIM_LEASE)
    assert report.sent == 1 and [r.status for r in statements(db)] == ["sent", "sent"]
