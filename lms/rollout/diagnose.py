"""When not everyone fits: a reason per unassigned employee, the binding resources, and remedies."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from lms.rollout.bound import lower_bound
from lms.rollout.model import Model
from lms.rollout.planner import Result, search
from lms.rollout.problem import Problem, Room, Trainer

ROOMS = "rooms"
TRAINERS = "trainers"
FLOOR = "staffing_floor"
WINDOW = "window"
PERSON = "availability"
DEFAULT_RUN_SECONDS = 25.0


@dataclass(frozen=True)
class Shortfall:
    """One binding resource: what it is, where, how many people it leaves out, and a remedy."""

    resource: str
    site: str | None
    department: str | None
    unassigned: int
    message: str
    remedy: str | None


@dataclass
class Diagnosis:
    """Whether everyone fits, and if not why and what would make them fit."""

    fits: bool
    unassigned: int
    shortfalls: list[Shortfall] = field(default_factory=list)
    window_until: date | None = None
    verified: bool = False

    @property
    def remedies(self) -> list[str]:
        """Every remedy, the window extension last."""
        out = [s.remedy for s in self.shortfalls if s.remedy]
        if self.window_until is not None:
            out.append(f"window until {self.window_until.isoformat()}")
        return list(dict.fromkeys(out))

    def lines(self) -> list[str]:
        """Human-readable lines for the CLI and the preview."""
        if self.fits:
            return ["everyone fits in the window"]
        out = [f"{self.unassigned} employees do not fit in the window"]
        out += [f"- binding: {s.message}" for s in self.shortfalls]
        # the suggested resources were checked together; a longer window is the alternative
        together = " and ".join(dict.fromkeys(s.remedy for s in self.shortfalls if s.remedy))
        options = [x for x in (together, self.window_until and
                               f"window until {self.window_until.isoformat()}") if x]
        if options:
            out.append("what would make everyone fit: " + "; or ".join(options))
        return out


def _site_trainer_days(model: Model, s: int) -> int:
    """Trainer-days, capped per week, of the trainers allowed at site s inside the window."""
    total = 0
    for i, sites in enumerate(model.trainer_sites):
        if sites is not None and s not in sites:
            continue
        trainer = model.problem.trainers[i]
        used: Counter[int] = Counter()
        for d in range(1, model.n_days + 1):
            if trainer.valid_on(model.days[d]) and used[model.week[d]] < model.trainer_cap[i]:
                used[model.week[d]] += 1
                total += 1
    return total


def _shortfalls(result: Result) -> tuple[list[Shortfall], dict[int, str]]:
    """Attribute every unassigned employee to a binding resource with a reason."""
    m = result.model
    p = m.problem
    spec = p.session
    n = m.n_days
    end = p.end.isoformat()
    by_site: dict[int, list[int]] = defaultdict(list)
    for e in result.draft.unassigned:
        by_site[m.dept_site[m.emp_dept[e]]].append(e)
    dept_size = [len(emps) for emps in m.dept_employees]
    reasons: dict[int, str] = {}
    shortfalls: list[Shortfall] = []
    trace = result.draft.trace

    for s, emps in sorted(by_site.items()):
        site = m.sites[s]
        rooms = m.site_rooms[s]
        seats_per_day = sum(m.room_seats[r] for r in rooms)
        largest = max((m.room_seats[r] for r in rooms), default=spec.max_size)
        # people who cannot attend any possible session at all
        starts = [t for t in range(1, m.last_start + 1) if any(m.room_start_ok[r][t] for r in rooms)]
        rest = []
        for e in emps:
            blocked = m.emp_blocked[e]
            if starts and blocked is not None and all(t in blocked for t in starts):
                reasons[e] = f"unavailable on every day a session could run at site {site} before {end}"
            else:
                rest.append(e)
        if len(rest) < len(emps):
            shortfalls.append(Shortfall(PERSON, site, None, len(emps) - len(rest),
                                        f"{len(emps) - len(rest)} people at {site} are unavailable "
                                        "on every possible session day", None))
        emps = rest
        if not emps:
            continue
        if not rooms:
            msg = f"site {site} has no room"
            shortfalls.append(Shortfall(ROOMS, site, None, len(emps), msg,
                                        f"{ceil(len(emps) * spec.days / (n * spec.max_size))} "
                                        f"room(s) of {spec.max_size} seats at {site}"))
            reasons.update({e: f"no room at site {site}" for e in emps})
            continue
        allowed = [i for i, ts in enumerate(m.trainer_sites) if ts is None or s in ts]
        if spec.trainers and len([i for i in allowed if any(m.trainer_start_ok[i])]) < spec.trainers:
            msg = f"fewer than {spec.trainers} trainer(s) may deliver at site {site} in the window"
            shortfalls.append(Shortfall(TRAINERS, site, None, len(emps), msg,
                                        f"{spec.trainers} more trainer(s) at {site}"))
            reasons.update({e: f"no trainer may deliver at site {site} before {end}" for e in emps})
            continue
        floors = sum(m.dept_cap[k] for k in m.site_depts[s])
        min_size = m.site_min_size[s]
        if floors < min_size:
            msg = (f"staffing floors at site {site} let only {floors} people be away on a day, "
                   f"fewer than the minimum session size {min_size}")
            shortfalls.append(Shortfall(FLOOR, site, None, len(emps), msg,
                                        f"let {min_size} people at {site} be away on the same day"))
            reasons.update({e: msg for e in emps})
            continue

        # departments that cannot finish on their own: the floor, or too few companions at the site
        by_dept: dict[int, list[int]] = defaultdict(list)
        for e in emps:
            by_dept[m.emp_dept[e]].append(e)
        handled: set[int] = set()
        for k, members in sorted(by_dept.items()):
            size, cap = dept_size[k], m.dept_cap[k]
            need_days = spec.days * ceil(size / cap)
            blocks = ceil(size / cap)
            if need_days > n:
                fix = ceil(size / max(1, n // spec.days))
                msg = (f"department {m.dept_ids[k]}'s staffing floor (max_away {cap}) needs "
                       f"{need_days} working days for its {size} people; the window has {n}")
                shortfalls.append(Shortfall(FLOOR, site, m.dept_ids[k], len(members), msg,
                                            f"max_away {fix} for department {m.dept_ids[k]}"))
                reasons.update({e: f"staffing floor of department {m.dept_ids[k]}: at most {cap} "
                                   f"away at once, {need_days} working days needed" for e in members})
                handled.update(members)
            elif blocks * min_size > m.site_headcount[s]:
                fix = next(c for c in range(cap, size + 1)
                           if ceil(size / c) * min_size <= m.site_headcount[s])
                msg = (f"department {m.dept_ids[k]} (max_away {cap}) needs {blocks} sessions of at "
                       f"least {min_size}, but site {site} has only {m.site_headcount[s]} people")
                shortfalls.append(Shortfall(FLOOR, site, m.dept_ids[k], len(members), msg,
                                            f"max_away {fix} for department {m.dept_ids[k]}"))
                reasons.update({e: f"staffing floor of department {m.dept_ids[k]}: too few "
                                   f"colleagues at {site} to fill its sessions" for e in members})
                handled.update(members)
        emps = [e for e in emps if e not in handled]
        if not emps:
            continue

        # site-level capacity: rooms, then trainers, as the final attempt saw them
        tr = trace[s]
        seat_days = sum(m.room_seats[r] * sum(m.room_start_ok[r][1:n + 1]) for r in rooms)
        trainer_days = _site_trainer_days(m, s)
        sessions_needed = ceil(m.site_headcount[s] / largest)
        trainer_need = spec.days * spec.trainers * sessions_needed
        rooms_short = seat_days < spec.days * m.site_headcount[s] or (
            tr.no_room > 0 and tr.no_room >= tr.no_trainer)
        trainers_short = trainer_days < trainer_need or (
            tr.no_trainer > 0 and tr.no_trainer >= tr.no_room)
        if rooms_short:
            extra = max(1, ceil(len(emps) * spec.days / max(1, n * largest)))
            msg = (f"rooms at site {site}: {len(rooms)} room(s) seating {seats_per_day} a day "
                   f"cannot hold everyone before {end}")
            shortfalls.append(Shortfall(ROOMS, site, None, len(emps), msg,
                                        f"{extra} more room(s) of {largest} seats at {site}"))
        if trainers_short:
            per_trainer = max(spec.days, (n // spec.days) * spec.days)
            deficit = max(trainer_need - trainer_days,
                          spec.days * spec.trainers * ceil(len(emps) / largest))
            extra = max(1, ceil(deficit / per_trainer))
            msg = (f"trainers for site {site}: {trainer_days} trainer-days in the window, "
                   f"{trainer_need} needed")
            shortfalls.append(Shortfall(TRAINERS, site, None, len(emps), msg,
                                        f"{extra} more trainer(s) at {site}"))
        if rooms_short and trainers_short:
            reasons.update({e: f"no room or trainer free at site {site} before {end}" for e in emps})
        elif rooms_short:
            reasons.update({e: f"no room at site {site} before {end}" for e in emps})
        elif trainers_short:
            reasons.update({e: f"no trainer free at site {site} before {end}" for e in emps})
        else:
            msg = f"the window: the staffing floors at {site} spread its sessions past {end}"
            shortfalls.append(Shortfall(WINDOW, site, None, len(emps), msg, None))
            reasons.update({e: f"staffing floors at {site} leave no place before {end}" for e in emps})
    return shortfalls, reasons


def explain_unassigned(result: Result) -> dict[int, str]:
    """A reason for every unassigned employee of a search result, keyed by employee index."""
    return _shortfalls(result)[1]


def _with_remedies(problem: Problem, shortfalls: list[Shortfall], bump: int) -> Problem:
    """The problem with the suggested rooms and trainers added (``bump`` more of each)."""
    rooms = list(problem.rooms)
    trainers = list(problem.trainers)
    for sf in shortfalls:
        if sf.site is None or sf.remedy is None:
            continue
        count = int(sf.remedy.split()[0]) + bump if sf.remedy.split()[0].isdigit() else 0
        if sf.resource == ROOMS:
            seats = max((r.capacity for r in problem.rooms if r.site == sf.site),
                        default=problem.session.max_size)
            rooms += [Room(f"NEW-{sf.site}-R{i + 1}", sf.site, seats) for i in range(count)]
        elif sf.resource == TRAINERS:
            trainers += [Trainer(f"NEW-{sf.site}-T{i + 1}", frozenset({sf.site}), None, None, 5)
                         for i in range(count)]
    return dataclasses.replace(problem, rooms=tuple(rooms), trainers=tuple(trainers))


def _bump(shortfalls: list[Shortfall], bump: int) -> list[Shortfall]:
    out = []
    for sf in shortfalls:
        words = (sf.remedy or "").split()
        if sf.resource in (ROOMS, TRAINERS) and words and words[0].isdigit():
            remedy = " ".join([str(int(words[0]) + bump), *words[1:]])
            sf = dataclasses.replace(sf, remedy=remedy)
        out.append(sf)
    return out


def _window_until(problem: Problem, budget: _Budget) -> date | None:
    """The earliest window end at which the planner fits everyone, searching past the end."""
    bound = lower_bound(problem)
    if bound.value is None:
        return None
    extra_days = max(30, (bound.value - bound.window_days) * 2 + 30)
    for tries_left in range(4, 0, -1):
        limit = budget.share(tries_left)
        if limit is None:
            return None
        longer = dataclasses.replace(problem, end=problem.end + timedelta(days=extra_days * 7 // 5))
        result = search(longer, limit, coverage_only=True)
        if not result.draft.unassigned:
            return result.model.days[result.draft.finish]
        extra_days *= 2
    return None


class _Budget:
    """Seconds left for the planner runs a diagnosis makes (None: no limit)."""

    def __init__(self, seconds: float | None):
        self.deadline = None if seconds is None else time.perf_counter() + seconds

    def share(self, runs_left: int) -> float | None:
        """Time for the next of ``runs_left`` runs; None when the budget is spent."""
        if self.deadline is None:
            return None if runs_left <= 0 else DEFAULT_RUN_SECONDS
        left = self.deadline - time.perf_counter()
        return left / max(1, runs_left) if left > 1.0 else None


def diagnose(problem: Problem, result: Result | None = None, *, verify: bool = True,
             time_limit: float | None = 30.0) -> Diagnosis:
    """Explain a plan that leaves people out and say what would make everyone fit.

    The suggested rooms and trainers are checked by planning with them, and the window end
    that would fit everyone is found by planning over a longer window, all within
    ``time_limit`` seconds (what could not be checked in time is left unverified).
    """
    budget = _Budget(time_limit)
    result = result or search(problem, budget.share(6), coverage_only=True)
    if not result.draft.unassigned:
        return Diagnosis(True, 0)
    shortfalls, _ = _shortfalls(result)
    diagnosis = Diagnosis(False, len(result.draft.unassigned), shortfalls)
    if any(sf.resource in (ROOMS, TRAINERS) for sf in shortfalls) and verify:
        # check the suggested rooms and trainers with the planner, adding more while they fall short
        for bump in range(3):
            limit = budget.share(5 - bump)
            if limit is None:
                break
            trial = _with_remedies(problem, shortfalls, bump)
            if not search(trial, limit, coverage_only=True).draft.unassigned:
                diagnosis.shortfalls = _bump(shortfalls, bump)
                diagnosis.verified = True
                break
    diagnosis.window_until = _window_until(problem, budget)
    return diagnosis
