"""What would it take to finish by a date: certified trainers and rooms per site, from the bound and the planner.

The bound's arithmetic gives, per site, the rooms whose seat-days and the trainers whose
trainer-days cover everyone by the date. Those are then added as synthetic rooms and trainers
to a copy of the problem and the planner is run; where it still leaves people out, the
resource that stopped the site (as the planner traced it) is raised and it runs again.
Department staffing floors that cannot finish in time are reported: no room or trainer helps
them. Pure module.
"""
from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from math import ceil
from typing import Any

from lms.core.workdays import iso_week
from lms.rollout.planner import search
from lms.rollout.problem import Problem, Room, Trainer, parse_problem

ROUNDS = 4
NEW_TRAINER_CAP = 5


@dataclass
class SiteNeed:
    """One site: people to train, rooms and trainers it has and needs, and what no resource can fix."""

    site: str
    name: str
    people: int
    rooms_have: int
    rooms_need: int
    trainers_have: int
    trainers_need: int
    room_seats: int
    blockers: list[str] = field(default_factory=list)
    left_out: int = 0

    @property
    def rooms_short(self) -> int:
        """Rooms to add."""
        return max(0, self.rooms_need - self.rooms_have)

    @property
    def trainers_short(self) -> int:
        """Certified trainers to add."""
        return max(0, self.trainers_need - self.trainers_have)


@dataclass
class WhatIf:
    """The answer: per-site needs, and whether the planner finished everyone by the date with them."""

    finish_by: date
    working_days: int
    sites: list[SiteNeed]
    verified: bool
    planner_finish: date | None
    left_out: int


def _site_days(problem: Problem, closed: set[date]) -> list[date]:
    return [d for d in problem.calendar.days if d not in closed]


def _week_capped(days: list[date], cap: int) -> int:
    per_week = Counter(iso_week(d) for d in days)
    return sum(min(cap, n) for n in per_week.values())


def _fewest(have: list[int], need: int, per_new: int) -> int:
    """The fewest resources covering `need` units: the largest existing ones first, then new ones of `per_new`."""
    if need <= 0:
        return 0
    got = 0
    for count, units in enumerate(sorted(have, reverse=True), start=1):
        got += units
        if got >= need:
            return count
    return len(have) + (ceil((need - got) / per_new) if per_new else 0)


def _arithmetic(problem: Problem, closed: dict[str, set[date]], names: dict[str, str],
                department_names: dict[str, str]) -> list[SiteNeed]:
    spec = problem.session
    people = problem.employees_per_site()
    per_department = problem.employees_per_department()
    n_days = len(problem.calendar)
    needs = []
    for site in problem.sites:
        n = people[site]
        days = _site_days(problem, closed.get(site, set()))
        rooms = [r for r in problem.rooms if r.site == site]
        seats = min(spec.max_size, max((r.capacity for r in rooms), default=spec.max_size))
        room_days = [min(r.capacity, spec.max_size) * sum(1 for d in days if d not in r.unavailable) for r in rooms]
        rooms_need = _fewest(room_days, spec.days * n, seats * len(days))
        trainers = [t for t in problem.trainers if t.allowed_at(site)]
        trainer_days = [_week_capped([d for d in days if t.valid_on(d)], t.max_days_per_week) for t in trainers]
        sessions = ceil(n / seats) if n else 0
        trainers_need = _fewest(trainer_days, spec.days * spec.trainers * sessions, _week_capped(days, NEW_TRAINER_CAP))
        blockers = []
        for d in problem.departments:
            if d.site != site or not per_department[d.id]:
                continue
            need = spec.days * ceil(per_department[d.id] / d.max_away)
            if need > n_days:
                blockers.append(f"{department_names.get(d.id, d.id)}: its staffing floor (at most {d.max_away} away a day) needs {need} working "
                                f"days for its {per_department[d.id]} people; more rooms or trainers cannot change that")
        if not days and n:
            blockers.append("the site has no working day in the window")
        needs.append(SiteNeed(site, names.get(site, site), n, len(rooms), rooms_need, len(trainers), trainers_need,
                              seats, blockers))
    return needs


def _with_resources(problem: Problem, needs: list[SiteNeed], closed: dict[str, set[date]]) -> Problem:
    rooms = list(problem.rooms)
    trainers = list(problem.trainers)
    for need in needs:
        off = frozenset(closed.get(need.site, set()))
        rooms += [Room(f"NEW-{need.site}-R{i + 1}", need.site, need.room_seats, off) for i in range(need.rooms_short)]
        trainers += [Trainer(f"NEW-{need.site}-T{i + 1}", frozenset({need.site}), None, None, NEW_TRAINER_CAP, off)
                     for i in range(need.trainers_short)]
    return dataclasses.replace(problem, rooms=tuple(rooms), trainers=tuple(trainers))


def what_if(doc: dict[str, Any], time_limit: float = 10.0) -> WhatIf:
    """Per site, the rooms and trainers needed to finish everyone by the document's window end, checked by planning."""
    began = time.perf_counter()
    problem = parse_problem(doc)
    closed = {s["id"]: {date.fromisoformat(d) for d in s.get("closed", [])} for s in doc.get("sites", [])}
    names = {s["id"]: s.get("name", s["id"]) for s in doc.get("sites", [])}
    needs = _arithmetic(problem, closed, names, {d["id"]: d.get("name", d["id"]) for d in doc["departments"]})
    verified, finish, left = False, None, len(problem.employees)
    for round_no in range(ROUNDS):
        remaining = time_limit - (time.perf_counter() - began)
        if remaining <= 0.5:
            break
        result = search(_with_resources(problem, needs, closed), remaining / (ROUNDS - round_no),
                        coverage_only=True)
        m = result.model
        left = len(result.draft.unassigned)
        finish = m.days[result.draft.finish] if result.draft.finish else None
        short = Counter(m.sites[m.dept_site[m.emp_dept[e]]] for e in result.draft.unassigned)
        for need in needs:
            need.left_out = short.get(need.site, 0)
        if not left:
            verified = True
            break
        if not _raise(needs, short, result, problem, closed):
            break
    return WhatIf(problem.end, len(problem.calendar), needs, verified, finish, left)


def _raise(needs: list[SiteNeed], short: Counter, result, problem: Problem, closed: dict[str, set[date]]) -> bool:
    """Add what stopped each site that left people out; False when nothing more can help."""
    m = result.model
    spec = problem.session
    trace = {m.sites[i]: t for i, t in enumerate(result.draft.trace)}
    raised = False
    for need in needs:
        left = short.get(need.site, 0)
        if not left or need.blockers:
            continue
        days = len(_site_days(problem, closed.get(need.site, set())))
        sessions = ceil(left / need.room_seats)
        step = max(1, ceil(sessions * spec.days / max(1, days)))
        t = trace.get(need.site)
        more_rooms = t is None or t.no_room >= t.no_trainer
        more_trainers = t is None or t.no_trainer >= t.no_room
        # a site that needs fewer than it has gets more than it has: the planner already used them all
        if more_rooms:
            need.rooms_need = max(need.rooms_need, need.rooms_have) + step
        if more_trainers:
            need.trainers_need = max(need.trainers_need, need.trainers_have) + step
        raised = True
    return raised
