"""Days already committed elsewhere (booked sessions, locked sessions), written into a problem as unavailability.

The problem format has one `max_away` per department and one weekly cap per trainer, so what
is already committed on a day is expressed through the `unavailable` lists instead: a room or
trainer in use is unavailable that day; a trainer's week keeps only as many free days as the
cap leaves; and a department with `a` people already away on a day keeps only `max_away - a`
of its people available that day (the first ones in its order, so the same people stay
available across the two days of a session). Pure module.
"""
from __future__ import annotations

import copy
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lms.core.workdays import WorkCalendar, iso_week

DEFAULT_TRAINER_CAP = 5


@dataclass
class Holds:
    """Room-days and trainer-days in use, and people of each department away per day."""

    room_days: set[tuple[str, date]] = field(default_factory=set)
    trainer_days: set[tuple[str, date]] = field(default_factory=set)
    away: Counter[tuple[str, date]] = field(default_factory=Counter)

    def __add__(self, other: Holds) -> Holds:
        return Holds(self.room_days | other.room_days, self.trainer_days | other.trainer_days,
                     self.away + other.away)


def session_key(session: dict[str, Any]) -> str:
    """A planned session's stable key: its room and first day (a room hosts one session a day)."""
    return f"{session['room']}@{session['days'][0]}"


def holds_of_sessions(sessions: Iterable[dict[str, Any]], department_of: dict[str, str]) -> Holds:
    """What planned sessions (plan-document form) commit: their rooms, trainers and people away."""
    holds = Holds()
    for s in sessions:
        for raw in s["days"]:
            day = date.fromisoformat(raw)
            holds.room_days.add((s["room"], day))
            holds.trainer_days.update((t, day) for t in s["trainers"])
            for person in s["attendees"]:
                holds.away[department_of[person], day] += 1
    return holds


def _calendar(doc: dict[str, Any]) -> WorkCalendar:
    return WorkCalendar.build(doc.get("working_weekdays", [1, 2, 3, 4, 5]),
                              (date.fromisoformat(d) for d in doc.get("holidays", [])),
                              date.fromisoformat(doc["window"]["start"]), date.fromisoformat(doc["window"]["end"]))


def _add_days(item: dict[str, Any], days: Iterable[date]) -> None:
    merged = set(item.get("unavailable") or []) | {d.isoformat() for d in days}
    item["unavailable"] = sorted(merged)


def apply_holds(doc: dict[str, Any], holds: Holds, first: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of the problem document with the held days made unavailable.

    `first` names employees who keep their availability before their colleagues when a
    department has fewer places left on a day (the attendees of sessions being kept).
    """
    out = copy.deepcopy(doc)
    cal = _calendar(out)
    in_window = {d for d in cal.days}

    room_days: dict[str, list[date]] = defaultdict(list)
    for room, day in holds.room_days:
        if day in in_window:
            room_days[room].append(day)
    for room in out["rooms"]:
        _add_days(room, room_days.get(room["id"], ()))

    trainer_days: dict[str, set[date]] = defaultdict(set)
    for trainer, day in holds.trainer_days:
        if day in in_window:
            trainer_days[trainer].add(day)
    for trainer in out["trainers"]:
        held = trainer_days.get(trainer["id"], set())
        _add_days(trainer, held | _over_cap(trainer, held, cal))

    _hold_departments(out, holds, set(first), in_window)
    return out


def _over_cap(trainer: dict[str, Any], held: set[date], cal: WorkCalendar) -> set[date]:
    """The latest free days of each ISO week beyond what the weekly cap leaves after the held days."""
    if not held:
        return set()
    cap = trainer.get("max_days_per_week", DEFAULT_TRAINER_CAP)
    off = {date.fromisoformat(d) for d in trainer.get("unavailable") or []}
    start = trainer.get("available_from")
    until = trainer.get("available_until")
    free_by_week: dict[tuple[int, int], list[date]] = defaultdict(list)
    for day in cal.days:
        if day in off or day in held:
            continue
        if (start and day < date.fromisoformat(start)) or (until and day > date.fromisoformat(until)):
            continue
        free_by_week[iso_week(day)].append(day)
    held_per_week = Counter(iso_week(d) for d in held)
    extra: set[date] = set()
    for week, used in held_per_week.items():
        free = free_by_week.get(week, [])
        keep = max(0, cap - used)
        extra.update(free[keep:])
    return extra


def _hold_departments(doc: dict[str, Any], holds: Holds, first: set[str], in_window: set[date]) -> None:
    caps = {d["id"]: d["max_away"] for d in doc["departments"]}
    by_department: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in doc["employees"]:
        by_department[person["department"]].append(person)
    for people in by_department.values():
        people.sort(key=lambda p: (p["id"] not in first, p["id"]))
    blocked: dict[str, set[date]] = defaultdict(set)
    for (department, day), away in holds.away.items():
        if away <= 0 or day not in in_window or department not in caps:
            continue
        places = max(0, caps[department] - away)
        for person in by_department.get(department, ()):
            if day.isoformat() in (person.get("unavailable") or ()):
                continue
            if places > 0:
                places -= 1
            else:
                blocked[person["id"]].add(day)
    for person in doc["employees"]:
        if person["id"] in blocked:
            _add_days(person, blocked[person["id"]])
