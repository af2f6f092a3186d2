"""A problem compiled to working-day indexes and integer ids, shared by the planners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.core.workdays import iso_week
from lms.rollout.problem import FRONT_LINE, INTERNAL_PROVIDER, Problem


@dataclass
class Model:
    """Index-space view of a problem: days 1..n_days, rooms, trainers, departments, employees."""

    problem: Problem
    n_days: int
    days: list[date]  # days[i] is the working day with index i (days[0] unused)
    week: list[int]  # a small integer per ISO week, by day index
    span: int  # session.days
    n_trainers: int  # session.trainers
    max_size: int
    sites: list[str]
    site_headcount: list[int]
    site_min_size: list[int]
    site_rooms: list[list[int]]
    site_depts: list[list[int]]
    room_ids: list[str]
    room_site: list[int]
    room_seats: list[int]  # min(capacity, max_size)
    room_start_ok: list[bytearray]  # 1 where a session may start in the room on that index
    trainer_ids: list[str]
    trainer_sites: list[frozenset[int] | None]
    trainer_cap: list[int]
    trainer_start_ok: list[bytearray]
    dept_ids: list[str]
    dept_site: list[int]
    dept_cap: list[int]
    dept_kind: list[int]  # 0 other, 1 front line, 2 internal provider
    dept_employees: list[list[int]]
    emp_ids: list[str]
    emp_dept: list[int]
    emp_blocked: list[frozenset[int] | None]  # start indexes the employee cannot take
    start_weeks: list[tuple[tuple[int, int], ...]]  # per start index: (week, session days in it)

    @property
    def last_start(self) -> int:
        """The last index on which a session can start inside the window."""
        return self.n_days - self.span + 1

    def session_days(self, start: int) -> list[date]:
        """The dates of a session starting on an index."""
        return self.days[start : start + self.span]


def _start_ok(available: bytearray, span: int, n_days: int) -> bytearray:
    """1 on index i when the resource is available on i..i+span-1 (all inside the window)."""
    ok = bytearray(n_days + 2)
    run = 0
    # scan backwards counting the run of available days that starts at i
    for i in range(n_days, 0, -1):
        run = run + 1 if available[i] else 0
        ok[i] = 1 if run >= span else 0
    return ok


def compile_problem(problem: Problem) -> Model:
    """Translate a validated problem into index space."""
    cal = problem.calendar
    days = [problem.start, *cal.days]
    n = len(days) - 1
    index = {d: i for i, d in enumerate(days) if i}
    weeks: dict[tuple[int, int], int] = {}
    week = [0] + [weeks.setdefault(iso_week(d), len(weeks)) for d in days[1:]]
    span = problem.session.days

    start_weeks = []
    for s in range(n + 1):
        counts: dict[int, int] = {}
        for i in range(s, min(s + span, n + 1)):
            if i:
                counts[week[i]] = counts.get(week[i], 0) + 1
        start_weeks.append(tuple(counts.items()))

    sites = problem.sites
    site_index = {s: i for i, s in enumerate(sites)}
    dept_ids = [d.id for d in problem.departments]
    dept_index = {d: i for i, d in enumerate(dept_ids)}
    dept_site = [site_index[d.site] for d in problem.departments]
    kinds = {FRONT_LINE: 1, INTERNAL_PROVIDER: 2}

    emp_ids = [e.id for e in problem.employees]
    emp_dept = [dept_index[e.department] for e in problem.employees]
    dept_employees: list[list[int]] = [[] for _ in dept_ids]
    emp_blocked: list[frozenset[int] | None] = []
    for k, e in enumerate(problem.employees):
        dept_employees[emp_dept[k]].append(k)
        blocked = set()
        for d in e.unavailable:
            i = index.get(d)
            if i is not None:
                blocked.update(range(max(1, i - span + 1), i + 1))
        emp_blocked.append(frozenset(blocked) if blocked else None)

    site_headcount = [0] * len(sites)
    for k in emp_dept:
        site_headcount[dept_site[k]] += 1
    site_depts: list[list[int]] = [[] for _ in sites]
    for k, s in enumerate(dept_site):
        site_depts[s].append(k)

    room_ids, room_site, room_seats, room_start_ok = [], [], [], []
    site_rooms: list[list[int]] = [[] for _ in sites]
    for m in problem.rooms:
        avail = bytearray(n + 2)
        for i in range(1, n + 1):
            avail[i] = days[i] not in m.unavailable
        site_rooms[site_index[m.site]].append(len(room_ids))
        room_ids.append(m.id)
        room_site.append(site_index[m.site])
        room_seats.append(min(m.capacity, problem.session.max_size))
        room_start_ok.append(_start_ok(avail, span, n))

    trainer_ids, trainer_sites, trainer_cap, trainer_start_ok = [], [], [], []
    for t in problem.trainers:
        avail = bytearray(n + 2)
        for i in range(1, n + 1):
            avail[i] = t.valid_on(days[i])
        trainer_ids.append(t.id)
        trainer_sites.append(
            None if t.sites is None else frozenset(site_index[s] for s in t.sites if s in site_index)
        )
        trainer_cap.append(t.max_days_per_week)
        trainer_start_ok.append(_start_ok(avail, span, n))

    min_size = problem.session.min_size
    return Model(
        problem=problem,
        n_days=n,
        days=days,
        week=week,
        span=span,
        n_trainers=problem.session.trainers,
        max_size=problem.session.max_size,
        sites=sites,
        site_headcount=site_headcount,
        site_min_size=[min_size if h >= min_size else 1 for h in site_headcount],
        site_rooms=site_rooms,
        site_depts=site_depts,
        room_ids=room_ids,
        room_site=room_site,
        room_seats=room_seats,
        room_start_ok=room_start_ok,
        trainer_ids=trainer_ids,
        trainer_sites=trainer_sites,
        trainer_cap=trainer_cap,
        trainer_start_ok=trainer_start_ok,
        dept_ids=dept_ids,
        dept_site=dept_site,
        dept_cap=[d.max_away for d in problem.departments],
        dept_kind=[kinds.get(d.kind, 0) for d in problem.departments],
        dept_employees=dept_employees,
        emp_ids=emp_ids,
        emp_dept=emp_dept,
        emp_blocked=emp_blocked,
        start_weeks=start_weeks,
    )
