"""Rooms and two-day sessions at every site, filled within capacity and each department's staffing floor.

Past sessions have both days attended; upcoming ones are booked less the further away they are; a few
upcoming ones are cancelled with their bookings. The counters hold as the booking service keeps them:
seats_taken is the number of booked seats, department_day the booked people of a department per day,
and room_day / trainer_day one session per room and trainer per day.
"""
from __future__ import annotations

import math
from collections import Counter, deque
from datetime import date, timedelta

from lms.learning.models import Course
from lms.scale.context import Build, Person
from lms.scale.org import HOLIDAY_DAYS, working_days

PAST_DAYS, FUTURE_DAYS = 150, 45
ATTENDED_SHARE = 0.35  # of a site's workforce, by today
BOOKED_SHARE = 0.12  # holding a seat in an upcoming session; the rest are left to the rollout planner
CADENCE = 3  # a room starts a session every third working day
CAPACITIES = (12, 14, 16, 18, 20, 24)


def build_workshops(build: Build, workshop: Course) -> None:
    """Rooms, sessions, trainers, bookings, attendance and the day counters of every generated site."""
    rng = build.rng("workshops")
    state = _State()
    for site_id in sorted(build.sites):
        _site(build, site_id, workshop, rng, state)
    w = build.writer
    stamp = build.stamp(build.now)
    w.insert("room", ("id", "site_id", "name", "capacity", "active", "created_at", "updated_at"),
             ((room_id, site_id, name, capacity, 1, stamp, stamp) for room_id, site_id, name, capacity in state.rooms))
    w.insert("workshop_session", (
        "id", "course_id", "site_id", "room_id", "day1", "day2", "start_time", "end_time", "capacity", "seats_taken",
        "status", "sequence", "note", "cancelled_reason", "created_by_id", "created_at", "updated_at"),
        ((s[0], workshop.id, s[1], s[2], s[3].isoformat(), s[4].isoformat(), "08:30:00.000000", "16:30:00.000000", s[5],
          state.seats[s[0]], s[6], 0, "", "Trainer unavailable" if s[6] == "cancelled" else "", build.lead_trainer,
          stamp, stamp) for s in state.sessions))
    w.insert("session_trainer", ("session_id", "employee_id"), state.links)
    w.insert("room_day", ("room_id", "day", "session_id"), state.room_days)
    w.insert("trainer_day", ("employee_id", "day", "session_id"), state.trainer_days)
    w.insert("department_day", ("department_id", "day", "away"),
             ((department, day.isoformat(), away) for (department, day), away in sorted(state.away.items())))
    first = w.ids("booking", len(state.bookings))
    w.insert("booking", (
        "id", "session_id", "course_id", "employee_id", "status", "requested_at", "booked_by_id", "waitlist_reason",
        "cancelled_at", "cancel_reason", "day1_present", "day2_present", "attendance_marked_by_id",
        "attendance_marked_at"), ((first + n, row[0], workshop.id, *row[1:]) for n, row in enumerate(state.bookings)))


class _State:
    """Everything written for the workshops, gathered across sites."""

    def __init__(self):
        self.rooms, self.sessions, self.links, self.room_days, self.trainer_days = [], [], [], [], []
        self.bookings: list[tuple] = []
        self.seats: Counter[int] = Counter()
        self.away: Counter[tuple[int, date]] = Counter()
        self.busy: set[tuple[int, date]] = set()
        self.cancelled: set[int] = set()

    def cancel(self, session_id: int) -> None:
        """A cancelled session frees its room and trainer days, as cancel_session does."""
        self.cancelled.add(session_id)
        for row in self.sessions:
            if row[0] == session_id:
                row[6] = "cancelled"
        self.room_days = [r for r in self.room_days if r[2] != session_id]
        self.trainer_days = [t for t in self.trainer_days if t[2] != session_id]


def _site(build: Build, site_id: int, workshop: Course, rng, state: _State) -> None:
    """Rooms and sessions every third working day; attendance spread over the past, seats over the weeks ahead."""
    trainers = build.trainers.get(site_id, [])
    pool = [p for p in build.people if p.site == site_id and "trainer" not in p.roles]
    rng.shuffle(pool)
    past = working_days(build.today - timedelta(days=PAST_DAYS), build.today - timedelta(days=1), HOLIDAY_DAYS)
    future = working_days(build.today, build.today + timedelta(days=FUTURE_DAYS), HOLIDAY_DAYS)
    per_room = (len(past) // CADENCE) * sum(CAPACITIES) / len(CAPACITIES) * 0.9
    rooms = max(1, math.ceil(ATTENDED_SHARE * len(pool) / per_room))
    room_ids = build.writer.ids("room", rooms)
    for n in range(rooms):
        state.rooms.append((room_ids + n, site_id, f"Room {n + 1}", CAPACITIES[rng.randrange(len(CAPACITIES))]))
    held = _schedule(build, site_id, state.rooms[-rooms:], past + future, trainers, rng, state)
    for session_id, day1, _, _, _ in held:
        if (day1 - build.today).days > 7 and rng.random() < 0.03:
            state.cancel(session_id)
            _cancelled_bookings(build, session_id, day1, rng, pool, state)
    held = [h for h in held if h[0] not in state.cancelled]
    waiting = deque(pool)
    done = [h for h in held if h[2] < build.today]
    ahead = [h for h in held if h[2] >= build.today]
    weights = [max(0.1, 0.95 - 0.8 * max((h[1] - build.today).days, 0) / FUTURE_DAYS) for h in ahead]
    for sessions, shares, total in ((done, [1.0] * len(done), ATTENDED_SHARE), (ahead, weights, BOOKED_SHARE)):
        wanted, given, owed = int(total * len(pool)), 0.0, 0
        for (session_id, day1, day2, capacity, trainer), share in zip(sessions, shares):
            given += wanted * share / sum(shares)
            quota = min(capacity, round(given) - owed)
            owed += _fill(build, session_id, day1, day2, quota, waiting, trainer, rng, state)


def _schedule(build: Build, site_id: int, rooms: list[tuple], days: list[date], trainers: list[int], rng,
              state: _State) -> list[tuple]:
    """Sessions in every room every CADENCE working days with a free certified trainer; (id, day1, day2, capacity, trainer)."""
    held, rotation = [], 0
    for room_id, _, _, capacity in rooms:
        for start in range(rng.randrange(CADENCE), len(days) - 1, CADENCE):
            day1, day2 = days[start], days[start + 1]
            if (day2 - day1).days > 4:
                continue
            chosen = _free_trainer(build, trainers, day1, day2, rotation, state)
            rotation += 1
            if chosen is None:
                continue
            session_id = build.writer.ids("workshop_session", 1)
            state.sessions.append([session_id, site_id, room_id, day1, day2, capacity, "open"])
            state.links.append((session_id, chosen))
            state.room_days += [(room_id, day1.isoformat(), session_id), (room_id, day2.isoformat(), session_id)]
            state.trainer_days += [(chosen, day1.isoformat(), session_id), (chosen, day2.isoformat(), session_id)]
            state.busy |= {(chosen, day1), (chosen, day2)}
            held.append((session_id, day1, day2, capacity, chosen))
    held.sort(key=lambda h: (h[1], h[0]))
    return held


def _free_trainer(build: Build, trainers: list[int], day1: date, day2: date, rotation: int, state: _State) -> int | None:
    for offset in range(len(trainers)):
        trainer = trainers[(rotation + offset) % len(trainers)]
        if ((trainer, day1) not in state.busy and (trainer, day2) not in state.busy
                and build.certified_until.get(trainer, date.min) >= day2):
            return trainer
    return None


def _fill(build: Build, session_id: int, day1: date, day2: date, seats: int, waiting: deque, trainer: int, rng,
          state: _State) -> int:
    """Seat people from the queue within each department's floor; those who do not fit wait for the next session."""
    departments = build.departments
    taken, skipped = 0, []
    past = day2 < build.today
    while taken < seats and waiting:
        person: Person = waiting.popleft()
        floor = departments[person.department].max_away
        if state.away[(person.department, day1)] >= floor or state.away[(person.department, day2)] >= floor:
            skipped.append(person)
            if len(skipped) > 3 * seats:
                break
            continue
        state.away[(person.department, day1)] += 1
        state.away[(person.department, day2)] += 1
        requested = build.at(day1 - timedelta(days=rng.randint(3, 40)), rng)
        booked_by = person.manager if person.manager is not None and rng.random() < 0.5 else person.id
        marked = build.stamp(build.at(day2, rng, 16, 18)) if past else None
        state.bookings.append((session_id, person.id, "booked", build.stamp(requested), booked_by, "", None, "",
                               1 if past else None, 1 if past else None, trainer if past else None, marked))
        if past:
            build.attended[person.id] = (day1, day2)
        else:
            build.booked[person.id] = build.stamp(requested)
        taken += 1
    waiting.extendleft(reversed(skipped))
    state.seats[session_id] = taken
    return taken


def _cancelled_bookings(build: Build, session_id: int, day1: date, rng, pool: list[Person], state: _State) -> None:
    """People who had booked the session before it was cancelled (they may hold another booking)."""
    for person in rng.sample(pool, min(len(pool), rng.randint(0, 3))):
        requested = build.at(day1 - timedelta(days=rng.randint(20, 40)), rng)
        cancelled = build.at(day1 - timedelta(days=rng.randint(2, 10)), rng)
        if cancelled <= requested:
            continue
        state.bookings.append((session_id, person.id, "cancelled", build.stamp(requested), person.id, "",
                               build.stamp(cancelled), "The session was cancelled: Trainer unavailable", None, None,
                               None, None))
    state.seats[session_id] = 0
