"""The exact model (CP-SAT): true optima of small problems, and the bounds never above them."""

import pytest
from hypothesis import HealthCheck, given, settings

from lms.rollout.bound import lower_bound
from lms.rollout.checker import check_plan
from lms.rollout.model import compile_problem
from lms.rollout.planner import plan_rollout
from lms.rollout.problem import parse_problem
from lms.rollout.sharp import sharper_bound
from tests.rollout.builders import base_doc, problem
from tests.rollout.test_planner import assert_valid, problems
from tests.rollout.test_sharp import small_rooms_doc, whole_sessions_doc

pytest.importorskip("ortools")

from lms.rollout.exact import FEASIBLE, INFEASIBLE, exact_optimum, exact_plan  # noqa: E402


def test_exact_optimum_of_hand_built_problems():
    for doc, bound, optimum in ((whole_sessions_doc(), 5, 6), (small_rooms_doc(), 4, 6)):
        p = problem(doc)
        result = exact_optimum(p, time_limit=20)
        assert (result.bound, result.optimum, result.proven) == (bound, optimum, True)
        assert result.statuses[optimum] == FEASIBLE
        assert all(v == INFEASIBLE for t, v in result.statuses.items() if t < optimum)
        plan = exact_plan(p, result)
        assert_valid(p, plan)
        assert plan.stats["finish_index"] == optimum


def test_exact_optimum_sees_trainer_weeks_the_bound_pools():
    # 8 people, sessions of 2 at most: 4 sessions; one trainer with 2 days a week runs one
    # session a week, so the last ends in the fourth week (day 17), whatever the bound says
    d = base_doc(8, max_away=8, capacity=2)
    d["trainers"][0]["max_days_per_week"] = 2
    p = problem(d)
    result = exact_optimum(p, time_limit=20)
    assert result.optimum == 17 and result.proven
    plan = plan_rollout(p)
    assert_valid(p, plan)
    assert plan.stats["finish_index"] == 17


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(generous=True))
def test_bounds_never_exceed_the_exact_optimum(doc):
    p = parse_problem(doc)
    bound = lower_bound(p).value
    result = exact_optimum(p, time_limit=10, total_limit=30)
    if result.optimum is None:
        return
    sharper = sharper_bound(compile_problem(p), bound)
    assert bound <= sharper <= result.optimum or not result.proven
    assert check_plan(p, exact_plan(p, result)) == []
    fast = plan_rollout(p, time_limit=5)
    if not fast.unassigned:
        assert fast.stats["finish_index"] >= result.optimum or not result.proven
