"""Seeded synthetic rollout problems for the benchmark and the tests.

Realistic by construction: several sites of uneven size; lognormal department sizes
(departments of 2 to 10 people included); each department may send 10-30% of its people
at once (max_away: a staffing floor keeping 70-90% at work); rooms of 12-24 seats (most
seat a full session), some unavailable for a few days; trainers with weekly caps of 2-5
days, late certification, expiring certification and leave, some local to one site, some
regional (two sites), the rest travelling; employee leave; public holidays.

Sizing keeps the lower bound meaningful: each problem has one binding resource, either the
rooms of its busiest site or the trainers, with the other given some slack; local trainers
cover part of their site's need and travelling ones the rest (the bound pools trainers);
where trainers bind, each site's full-size rooms alone can hold it in time (the bound's
trainer term counts full sessions). Unless ``tight`` is set everyone fits in the window.
With ``tight`` the first site has too few rooms and its local trainers go on long leave.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

from lms.core.workdays import WorkCalendar
from lms.rollout.problem import PROBLEM_FORMAT

SITE_NAMES = ["HQ", "AIRPORT", "NORTH", "SOUTH", "EAST", "WEST", "PORT", "DEPOT", "RIVER", "HILL"]
MIN_SIZE = 6
KINDS = [("front_line", 0.55), ("internal_provider", 0.35), ("leadership", 0.10)]


def _default_sites(employees: int) -> int:
    if employees < 1000:
        return 3
    if employees < 10000:
        return 5
    if employees < 50000:
        return 6
    return 8


def _default_weeks(employees: int) -> int:
    if employees <= 1000:
        return 8
    if employees <= 6000:
        return 14
    if employees <= 25000:
        return 18
    return 26


def _block(rng: random.Random, days: list[date], length: int) -> list[str]:
    first = rng.randrange(0, max(1, len(days) - length + 1))
    return [d.isoformat() for d in days[first : first + length]]


def generate_problem(
    employees: int,
    seed: int = 0,
    *,
    sites: int | None = None,
    weeks: int | None = None,
    start: date = date(2027, 1, 4),
    session_trainers: int = 1,
    tight: bool = False,
) -> dict[str, Any]:
    """A problem document with about ``employees`` people; the same seed gives the same problem."""
    rng = random.Random(seed)
    n_sites = sites or _default_sites(employees)
    n_weeks = weeks or _default_weeks(employees)
    end = start + timedelta(days=7 * n_weeks - 3)
    weekdays = [1, 2, 3, 4, 5]
    plain = WorkCalendar.build(weekdays, (), start, end)
    holidays = sorted(rng.sample(list(plain.days[3:]), k=min(2 + n_weeks // 12, len(plain.days) // 10)))
    cal = WorkCalendar.build(weekdays, holidays, start, end)
    days = list(cal.days)
    n_days = len(days)
    span, max_size = 2, 20

    names = SITE_NAMES[:n_sites] + [f"SITE{i}" for i in range(len(SITE_NAMES), n_sites)]
    weights = [rng.lognormvariate(0, 0.6) for _ in names]
    headcount = [max(min(40, employees), round(employees * w / sum(weights))) for w in weights]
    headcount[0] += max(0, employees - sum(headcount))

    departments, people = [], []
    for site, n_site in zip(names, headcount):
        left, k = n_site, 0
        while left > 0:
            size = min(left, max(2, round(rng.lognormvariate(math.log(22), 1.0))))
            if 0 < left - size < 2:
                size = left
            left -= size
            k += 1
            dept_id = f"{site.lower()}-{k:03d}"
            kind = rng.choices([k_ for k_, _ in KINDS], [w for _, w in KINDS])[0]
            max_away = max(1, round(size * rng.uniform(0.10, 0.30)))
            departments.append({"id": dept_id, "site": site, "kind": kind, "max_away": max_away,
                                "size": size})
            people.extend([dept_id] * size)
        _enough_away(departments, site, 2 * MIN_SIZE)
    for d in departments:
        del d["size"]
    rng.shuffle(people)
    employee_docs = []
    for i, dept_id in enumerate(people, start=1):
        unavailable: list[str] = []
        roll = rng.random()
        if roll < 0.12:
            unavailable = _block(rng, days, rng.randint(3, 10))
        elif roll < 0.17:
            unavailable = sorted(d.isoformat() for d in rng.sample(days, k=rng.randint(1, 3)))
        employee_docs.append({"id": f"E{i:06d}", "department": dept_id, "unavailable": unavailable})

    rooms: list[dict[str, Any]] = []
    trainers: list[dict[str, Any]] = []
    needs: list[int] = []
    # Which resource binds: the rooms of the busiest site, or the trainers everyone shares. The
    # other one is given some slack, so that the bound (each term taken alone) stays meaningful.
    rooms_bind = rng.random() < 0.5
    if rooms_bind:
        shares = [rng.uniform(0.5, 0.85) for _ in names]
        t_share = max(shares) * rng.uniform(0.65, 0.8)
    else:
        t_share = rng.uniform(0.6, 0.85)
        shares = [t_share * rng.uniform(0.55, 0.8) for _ in names]
    if tight:
        shares[0] = rng.uniform(1.12, 1.3)
    for s, (site, n_site) in enumerate(zip(names, headcount)):
        # the days this site's rooms would need if full: a share of the window, over it when tight
        share = shares[s]
        seats_per_day_needed = span * n_site / share / n_days
        seats_per_day = 0.0
        largest = 0
        k = 0
        while seats_per_day < seats_per_day_needed or k == 0:
            k += 1
            # training rooms mostly seat a full session; some smaller rooms seat 12-19
            capacity = rng.randint(20, 24) if rng.random() < 0.8 else rng.randint(12, 19)
            unavailable = _block(rng, days, rng.randint(1, 5)) if rng.random() < 0.25 else []
            rooms.append({"id": f"{site}-R{k:02d}", "site": site, "capacity": capacity,
                          "unavailable": unavailable})
            # where trainers bind, full-size rooms alone must hold the site in time (the
            # trainer term counts full sessions); smaller rooms are extra
            if rooms_bind or capacity >= max_size:
                seats_per_day += min(capacity, max_size) * (1 - len(unavailable) / n_days)
            largest = max(largest, min(capacity, max_size))
        if tight and s == 0 and k > 1 and seats_per_day > seats_per_day_needed:
            rooms.pop()  # make sure this site really falls short
        needs.append(span * session_trainers * math.ceil(n_site / largest))

    # trainers: their pooled session days cover every site's sessions in a share of the window
    # (the bound's trainer term). Each site has local trainers for part of its own need, never
    # more than its share, and travelling trainers (any site) make up the rest.
    floaters_needed = 0.0
    for site, need in zip(names, needs):
        target = need * rng.uniform(0.4, 0.7) / t_share
        local = 0.0
        while True:
            doc = _trainer(rng, f"T{len(trainers) + 1:04d}", [site], days)
            got = _trainer_days(doc, days)
            if local + got / 2 > target:
                break
            trainers.append(doc)
            local += got
        floaters_needed += need / t_share - local
    supply = 0.0
    while supply < floaters_needed:
        doc = _trainer(rng, f"T{len(trainers) + 1:04d}", None, days)
        if rng.random() < 0.3 and n_sites > 2:
            doc["sites"] = sorted(rng.sample(names, 2))  # regional: two sites
        trainers.append(doc)
        supply += _trainer_days(doc, days) * (0.5 if doc["sites"] else 1.0)
    if tight:
        # the first site's own trainers go on long leave
        for doc in trainers:
            if doc["sites"] == [names[0]]:
                doc["unavailable"] = [d.isoformat() for d in days[n_days // 3:]]

    return {
        "format": PROBLEM_FORMAT,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "working_weekdays": weekdays,
        "holidays": [d.isoformat() for d in holidays],
        "session": {"days": span, "min_size": MIN_SIZE, "max_size": max_size, "trainers": session_trainers},
        "departments": departments,
        "employees": employee_docs,
        "rooms": rooms,
        "trainers": trainers,
        "generator": {"employees": employees, "seed": seed, "tight": tight},
    }


def _trainer(rng: random.Random, trainer_id: str, sites: list[str] | None,
             days: list[date]) -> dict[str, Any]:
    n = len(days)
    available_from = days[rng.randrange(0, n // 3)] if rng.random() < 0.15 else None
    available_until = days[rng.randrange(2 * n // 3, n)] if rng.random() < 0.10 else None
    unavailable = _block(rng, days, rng.randint(5, 10)) if rng.random() < 0.3 else []
    return {
        "id": trainer_id,
        "sites": sites,
        "available_from": available_from.isoformat() if available_from else None,
        "available_until": available_until.isoformat() if available_until else None,
        "max_days_per_week": rng.choices([2, 3, 4, 5], [1, 2, 3, 3])[0],
        "unavailable": unavailable,
    }


def _enough_away(departments: list[dict[str, Any]], site: str, needed: int) -> None:
    """Raise the largest departments' max_away until the site can fill a session on one day."""
    here = sorted((d for d in departments if d["site"] == site), key=lambda d: -d["size"])
    while sum(d["max_away"] for d in here) < min(needed, sum(d["size"] for d in here)):
        for d in here:
            if d["max_away"] < d["size"]:
                d["max_away"] += 1
                break


def _trainer_days(trainer: dict[str, Any], days: list[date]) -> int:
    """Working days the trainer may deliver on in the window, capped per ISO week."""
    off = set(trainer["unavailable"])
    first = trainer["available_from"] or days[0].isoformat()
    last = trainer["available_until"] or days[-1].isoformat()
    per_week: dict[tuple[int, int], int] = {}
    for d in days:
        iso = d.isoformat()
        if first <= iso <= last and iso not in off:
            week = d.isocalendar()[:2]
            per_week[week] = per_week.get(week, 0) + 1
    return sum(min(n, trainer["max_days_per_week"]) for n in per_week.values())
