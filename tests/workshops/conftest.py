"""Workshop fixtures: rooms, sessions inserted directly (scheduling rules are tested on their own), people."""
from __future__ import annotations

from datetime import date, time, timedelta

import itertools

import pytest

from lms.core.workdays import WorkCalendar


_rooms = itertools.count(1)


def working_day_after(days: int, start: date | None = None) -> date:
    """The first Monday-to-Friday day at least `days` days from `start` (default today)."""
    calendar = WorkCalendar.build()
    day = (start or date.today()) + timedelta(days=days - 1)
    return calendar.next_working_day(day)


@pytest.fixture
def workshop(db, synced, course):
    """The synced workshop course."""
    return course("service-problem-solving")


@pytest.fixture
def make_room(db, make_site):
    from lms.workshops.models import Room

    def make(site=None, capacity: int = 20, name: str | None = None):
        site = site or make_site()
        room = Room(site=site, name=name or f"Room {next(_rooms)}", capacity=capacity)
        db.session.add(room)
        db.session.flush()
        return room

    return make


@pytest.fixture
def make_session(db, workshop, make_room, make_employee):
    """An open session inserted directly; pass `room` to put it at a given site."""
    from lms.workshops.calendar import site_calendar
    from lms.workshops.models import SessionTrainer, WorkshopSession

    def make(room=None, day1: date | None = None, capacity: int | None = None, trainer=None, status: str = "open"):
        room = room or make_room()
        day1 = day1 or working_day_after(14)
        trainer = trainer or make_employee(roles=("trainer",), department=None)
        session = WorkshopSession(course=workshop, site=room.site, room=room, day1=day1,
                                  day2=site_calendar(room.site).next_working_day(day1), start_time=time(9),
                                  end_time=time(17), capacity=capacity or room.capacity, status=status,
                                  trainer_links=[SessionTrainer(employee_id=trainer.id)])
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def staff(db, make_department, make_employee):
    """`staff(site, n, kind=..., fraction=...)` creates a department of n people at the site."""

    def make(site, n: int, kind: str = "front_line", fraction: float = 1.0, **fields):
        department = make_department(kind=kind, site=site, max_away_fraction=fraction)
        return [make_employee(department=department, **fields) for _ in range(n)]

    return make


@pytest.fixture
def certified(db, workshop, make_employee):
    """`certified(site, issued_on=..., **fields)`: a trainer at the site certified for the workshop."""
    from lms.trainers.certification import issue_certification

    def make(site, issued_on: date | None = None, department=None, **fields):
        from lms.org.models import Department

        department = department or Department(code=f"TR-{site.code}-{next(_rooms)}", name="Trainers", kind="internal_provider", site=site)
        trainer = make_employee(department=department, **fields)
        issue_certification(trainer, workshop, issued_on or date.today() - timedelta(days=30), certified_by=None)
        db.session.commit()
        return trainer

    return make
