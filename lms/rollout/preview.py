"""Figures of a plan preview, from the stored problem and plan documents: pure functions, no database."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from typing import Any

from lms.core.workdays import WorkCalendar
from lms.rollout.holds import session_key

HEAT_DAYS = 10
SESSIONS_PER_PAGE = 25


def _calendar(problem: dict[str, Any]) -> WorkCalendar:
    return WorkCalendar.build(problem.get("working_weekdays", [1, 2, 3, 4, 5]),
                              (date.fromisoformat(d) for d in problem.get("holidays", [])),
                              date.fromisoformat(problem["window"]["start"]), date.fromisoformat(problem["window"]["end"]))


def site_names(problem: dict[str, Any]) -> dict[str, str]:
    """Site codes to names."""
    return {s["id"]: s.get("name", s["id"]) for s in problem.get("sites", [])}


@dataclass(frozen=True)
class WeekRow:
    """One ISO week: sessions and people per site."""

    monday: date
    cells: tuple[tuple[int, int], ...]  # (sessions, people) per site, in the table's site order

    @property
    def total(self) -> tuple[int, int]:
        """Sessions and people at all sites."""
        return (sum(c[0] for c in self.cells), sum(c[1] for c in self.cells))


def weekly(problem: dict[str, Any], plan: dict[str, Any]) -> tuple[list[tuple[str, str]], list[WeekRow]]:
    """Sessions and people per week and site (weeks by their Monday, from the first session to the last)."""
    names = site_names(problem)
    sites = sorted({d["site"] for d in problem["departments"]})
    counts: Counter[tuple[date, str]] = Counter()
    people: Counter[tuple[date, str]] = Counter()
    for s in plan.get("sessions", []):
        day1 = date.fromisoformat(s["days"][0])
        monday = day1 - timedelta(days=day1.weekday())
        counts[monday, s["site"]] += 1
        people[monday, s["site"]] += len(s["attendees"])
    mondays = sorted({m for m, _ in counts})
    rows = []
    if mondays:
        monday = mondays[0]
        while monday <= mondays[-1]:
            rows.append(WeekRow(monday, tuple((counts[monday, site], people[monday, site]) for site in sites)))
            monday += timedelta(weeks=1)
    return [(code, names.get(code, code)) for code in sites], rows


@dataclass(frozen=True)
class HeatCell:
    """A department's people away on a day: planned now, already booked before, and its limit."""

    day: date
    planned: int
    already: int
    limit: int

    @property
    def total(self) -> int:
        """Everyone away that day."""
        return self.planned + self.already

    @property
    def level(self) -> str:
        """none, some, full (at the staffing floor) or over (never in a valid plan)."""
        if self.total == 0:
            return "none"
        if self.total < self.limit:
            return "some"
        return "full" if self.total == self.limit else "over"


@dataclass(frozen=True)
class HeatRow:
    """One department across the days shown."""

    department: str
    name: str
    site: str
    headcount: int
    limit: int
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatMap:
    """Departments by day for a run of working days, with the runs before and after."""

    days: tuple[date, ...]
    rows: tuple[HeatRow, ...]
    previous: date | None
    following: date | None


def heat_map(problem: dict[str, Any], plan: dict[str, Any], start: date | None = None,
             width: int = HEAT_DAYS) -> HeatMap:
    """People away per department and working day (planned plus already booked) against max_away."""
    cal = _calendar(problem)
    sessions = plan.get("sessions", [])
    used = sorted({date.fromisoformat(d) for s in sessions for d in s["days"]})
    days_all = [d for d in cal.days if used and used[0] <= d <= used[-1]]
    if start is not None:
        position = next((i for i, d in enumerate(days_all) if d >= start), max(0, len(days_all) - width))
    else:
        position = 0
    shown = tuple(days_all[position:position + width])
    department_of = {e["id"]: e["department"] for e in problem["employees"]}
    planned: Counter[tuple[str, date]] = Counter()
    for s in sessions:
        for raw in s["days"]:
            day = date.fromisoformat(raw)
            if day in shown:
                for person in s["attendees"]:
                    planned[department_of.get(person), day] += 1
    rows = []
    for d in sorted(problem["departments"], key=lambda d: (d["site"], d.get("name", d["id"]))):
        already = d.get("already_away", {})
        cells = tuple(HeatCell(day, planned[d["id"], day], already.get(day.isoformat(), 0), d["max_away"]) for day in shown)
        rows.append(HeatRow(d["id"], d.get("name", d["id"]), d["site"], d.get("headcount", 0), d["max_away"], cells))
    previous = days_all[max(0, position - width)] if position > 0 else None
    following = days_all[position + width] if position + width < len(days_all) else None
    return HeatMap(shown, tuple(rows), previous, following)


@dataclass(frozen=True)
class Finish:
    """The plan's finish against the lower bound, and its coverage."""

    finish: date | None
    finish_index: int | None
    bound_index: int | None
    bound_date: date | None
    assigned: int
    total: int
    sessions: int

    @property
    def ratio(self) -> float | None:
        """Finish index over the bound (1.00 is optimal)."""
        if not self.finish_index or not self.bound_index:
            return None
        return self.finish_index / self.bound_index

    @property
    def coverage(self) -> float:
        """The share of people placed."""
        return self.assigned / self.total if self.total else 1.0


def finish(problem: dict[str, Any], plan: dict[str, Any], bound: dict[str, Any]) -> Finish:
    """The finish figures of a stored plan."""
    sessions = plan.get("sessions", [])
    last = max((date.fromisoformat(s["days"][-1]) for s in sessions), default=None)
    cal = _calendar(problem)
    assigned = sum(len(s["attendees"]) for s in sessions)
    bound_date = date.fromisoformat(bound["finish_date"]) if bound.get("finish_date") else None
    return Finish(last, cal.index_of(last) if last else None, bound.get("value"), bound_date, assigned,
                  assigned + len(plan.get("unassigned", [])), len(sessions))


@dataclass(frozen=True)
class SessionView:
    """A planned session as the preview lists it."""

    key: str
    id: str
    site: str
    room: str
    days: tuple[date, ...]
    trainers: tuple[str, ...]
    attendees: tuple[str, ...]
    departments: tuple[tuple[str, int], ...]
    published_id: int | None
    locked: bool


@dataclass
class SessionPage:
    """One page of the session list."""

    sessions: list[SessionView] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    total: int = 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def session_page(problem: dict[str, Any], plan: dict[str, Any], locked: list[str], site: str | None = None,
                 page: int = 1, per_page: int = SESSIONS_PER_PAGE) -> SessionPage:
    """The planned sessions (of one site, or all), a page at a time, with names from the problem."""
    names = site_names(problem)
    rooms = {r["id"]: r.get("name", r["id"]) for r in problem["rooms"]}
    trainers = {t["id"]: t.get("name", t["id"]) for t in problem["trainers"]}
    departments = {d["id"]: d.get("name", d["id"]) for d in problem["departments"]}
    department_of = {e["id"]: e["department"] for e in problem["employees"]}
    chosen = [s for s in plan.get("sessions", []) if site is None or s["site"] == site]
    pages = max(1, ceil(len(chosen) / per_page))
    page = min(max(1, page), pages)
    locked_keys = set(locked)
    views = []
    for s in chosen[(page - 1) * per_page: page * per_page]:
        mix = Counter(departments.get(department_of.get(a), "?") for a in s["attendees"])
        views.append(SessionView(session_key(s), s["id"], names.get(s["site"], s["site"]), rooms.get(s["room"], s["room"]),
                                 tuple(date.fromisoformat(d) for d in s["days"]),
                                 tuple(trainers.get(t, t) for t in s["trainers"]), tuple(s["attendees"]),
                                 tuple(sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))),
                                 s.get("workshop_session"), session_key(s) in locked_keys))
    return SessionPage(views, page, pages, len(chosen))
