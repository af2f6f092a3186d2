"""Solve a problem around the sessions a leader locked: keep those as they are, plan everyone else.

The locked sessions that still hold are taken out (their people leave the problem; their room,
trainer and department days become holds), the rest is planned, and the two are merged into
one plan that is checked against the whole problem. Pure module.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lms.rollout.bound import LowerBound, lower_bound
from lms.rollout.checker import check_plan
from lms.rollout.diagnose import Diagnosis, diagnose, explain_unassigned
from lms.rollout.holds import Holds, apply_holds, holds_of_sessions, session_key
from lms.rollout.mixing import mixing_stats
from lms.rollout.plan import Plan, parse_plan, plan_to_json
from lms.rollout.planner import search, to_plan
from lms.rollout.problem import Problem, RolloutError, parse_problem

SEARCH = "search"
DIAGNOSE = "diagnose"
CHECK = "check"


@dataclass
class Outcome:
    """The whole problem, the merged plan and the figures stored with a rollout plan."""

    problem_doc: dict[str, Any]
    plan_doc: dict[str, Any]
    bound: dict[str, Any]
    diagnosis: dict[str, Any]
    mixing: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def bound_to_json(bound: LowerBound) -> dict[str, Any]:
    """The lower bound as stored and shown: value, binding term, every term, and whether it fits."""
    return {
        "value": bound.value,
        "finish_date": bound.finish_date.isoformat() if bound.finish_date else None,
        "window_days": bound.window_days,
        "fits_window": bound.fits_window,
        "binding": {"kind": bound.binding.kind, "subject": bound.binding.subject, "value": bound.binding.value,
                    "text": bound.binding.describe()},
        "terms": [{"kind": t.kind, "subject": t.subject, "value": t.value, "text": t.describe()} for t in bound.terms],
    }


def diagnosis_to_json(diagnosis: Diagnosis) -> dict[str, Any]:
    """A diagnosis as stored and shown."""
    return {
        "fits": diagnosis.fits,
        "unassigned": diagnosis.unassigned,
        "lines": diagnosis.lines(),
        "remedies": diagnosis.remedies,
        "window_until": diagnosis.window_until.isoformat() if diagnosis.window_until else None,
        "verified": diagnosis.verified,
        "shortfalls": [{"resource": s.resource, "site": s.site, "department": s.department,
                        "unassigned": s.unassigned, "message": s.message, "remedy": s.remedy}
                       for s in diagnosis.shortfalls],
    }


def _without_people(doc: dict[str, Any], people: set[str]) -> dict[str, Any]:
    out = dict(doc)
    out["employees"] = [e for e in doc["employees"] if e["id"] not in people]
    return out


def _label(session: dict[str, Any], room_names: dict[str, str]) -> str:
    return f"The locked session in {room_names.get(session['room'], session['room'])} from {session['days'][0]}"


def _violations(problem: Problem, sessions: list[dict[str, Any]]) -> list[str]:
    """What breaks when these sessions alone are planned and everyone else is left unassigned."""
    inside = {a for s in sessions for a in s["attendees"]}
    others = [{"employee": e.id, "reason": "-"} for e in problem.employees if e.id not in inside]
    return check_plan(problem, parse_plan({"format": "lms.rollout-plan/1", "sessions": sessions, "unassigned": others}))


def _keep_holding(problem: Problem, locked: list[dict[str, Any]],
                  room_names: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The locked sessions that still hold in the problem (minus people who left it), and notes on the rest."""
    known = {e.id for e in problem.employees}
    candidates, notes = [], []
    for raw in locked:
        session = dict(raw, id=session_key(raw), attendees=[a for a in raw["attendees"] if a in known])
        if session["attendees"]:
            candidates.append(session)
        else:
            notes.append(f"{_label(raw, room_names)} has nobody left to plan; it was dropped.")
    if not _violations(problem, candidates):
        return candidates, notes
    # something changed since they were planned: test them one by one (rare, so the cost is fine)
    kept = []
    for session in candidates:
        broken = _violations(problem, kept + [session])
        if broken:
            notes.append(f"{_label(session, room_names)} no longer holds ({broken[0]}); it was dropped.")
        else:
            kept.append(session)
    return kept, notes


def _merge(problem: Problem, bound: LowerBound, locked: list[dict[str, Any]], rest: Plan,
           seconds: float) -> Plan:
    sessions = locked + plan_to_json(rest)["sessions"]
    sessions.sort(key=lambda s: (s["days"][0], s["site"], s["room"]))
    for n, s in enumerate(sessions, start=1):
        s["id"] = f"S{n:04d}"
    last = max((date.fromisoformat(s["days"][-1]) for s in sessions), default=None)
    doc = plan_to_json(rest)
    doc["sessions"] = sessions
    assigned = sum(len(s["attendees"]) for s in sessions)
    doc["stats"] = {
        "finish": last.isoformat() if last else None,
        "finish_index": problem.calendar.index_of(last) if last else None,
        "sessions": len(sessions),
        "lower_bound_index": bound.value,
        "solve_seconds": round(seconds, 3),
        "assigned": assigned,
        "unassigned": len(doc["unassigned"]),
        "locked": len(locked),
    }
    return parse_plan(doc)


def solve_with_locks(base: dict[str, Any], holds: Holds, locked: list[dict[str, Any]], *,
                     time_limit: float, diagnosis_limit: float,
                     stage: Callable[[str], None] = lambda _: None) -> Outcome:
    """Plan `base` (committed days in `holds`) keeping the `locked` sessions that still hold."""
    began = time.perf_counter()
    wanted = {a for s in locked for a in s["attendees"]}
    whole_doc = apply_holds(base, holds, first=wanted)
    whole = parse_problem(whole_doc)
    kept, notes = _keep_holding(whole, locked, {r["id"]: r.get("name", r["id"]) for r in base["rooms"]})

    department_of = {e["id"]: e["department"] for e in base["employees"]}
    taken = {a for s in kept for a in s["attendees"]}
    rest_doc = apply_holds(_without_people(base, taken), holds + holds_of_sessions(kept, department_of))
    rest = parse_problem(rest_doc)

    stage(SEARCH)
    result = search(rest, time_limit)
    reasons = explain_unassigned(result) if result.draft.unassigned else {}
    diagnosis = Diagnosis(True, 0)
    if result.draft.unassigned:
        stage(DIAGNOSE)
        diagnosis = diagnose(rest, result, time_limit=diagnosis_limit)

    stage(CHECK)
    bound = lower_bound(whole)
    plan = _merge(whole, bound, kept, to_plan(result, reasons), time.perf_counter() - began)
    violations = check_plan(whole, plan)
    if violations:
        raise RolloutError(["the merged plan breaks the format's rules (a planner fault):", *violations[:20]])
    return Outcome(whole_doc, plan_to_json(plan), bound_to_json(bound), diagnosis_to_json(diagnosis),
                   mixing_stats(whole, plan).as_dict(), notes)


def locked_sessions(plan_doc: dict[str, Any] | None, keys: list[str]) -> list[dict[str, Any]]:
    """The sessions of a stored plan whose keys are locked."""
    wanted = set(keys)
    return [dict(s) for s in (plan_doc or {}).get("sessions", []) if session_key(s) in wanted]
