"""An exact model of small rollout problems (OR-Tools CP-SAT), to measure the fast planner.

Department-by-day quantities, not people: employees of a department with the same leave
form one class, and the model chooses how many of each class start on each day, which
rooms host a session on each day and which trainers deliver at which site on each day.
Every validity rule of `lms.rollout-plan/1` is a constraint, so a feasible answer for a
target finish index T is a plan finishing by T, and an infeasible one proves that no plan
finishes by T (the true optimum, against which the bound and the fast planner are judged).
Mixing is not modelled: the optimum found is that of the validity rules alone.

OR-Tools is an optional dependency (the ``bench`` and ``test`` extras); the planner does
not need it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from lms.rollout.bound import lower_bound
from lms.rollout.model import Model, compile_problem
from lms.rollout.plan import Plan
from lms.rollout.planner import Draft, Result, SiteTrace, _balanced_sizes, deal_round, to_plan
from lms.rollout.problem import Problem
from lms.rollout.sharp import sharper_bound

FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
UNKNOWN = "unknown"


@dataclass
class ExactResult:
    """The lowest target proven feasible, whether it is proven optimal, and each target's status."""

    bound: int | None
    optimum: int | None
    proven: bool
    statuses: dict[int, str] = field(default_factory=dict)
    seconds: float = 0.0
    draft: Draft | None = None


def _classes(m: Model) -> list[tuple[int, frozenset[int], list[int]]]:
    """Employees grouped by department and the start days they cannot take."""
    groups: dict[tuple[int, frozenset[int]], list[int]] = defaultdict(list)
    for e, k in enumerate(m.emp_dept):
        groups[k, m.emp_blocked[e] or frozenset()].append(e)
    return [(k, blocked, emps) for (k, blocked), emps in sorted(groups.items(), key=lambda g: g[1][0])]


def solve_target(m: Model, target: int, time_limit: float = 60.0,
                 workers: int = 1, people: bool = True) -> tuple[str, Draft | None]:
    """Whether everyone can be planned to finish by index ``target``; a draft when feasible.

    Without ``people`` only rooms and trainers are modelled (each site's sessions must seat
    its headcount): a relaxation, so ``infeasible`` still proves no plan finishes by the
    target, and it is much faster to prove.
    """
    from ortools.sat.python import cp_model

    span = m.span
    last = min(target, m.n_days) - span + 1
    if last < 1:
        return (INFEASIBLE if m.emp_ids else FEASIBLE), None
    starts = range(1, last + 1)
    cp = cp_model.CpModel()
    classes = _classes(m)

    # rooms: y[r, t] = a session starts in room r on day t
    y: dict[tuple[int, int], object] = {}
    site_rooms: list[list[int]] = []
    for s, rooms in enumerate(m.site_rooms):
        usable = [r for r in rooms if m.room_seats[r] >= m.site_min_size[s]] if m.site_headcount[s] else []
        site_rooms.append(usable)
        for r in usable:
            for t in starts:
                if m.room_start_ok[r][t]:
                    y[r, t] = cp.NewBoolVar(f"y{r}_{t}")
            for d in range(1, last + span):
                covering = [y[r, t] for t in range(max(1, d - span + 1), min(d, last) + 1) if (r, t) in y]
                if len(covering) > 1:
                    cp.AddAtMostOne(covering)

    # trainers: w[i, s, t] = trainer i delivers a session at site s starting on day t
    w: dict[tuple[int, int, int], object] = {}
    by_site_day: dict[tuple[int, int], list] = defaultdict(list)
    for i in range(len(m.trainer_ids)):
        allowed = m.trainer_sites[i]
        mine: dict[int, list] = defaultdict(list)  # start day -> vars
        for s in range(len(m.sites)):
            if not site_rooms[s] or (allowed is not None and s not in allowed):
                continue
            for t in starts:
                if m.trainer_start_ok[i][t] and any((r, t) in y for r in site_rooms[s]):
                    v = cp.NewBoolVar(f"w{i}_{s}_{t}")
                    w[i, s, t] = v
                    mine[t].append(v)
                    by_site_day[s, t].append(v)
        if not mine:
            continue
        for d in range(1, last + span):
            covering = [v for t in range(max(1, d - span + 1), min(d, last) + 1) for v in mine.get(t, ())]
            if len(covering) > 1:
                cp.AddAtMostOne(covering)
        per_week: dict[int, list] = defaultdict(list)
        for t, vs in mine.items():
            for week, n in m.start_weeks[t]:
                per_week[week].extend([(v, n) for v in vs])
        for terms in per_week.values():
            if sum(n for _, n in terms) > m.trainer_cap[i]:
                cp.Add(sum(n * v for v, n in terms) <= m.trainer_cap[i])

    # people: x[c, t] = how many of class c start on day t
    x: dict[tuple[int, int], object] = {}
    site_day_people: dict[tuple[int, int], list] = defaultdict(list)
    dept_day: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for c, (k, blocked, emps) in enumerate(classes if people else ()):
        s = m.dept_site[k]
        cap = min(len(emps), m.dept_cap[k])
        vs = []
        for t in starts:
            if t in blocked or not any((r, t) in y for r in site_rooms[s]):
                continue
            v = cp.NewIntVar(0, cap, f"x{c}_{t}")
            x[c, t] = v
            vs.append(v)
            site_day_people[s, t].append(v)
            dept_day[k][t].append(v)
        if not vs:
            return INFEASIBLE, None
        cp.Add(sum(vs) == len(emps))
    for k, per_day in dept_day.items():
        for d in range(1, last + span):
            covering = [v for t in range(max(1, d - span + 1), min(d, last) + 1) for v in per_day.get(t, ())]
            if covering and len(covering) > 1:
                cp.Add(sum(covering) <= m.dept_cap[k])

    if not people:
        for s, rooms in enumerate(site_rooms):
            seats = [m.room_seats[r] * y[r, t] for r in rooms for t in starts if (r, t) in y]
            if m.site_headcount[s]:
                if not seats:
                    return INFEASIBLE, None
                cp.Add(sum(seats) >= m.site_headcount[s])
    # each site-day: people between the sessions' minimum and their seats; trainers per session
    for s, rooms in enumerate(site_rooms):
        for t in starts:
            ys = [(r, y[r, t]) for r in rooms if (r, t) in y]
            if not ys:
                continue
            if people:
                seated = sum(site_day_people.get((s, t), []))
                cp.Add(seated <= sum(m.room_seats[r] * v for r, v in ys))
                cp.Add(seated >= m.site_min_size[s] * sum(v for _, v in ys))
            trainers = by_site_day.get((s, t), [])
            if m.n_trainers:
                if not trainers:
                    for _, v in ys:
                        cp.Add(v == 0)
                else:
                    cp.Add(sum(trainers) == m.n_trainers * sum(v for _, v in ys))
    # fewer sessions among equally good answers
    cp.Minimize(sum(y.values()))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.Solve(cp)
    if status == cp_model.INFEASIBLE:
        return INFEASIBLE, None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return UNKNOWN, None
    if not people:
        return FEASIBLE, None
    return FEASIBLE, _draft(m, target, classes, site_rooms, solver, x, y, w)


def _draft(m: Model, target: int, classes, site_rooms, solver, x, y, w) -> Draft:
    """Turn a solution into sessions: rooms and trainers per site-day, then names dealt round."""
    pools = [list(emps) for _, _, emps in classes]
    sessions = []
    for s, rooms in enumerate(site_rooms):
        for t in range(1, m.n_days + 1):
            chosen = [r for r in rooms if (r, t) in y and solver.Value(y[r, t])]
            if not chosen:
                continue
            trainers = [i for i in range(len(m.trainer_ids)) if (i, s, t) in w and solver.Value(w[i, s, t])]
            people = []
            for c in range(len(classes)):
                if (c, t) in x and m.dept_site[classes[c][0]] == s:
                    for _ in range(solver.Value(x[c, t])):
                        people.append(pools[c].pop())
            groups = deal_round(people, _balanced_sizes([m.room_seats[r] for r in chosen], len(people)))
            n = m.n_trainers
            for j, r in enumerate(chosen):
                sessions.append((t, r, tuple(trainers[j * n:(j + 1) * n]), groups[j]))
    return Draft(target, sessions, [], [SiteTrace() for _ in m.sites], m.span)


def exact_optimum(problem: Problem, hi: int | None = None, time_limit: float = 60.0,
                  total_limit: float = 300.0) -> ExactResult:
    """The lowest finish index with everyone planned, searched upwards from the sharper bound.

    ``hi`` (the last target worth trying, e.g. one below the fast planner's finish) ends the
    search; a target whose solve runs out of time is ``unknown`` and leaves the answer
    unproven. Targets below the sharper bound (`lms.rollout.sharp`) are infeasible without
    a solve.
    """
    began = time.perf_counter()
    m = compile_problem(problem)
    bound = lower_bound(problem).value
    out = ExactResult(bound, None, False)
    if bound is None:
        return out
    limit = min(hi if hi is not None else m.n_days, m.n_days)
    proven = True
    for target in range(max(sharper_bound(m, bound), m.span), limit + 1):
        left = total_limit - (time.perf_counter() - began)
        if left <= 0:
            break
        status, draft = solve_target(m, target, min(time_limit, left))
        out.statuses[target] = status
        if status == FEASIBLE:
            out.optimum, out.proven, out.draft = target, proven, draft
            break
        if status == UNKNOWN:
            proven = False
    out.seconds = time.perf_counter() - began
    return out


def exact_plan(problem: Problem, result: ExactResult) -> Plan | None:
    """The plan of an exact result (None when no target was feasible)."""
    if result.draft is None:
        return None
    m = compile_problem(problem)
    return to_plan(Result(result.draft, lower_bound(problem), [], result.seconds, m))
