"""The sharper bound (whole sessions per room and per trainer, trainers by site) and the planner at it."""

from lms.rollout.bound import lower_bound
from lms.rollout.model import compile_problem
from lms.rollout.planner import plan_rollout
from lms.rollout.sharp import (
    dept_sessions,
    room_slot_ends,
    sharper_bound,
    site_groups,
    site_min_sessions,
    site_slot_finish,
    trainer_sessions,
)
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


def short_weeks_doc():
    """12 people in three sessions, two trainers of 3 days a week: 6 trainer-days by day 3, yet a
    trainer fits one two-day session in a week of 3 days, so the third waits for Friday-Monday."""
    d = base_doc(12, max_away=12, capacity=4)
    d["rooms"] += [{"id": "HQ-B", "site": "HQ", "capacity": 4}, {"id": "HQ-C", "site": "HQ", "capacity": 4}]
    d["trainers"] = [{"id": f"T{i}", "sites": ["HQ"], "max_days_per_week": 3} for i in (1, 2)]
    return d


def local_trainer_doc():
    """Site A needs two sessions and has one trainer; B's two trainers cannot help it."""
    d = base_doc(0)
    d["departments"] = [{"id": "a", "site": "A", "kind": "front_line", "max_away": 8},
                        {"id": "b", "site": "B", "kind": "front_line", "max_away": 4}]
    d["employees"] = ([{"id": f"A{i}", "department": "a"} for i in range(8)]
                      + [{"id": f"B{i}", "department": "b"} for i in range(4)])
    d["rooms"] = [{"id": "A-1", "site": "A", "capacity": 4}, {"id": "A-2", "site": "A", "capacity": 4},
                  {"id": "B-1", "site": "B", "capacity": 4}]
    d["trainers"] = [{"id": "T1", "sites": ["A"], "max_days_per_week": 5},
                     {"id": "T2", "sites": ["B"], "max_days_per_week": 5},
                     {"id": "T3", "sites": ["B"], "max_days_per_week": 5}]
    return d


def test_a_trainer_delivers_whole_sessions_within_the_weekly_cap():
    m = compile_problem(problem(short_weeks_doc()))
    # days 1-5 are Monday to Friday: one session (2 days) fits a cap of 3, a second crosses the weekend
    assert trainer_sessions(m, 0)[:8] == [0, 0, 1, 1, 1, 1, 2, 2]


def test_whole_trainer_sessions_raise_the_trainers_term():
    p = problem(short_weeks_doc())
    assert lower_bound(p).value == 3
    assert sharper_bound(compile_problem(p), 3) == 6


def test_trainers_count_only_at_the_sites_they_may_deliver_at():
    p = problem(local_trainer_doc())
    m = compile_problem(p)
    assert lower_bound(p).value == 2
    assert sorted(site_groups(m)) == [(0,), (0, 1), (1,)]
    assert sharper_bound(m, 2) == 4


def test_planner_finishes_on_the_whole_trainer_session_bound():
    for doc, finish in ((short_weeks_doc(), 6), (local_trainer_doc(), 4)):
        p = problem(doc)
        plan = plan_rollout(p)
        assert_valid(p, plan)
        assert plan.unassigned == []
        assert plan.stats["finish_index"] == plan.stats["sharper_bound_index"] == finish


def floor_bound_doc():
    """Two sites of 8 people who may send 2 at a time, one trainer for both: 4 sessions a site."""
    d = base_doc(0)
    d["departments"] = [{"id": s.lower(), "site": s, "kind": "front_line", "max_away": 2} for s in "AB"]
    d["employees"] = [{"id": f"{s}{i}", "department": s.lower()} for s in "AB" for i in range(8)]
    d["rooms"] = [{"id": f"{s}-1", "site": s, "capacity": 4} for s in "AB"]
    d["trainers"] = [{"id": "T1", "max_days_per_week": 5}]
    return d


def test_staffing_floors_set_the_fewest_sessions_a_site_needs():
    p = problem(floor_bound_doc())
    m = compile_problem(p)
    # seats alone ask for 2 sessions a site (8 trainer-days: day 8); each session takes 2 of a
    # department at most, so 4 a site, and the one trainer delivers 8 sessions by day 16
    assert lower_bound(p).value == 8
    assert dept_sessions(m, 0) == dept_sessions(m, 1) == 4
    assert site_min_sessions(m, 0, 16) == 4
    assert sharper_bound(m, 8) == 16
    plan = plan_rollout(p)
    assert_valid(p, plan)
    assert plan.stats["finish_index"] == 16
