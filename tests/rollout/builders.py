"""Small hand-built rollout problems for the tests."""

from __future__ import annotations

import copy
from typing import Any

from lms.rollout.problem import Problem, parse_problem


def base_doc(employees: int = 4, *, max_away: int = 4, capacity: int = 4) -> dict[str, Any]:
    """One site HQ, one department, one room, one trainer; window Mon 4 Jan - Fri 29 Jan 2027."""
    return {
        "format": "lms.rollout-problem/1",
        "window": {"start": "2027-01-04", "end": "2027-01-29"},
        "working_weekdays": [1, 2, 3, 4, 5],
        "holidays": [],
        "session": {"days": 2, "min_size": 2, "max_size": 4, "trainers": 1},
        "departments": [{"id": "ops", "site": "HQ", "kind": "front_line", "max_away": max_away}],
        "employees": [{"id": f"E{i:02d}", "department": "ops"} for i in range(1, employees + 1)],
        "rooms": [{"id": "HQ-A", "site": "HQ", "capacity": capacity}],
        "trainers": [{"id": "T1", "sites": ["HQ"], "max_days_per_week": 5}],
    }


def problem(doc: dict[str, Any] | None = None, **changes: Any) -> Problem:
    """Parse a copy of ``doc`` (default base_doc()) with top-level keys replaced."""
    data = copy.deepcopy(doc if doc is not None else base_doc())
    data.update(changes)
    return parse_problem(data)


def session(sid: str, days: list[str], attendees: list[str], *, room: str = "HQ-A",
            site: str = "HQ", trainers: list[str] | None = None) -> dict[str, Any]:
    """A plan session document."""
    return {"id": sid, "site": site, "room": room, "days": days,
            "trainers": ["T1"] if trainers is None else trainers, "attendees": attendees}


def plan_doc(sessions: list[dict[str, Any]], unassigned: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """A plan document."""
    return {"format": "lms.rollout-plan/1", "sessions": sessions, "unassigned": unassigned or [],
            "stats": {}}
