"""Reading problems: malformed or inconsistent ones are refused with messages naming the item."""

import json

import pytest

from lms.rollout.problem import ProblemError, load_problem, parse_problem, problem_to_json
from tests.rollout.builders import base_doc, problem


def refused(doc) -> list[str]:
    with pytest.raises(ProblemError) as info:
        parse_problem(doc)
    return info.value.messages


def test_a_valid_problem_is_read_with_defaults():
    doc = base_doc()
    del doc["working_weekdays"]
    p = parse_problem(doc)
    assert p.working_weekdays == frozenset({1, 2, 3, 4, 5})
    assert p.trainers[0].max_days_per_week == 5 and p.trainers[0].available_from is None
    assert len(p.calendar) == 20
    assert parse_problem(problem_to_json(p)) == p


def test_unknown_keys_are_ignored():
    doc = base_doc()
    doc["note"] = "x"
    doc["employees"][0]["grade"] = 7
    assert len(parse_problem(doc).employees) == 4


def test_unknown_department_of_an_employee():
    doc = base_doc()
    doc["employees"][1]["department"] = "nope"
    assert refused(doc) == ["employee E02: unknown department 'nope'"]


def test_room_at_a_site_with_no_departments():
    doc = base_doc()
    doc["rooms"].append({"id": "AIR-1", "site": "AIRPORT", "capacity": 10})
    assert refused(doc) == ["room AIR-1: site 'AIRPORT' has no departments"]


@pytest.mark.parametrize(
    "where, change, expected",
    [
        ("employee", lambda d: d["employees"][0].update(unavailable=["2027-03-01"]),
         "employee E01: unavailable: date 2027-03-01 is outside the window 2027-01-04..2027-01-29"),
        ("room", lambda d: d["rooms"][0].update(unavailable=["2026-12-31"]),
         "room HQ-A: unavailable: date 2026-12-31 is outside the window"),
        ("holiday", lambda d: d.update(holidays=["2027-02-01"]),
         "holidays: date 2027-02-01 is outside the window"),
    ],
)
def test_dates_outside_the_window(where, change, expected):
    doc = base_doc()
    change(doc)
    assert refused(doc)[0].startswith(expected)


def test_negative_capacity_and_floor():
    doc = base_doc()
    doc["rooms"][0]["capacity"] = -3
    doc["departments"][0]["max_away"] = 0
    messages = refused(doc)
    assert "room HQ-A: capacity: must be at least 1, got -3" in messages
    assert "department ops: max_away: must be at least 1, got 0" in messages


def test_bad_format_string():
    assert refused(base_doc() | {"format": "lms.rollout-problem/2"}) == [
        "problem: format must be 'lms.rollout-problem/1', got 'lms.rollout-problem/2'"
    ]


def test_missing_keys_are_each_named():
    doc = base_doc()
    del doc["rooms"]
    del doc["session"]["max_size"]
    del doc["employees"][2]["department"]
    messages = refused(doc)
    assert "problem: missing key 'rooms'" in messages
    assert "session: missing key 'max_size'" in messages
    assert "employee E03: missing key 'department'" in messages


def test_duplicate_ids():
    doc = base_doc()
    doc["employees"].append({"id": "E01", "department": "ops"})
    doc["trainers"].append({"id": "T1"})
    messages = refused(doc)
    assert "employee E01: duplicate id (2 times)" in messages
    assert "trainer T1: duplicate id (2 times)" in messages


def test_bad_dates_weekdays_and_window():
    doc = base_doc()
    doc["window"] = {"start": "2027-02-01", "end": "2027-01-01"}
    assert refused(doc) == ["window: end 2027-01-01 is before start 2027-02-01"]
    doc = base_doc()
    doc["working_weekdays"] = [1, 8]
    doc["trainers"][0]["available_from"] = "04/01/2027"
    messages = refused(doc)
    assert "working_weekdays: must be at most 7, got 8" in messages
    assert "trainer T1: available_from: '04/01/2027' is not an ISO date YYYY-MM-DD" in messages


def test_min_size_above_max_size():
    doc = base_doc()
    doc["session"]["min_size"] = 9
    assert refused(doc) == ["session: min_size 9 is above max_size 4"]


def test_load_problem_reports_bad_json(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ProblemError, match="not valid JSON"):
        load_problem(path)
    path.write_text(json.dumps(base_doc()), encoding="utf-8")
    assert load_problem(path) == problem()
