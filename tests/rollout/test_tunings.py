"""The planner's extra attempts: trainers' busiest schedules, the flow of their sessions to sites,
attempts that book those schedules up front (always valid), and the sweep problems they settle."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.rollout.bound import lower_bound
from lms.rollout.generate import generate_problem
from lms.rollout.model import compile_problem
from lms.rollout.planner import (
    SAMPLED,
    Attempt,
    Options,
    Result,
    _flow,
    _trainer_order,
    search,
    to_plan,
    trainer_pattern,
)
from lms.rollout.problem import parse_problem
from lms.rollout.repair import repair
from lms.rollout.sharp import trainer_sessions
from tests.rollout.test_planner import assert_valid, problems


def test_trainer_pattern_is_a_busiest_schedule():
    m = compile_problem(parse_problem(generate_problem(2000, 3)))
    load = [0] * (m.n_days + 2)
    for last in (9, 30, 41, m.n_days):
        for i in range(len(m.trainer_ids)):
            for rng in (None, random.Random(i)):
                pattern = trainer_pattern(m, i, last, rng, load if rng else None)
                starts = [t for t in range(1, m.n_days + 1) if pattern[t]]
                assert len(starts) == trainer_sessions(m, i)[last]
                # whole sessions by the last day, on days the trainer can start, never
                # overlapping, within the weekly cap
                assert all(m.trainer_start_ok[i][t] and t + m.span - 1 <= last for t in starts)
                assert all(b >= a + m.span for a, b in zip(starts, starts[1:]))
                per_week: dict[int, int] = {}
                for t in starts:
                    for w, n in m.start_weeks[t]:
                        per_week[w] = per_week.get(w, 0) + n
                assert all(n <= m.trainer_cap[i] for n in per_week.values())


def test_flow_moves_sessions_between_sites_to_meet_every_need():
    # trainer 0 may go to either site, trainer 1 only to site 0: the flow must send trainer 0
    # to site 1 although site 0 was reachable first
    quota = _flow([3, 2], [[0, 1], [0]], [2, 3])
    assert sum(q[0] for q in quota) >= 2 and sum(q.get(1, 0) for q in quota) >= 3
    assert [sum(q.values()) for q in quota] == [3, 2]
    # not enough trainers: as much as can be met, never more than each has
    quota = _flow([1, 1], [[0], [0]], [3])
    assert [sum(q.values()) for q in quota] == [1, 1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(generous=False), st.integers(1, 14), st.integers(0, 10_000))
def test_attempts_with_drawn_tunings_give_valid_plans(doc, target, seed):
    p = parse_problem(doc)
    m = compile_problem(p)
    rng = random.Random(seed)
    options = Options(**{name: rng.choice(values) for name, values in SAMPLED.items()})
    draft = Attempt(m, _trainer_order(m), options).run(target, None, rng if seed % 2 else None)
    assert_valid(p, to_plan(Result(draft, lower_bound(p), [], 0.0, m)))
    fixed = repair(m, draft, target)
    assert_valid(p, to_plan(Result(fixed, lower_bound(p), [], 0.0, m)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(generous=False), st.integers(1, 14))
def test_trainers_first_attempts_give_valid_plans(doc, target):
    p = parse_problem(doc)
    m = compile_problem(p)
    draft = Attempt(m, _trainer_order(m), Options(trainers_first=True)).run(target, None, None)
    assert_valid(p, to_plan(Result(draft, lower_bound(p), [], 0.0, m)))


def test_trainer_bound_sweep_problem_is_planned_at_the_sharper_bound():
    # generator seed 5 at 20,000: trainers bind with one session to spare at day 61 (the
    # sharper bound); the day-by-day attempts left 7-10 sessions' worth of people out there,
    # the trainers' busiest schedules booked up front seat everyone
    p = parse_problem(generate_problem(20000, 5))
    result = search(p, time_limit=25)
    plan = to_plan(result)
    assert_valid(p, plan)
    assert plan.unassigned == []
    assert result.draft.finish == result.sharper == 61
