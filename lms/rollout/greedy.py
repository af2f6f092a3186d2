"""The baseline planner: day by day, room by room, fill from the departments with most people left."""

from __future__ import annotations

import time

from lms.rollout.bound import lower_bound
from lms.rollout.model import Model, compile_problem
from lms.rollout.plan import Plan
from lms.rollout.planner import Draft, Result, SiteTrace, to_plan
from lms.rollout.problem import Problem


def greedy_draft(model: Model) -> Draft:
    """Fill every free room each day with trainers in id order and the largest departments first."""
    m = model
    span = m.span
    room_free = [1] * len(m.room_ids)
    trainer_free = [1] * len(m.trainer_ids)
    trainer_week: list[dict[int, int]] = [{} for _ in m.trainer_ids]
    pools = [list(reversed(emps)) for emps in m.dept_employees]
    day_starts: list[dict[int, int]] = [{} for _ in range(m.n_days + 2)]
    rooms = sorted(range(len(m.room_ids)), key=lambda r: m.room_ids[r])
    trainers = sorted(range(len(m.trainer_ids)), key=lambda i: m.trainer_ids[i])
    sessions: list[tuple[int, int, tuple[int, ...], list[int]]] = []
    remaining = len(m.emp_ids)

    for t in range(1, m.last_start + 1):
        if not remaining:
            break
        for r in rooms:
            if room_free[r] > t or not m.room_start_ok[r][t]:
                continue
            s = m.room_site[r]
            picked = []
            for i in trainers:
                if len(picked) == m.n_trainers:
                    break
                sites = m.trainer_sites[i]
                if trainer_free[i] > t or not m.trainer_start_ok[i][t]:
                    continue
                if sites is not None and s not in sites:
                    continue
                if all(trainer_week[i].get(w, 0) + n <= m.trainer_cap[i] for w, n in m.start_weeks[t]):
                    picked.append(i)
            if len(picked) < m.n_trainers:
                continue
            attendees: list[int] = []
            by_size = sorted(m.site_depts[s], key=lambda k: (-len(pools[k]), k))
            for k in by_size:
                if not pools[k] or len(attendees) >= m.room_seats[r]:
                    break
                away = sum(day_starts[u].get(k, 0) for u in range(max(1, t - span + 1), t + 1))
                room_left = min(m.dept_cap[k] - away, m.room_seats[r] - len(attendees))
                for e in reversed(pools[k]):
                    if room_left <= 0:
                        break
                    blocked = m.emp_blocked[e]
                    if blocked is None or t not in blocked:
                        attendees.append(e)
                        room_left -= 1
            if len(attendees) < m.site_min_size[s]:
                continue
            taken = set(attendees)
            for k in {m.emp_dept[e] for e in attendees}:
                before = len(pools[k])
                pools[k] = [e for e in pools[k] if e not in taken]
                day_starts[t][k] = day_starts[t].get(k, 0) + before - len(pools[k])
            remaining -= len(attendees)
            room_free[r] = t + span
            for i in picked:
                trainer_free[i] = t + span
                for w, n in m.start_weeks[t]:
                    trainer_week[i][w] = trainer_week[i].get(w, 0) + n
            sessions.append((t, r, tuple(picked), attendees))
    unassigned = [e for pool in pools for e in pool]
    return Draft(m.n_days, sessions, unassigned, [SiteTrace() for _ in m.sites], span)


def greedy_plan(problem: Problem) -> Plan:
    """Plan with the greedy baseline (unassigned reasons are generic)."""
    began = time.perf_counter()
    model = compile_problem(problem)
    draft = greedy_draft(model)
    result = Result(draft, lower_bound(problem), [(model.n_days, len(draft.unassigned))],
                    time.perf_counter() - began, model)
    return to_plan(result, {e: "the greedy baseline found no place" for e in draft.unassigned})
