"""Publish a solved rollout plan: its sessions and bookings through the workshop services, all or nothing.

Every session goes through `create_session` and every seat through `book_seat`, so each
scheduling and booking rule holds (and the booking service sends the invites). One refusal,
or one person who would only be waitlisted, refuses the whole plan: the caller rolls back
and shows every reason collected.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from lms.core.database import begin_write
from lms.core.errors import Conflict, DomainError, ValidationFailed
from lms.core.markers import N_
from lms.core.models import utcnow
from lms.extensions import db
from lms.org.models import Employee
from lms.rollout.models import RolloutPlan
from lms.workshops.booking import book_seat
from lms.workshops.models import Room, WorkshopSession
from lms.workshops.sessions import SessionPlan, create_session

CHUNK = 500


@dataclass(frozen=True)
class Published:
    """What publishing created."""

    sessions: list[WorkshopSession]
    bookings: int


def _claim(plan: RolloutPlan, actor: Employee) -> None:
    """Move the plan from solved to published once: a second click finds it published and stops."""
    changed = db.session.execute(
        update(RolloutPlan).where(RolloutPlan.id == plan.id, RolloutPlan.status == "solved")
        .values(status="published", published_at=utcnow(), published_by_id=actor.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(plan)
        if plan.status == "published":
            raise Conflict(N_("This plan has already been published."))
        raise Conflict(f"Only a solved plan can be published; this one is {plan.status}.")


def _by_ref(model, refs: set[int]) -> dict[int, object]:
    found = {}
    ids = sorted(refs)
    for i in range(0, len(ids), CHUNK):
        found.update({o.id: o for o in db.session.execute(select(model).where(model.id.in_(ids[i:i + CHUNK]))).scalars()})
    return found


def _employees(numbers: set[str]) -> dict[str, Employee]:
    found: dict[str, Employee] = {}
    wanted = sorted(numbers)
    for i in range(0, len(wanted), CHUNK):
        found.update({e.employee_no: e for e in db.session.execute(
            select(Employee).where(Employee.employee_no.in_(wanted[i:i + CHUNK]))).scalars()})
    return found


def _label(s: dict, room_name: str) -> str:
    day1, day2 = (date.fromisoformat(d) for d in s["days"])
    return f"Session {s['id']} ({room_name}, {day1:%a %d %b} – {day2:%a %d %b %Y})"


def publish_plan(actor: Employee, plan: RolloutPlan) -> Published:
    """Create the plan's sessions and book its people; ValidationFailed listing every refusal, nothing kept."""
    begin_write(db.session)
    _claim(plan, actor)
    db.session.refresh(plan)
    doc = plan.plan_doc or {"sessions": []}
    problem = plan.problem_doc or {}
    room_refs = {r["id"]: r["ref"] for r in problem.get("rooms", [])}
    trainer_refs = {t["id"]: t["ref"] for t in problem.get("trainers", [])}
    pending = [s for s in doc["sessions"] if "workshop_session" not in s]
    rooms = _by_ref(Room, {room_refs[s["room"]] for s in pending if s["room"] in room_refs})
    trainers = _by_ref(Employee, {trainer_refs[t] for s in pending for t in s["trainers"] if t in trainer_refs})
    people = _employees({a for s in pending for a in s["attendees"]})

    problems: list[str] = []
    created: dict[str, WorkshopSession] = {}
    bookings = 0
    for s in pending:
        room = rooms.get(room_refs.get(s["room"], -1))
        label = _label(s, room.name if room else s["room"])
        crew = tuple(trainers.get(trainer_refs.get(t, -1)) for t in s["trainers"])
        if room is None or None in crew:
            problems.append(f"{label}: its room or a trainer is no longer in the organization.")
            continue
        wanted = SessionPlan(room=room, day1=date.fromisoformat(s["days"][0]), start_time=plan.start_time,
                             end_time=plan.end_time, capacity=min(room.capacity, plan.max_size), trainers=crew,
                             note=f"Planned by the rollout plan “{plan.name}”.")
        try:
            with db.session.begin_nested():
                session = create_session(actor, wanted, publish=True)
        except DomainError as exc:
            problems.extend(f"{label}: {p}" for p in (getattr(exc, "problems", None) or [exc.message]))
            continue
        if session.day2.isoformat() != s["days"][-1]:
            problems.append(f"{label}: day 2 would be {session.day2:%d %B %Y} at {room.site.name}, not as planned.")
        created[s["id"]] = session
        for number in s["attendees"]:
            person = people.get(number)
            if person is None:
                problems.append(f"{label}: employee {number} is no longer on the roster.")
                continue
            try:
                with db.session.begin_nested():
                    booking = book_seat(actor, person, session)
            except DomainError as exc:
                problems.extend(f"{label}: {person.full_name}: {p}" for p in (getattr(exc, "problems", None) or [exc.message]))
                continue
            if booking.status != "booked":
                problems.append(f"{label}: {person.full_name} would only be waitlisted: {booking.waitlist_reason}")
            else:
                bookings += 1
    if problems:
        raise ValidationFailed(f"Nothing was published: {len(problems)} rule(s) refused the plan.", problems)

    plan.plan_doc = dict(doc, sessions=[dict(s, workshop_session=created[s["id"]].id) if s["id"] in created else s
                                        for s in doc["sessions"]])
    plan.published_session_ids = list(plan.published_session_ids) + [w.id for w in created.values()]
    db.session.flush()
    return Published(list(created.values()), bookings)
