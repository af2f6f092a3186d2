"""A stateful hypothesis test of booking, cancelling and capacity changes: 0 <= booked <= capacity, always."""
from __future__ import annotations

from datetime import time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from lms.core.errors import DomainError
from lms.extensions import db as _db
from tests.workshops.conftest import working_day_after

PEOPLE = 8


def _booked(session_id: int) -> int:
    from lms.workshops.models import Booking

    return _db.session.execute(select(func.count()).select_from(Booking).where(
        Booking.session_id == session_id, Booking.status == "booked")).scalar_one()


@pytest.fixture
def machine_world(db, synced, make_site, make_department, make_employee):
    """A site with a room, a certified trainer, an admin and eight learners; returns ids."""
    from lms.trainers.certification import issue_certification
    from lms.workshops.models import Room
    from lms.workshops.sessions import SessionPlan, create_session, workshop_course

    site = make_site()
    room = Room(site=site, name="Training room", capacity=6)
    db.session.add(room)
    admin = make_employee(roles=("admin",), department=make_department(site=site))
    trainer = make_employee(roles=("trainer",), department=make_department(site=site))
    issue_certification(trainer, workshop_course(), working_day_after(-60), certified_by=None)
    department = make_department(site=site, max_away_fraction=1.0)
    people = [make_employee(department=department) for _ in range(PEOPLE)]
    session = create_session(admin, SessionPlan(room=room, day1=working_day_after(21), start_time=time(9), end_time=time(17),
                                                capacity=3, trainers=(trainer,), note=""))
    db.session.commit()
    return {"session": session.id, "admin": admin.id, "people": [p.id for p in people], "room": room.id}


class BookingMachine(RuleBasedStateMachine):
    """Random bookings, cancellations and capacity changes through the services, one transaction each."""

    ids: dict = {}

    @initialize()
    def start(self):
        self.errors = 0

    def _objects(self):
        from lms.org.models import Employee
        from lms.workshops.models import WorkshopSession

        return (_db.session.get(WorkshopSession, self.ids["session"]), _db.session.get(Employee, self.ids["admin"]))

    @rule(person=st.integers(0, PEOPLE - 1))
    def book(self, person):
        from lms.org.models import Employee
        from lms.workshops.booking import book_seat

        session, _ = self._objects()
        employee = _db.session.get(Employee, self.ids["people"][person])
        try:
            book_seat(employee, employee, session)
            _db.session.commit()
        except DomainError:
            _db.session.rollback()

    @rule(person=st.integers(0, PEOPLE - 1))
    def cancel(self, person):
        from lms.org.models import Employee
        from lms.workshops.booking import active_booking, cancel_booking

        session, admin = self._objects()
        employee = _db.session.get(Employee, self.ids["people"][person])
        found = active_booking(employee, session.course_id)
        if found is None:
            return
        try:
            cancel_booking(admin, found, "changed plans")
            _db.session.commit()
        except DomainError:
            _db.session.rollback()

    @rule(capacity=st.integers(0, 7))
    def change_capacity(self, capacity):
        from lms.workshops.sessions import SessionPlan, change_session

        session, admin = self._objects()
        plan = SessionPlan(room=session.room, day1=session.day1, start_time=session.start_time, end_time=session.end_time,
                           capacity=capacity, trainers=tuple(session.trainers), note=session.note or "")
        try:
            change_session(admin, session, plan)
            _db.session.commit()
        except DomainError:
            _db.session.rollback()

    @invariant()
    def seats_hold(self):
        from lms.workshops.models import WorkshopSession

        _db.session.expire_all()
        session = _db.session.get(WorkshopSession, self.ids["session"])
        booked = _booked(session.id)
        assert 0 <= booked <= session.capacity
        assert session.seats_taken == booked


def test_booking_cancelling_and_capacity_changes_keep_seats_within_capacity(machine_world):
    BookingMachine.ids = machine_world
    BookingMachine.TestCase.settings = settings(max_examples=10, stateful_step_count=20, deadline=None,
                                                derandomize=True, suppress_health_check=list(HealthCheck))
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(BookingMachine, settings=BookingMachine.TestCase.settings)
