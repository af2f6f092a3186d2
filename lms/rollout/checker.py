"""Check a plan against its problem: every validity rule (1-6) of `lms.rollout-plan/1`."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from lms.core.workdays import iso_week
from lms.rollout.plan import Plan
from lms.rollout.problem import Problem

MAX_VIOLATIONS = 1000


def check_plan(problem: Problem, plan: Plan) -> list[str]:
    """Return one message per violation found (empty when the plan is valid)."""
    out: list[str] = []
    cal = problem.calendar
    spec = problem.session
    rooms = {m.id: m for m in problem.rooms}
    trainers = {t.id: t for t in problem.trainers}
    depts = problem.department_by_id
    employees = {e.id: e for e in problem.employees}
    site_headcount = problem.employees_per_site()

    for sid, n in Counter(s.id for s in plan.sessions).items():
        if n > 1:
            out.append(f"plan: session id {sid} is used {n} times")

    room_days: dict[tuple[str, date], list[str]] = defaultdict(list)
    trainer_days: dict[tuple[str, date], list[str]] = defaultdict(list)
    trainer_week: Counter[tuple[str, tuple[int, int]]] = Counter()
    seen: dict[str, str] = {}
    away: Counter[tuple[str, date]] = Counter()

    for s in plan.sessions:
        where = f"session {s.id}"
        # rule 1: the session's days
        if len(s.days) != spec.days:
            out.append(f"rule 1: {where} lists {len(s.days)} days, sessions last {spec.days}")
        for d in s.days:
            if not cal.is_working_day(d):
                out.append(f"rule 1: {where}: {d} is not a working day of the window")
        for prev, d in zip(s.days, s.days[1:]):
            if cal.next_working_day(prev) != d:
                out.append(f"rule 1: {where}: {d} is not the next working day after {prev}")

        # rule 2: the room
        room = rooms.get(s.room)
        if room is None:
            out.append(f"rule 2: {where}: room {s.room} does not exist")
        else:
            if room.site != s.site:
                out.append(f"rule 2: {where}: room {s.room} is at site {room.site}, not {s.site}")
            for d in s.days:
                if d in room.unavailable:
                    out.append(f"rule 2: {where}: room {s.room} is unavailable on {d}")
        for d in s.days:
            room_days[s.room, d].append(s.id)

        # rule 3: the trainers (clashes and weekly caps are checked after the loop)
        if len(s.trainers) != spec.trainers or len(set(s.trainers)) != len(s.trainers):
            out.append(
                f"rule 3: {where} has {len(set(s.trainers))} distinct trainers of "
                f"{len(s.trainers)} listed, needs exactly {spec.trainers}"
            )
        for tid in set(s.trainers):
            trainer = trainers.get(tid)
            if trainer is None:
                out.append(f"rule 3: {where}: trainer {tid} does not exist")
                continue
            if not trainer.allowed_at(s.site):
                out.append(f"rule 3: {where}: trainer {tid} may not deliver at site {s.site}")
            for d in s.days:
                if not trainer.valid_on(d):
                    out.append(f"rule 3: {where}: trainer {tid} is not available on {d}")
                trainer_days[tid, d].append(s.id)
                trainer_week[tid, iso_week(d)] += 1

        # rule 4: the size
        limit = spec.max_size if room is None else min(spec.max_size, room.capacity)
        if len(s.attendees) > limit:
            out.append(f"rule 4: {where} has {len(s.attendees)} attendees, at most {limit} allowed")
        if len(s.attendees) < spec.min_size and site_headcount[s.site] >= spec.min_size:
            out.append(
                f"rule 4: {where} has {len(s.attendees)} attendees, at least {spec.min_size} needed"
            )

        # rule 5 (attendees' department and availability) and rule 6 (counting who is away)
        for eid in s.attendees:
            emp = employees.get(eid)
            if emp is None:
                out.append(f"rule 5: {where}: attendee {eid} is not an employee of the problem")
                continue
            if eid in seen:
                out.append(f"rule 5: employee {eid} appears in {seen[eid]} and in {where}")
            else:
                seen[eid] = where
            dept = depts[emp.department]
            if dept.site != s.site:
                out.append(
                    f"rule 5: {where}: employee {eid} of department {dept.id} at site "
                    f"{dept.site} attends at site {s.site}"
                )
            for d in s.days:
                if d in emp.unavailable:
                    out.append(f"rule 5: {where}: employee {eid} is unavailable on {d}")
                away[dept.id, d] += 1

    for (rid, d), ids in sorted(room_days.items()):
        if len(ids) > 1:
            out.append(f"rule 2: room {rid} hosts sessions {', '.join(ids)} on {d}")
    for (tid, d), ids in sorted(trainer_days.items()):
        if len(ids) > 1:
            out.append(f"rule 3: trainer {tid} is in sessions {', '.join(ids)} on {d}")
    for (tid, (year, week)), n in sorted(trainer_week.items()):
        trainer = trainers.get(tid)
        if trainer is not None and n > trainer.max_days_per_week:
            out.append(
                f"rule 3: trainer {tid} has {n} session days in ISO week {year}-W{week:02d}, "
                f"at most {trainer.max_days_per_week}"
            )

    for u in plan.unassigned:
        if u.employee not in employees:
            out.append(f"rule 5: unassigned {u.employee} is not an employee of the problem")
        elif seen.get(u.employee, "unassigned") != "unassigned":
            out.append(f"rule 5: employee {u.employee} is both in {seen[u.employee]} and unassigned")
        else:
            seen[u.employee] = "unassigned"
    for eid, n in Counter(u.employee for u in plan.unassigned).items():
        if n > 1:
            out.append(f"rule 5: employee {eid} is listed {n} times as unassigned")
    missing = [e.id for e in problem.employees if e.id not in seen]
    for eid in missing[:MAX_VIOLATIONS]:
        out.append(f"rule 5: employee {eid} is neither in a session nor unassigned")
    if len(missing) > MAX_VIOLATIONS:
        out.append(f"rule 5: ... and {len(missing) - MAX_VIOLATIONS} more employees missing")

    for (did, d), n in sorted(away.items()):
        if n > depts[did].max_away:
            out.append(
                f"rule 6: department {did} has {n} people away on {d}, max_away is {depts[did].max_away}"
            )
    return out
