"""What-if for leadership: the rooms and trainers each site needs to finish by a date, checked by the planner."""
from __future__ import annotations

from datetime import date, timedelta

from lms.rollout.planner import search
from lms.rollout.problem import parse_problem
from lms.rollout.services import what_if_for
from lms.rollout.whatif import _with_resources, what_if
from tests.rollout.builders import base_doc
from tests.rollout.test_live import TODAY, org  # noqa: F401  (fixture)
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)


def two_sites(hq: int = 40, air: int = 10, end: str = "2027-01-15") -> dict:
    """HQ with one room of 10 and one trainer; AIR with one room of 10 and one trainer; 10 working days."""
    doc = base_doc(0)
    doc["window"]["end"] = end
    doc["session"].update(min_size=2, max_size=10)
    doc["departments"] = [{"id": "ops", "site": "HQ", "kind": "front_line", "max_away": 40},
                          {"id": "gate", "site": "AIR", "kind": "front_line", "max_away": 10}]
    doc["employees"] = ([{"id": f"H{i:03d}", "department": "ops"} for i in range(hq)]
                        + [{"id": f"A{i:03d}", "department": "gate"} for i in range(air)])
    doc["rooms"] = [{"id": "HQ-1", "site": "HQ", "capacity": 10}, {"id": "AIR-1", "site": "AIR", "capacity": 10}]
    doc["trainers"] = [{"id": "T-HQ", "sites": ["HQ"]}, {"id": "T-AIR", "sites": ["AIR"]}]
    doc["sites"] = [{"id": "HQ", "name": "Head office", "closed": []}, {"id": "AIR", "name": "Airport", "closed": []}]
    return doc


def test_a_site_short_of_rooms_and_trainers_gets_both_and_the_planner_confirms():
    # HQ: 40 people in 10 working days; one room of 10 runs 5 sessions (50 seats) a fortnight...
    # ...so finishing by day 4 (Thursday 7 January) needs 4 sessions on days 1-4: two rooms, two trainers
    answer = what_if(two_sites(end="2027-01-07"), time_limit=5)
    needs = {n.site: n for n in answer.sites}
    assert answer.working_days == 4
    assert needs["HQ"].rooms_have == 1 and needs["HQ"].rooms_need >= 2
    assert needs["HQ"].trainers_have == 1 and needs["HQ"].trainers_need >= 2
    assert needs["AIR"].rooms_short == 0 and needs["AIR"].trainers_short == 0
    assert answer.verified and answer.left_out == 0
    assert answer.planner_finish is not None and answer.planner_finish <= date(2027, 1, 7)
    # one room fewer than the answer and the planner does not make it: the answer is not padded
    problem = parse_problem(two_sites(end="2027-01-07"))
    needs["HQ"].rooms_need -= 1
    assert search(_with_resources(problem, answer.sites, {}), 2).draft.unassigned


def test_a_site_that_already_fits_needs_nothing_and_may_need_less_than_it_has():
    doc = two_sites(hq=10, air=10)
    doc["trainers"] += [{"id": "T-AIR-2", "sites": ["AIR"]}, {"id": "T-AIR-3", "sites": ["AIR"]}]
    answer = what_if(doc, time_limit=5)
    assert answer.verified
    assert all(n.rooms_short == 0 and n.trainers_short == 0 for n in answer.sites)
    air = next(n for n in answer.sites if n.site == "AIR")
    assert (air.trainers_have, air.trainers_need) == (3, 1)


def test_a_staffing_floor_that_no_resource_can_fix_is_named():
    doc = two_sites(hq=20, end="2027-01-07")
    doc["departments"][0]["max_away"] = 2  # 20 people, 2 at a time: 20 working days whatever the rooms
    answer = what_if(doc, time_limit=3)
    hq = next(n for n in answer.sites if n.site == "HQ")
    assert hq.blockers and "staffing floor" in hq.blockers[0] and "ops" in hq.blockers[0]
    assert not answer.verified and hq.left_out > 0


def test_site_days_off_are_kept_by_the_new_rooms_and_trainers():
    doc = two_sites(hq=30, end="2027-01-08")
    fridays = ["2027-01-08"]
    doc["sites"][0]["closed"] = fridays
    doc["rooms"][0]["unavailable"] = fridays
    answer = what_if(doc, time_limit=5)
    assert answer.verified
    problem = parse_problem(doc)
    closed = {"HQ": {date(2027, 1, 8)}}
    grown = _with_resources(problem, answer.sites, closed)
    new_rooms = [r for r in grown.rooms if r.id.startswith("NEW-HQ")]
    assert new_rooms and all(date(2027, 1, 8) in r.unavailable for r in new_rooms)


def test_live_what_if_counts_each_site_as_it_is(db, org):  # noqa: F811
    answer = what_if_for([org.hq, org.air], org.start, org.start + timedelta(days=11), TODAY, min_size=4,
                         max_size=12, time_limit=5)
    needs = {n.site: n for n in answer.sites}
    assert needs["HQ"].name == "Head office" and needs["AIR"].name == "Airport"
    assert needs["HQ"].rooms_have == 1 and needs["AIR"].rooms_have == 1  # the inactive room does not count
    assert needs["HQ"].trainers_have == 1 and needs["AIR"].trainers_have == 1
    assert needs["HQ"].people == 13 and needs["AIR"].people == 9
    assert answer.finish_by == org.start + timedelta(days=11)
