"""The rollout plan (`lms.rollout-plan/1`): dataclasses, reading and writing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lms.rollout.problem import RolloutError

PLAN_FORMAT = "lms.rollout-plan/1"


class PlanError(RolloutError):
    """A plan document is malformed."""


@dataclass(frozen=True)
class Session:
    """One planned session: its site, room, days, trainers and attendees."""

    id: str
    site: str
    room: str
    days: tuple[date, ...]
    trainers: tuple[str, ...]
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class Unassigned:
    """An employee left out of the plan, and why."""

    employee: str
    reason: str


@dataclass
class Plan:
    """Sessions, the unassigned with reasons, and informational stats."""

    sessions: list[Session]
    unassigned: list[Unassigned] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def assigned(self) -> int:
        """How many employees the sessions hold."""
        return sum(len(s.attendees) for s in self.sessions)


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as its JSON document."""
    return {
        "format": PLAN_FORMAT,
        "sessions": [
            {
                "id": s.id,
                "site": s.site,
                "room": s.room,
                "days": [d.isoformat() for d in s.days],
                "trainers": list(s.trainers),
                "attendees": list(s.attendees),
            }
            for s in plan.sessions
        ],
        "unassigned": [{"employee": u.employee, "reason": u.reason} for u in plan.unassigned],
        "stats": plan.stats,
    }


def to_json_text(plan: Plan) -> str:
    """The plan document as JSON text (one session per line keeps large plans readable)."""
    doc = plan_to_json(plan)
    sessions = ",\n  ".join(json.dumps(s) for s in doc.pop("sessions"))
    unassigned = ",\n  ".join(json.dumps(u) for u in doc.pop("unassigned"))
    return (
        f'{{"format": {json.dumps(doc["format"])},\n'
        f' "sessions": [\n  {sessions}\n ],\n'
        f' "unassigned": [\n  {unassigned}\n ],\n'
        f' "stats": {json.dumps(doc["stats"])}}}\n'
    )


def write_plan(plan: Plan, path: str | Path) -> None:
    """Write a plan as UTF-8 JSON."""
    Path(path).write_text(to_json_text(plan), encoding="utf-8")


def _strings(value: Any, where: str, errors: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(f"{where}: expected a list of strings")
        return ()
    return tuple(value)


def parse_plan(data: Any) -> Plan:
    """Read a decoded plan document; PlanError naming each malformed item."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise PlanError("plan: expected an object")
    if data.get("format") != PLAN_FORMAT:
        errors.append(f"plan: format must be '{PLAN_FORMAT}', got {data.get('format')!r}")
    sessions = []
    raw_sessions = data.get("sessions")
    if not isinstance(raw_sessions, list):
        errors.append("plan: missing list 'sessions'")
        raw_sessions = []
    for i, raw in enumerate(raw_sessions):
        if not isinstance(raw, dict):
            errors.append(f"sessions[{i}]: expected an object")
            continue
        sid = raw.get("id")
        where = f"session {sid}" if isinstance(sid, str) else f"sessions[{i}]"
        missing = [k for k in ("id", "site", "room", "days", "trainers", "attendees") if k not in raw]
        if missing:
            errors.append(f"{where}: missing {', '.join(missing)}")
            continue
        days = []
        for d in _strings(raw["days"], f"{where}: days", errors):
            try:
                days.append(date.fromisoformat(d))
            except ValueError:
                errors.append(f"{where}: '{d}' is not an ISO date")
        if not all(isinstance(raw[k], str) for k in ("id", "site", "room")):
            errors.append(f"{where}: id, site and room must be strings")
            continue
        sessions.append(
            Session(
                raw["id"],
                raw["site"],
                raw["room"],
                tuple(days),
                _strings(raw["trainers"], f"{where}: trainers", errors),
                _strings(raw["attendees"], f"{where}: attendees", errors),
            )
        )
    unassigned = []
    for i, raw in enumerate(data.get("unassigned") or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("employee"), str):
            errors.append(f"unassigned[{i}]: expected an object with an 'employee' id")
            continue
        unassigned.append(Unassigned(raw["employee"], str(raw.get("reason", ""))))
    if errors:
        raise PlanError(errors)
    stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
    return Plan(sessions, unassigned, stats)


def load_plan(path: str | Path) -> Plan:
    """Read a plan file; PlanError for unreadable JSON or a malformed plan."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(f"cannot read plan file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return parse_plan(data)
