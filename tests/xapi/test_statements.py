"""The statement builders (pure): each statement matches the xAPI structure; timestamps, durations and scores."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from lms.xapi import statements as xs

from .conftest import BASE_URL, HOME_PAGE, assert_valid_statement

WHEN = datetime(2027, 3, 10, 14, 5, 9, 123456, tzinfo=timezone(timedelta(hours=4)))
WHO = xs.actor(HOME_PAGE, "E-1001")
COURSE = xs.course_activity(BASE_URL + "/", "listening", "Listening first")


def test_a_completion():
    statement = xs.completion_statement("0b6c7a8e-52ad-4c35-9d3e-3a4b3c2d1e0f", WHO, COURSE, WHEN)
    assert_valid_statement(statement)
    assert statement == {
        "id": "0b6c7a8e-52ad-4c35-9d3e-3a4b3c2d1e0f",
        "actor": {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": "E-1001"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": f"{BASE_URL}/courses/listening",
                   "definition": {"name": {"en": "Listening first"},
                                  "type": "http://adlnet.gov/expapi/activities/course"}},
        "result": {"completion": True},
        "context": {"platform": "Service Excellence", "language": "en"},
        "timestamp": "2027-03-10T10:05:09.123Z",
    }


@pytest.mark.parametrize("score, max_score, percent, passed, verb", [
    (7.5, 10.0, 75.0, True, "passed"), (2.0, 10.0, 20.0, False, "failed"), (0.0, 0.0, 100.0, True, "passed")])
def test_a_quiz_result(score, max_score, percent, passed, verb):
    quiz = xs.quiz_activity(BASE_URL, "listening", "Listening quiz")
    statement = xs.quiz_statement(xs.new_statement_id(), WHO, quiz, COURSE, score=score, max_score=max_score,
                                  percent=percent, passed=passed, submitted_at=WHEN,
                                  started_at=WHEN - timedelta(minutes=12, seconds=30.5))
    assert_valid_statement(statement)
    assert statement["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{verb}"
    assert statement["object"]["id"] == f"{BASE_URL}/courses/listening/quiz"
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert statement["context"]["contextActivities"] == {"parent": [COURSE.as_object()]}
    expected_score = {"scaled": percent / 100, "raw": score}
    if max_score:
        expected_score.update({"min": 0, "max": max_score})
    assert statement["result"] == {"score": expected_score, "success": passed, "completion": True,
                                   "duration": "PT0H12M30.50S"}


def test_attendance_and_its_voiding():
    session = xs.session_activity(BASE_URL, 42, "Service Problem Solving, 01 Mar 2027, North")
    attended = xs.attendance_statement(xs.new_statement_id(), WHO, session, COURSE, WHEN)
    assert_valid_statement(attended)
    assert attended["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert attended["object"]["id"] == f"{BASE_URL}/workshops/sessions/42"
    assert attended["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    voiding = xs.voiding_statement(xs.new_statement_id(), xs.actor(HOME_PAGE, "T-7"), attended["id"], WHEN)
    assert_valid_statement(voiding)
    assert voiding["object"] == {"objectType": "StatementRef", "id": attended["id"]}


def test_the_schema_refuses_what_xapi_refuses():
    good = xs.completion_statement(xs.new_statement_id(), WHO, COURSE, WHEN)
    broken = []
    for change in (
        lambda s: s["actor"].update({"mbox": "mailto:a@example.org"}),  # two identifiers
        lambda s: s["actor"]["account"].pop("homePage"),
        lambda s: s.update({"id": "not-a-uuid"}),
        lambda s: s.update({"timestamp": "2027-03-10 10:05"}),
        lambda s: s["verb"].update({"display": {"en_US": "done"}}),
        lambda s: s.update({"result": {"score": {"scaled": 1.5}}}),
        lambda s: s.update({"object": {"objectType": "StatementRef", "id": s["id"]}}),  # only voiding refers
        lambda s: s.update({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}),
        lambda s: s["verb"].pop("id"),
    ):
        statement = copy.deepcopy(good)
        change(statement)
        with pytest.raises(AssertionError):
            assert_valid_statement(statement)
        broken.append(statement)
    assert len(broken) == 9


def test_timestamps_are_utc_to_the_millisecond_and_need_a_zone():
    assert xs.timestamp(datetime(2027, 1, 2, 3, 4, 5, tzinfo=timezone.utc)) == "2027-01-02T03:04:05.000Z"
    with pytest.raises(ValueError):
        xs.timestamp(datetime(2027, 1, 2, 3, 4, 5))


@pytest.mark.parametrize("length, text", [(timedelta(0), "PT0H0M0S"), (timedelta(seconds=59.999), "PT0H1M0S"),
                                          (timedelta(hours=26, seconds=3), "PT26H0M3S"),
                                          (timedelta(seconds=-5), "PT0H0M0S")])
def test_durations(length, text):
    assert xs.duration(length) == text
