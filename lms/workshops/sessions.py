"""Scheduling sessions: every rule is checked, and rooms and trainers are held per day in the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from lms.core.errors import Conflict, NotFound, ValidationFailed
from lms.core.markers import N_
from lms.extensions import db
from lms.learning.models import Course
from lms.org.models import Employee
from lms.workshops import notices
from lms.workshops.calendar import site_calendar
from lms.workshops.labels import said
from lms.workshops.models import Room, RoomClosure, RoomDay, SessionTrainer, TrainerDay, WorkshopSession

WORKSHOP_SLUG = "service-problem-solving"
MAX_TRAINERS = 2


@dataclass(frozen=True)
class SessionPlan:
    """What a session should be: the input to create and change."""

    room: Room
    day1: date
    start_time: time
    end_time: time
    capacity: int
    trainers: tuple[Employee, ...]
    note: str = ""


def workshop_course() -> Course:
    """The two-day workshop course every worker attends."""
    course = db.session.execute(
        select(Course).where(Course.kind == "workshop", Course.archived.is_(False)).order_by(Course.slug != WORKSHOP_SLUG)
    ).scalars().first()
    if course is None:
        raise NotFound(N_("The workshop course is not loaded; run lms courses sync."))
    return course


def get_session(session_id: int) -> WorkshopSession:
    """The session with this id, or NotFound."""
    session = db.session.get(WorkshopSession, session_id)
    if session is None:
        raise NotFound(N_("No such session."))
    return session


def second_day(plan: SessionPlan) -> date | None:
    """Day 2: the next working day at the room's site."""
    return site_calendar(plan.room.site).next_working_day(plan.day1)


def check_plan(plan: SessionPlan, course: Course, session: WorkshopSession | None = None) -> list[str]:
    """Every reason the plan breaks a scheduling rule (empty when it is fine)."""
    from lms.trainers.certification import can_deliver

    problems = []
    calendar = site_calendar(plan.room.site)
    day2 = calendar.next_working_day(plan.day1)
    if not calendar.is_working_day(plan.day1):
        problems.append(said(N_("%(day)s is not a working day at %(site)s."), patterns={"day": "EEEE dd MMMM y"}, day=plan.day1,
                             site=plan.room.site.name))
    if plan.end_time <= plan.start_time:
        problems.append(N_("The session must end after it starts."))
    if plan.capacity < 1:
        problems.append(N_("The session needs at least one seat."))
    if plan.capacity > plan.room.capacity:
        problems.append(said(N_("%(room)s holds %(holds)s; the session cannot have %(seats)s seats."), room=plan.room.name,
                             holds=plan.room.capacity, seats=plan.capacity))
    if session is not None and plan.capacity < session.seats_taken:
        problems.append(said(N_("%(num)s people are already booked; the capacity cannot go below that."), num=session.seats_taken))
    if not plan.room.active:
        problems.append(said(N_("%(room)s is no longer in use."), room=plan.room.name))
    if not plan.trainers or len(plan.trainers) > MAX_TRAINERS:
        problems.append(N_("A session needs one or two trainers."))
    if len({t.id for t in plan.trainers}) != len(plan.trainers):
        problems.append(N_("The same trainer is listed twice."))
    days = [d for d in (plan.day1, day2) if d is not None]
    closed = {c.day: c.reason for c in plan.room.closures}
    ignore = session.id if session is not None else -1
    for day in days:
        if day in closed:
            if closed[day]:
                problems.append(said(N_("%(room)s is unavailable on %(day)s: %(reason)s."), patterns={"day": "dd MMMM y"},
                                     room=plan.room.name, day=day, reason=closed[day]))
            else:
                problems.append(said(N_("%(room)s is unavailable on %(day)s."), patterns={"day": "dd MMMM y"}, room=plan.room.name,
                                     day=day))
        taken = db.session.execute(select(RoomDay.session_id).where(RoomDay.room_id == plan.room.id, RoomDay.day == day,
                                                                    RoomDay.session_id != ignore)).first()
        if taken:
            problems.append(said(N_("%(room)s is already taken on %(day)s (session %(session)s)."), patterns={"day": "dd MMMM y"},
                                 room=plan.room.name, day=day, session=taken[0]))
        for trainer in plan.trainers:
            if not can_deliver(trainer, course, day):
                problems.append(said(N_("%(name)s is not certified to deliver %(course)s on %(day)s."),
                                     patterns={"day": "dd MMMM y"}, name=trainer.full_name, course=course.title, day=day))
            busy = db.session.execute(select(TrainerDay.session_id).where(
                TrainerDay.employee_id == trainer.id, TrainerDay.day == day, TrainerDay.session_id != ignore)).first()
            if busy:
                problems.append(said(N_("%(name)s already delivers session %(session)s on %(day)s."),
                                     patterns={"day": "dd MMMM y"}, name=trainer.full_name, session=busy[0], day=day))
    return problems


def _hold_days(session: WorkshopSession) -> None:
    """Record the room and trainers as used on both days; the unique keys refuse a clash that raced us."""
    db.session.execute(delete(RoomDay).where(RoomDay.session_id == session.id))
    db.session.execute(delete(TrainerDay).where(TrainerDay.session_id == session.id))
    db.session.flush()
    for day in session.days:
        db.session.add(RoomDay(room_id=session.room_id, day=day, session_id=session.id))
        for link in session.trainer_links:
            db.session.add(TrainerDay(employee_id=link.employee_id, day=day, session_id=session.id))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(N_("The room or a trainer was just taken on one of these days by another session; reload and try again.")) from None


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationFailed(problems[0] if len(problems) == 1 else f"The session breaks {len(problems)} rules.", problems)


def create_session(actor: Employee, plan: SessionPlan, *, publish: bool = True) -> WorkshopSession:
    """Schedule a new session of the workshop; refused with every reason when a rule breaks."""
    course = workshop_course()
    _refuse(check_plan(plan, course))
    session = WorkshopSession(
        course=course, site=plan.room.site, room=plan.room, day1=plan.day1, day2=second_day(plan),
        start_time=plan.start_time, end_time=plan.end_time, capacity=plan.capacity, note=plan.note,
        status="open" if publish else "draft", created_by_id=actor.id,
        trainer_links=[SessionTrainer(employee_id=t.id) for t in plan.trainers],
    )
    db.session.add(session)
    db.session.flush()
    _hold_days(session)
    return session


def change_session(actor: Employee, session: WorkshopSession, plan: SessionPlan) -> list[str]:
    """Change a session; returns what changed for the notices (empty when nothing did)."""
    if session.status in ("cancelled", "completed"):
        raise Conflict(f"This session is {session.status}; it cannot be changed.")
    if plan.room.site_id != session.site_id:
        raise ValidationFailed(N_("A session cannot move to another site; cancel it and schedule a new one."))
    _refuse(check_plan(plan, session.course, session))
    before = (session.room_id, session.day1, session.start_time, session.end_time, session.capacity,
              sorted(link.employee_id for link in session.trainer_links), session.note)
    session.room, session.day1, session.day2 = plan.room, plan.day1, second_day(plan)
    session.start_time, session.end_time, session.capacity, session.note = plan.start_time, plan.end_time, plan.capacity, plan.note
    wanted = {t.id for t in plan.trainers}
    session.trainer_links = [link for link in session.trainer_links if link.employee_id in wanted] + [
        SessionTrainer(employee_id=t) for t in sorted(wanted - {link.employee_id for link in session.trainer_links})]
    after = (session.room_id, session.day1, session.start_time, session.end_time, session.capacity,
             sorted(wanted), session.note)
    changed = [name for name, b, a in zip(("room", "dates", "start", "end", "capacity", "trainers", "note"), before, after) if b != a]
    if changed:
        session.sequence += 1
        db.session.flush()
        _hold_days(session)
        notices.session_changed(session, changed)
    return changed


def publish_session(session: WorkshopSession) -> None:
    """Open a draft session for booking."""
    if session.status != "draft":
        raise Conflict(N_("Only a draft session can be opened."))
    session.status = "open"
    db.session.flush()


def cancel_session(actor: Employee, session: WorkshopSession, reason: str) -> list:
    """Cancel a session, free its room and trainers, and cancel its bookings; returns the bookings cancelled."""
    from lms.workshops.booking import release_booking

    if session.status in ("cancelled", "completed"):
        raise Conflict(f"This session is already {session.status}.")
    if not reason.strip():
        raise ValidationFailed(N_("Give a reason: the people booked will see it."))
    session.status = "cancelled"
    session.cancelled_reason = reason.strip()
    session.sequence += 1
    cancelled = [release_booking(b, f"The session was cancelled: {reason.strip()}", promote=False)
                 for b in active_bookings(session)]
    db.session.execute(delete(RoomDay).where(RoomDay.session_id == session.id))
    db.session.execute(delete(TrainerDay).where(TrainerDay.session_id == session.id))
    db.session.flush()
    return cancelled


def active_bookings(session: WorkshopSession) -> list:
    """The session's booked and waitlisted bookings, in request order."""
    from lms.workshops.models import Booking

    return list(db.session.execute(
        select(Booking).where(Booking.session_id == session.id, Booking.status.in_(("booked", "waitlisted")))
        .order_by(Booking.requested_at, Booking.id)
    ).scalars())


def add_room(site, name: str, capacity: int) -> Room:
    """A new room at a site."""
    if capacity < 1:
        raise ValidationFailed(N_("A room holds at least one person."))
    if db.session.execute(select(Room.id).where(Room.site_id == site.id, Room.name == name.strip())).first():
        raise Conflict(f"{site.name} already has a room called {name.strip()}.")
    room = Room(site=site, name=name.strip(), capacity=capacity)
    db.session.add(room)
    db.session.flush()
    return room


def update_room(room: Room, *, name: str, capacity: int, active: bool, closures: list[tuple[date, str]]) -> None:
    """Change a room; its capacity cannot drop below a future session's seats."""
    from lms.workshops.models import WorkshopSession as Session

    too_big = db.session.execute(select(Session).where(Session.room_id == room.id, Session.status.in_(("draft", "open")),
                                                        Session.capacity > capacity)).scalars().first()
    if too_big:
        raise Conflict(f"Session {too_big.id} on {too_big.day1:%d %B} has {too_big.capacity} seats; reduce it first.")
    booked = {d for d, in db.session.execute(select(RoomDay.day).where(RoomDay.room_id == room.id))}
    clash = sorted(d for d, _ in closures if d in booked)
    if clash:
        raise Conflict(f"{room.name} has a session on {clash[0]:%d %B %Y}; move or cancel it before closing the room that day.")
    room.name, room.capacity, room.active = name.strip(), capacity, active
    room.closures = [RoomClosure(day=d, reason=r) for d, r in sorted(set(closures))]
    db.session.flush()


def get_room(room_id: int) -> Room:
    """The room with this id, or NotFound."""
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(N_("No such room."))
    return room
