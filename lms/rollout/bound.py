"""The lower bound on a plan's finish index, exactly as `lms.rollout-problem/1` defines it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil

from lms.core.workdays import iso_week
from lms.rollout.problem import Problem

DEPARTMENT = "department"
SITE_SEATS = "site_seats"
TRAINERS = "trainers"
# how far past the window's end the bound keeps counting before calling a term unreachable
HORIZON_YEARS = 20


@dataclass(frozen=True)
class BoundTerm:
    """One term of the bound: its kind, its value (None = never reached) and who is responsible."""

    kind: str
    value: int | None
    subject: str | None = None

    def describe(self) -> str:
        """A one-line description of the term."""
        value = "never reached" if self.value is None else f"working day {self.value}"
        who = {DEPARTMENT: "department", SITE_SEATS: "seats at site", TRAINERS: "trainers"}[self.kind]
        return f"{who} {self.subject}: {value}" if self.subject else f"{who}: {value}"


@dataclass(frozen=True)
class LowerBound:
    """The bound (largest term), the term that binds, every term's largest value, and whether it fits."""

    value: int | None
    binding: BoundTerm
    terms: tuple[BoundTerm, ...]
    window_days: int
    finish_date: date | None

    @property
    def fits_window(self) -> bool:
        """Whether the bound lies inside the window (a necessary condition for everyone to fit)."""
        return self.value is not None and self.value <= self.window_days


def _working_days(problem: Problem) -> Iterator[date]:
    """Working days from the window start, running past the window end for extrapolation."""
    cal = problem.calendar
    day = problem.start
    last = problem.end + timedelta(days=366 * HORIZON_YEARS)
    while day <= last:
        if day.isoweekday() in cal.weekdays and day not in cal.holidays:
            yield day
        day += timedelta(days=1)


def department_terms(problem: Problem) -> list[BoundTerm]:
    """The department term for every department with employees."""
    counts = problem.employees_per_department()
    return [
        BoundTerm(DEPARTMENT, problem.session.days * ceil(counts[d.id] / d.max_away), d.id)
        for d in problem.departments
        if counts[d.id]
    ]


def site_seat_terms(problem: Problem) -> list[BoundTerm]:
    """The site-seats term for every site with employees."""
    size = problem.session.max_size
    rooms_by_site = defaultdict(list)
    for room in problem.rooms:
        rooms_by_site[room.site].append(room)
    terms = []
    for site, n in sorted(problem.employees_per_site().items()):
        need = problem.session.days * n
        rooms = rooms_by_site.get(site, [])
        value = None
        got = 0
        for index, day in enumerate(_working_days(problem), start=1):
            got += sum(min(m.capacity, size) for m in rooms if day not in m.unavailable)
            if got >= need:
                value = index
                break
            if not rooms:
                break
        terms.append(BoundTerm(SITE_SEATS, value, site))
    return terms


def trainer_term(problem: Problem) -> BoundTerm:
    """The trainers term: trainer-days (capped per ISO week) needed by the fewest full sessions."""
    spec = problem.session
    largest: dict[str, int] = {}
    for room in problem.rooms:
        largest[room.site] = max(largest.get(room.site, 0), room.capacity)
    sessions = sum(
        ceil(n / min(spec.max_size, largest[site]))
        for site, n in problem.employees_per_site().items()
        if site in largest
    )
    need = spec.days * spec.trainers * sessions
    if need == 0:
        return BoundTerm(TRAINERS, 0)
    used: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    got = 0
    useful = [t for t in problem.trainers if t.max_days_per_week > 0]
    if not useful:
        return BoundTerm(TRAINERS, None)
    # past the window nobody has leave, so a trainer with no end date contributes forever
    last_useful = max(
        (t.available_until or date.max for t in useful), default=problem.end
    )
    for index, day in enumerate(_working_days(problem), start=1):
        week = iso_week(day)
        for i, t in enumerate(problem.trainers):
            if t.valid_on(day) and used[i, week] < t.max_days_per_week:
                used[i, week] += 1
                got += 1
        if got >= need:
            return BoundTerm(TRAINERS, index)
        if day >= last_useful:
            break
    return BoundTerm(TRAINERS, None)


def _key(term: BoundTerm) -> float:
    return float("inf") if term.value is None else term.value


def lower_bound(problem: Problem) -> LowerBound:
    """Compute the bound: the largest of the department, site-seats and trainers terms."""
    groups = [department_terms(problem), site_seat_terms(problem), [trainer_term(problem)]]
    terms = tuple(max(g, key=_key) for g in groups if g)
    binding = max(terms, key=_key) if terms else BoundTerm(DEPARTMENT, 0)
    value = binding.value
    window_days = len(problem.calendar)
    finish = None
    if value is not None and value > 0:
        for index, day in enumerate(_working_days(problem), start=1):
            if index == value:
                finish = day
                break
    return LowerBound(value, binding, terms, window_days, finish)
