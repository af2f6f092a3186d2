"""Read and validate a rollout problem (`lms.rollout-problem/1`) into immutable dataclasses."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lms.core.workdays import WorkCalendar

PROBLEM_FORMAT = "lms.rollout-problem/1"
FRONT_LINE = "front_line"
INTERNAL_PROVIDER = "internal_provider"
MAX_MESSAGES = 50


class RolloutError(Exception):
    """Base of the rollout planner's errors; ``messages`` lists every problem found."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class ProblemError(RolloutError):
    """A problem document is malformed or inconsistent."""


@dataclass(frozen=True)
class SessionSpec:
    """How long a session lasts, how many it seats, how many trainers it needs."""

    days: int
    min_size: int
    max_size: int
    trainers: int


@dataclass(frozen=True)
class Department:
    """A department at one site, with the most of its people who may be away on one day."""

    id: str
    site: str
    kind: str
    max_away: int


@dataclass(frozen=True)
class Employee:
    """Someone who still has to attend, with the dates they cannot."""

    id: str
    department: str
    unavailable: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Room:
    """A training room at a site."""

    id: str
    site: str
    capacity: int
    unavailable: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Trainer:
    """A certified trainer: allowed sites (None = any), validity, weekly cap, leave."""

    id: str
    sites: frozenset[str] | None
    available_from: date | None
    available_until: date | None
    max_days_per_week: int
    unavailable: frozenset[date] = frozenset()

    def allowed_at(self, site: str) -> bool:
        """Whether the trainer may deliver at a site."""
        return self.sites is None or site in self.sites

    def valid_on(self, day: date) -> bool:
        """Whether a day lies inside the trainer's availability and is not leave."""
        if self.available_from is not None and day < self.available_from:
            return False
        if self.available_until is not None and day > self.available_until:
            return False
        return day not in self.unavailable


@dataclass(frozen=True)
class Problem:
    """A validated rollout problem."""

    start: date
    end: date
    working_weekdays: frozenset[int]
    holidays: frozenset[date]
    session: SessionSpec
    departments: tuple[Department, ...]
    employees: tuple[Employee, ...]
    rooms: tuple[Room, ...]
    trainers: tuple[Trainer, ...]
    calendar: WorkCalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "calendar",
            WorkCalendar(self.working_weekdays, self.holidays, self.start, self.end),
        )

    @property
    def department_by_id(self) -> dict[str, Department]:
        """Departments keyed by id."""
        return {d.id: d for d in self.departments}

    @property
    def sites(self) -> list[str]:
        """Sites that have departments, sorted."""
        return sorted({d.site for d in self.departments})

    def employees_per_site(self) -> Counter[str]:
        """How many employees each site has."""
        dept_site = {d.id: d.site for d in self.departments}
        return Counter(dept_site[e.department] for e in self.employees)

    def employees_per_department(self) -> Counter[str]:
        """How many employees each department has."""
        return Counter(e.department for e in self.employees)

    def min_size_at(self, site_headcount: int) -> int:
        """The minimum session size that binds at a site with that many employees."""
        return self.session.min_size if site_headcount >= self.session.min_size else 1


class _Reader:
    """Collects every validation message instead of stopping at the first."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def fail(self, message: str) -> None:
        self.messages.append(message)

    def obj(self, value: Any, where: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(f"{where}: expected an object")
            return None
        return value

    def key(self, data: dict[str, Any], key: str, where: str) -> Any:
        if key not in data:
            self.fail(f"{where}: missing key '{key}'")
            return None
        return data[key]

    def text(self, value: Any, where: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}: expected a non-empty string, got {value!r}")
            return None
        return value

    def integer(self, value: Any, where: str, minimum: int, maximum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}: expected an integer, got {value!r}")
            return None
        if value < minimum:
            self.fail(f"{where}: must be at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.fail(f"{where}: must be at most {maximum}, got {value}")
            return None
        return value

    def day(self, value: Any, where: str) -> date | None:
        if not isinstance(value, str):
            self.fail(f"{where}: expected an ISO date YYYY-MM-DD, got {value!r}")
            return None
        try:
            if len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{where}: '{value}' is not an ISO date YYYY-MM-DD")
            return None

    def items(self, data: dict[str, Any], key: str) -> list[Any]:
        value = self.key(data, key, "problem")
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"problem: '{key}' must be a list")
            return []
        return value

    def dates(
        self, value: Any, where: str, window: tuple[date, date] | None
    ) -> frozenset[date]:
        if value is None:
            return frozenset()
        if not isinstance(value, list):
            self.fail(f"{where}: expected a list of ISO dates")
            return frozenset()
        days = set()
        for raw in value:
            parsed = self.day(raw, where)
            if parsed is None:
                continue
            if window is not None and not window[0] <= parsed <= window[1]:
                self.fail(
                    f"{where}: date {parsed} is outside the window {window[0]}..{window[1]}"
                )
                continue
            days.add(parsed)
        return frozenset(days)


def parse_problem(data: Any) -> Problem:
    """Validate a decoded problem document; raise ProblemError naming every offending item."""
    r = _Reader()
    doc = r.obj(data, "problem")
    if doc is None:
        raise ProblemError(r.messages)
    fmt = r.key(doc, "format", "problem")
    if fmt is not None and fmt != PROBLEM_FORMAT:
        r.fail(f"problem: format must be '{PROBLEM_FORMAT}', got {fmt!r}")

    window = _read_window(r, doc)
    weekdays = _read_weekdays(r, doc)
    holidays = r.dates(doc.get("holidays", []), "holidays", window)
    session = _read_session(r, doc)

    departments = _read_departments(r, doc)
    dept_ids = {d.id for d in departments}
    dept_sites = {d.site for d in departments}
    employees = _read_employees(r, doc, dept_ids, window)
    rooms = _read_rooms(r, doc, dept_sites, window)
    trainers = _read_trainers(r, doc, window)

    if r.messages or window is None or weekdays is None or session is None:
        raise ProblemError(r.messages[:MAX_MESSAGES] + _more(r.messages))
    return Problem(
        start=window[0],
        end=window[1],
        working_weekdays=weekdays,
        holidays=holidays,
        session=session,
        departments=tuple(departments),
        employees=tuple(employees),
        rooms=tuple(rooms),
        trainers=tuple(trainers),
    )


def _more(messages: list[str]) -> list[str]:
    extra = len(messages) - MAX_MESSAGES
    return [f"... and {extra} more"] if extra > 0 else []


def load_problem(path: str | Path) -> Problem:
    """Read a problem file; ProblemError for unreadable JSON or an invalid problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProblemError(f"cannot read problem file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return parse_problem(data)


def _read_window(r: _Reader, doc: dict[str, Any]) -> tuple[date, date] | None:
    raw = r.key(doc, "window", "problem")
    win = r.obj(raw, "window") if raw is not None else None
    if win is None:
        return None
    start, end = (
        r.day(win[k], f"window.{k}") if k in win else r.fail(f"window: missing key '{k}'")
        for k in ("start", "end")
    )
    if start is None or end is None:
        return None
    if end < start:
        r.fail(f"window: end {end} is before start {start}")
        return None
    return (start, end)


def _read_weekdays(r: _Reader, doc: dict[str, Any]) -> frozenset[int] | None:
    raw = doc.get("working_weekdays", [1, 2, 3, 4, 5])
    if not isinstance(raw, list) or not raw:
        r.fail("working_weekdays: expected a non-empty list of ISO weekday numbers 1..7")
        return None
    days = [r.integer(v, "working_weekdays", 1, 7) for v in raw]
    if any(d is None for d in days):
        return None
    if len(set(days)) != len(days):
        r.fail(f"working_weekdays: duplicate weekday in {raw}")
    return frozenset(d for d in days if d is not None)


def _read_session(r: _Reader, doc: dict[str, Any]) -> SessionSpec | None:
    raw = r.key(doc, "session", "problem")
    s = r.obj(raw, "session") if raw is not None else None
    if s is None:
        return None
    minimum = {"days": 1, "min_size": 1, "max_size": 1, "trainers": 0}
    values = {
        k: r.integer(s[k], f"session.{k}", low) if k in s else r.fail(f"session: missing key '{k}'")
        for k, low in minimum.items()
    }
    if any(v is None for v in values.values()):
        return None
    if values["min_size"] > values["max_size"]:
        r.fail(f"session: min_size {values['min_size']} is above max_size {values['max_size']}")
        return None
    return SessionSpec(**values)


def _check_unique(r: _Reader, kind: str, ids: list[str]) -> None:
    for item, count in Counter(ids).items():
        if count > 1:
            r.fail(f"{kind} {item}: duplicate id ({count} times)")


def _read_departments(r: _Reader, doc: dict[str, Any]) -> list[Department]:
    out = []
    for i, raw in enumerate(r.items(doc, "departments")):
        d = r.obj(raw, f"departments[{i}]")
        if d is None:
            continue
        did = r.text(r.key(d, "id", f"departments[{i}]"), f"departments[{i}].id")
        where = f"department {did}" if did else f"departments[{i}]"
        site = r.text(r.key(d, "site", where), f"{where}: site")
        kind = r.text(d.get("kind", "front_line"), f"{where}: kind")
        max_away = r.integer(r.key(d, "max_away", where), f"{where}: max_away", 1)
        if did and site and kind and max_away is not None:
            out.append(Department(did, site, kind, max_away))
    _check_unique(r, "department", [d.id for d in out])
    return out


def _read_employees(
    r: _Reader, doc: dict[str, Any], dept_ids: set[str], window: tuple[date, date] | None
) -> list[Employee]:
    out = []
    for i, raw in enumerate(r.items(doc, "employees")):
        e = r.obj(raw, f"employees[{i}]")
        if e is None:
            continue
        eid = r.text(r.key(e, "id", f"employees[{i}]"), f"employees[{i}].id")
        where = f"employee {eid}" if eid else f"employees[{i}]"
        dept = r.text(r.key(e, "department", where), f"{where}: department")
        if dept is not None and dept not in dept_ids:
            r.fail(f"{where}: unknown department '{dept}'")
            dept = None
        unavailable = r.dates(e.get("unavailable"), f"{where}: unavailable", window)
        if eid and dept:
            out.append(Employee(eid, dept, unavailable))
    _check_unique(r, "employee", [e.id for e in out])
    return out


def _read_rooms(
    r: _Reader, doc: dict[str, Any], dept_sites: set[str], window: tuple[date, date] | None
) -> list[Room]:
    out = []
    for i, raw in enumerate(r.items(doc, "rooms")):
        m = r.obj(raw, f"rooms[{i}]")
        if m is None:
            continue
        rid = r.text(r.key(m, "id", f"rooms[{i}]"), f"rooms[{i}].id")
        where = f"room {rid}" if rid else f"rooms[{i}]"
        site = r.text(r.key(m, "site", where), f"{where}: site")
        if site is not None and site not in dept_sites:
            r.fail(f"{where}: site '{site}' has no departments")
            site = None
        capacity = r.integer(r.key(m, "capacity", where), f"{where}: capacity", 1)
        unavailable = r.dates(m.get("unavailable"), f"{where}: unavailable", window)
        if rid and site and capacity is not None:
            out.append(Room(rid, site, capacity, unavailable))
    _check_unique(r, "room", [m.id for m in out])
    return out


def _read_trainers(
    r: _Reader, doc: dict[str, Any], window: tuple[date, date] | None
) -> list[Trainer]:
    out = []
    for i, raw in enumerate(r.items(doc, "trainers")):
        t = r.obj(raw, f"trainers[{i}]")
        if t is None:
            continue
        tid = r.text(r.key(t, "id", f"trainers[{i}]"), f"trainers[{i}].id")
        where = f"trainer {tid}" if tid else f"trainers[{i}]"
        ok = True
        sites_raw = t.get("sites")
        sites: frozenset[str] | None = None
        if sites_raw is not None:
            if not isinstance(sites_raw, list) or not all(
                isinstance(s, str) and s for s in sites_raw
            ):
                r.fail(f"{where}: sites must be a list of site names or null")
                ok = False
            else:
                sites = frozenset(sites_raw)
        a_from = r.day(t["available_from"], f"{where}: available_from") if t.get("available_from") is not None else None
        a_until = r.day(t["available_until"], f"{where}: available_until") if t.get("available_until") is not None else None
        if t.get("available_from") is not None and a_from is None:
            ok = False
        if t.get("available_until") is not None and a_until is None:
            ok = False
        if a_from and a_until and a_until < a_from:
            r.fail(f"{where}: available_until {a_until} is before available_from {a_from}")
            ok = False
        cap = r.integer(t.get("max_days_per_week", 5), f"{where}: max_days_per_week", 0, 7)
        unavailable = r.dates(t.get("unavailable"), f"{where}: unavailable", window)
        if tid and ok and cap is not None:
            out.append(Trainer(tid, sites, a_from, a_until, cap, unavailable))
    _check_unique(r, "trainer", [t.id for t in out])
    return out


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """Serialise a problem back to its document form."""

    def days(values: frozenset[date]) -> list[str]:
        return sorted(d.isoformat() for d in values)

    return {
        "format": PROBLEM_FORMAT,
        "window": {"start": problem.start.isoformat(), "end": problem.end.isoformat()},
        "working_weekdays": sorted(problem.working_weekdays),
        "holidays": days(problem.holidays),
        "session": {
            "days": problem.session.days,
            "min_size": problem.session.min_size,
            "max_size": problem.session.max_size,
            "trainers": problem.session.trainers,
        },
        "departments": [
            {"id": d.id, "site": d.site, "kind": d.kind, "max_away": d.max_away}
            for d in problem.departments
        ],
        "employees": [
            {"id": e.id, "department": e.department, "unavailable": days(e.unavailable)}
            for e in problem.employees
        ],
        "rooms": [
            {"id": m.id, "site": m.site, "capacity": m.capacity, "unavailable": days(m.unavailable)}
            for m in problem.rooms
        ],
        "trainers": [
            {
                "id": t.id,
                "sites": sorted(t.sites) if t.sites is not None else None,
                "available_from": t.available_from.isoformat() if t.available_from else None,
                "available_until": t.available_until.isoformat() if t.available_until else None,
                "max_days_per_week": t.max_days_per_week,
                "unavailable": days(t.unavailable),
            }
            for t in problem.trainers
        ],
    }
