"""Scheduling rules: working days, certified trainers, clashes of rooms and trainers, capacity; changes and cancellation."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms.core.errors import Conflict, ValidationFailed
from lms.org.models import SiteHoliday
from lms.workshops.booking import book_seat
from lms.workshops.models import Booking, RoomClosure, RoomDay, TrainerDay
from lms.workshops.sessions import SessionPlan, cancel_session, change_session, create_session
from tests.workshops.conftest import working_day_after


def monday_after(days: int) -> date:
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def admin(make_employee):
    return make_employee(roles=("admin",))


def plan(room, trainers, day1, capacity=None, **kw):
    return SessionPlan(room=room, day1=day1, start_time=kw.get("start", time(9)), end_time=kw.get("end", time(17)),
                       capacity=capacity or room.capacity, trainers=tuple(trainers), note=kw.get("note", ""))


def refusal(call) -> list[str]:
    with pytest.raises((ValidationFailed, Conflict)) as info:
        call()
    return getattr(info.value, "problems", None) or [info.value.message]


def test_create_holds_room_and_trainer_for_both_days(db, admin, make_room, certified):
    room = make_room(capacity=18)
    trainer = certified(room.site)
    friday = monday_after(14) + timedelta(days=4)
    session = create_session(admin, plan(room, [trainer], friday))
    db.session.commit()
    assert session.day2 == friday + timedelta(days=3)  # Friday then Monday
    assert {d for d, in db.session.execute(select(RoomDay.day).where(RoomDay.session_id == session.id))} == {session.day1, session.day2}
    assert {d for d, in db.session.execute(select(TrainerDay.day).where(TrainerDay.employee_id == trainer.id))} == {session.day1, session.day2}
    assert session.status == "open"


def test_day2_skips_a_site_holiday(db, admin, make_room, certified):
    room = make_room()
    monday = monday_after(14)
    room.site.holidays = [SiteHoliday(day=monday + timedelta(days=1), name="Holiday")]
    db.session.flush()
    session = create_session(admin, plan(room, [certified(room.site)], monday))
    assert session.day2 == monday + timedelta(days=2)


def test_refusals_name_every_broken_rule(db, admin, make_room, certified, make_employee):
    room = make_room(capacity=12)
    saturday = monday_after(14) + timedelta(days=5)
    uncertified = make_employee(roles=("trainer",))
    problems = refusal(lambda: create_session(admin, plan(room, [uncertified], saturday, capacity=20)))
    text = " | ".join(problems)
    assert "is not a working day" in text
    assert "holds 12; the session cannot have 20 seats" in text
    assert f"{uncertified.full_name} is not certified" in text


def test_trainer_certification_must_cover_both_days(db, admin, make_room, certified, workshop):
    from lms.trainers.certification import valid_certification

    room = make_room()
    wednesday = monday_after(14) + timedelta(days=2)
    while wednesday.day > 28:  # a day of the month that exists in every month
        wednesday += timedelta(days=7)
    # Issued two years before a Wednesday, so that it expires midweek: day 1 on the expiry, day 2 after it.
    issued = wednesday.replace(year=wednesday.year - 2)
    trainer = certified(room.site, issued_on=issued)
    day1 = valid_certification(trainer, workshop, date.today()).expires_on
    assert day1.weekday() <= 3, "day 2 must be the next calendar day"
    problems = refusal(lambda: create_session(admin, plan(room, [trainer], day1)))
    assert any("not certified" in p and f"{day1 + timedelta(days=1):%d %B %Y}" in p for p in problems)


def test_room_and_trainer_clashes(db, admin, make_room, certified):
    room = make_room()
    other_room = make_room(site=room.site)
    trainer, other_trainer = certified(room.site), certified(room.site)
    monday = monday_after(14)
    create_session(admin, plan(room, [trainer], monday))
    # Tuesday overlaps day 2 of Monday's session
    problems = refusal(lambda: create_session(admin, plan(room, [other_trainer], monday + timedelta(days=1))))
    assert any(f"{room.name} is already taken" in p for p in problems)
    problems = refusal(lambda: create_session(admin, plan(other_room, [trainer], monday + timedelta(days=1))))
    assert any(f"{trainer.full_name} already delivers" in p for p in problems)
    assert create_session(admin, plan(other_room, [other_trainer], monday + timedelta(days=2))).id


def test_room_closure_and_trainer_count(db, admin, make_room, certified):
    room = make_room()
    monday = monday_after(14)
    room.closures = [RoomClosure(day=monday + timedelta(days=1), reason="Painting")]
    db.session.flush()
    trainers = [certified(room.site) for _ in range(3)]
    problems = refusal(lambda: create_session(admin, plan(room, trainers, monday)))
    assert any("unavailable on" in p and "Painting" in p for p in problems)
    assert any("one or two trainers" in p for p in problems)


def test_change_raises_sequence_and_keeps_bookings(db, admin, make_room, certified, staff):
    room = make_room(capacity=20)
    trainer = certified(room.site)
    monday = monday_after(14)
    session = create_session(admin, plan(room, [trainer], monday))
    for person in staff(room.site, 2):
        book_seat(person, person, session)
    changed = change_session(admin, session, plan(room, [trainer], monday + timedelta(days=7), start=time(8, 30)))
    assert set(changed) == {"dates", "start"}
    assert session.sequence == 1
    assert {d for d, in db.session.execute(select(RoomDay.day).where(RoomDay.session_id == session.id))} == {
        monday + timedelta(days=7), monday + timedelta(days=8)}
    problems = refusal(lambda: change_session(admin, session, plan(room, [trainer], monday + timedelta(days=7), capacity=1)))
    assert problems == ["2 people are already booked; the capacity cannot go below that."]


def test_cancel_frees_everything_and_cancels_bookings(db, admin, make_room, certified, staff):
    room = make_room()
    trainer = certified(room.site)
    session = create_session(admin, plan(room, [trainer], monday_after(14)))
    people = staff(room.site, 3)
    for p in people:
        book_seat(p, p, session)
    cancelled = cancel_session(admin, session, "Trainer on leave")
    db.session.commit()
    assert len(cancelled) == 3
    assert {b.status for b in db.session.execute(select(Booking)).scalars()} == {"cancelled"}
    assert db.session.execute(select(RoomDay).where(RoomDay.session_id == session.id)).first() is None
    assert session.seats_taken == 0
    # the room and trainer are free again
    assert create_session(admin, plan(room, [trainer], session.day1)).id


def test_admin_schedules_through_the_page(client, db, admin, make_room, certified, login):
    room = make_room(capacity=16)
    trainer = certified(room.site)
    login(admin)
    day1 = monday_after(21)
    response = client.post("/admin/workshops/sessions/new", data={
        "room_id": room.id, "day1": day1.isoformat(), "start_time": "09:00", "end_time": "17:00", "capacity": 16,
        "trainer_ids": [trainer.id], "note": "", "publish": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert trainer.full_name in page and room.name in page
    refused = client.post("/admin/workshops/sessions/new", data={
        "room_id": room.id, "day1": day1.isoformat(), "start_time": "09:00", "end_time": "17:00", "capacity": 16,
        "trainer_ids": [trainer.id], "publish": "y"})
    assert "is already taken" in refused.get_data(as_text=True)
