"""Sites, departments of Zipf-like sizes, employees in a reporting hierarchy, and their roles."""
from __future__ import annotations

import json
from datetime import date, timedelta

from lms.scale.context import Build, Department, Person
from lms.scale.shapes import PLACES, TEAM_SIZE, TITLES, DepartmentShape, organization_shape, person_name
from lms.workshops.demo import HOLIDAYS

AWAY_FRACTION = {"front_line": 0.25, "internal_provider": 0.3, "leadership": 0.25}
PROGRAMME_DAYS = 210  # the programme started this many days ago; departments join over its first 180 days
TRAINERS_PER = 100  # one certified trainer per this many people at a site


def build_organization(build: Build, employees: int) -> None:
    """Write the sites, departments, employees and roles; fill build.people, departments, sites, trainers."""
    rng = build.rng("org")
    site_total, shapes = organization_shape(employees, rng)
    stamp = build.stamp(build.now)
    site_ids = _sites(build, site_total, stamp)
    department_ids = _departments(build, shapes, site_ids, stamp)
    people = _people(build, shapes, site_ids, department_ids, rng)
    _pick_trainers(build, people, rng)
    build.people = people
    build.writer.insert(
        "employee",
        ("id", "employee_no", "email", "full_name", "job_title", "department_id", "manager_id", "active", "hire_date",
         "password_hash", "session_token", "last_login_at", "created_at", "updated_at"),
        ((p.id, f"{build.tag.upper()}-{p.id:08d}", f"{build.tag}.{p.id}@scale.example", p.name,
          _title(p), p.department, p.manager, 1, p.hired.isoformat(), None, f"{rng.getrandbits(128):032x}", None,
          stamp, stamp) for p in people))
    build.writer.insert("employee_role", ("employee_id", "role"),
                        ((p.id, role) for p in people for role in sorted(p.roles)))


def _title(person: Person) -> str:
    if "manager" in person.roles:
        return "Director" if person.kind == "leadership" else "Manager"
    return TITLES[person.kind]


def _sites(build: Build, count: int, stamp: str) -> list[int]:
    first = build.writer.ids("site", count)
    ids = list(range(first, first + count))
    build.writer.insert("site", ("id", "code", "name", "timezone", "working_weekdays", "created_at", "updated_at"), (
        (site_id, f"{build.tag.upper()}-S{n + 1:02d}", f"{PLACES[n % len(PLACES)]} ({build.tag.upper()})",
         "Indian/Mauritius", json.dumps([1, 2, 3, 4, 5]), stamp, stamp) for n, site_id in enumerate(ids)))
    holiday = build.writer.ids("site_holiday", count * len(HOLIDAYS))
    build.writer.insert("site_holiday", ("id", "site_id", "day", "name"), (
        (holiday + n * len(HOLIDAYS) + i, site_id, day, name)
        for n, site_id in enumerate(ids) for i, (day, name) in enumerate(HOLIDAYS)))
    build.sites = {site_id: f"{build.tag.upper()}-S{n + 1:02d}" for n, site_id in enumerate(ids)}
    return ids


def _departments(build: Build, shapes: list[DepartmentShape], site_ids: list[int], stamp: str) -> list[int]:
    first = build.writer.ids("department", len(shapes))
    ids = list(range(first, first + len(shapes)))
    build.writer.insert(
        "department", ("id", "code", "name", "kind", "site_id", "max_away_fraction", "created_at", "updated_at"),
        ((department_id, f"{build.tag.upper()}-D{n + 1:04d}", shape.name, shape.kind, site_ids[shape.site],
          AWAY_FRACTION[shape.kind], stamp, stamp) for n, (department_id, shape) in enumerate(zip(ids, shapes))))
    for department_id, shape in zip(ids, shapes):
        floor = max(1, int(shape.size * AWAY_FRACTION[shape.kind] + 1e-9))
        build.departments[department_id] = Department(department_id, site_ids[shape.site], shape.kind, shape.size, floor)
    return ids


def _people(build: Build, shapes, site_ids, department_ids, rng) -> list[Person]:
    """Everyone, managers before their reports (ids ascend down the hierarchy, so foreign keys hold on insert)."""
    start = build.today - timedelta(days=PROGRAMME_DAYS)
    launch = {d: start + timedelta(days=rng.randrange(0, 180)) for d in department_ids}
    # Level by level: site directors, department heads, team leads, then everyone else.
    levels: list[list[tuple]] = [[], [], [], []]
    directors: dict[int, int] = {}  # site index -> position in level 0
    for index, (department_id, shape) in enumerate(zip(department_ids, shapes)):
        top = 0 if shape.kind == "leadership" else 1
        levels[top].append((department_id, shape, "head", None))
        if shape.kind == "leadership":
            directors[shape.site] = len(levels[0]) - 1
        rest = shape.size - 1
        leads = (rest // (TEAM_SIZE + 1)) if rest > 2 * TEAM_SIZE else 0
        for n in range(leads):
            levels[2].append((department_id, shape, "lead", n))
        for n in range(rest - leads):
            levels[3].append((department_id, shape, "member", n % leads if leads else None))
    total = sum(len(level) for level in levels)
    first = build.writer.ids("employee", total)
    people: list[Person] = []
    ids_by_level: list[list[int]] = []
    next_id = first
    for level in levels:
        ids_by_level.append(list(range(next_id, next_id + len(level))))
        next_id += len(level)
    heads: dict[int, int] = {}  # department id -> head's id
    leads_of: dict[int, list[int]] = {}
    for number, level in enumerate(levels):
        for person_id, (department_id, shape, position, team) in zip(ids_by_level[number], level):
            if position == "head":
                heads[department_id] = person_id
                manager = build.leader if shape.kind == "leadership" else ids_by_level[0][directors[shape.site]]
                roles = {"manager", "leader"} if shape.kind == "leadership" else {"manager"}
            elif position == "lead":
                leads_of.setdefault(department_id, []).append(person_id)
                manager, roles = heads[department_id], {"manager"}
            else:
                manager = leads_of[department_id][team] if team is not None else heads[department_id]
                roles = set()
            hired = build.today - timedelta(days=rng.randrange(20, 12 * 365))
            people.append(Person(person_id, department_id, site_ids[shape.site], shape.kind, manager, roles, hired,
                                 person_name(rng), max(launch[department_id], hired), rng.betavariate(2.2, 1.6)))
    return people


def _pick_trainers(build: Build, people: list[Person], rng) -> None:
    """Per site, certified trainers from its workforce; the first site's first trainer also leads cohorts."""
    by_site: dict[int, list[Person]] = {}
    for person in people:
        if not person.roles:
            by_site.setdefault(person.site, []).append(person)
    for site_id, candidates in sorted(by_site.items()):
        count = max(2, sum(1 for p in people if p.site == site_id) // TRAINERS_PER)
        chosen = rng.sample(candidates, min(count, len(candidates)))
        for person in chosen:
            person.roles = {"trainer"}
        if chosen and build.lead_trainer is None:
            chosen[0].roles = {"trainer", "lead_trainer"}
            build.lead_trainer = chosen[0].id
        build.trainers[site_id] = [p.id for p in chosen]


def working_days(first: date, last: date, holidays: set[date]) -> list[date]:
    """Monday to Friday between two days (both included), holidays left out."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


HOLIDAY_DAYS = {date.fromisoformat(day) for day, _ in HOLIDAYS}
