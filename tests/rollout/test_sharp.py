"""The sharper bound (whole sessions per room, the trainer-days they take) and the planner at it."""

from lms.rollout.bound import lower_bound
from lms.rollout.model import compile_problem
from lms.rollout.planner import plan_rollout
from lms.rollout.sharp import room_slot_ends, sharper_bound, site_min_sessions, site_slot_finish
from tests.rollout.builders import base_doc, problem
from tests.rollout.test_planner import assert_valid

JANUARY = [f"2027-01-{d:02d}" for d in range(6, 30)]


def whole_sessions_doc():
    """10 people, one room of 4, two trainers: 20 seat-days are 5 days, but 3 sessions take 6."""
    d = base_doc(10, max_away=10, capacity=4)
    d["trainers"].append({"id": "T2", "sites": ["HQ"], "max_days_per_week": 5})
    return d


def small_rooms_doc():
    """40 people; the room of 20 is free on days 1-2 only, so one trainer runs 3 sessions: day 6."""
    d = base_doc(40, max_away=40, capacity=20)
    d["session"]["max_size"] = 20
    d["rooms"][0]["unavailable"] = JANUARY
    d["rooms"].append({"id": "HQ-B", "site": "HQ", "capacity": 10})
    return d


def test_room_holds_whole_sessions_between_unavailable_days():
    d = base_doc()
    d["rooms"][0]["unavailable"] = ["2027-01-06"]
    m = compile_problem(problem(d))
    assert room_slot_ends(m, 0, 10) == [2, 5, 7, 9]


def test_whole_sessions_raise_the_site_seats_term():
    p = problem(whole_sessions_doc())
    m = compile_problem(p)
    assert lower_bound(p).value == 5
    assert site_slot_finish(m, 0) == 6
    assert sharper_bound(m, 5) == 6


def test_small_rooms_raise_the_trainers_term():
    p = problem(small_rooms_doc())
    m = compile_problem(p)
    assert lower_bound(p).value == 4
    assert site_min_sessions(m, 0, 4) == 3
    assert sharper_bound(m, 4) == 6


def test_planner_finishes_on_the_sharper_bound():
    for doc in (whole_sessions_doc(), small_rooms_doc()):
        p = problem(doc)
        plan = plan_rollout(p)
        assert_valid(p, plan)
        assert plan.unassigned == []
        assert plan.stats["finish_index"] == plan.stats["sharper_bound_index"] == 6
