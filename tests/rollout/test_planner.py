"""The fast planner: valid plans, everyone assigned when they fit, never below the bound."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.rollout.bound import lower_bound
from lms.rollout.checker import check_plan
from lms.rollout.generate import generate_problem
from lms.rollout.mixing import mixing_stats
from lms.rollout.planner import plan_rollout
from lms.rollout.problem import parse_problem
from tests.rollout.builders import base_doc, problem

DAYS = [f"2027-01-{d:02d}" for d in (4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22)] + [
    f"2027-01-{d:02d}" for d in (25, 26, 27, 28, 29)
] + [f"2027-02-{d:02d}" for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)]


@st.composite
def problems(draw, generous: bool):
    """Small problems over six weeks; ``generous`` ones have room, trainers and floors to spare."""
    n_sites = draw(st.integers(1, 3))
    # with a minimum size above one, whether everyone fits is a partition puzzle: generous
    # problems keep it at one (generated problems exercise minimum sizes at scale)
    min_size = 1 if generous else draw(st.integers(1, 4))
    max_size = draw(st.integers(max(min_size, 4), 10))
    n_trainers_per_session = draw(st.integers(1, 2))
    doc = {
        "format": "lms.rollout-problem/1",
        "window": {"start": "2027-01-04", "end": "2027-02-12"},
        "holidays": draw(st.lists(st.sampled_from(DAYS[2:]), max_size=2, unique=True)),
        "session": {"days": draw(st.integers(1, 3)), "min_size": min_size, "max_size": max_size,
                    "trainers": n_trainers_per_session},
        "departments": [], "employees": [], "rooms": [], "trainers": [],
    }
    emp = 0
    for s in range(n_sites):
        site = f"S{s}"
        for k in range(draw(st.integers(1, 4))):
            size = draw(st.integers(1, 12))
            floor = draw(st.integers(max(1, size // 3) if generous else 1, max(1, size)))
            dept = f"{site}-d{k}"
            kind = draw(st.sampled_from(["front_line", "internal_provider", "leadership"]))
            doc["departments"].append({"id": dept, "site": site, "kind": kind, "max_away": floor})
            for _ in range(size):
                emp += 1
                leave = draw(st.lists(st.sampled_from(DAYS), max_size=0 if generous else 4, unique=True))
                doc["employees"].append({"id": f"E{emp:03d}", "department": dept, "unavailable": leave})
        for r in range(draw(st.integers(1 if generous else 0, 2))):
            doc["rooms"].append({"id": f"{site}-r{r}", "site": site,
                                 "capacity": draw(st.integers(max_size if generous else 1, 12)),
                                 "unavailable": draw(st.lists(st.sampled_from(DAYS), max_size=3, unique=True))})
        for t in range(draw(st.integers(n_trainers_per_session if generous else 0, 3))):
            doc["trainers"].append({"id": f"{site}-t{t}", "sites": [site] if draw(st.booleans()) else None,
                                    "max_days_per_week": draw(st.integers(3 if generous else 0, 5))})
    return doc


def assert_valid(p, plan):
    assert check_plan(p, plan) == []
    ids = [a for s in plan.sessions for a in s.attendees] + [u.employee for u in plan.unassigned]
    assert sorted(ids) == sorted(e.id for e in p.employees)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(generous=False))
def test_any_small_problem_gets_a_valid_plan(doc):
    p = parse_problem(doc)
    plan = plan_rollout(p, time_limit=5)
    assert_valid(p, plan)
    assert all(u.reason for u in plan.unassigned)
    bound = lower_bound(p)
    if plan.sessions and bound.value is not None:
        assert plan.stats["finish_index"] >= bound.value or plan.unassigned


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(generous=True))
def test_problems_that_fit_get_everyone_assigned(doc):
    p = parse_problem(doc)
    bound = lower_bound(p)
    plan = plan_rollout(p, time_limit=5)
    assert_valid(p, plan)
    if bound.value is not None and bound.value * 2 <= bound.window_days:
        assert plan.unassigned == []
        assert plan.stats["finish_index"] >= bound.value


def test_generated_problems_are_planned_at_the_bound_and_mix():
    for seed in (1, 2):
        p = parse_problem(generate_problem(2000, seed))
        plan = plan_rollout(p)
        assert_valid(p, plan)
        assert plan.unassigned == []
        ratio = plan.stats["finish_index"] / plan.stats["lower_bound_index"]
        assert 1 <= ratio <= 1.1
        mix = mixing_stats(p, plan)
        assert mix.mean_largest_share < 0.45 and mix.mixed_kinds_attainable > 0.9
        assert mix.over_half_share < 0.1


def test_department_floor_paces_a_small_team():
    # 6 people, 1 away at a time, two-day sessions: one starts every other day, 12 days in all
    d = base_doc(6, max_away=1)
    d["session"]["min_size"] = 1
    plan = plan_rollout(problem(d))
    assert [s.days[0].day for s in plan.sessions] == [4, 6, 8, 12, 14, 18]
    assert plan.stats["finish_index"] == plan.stats["lower_bound_index"] == 12


def test_no_employees_gives_an_empty_plan():
    plan = plan_rollout(problem(base_doc(0)))
    assert plan.sessions == [] and plan.unassigned == [] and plan.stats["finish_index"] == 0
