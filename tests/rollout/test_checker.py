"""The checker catches a breach of every validity rule of lms.rollout-plan/1."""

import copy

import pytest

from lms.rollout.checker import check_plan
from lms.rollout.plan import parse_plan
from tests.rollout.builders import base_doc, plan_doc, problem, session

MON, TUE, WED, THU, FRI = "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"
ALL = ["E01", "E02", "E03", "E04"]


def two_site_problem():
    """HQ with ops (4 people, max_away 3) and AIRPORT with ramp (2 people); rooms and trainers."""
    d = base_doc(4, max_away=3)
    d["departments"].append({"id": "ramp", "site": "AIRPORT", "kind": "front_line", "max_away": 2})
    d["employees"] += [{"id": "A1", "department": "ramp"}, {"id": "A2", "department": "ramp",
                                                           "unavailable": [WED]}]
    d["rooms"] += [{"id": "HQ-B", "site": "HQ", "capacity": 4, "unavailable": [THU]},
                   {"id": "AIR-1", "site": "AIRPORT", "capacity": 3}]
    d["trainers"][0]["max_days_per_week"] = 3
    d["trainers"] += [{"id": "T2", "sites": None, "available_from": TUE, "unavailable": [FRI]},
                      {"id": "T3", "sites": ["AIRPORT"]}]
    return problem(d)


def valid_sessions():
    return [
        session("S1", [MON, TUE], ["E01", "E02"]),
        session("S2", [WED, THU], ["E03", "E04"], trainers=["T2"]),
        session("S3", [MON, TUE], ["A1", "A2"], room="AIR-1", site="AIRPORT", trainers=["T3"]),
    ]


def violations(sessions, unassigned=None):
    return check_plan(two_site_problem(), parse_plan(plan_doc(sessions, unassigned)))


def test_a_valid_plan_has_no_violations():
    assert violations(valid_sessions()) == []
    assert violations(valid_sessions()[:2], [{"employee": "A1", "reason": "x"},
                                             {"employee": "A2", "reason": "x"}]) == []


@pytest.fixture
def good():
    return valid_sessions()


def mutate(good, index, **changes):
    sessions = copy.deepcopy(good)
    sessions[index].update(changes)
    return sessions


@pytest.mark.parametrize(
    "index, changes, expected",
    [
        (0, {"days": [MON]}, "rule 1: session S1 lists 1 days, sessions last 2"),
        (0, {"days": [MON, WED]}, "rule 1: session S1: 2027-01-06 is not the next working day after 2027-01-04"),
        (1, {"days": ["2027-01-09", "2027-01-11"]}, "rule 1: session S2: 2027-01-09 is not a working day of the window"),
        (1, {"days": ["2027-01-29", "2027-02-01"]}, "rule 1: session S2: 2027-02-01 is not a working day of the window"),
    ],
)
def test_rule_1_session_days(good, index, changes, expected):
    assert expected in violations(mutate(good, index, **changes))


@pytest.mark.parametrize(
    "index, changes, expected",
    [
        (0, {"room": "HQ-Z"}, "rule 2: session S1: room HQ-Z does not exist"),
        (2, {"room": "HQ-B"}, "rule 2: session S3: room HQ-B is at site HQ, not AIRPORT"),
        (1, {"room": "HQ-B"}, "rule 2: session S2: room HQ-B is unavailable on 2027-01-07"),
        (1, {"days": [TUE, WED]}, "rule 2: room HQ-A hosts sessions S1, S2 on 2027-01-05"),
    ],
)
def test_rule_2_rooms(good, index, changes, expected):
    assert expected in violations(mutate(good, index, **changes))


@pytest.mark.parametrize(
    "index, changes, expected",
    [
        (0, {"trainers": ["T1", "T1"]}, "rule 3: session S1 has 1 distinct trainers of 2 listed, needs exactly 1"),
        (0, {"trainers": []}, "rule 3: session S1 has 0 distinct trainers of 0 listed, needs exactly 1"),
        (0, {"trainers": ["T9"]}, "rule 3: session S1: trainer T9 does not exist"),
        (0, {"trainers": ["T3"]}, "rule 3: session S1: trainer T3 may not deliver at site HQ"),
        (0, {"trainers": ["T2"]}, "rule 3: session S1: trainer T2 is not available on 2027-01-04"),
        (1, {"days": [THU, FRI], "trainers": ["T2"]}, "rule 3: session S2: trainer T2 is not available on 2027-01-08"),
        (1, {"days": [TUE, WED], "room": "HQ-B", "trainers": ["T1"]}, "rule 3: trainer T1 is in sessions S1, S2 on 2027-01-05"),
        (1, {"trainers": ["T1"]}, "rule 3: trainer T1 has 4 session days in ISO week 2027-W01, at most 3"),
    ],
)
def test_rule_3_trainers(good, index, changes, expected):
    assert expected in violations(mutate(good, index, **changes))


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"attendees": ["E01", "E02", "E03", "E04", "A1"]}, "rule 4: session S1 has 5 attendees, at most 4 allowed"),
        ({"attendees": ["E01"]}, "rule 4: session S1 has 1 attendees, at least 2 needed"),
    ],
)
def test_rule_4_session_size(good, changes, expected):
    assert expected in violations(mutate(good, 0, **changes))


def test_rule_4_size_uses_room_capacity_and_small_sites(good):
    sessions = mutate(good, 2, attendees=["A1"])
    sessions.append(session("S4", [WED, THU], ["A2"], room="AIR-1", site="AIRPORT", trainers=["T3"]))
    # AIRPORT has 2 employees, min_size 2 binds there; A2 is unavailable on Wednesday as well
    found = violations(sessions)
    assert "rule 4: session S3 has 1 attendees, at least 2 needed" in found
    assert "rule 5: session S4: employee A2 is unavailable on 2027-01-06" in found


@pytest.mark.parametrize(
    "sessions_change, unassigned, expected",
    [
        ({"index": 1, "attendees": ["E03"]}, None, "rule 5: employee E04 is neither in a session nor unassigned"),
        ({"index": 1, "attendees": ["E03", "E04", "E01"]}, None, "rule 5: employee E01 appears in session S1 and in session S2"),
        (None, [{"employee": "E01", "reason": "x"}], "rule 5: employee E01 is both in session S1 and unassigned"),
        (None, [{"employee": "X9", "reason": "x"}], "rule 5: unassigned X9 is not an employee of the problem"),
        ({"index": 0, "attendees": ["E01", "E02", "Q1"]}, None, "rule 5: session S1: attendee Q1 is not an employee of the problem"),
        ({"index": 2, "attendees": ["A1", "A2", "E01"]}, None, "rule 5: session S3: employee E01 of department ops at site HQ attends at site AIRPORT"),
        ({"index": 2, "days": [WED, THU], "trainers": ["T3"]}, None, "rule 5: session S3: employee A2 is unavailable on 2027-01-06"),
    ],
)
def test_rule_5_every_employee_exactly_once(good, sessions_change, unassigned, expected):
    sessions = good
    if sessions_change:
        change = dict(sessions_change)
        sessions = mutate(good, change.pop("index"), **change)
    assert expected in violations(sessions, unassigned)


def test_rule_6_department_floor(good):
    sessions = mutate(good, 0, attendees=["E01", "E02"])
    sessions = mutate(sessions, 1, days=[TUE, WED], room="HQ-B", trainers=["T2"], attendees=["E03", "E04"])
    found = violations(sessions)
    assert found == ["rule 6: department ops has 4 people away on 2027-01-05, max_away is 3"]
