"""Booking: capacity, waitlists and promotion, staffing floors, one booking per person, cut-offs, managers."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lms.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from lms.extensions import db as _db
from lms.org.models import Employee
from lms.workshops.booking import book_seat, cancel_booking, waitlist_position
from lms.workshops.models import Booking, DepartmentDay, WorkshopSession
from tests.workshops.conftest import working_day_after


def seats(db, session) -> int:
    db.session.expire_all()
    return db.session.get(WorkshopSession, session.id).seats_taken


def test_booking_takes_a_seat_and_enrols(db, make_session, staff):
    session = make_session(capacity=5)
    person = staff(session.site, 3)[0]
    booking = book_seat(person, person, session)
    db.session.commit()
    assert booking.status == "booked"
    assert seats(db, session) == 1
    from lms.learning.progress import find_enrolment

    assert find_enrolment(person, session.course) is not None


def test_full_session_waitlists_in_order_and_promotes(db, make_session, staff):
    session = make_session(capacity=2)
    a, b, c, d = staff(session.site, 4)
    first, second = book_seat(a, a, session), book_seat(b, b, session)
    third, fourth = book_seat(c, c, session), book_seat(d, d, session)
    db.session.commit()
    assert [x.status for x in (first, second, third, fourth)] == ["booked", "booked", "waitlisted", "waitlisted"]
    assert "full" in third.waitlist_reason
    assert (waitlist_position(third), waitlist_position(fourth)) == (1, 2)
    cancel_booking(b, second)
    db.session.commit()
    db.session.refresh(third)
    db.session.refresh(fourth)
    assert (third.status, fourth.status) == ("booked", "waitlisted")
    assert waitlist_position(fourth) == 1
    assert seats(db, session) == 2


def test_one_active_booking_per_person(db, make_session, make_room, staff):
    session = make_session()
    other = make_session(room=make_room(site=session.site))
    person = staff(session.site, 2)[0]
    book_seat(person, person, session)
    db.session.commit()
    with pytest.raises(Conflict, match="already has a booking"):
        book_seat(person, person, other)
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Booking)).scalar_one() == 1


def test_staffing_floor_waitlists_with_the_reason(db, make_session, make_room, staff):
    session = make_session(capacity=10)
    team = staff(session.site, 10, fraction=0.2)  # 2 of 10 may be away
    results = [book_seat(p, p, session) for p in team[:3]]
    db.session.commit()
    assert [r.status for r in results] == ["booked", "booked", "waitlisted"]
    assert "staffing floor" in results[2].waitlist_reason and "2 of its 10" in results[2].waitlist_reason
    assert seats(db, session) == 2  # the refused seat was given back
    # the floor counts every session on the same day, not just this one
    same_day = make_session(room=make_room(site=session.site), day1=session.day1)
    fourth = book_seat(team[3], team[3], same_day)
    assert fourth.status == "waitlisted"
    # when a colleague cancels, the first waiting colleague is promoted
    cancel_booking(team[0], results[0])
    db.session.commit()
    db.session.refresh(results[2])
    assert results[2].status == "booked"
    away = db.session.execute(select(DepartmentDay.away).where(DepartmentDay.department_id == team[0].department_id,
                                                               DepartmentDay.day == session.day1)).scalar_one()
    assert away == 2


def test_small_department_may_always_send_one(db, make_session, staff):
    session = make_session()
    pair = staff(session.site, 2, fraction=0.1)  # 0.2 people rounds up to the minimum of 1
    assert book_seat(pair[0], pair[0], session).status == "booked"
    assert book_seat(pair[1], pair[1], session).status == "waitlisted"


def test_refusals(db, make_session, make_site, staff, make_employee):
    session = make_session()
    elsewhere = staff(make_site(), 1)[0]
    with pytest.raises(ValidationFailed, match="this session is at"):
        book_seat(elsewhere, elsewhere, session)
    inactive = staff(session.site, 1, active=False)[0]
    with pytest.raises(ValidationFailed, match="not an active employee"):
        book_seat(inactive, inactive, session)
    draft = make_session(status="draft")
    person = staff(draft.site, 1)[0]
    with pytest.raises(ValidationFailed, match="draft"):
        book_seat(person, person, draft)


def test_learner_cutoff_but_admin_may_book_late(app, db, make_session, staff, make_employee, monkeypatch):
    tomorrow_session = make_session(day1=working_day_after(1))
    person = staff(tomorrow_session.site, 1)[0]
    # The next working day can be up to four days away (a Friday evening, a holiday), whatever the hour the suite runs.
    monkeypatch.setitem(app.config, "LMS_BOOKING_CUTOFF_HOURS", 24 * 7)
    with pytest.raises(ValidationFailed, match="Booking closed"):
        book_seat(person, person, tomorrow_session)
    admin = make_employee(roles=("admin",))
    assert book_seat(admin, person, tomorrow_session).status == "booked"
    db.session.commit()
    with pytest.raises(PermissionDenied, match="Cancellation closed"):
        cancel_booking(person, db.session.get(Booking, db.session.execute(select(Booking.id)).scalar_one()))


def test_fifty_concurrent_bookings_for_the_last_three_seats(app, db, make_session, staff):
    session = make_session(capacity=10)
    early = staff(session.site, 7)
    for person in early:
        book_seat(person, person, session)
    db.session.commit()
    crowd = [p.id for p in staff(session.site, 50)]
    session_id = session.id
    barrier = threading.Barrier(len(crowd))
    errors: list[Exception] = []

    def attempt(employee_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)  # all start together; connections come from the pool as they free up
                person = _db.session.get(Employee, employee_id)
                target = _db.session.get(WorkshopSession, session_id)
                book_seat(person, person, target)
                _db.session.commit()
            except DomainError:
                _db.session.rollback()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    statuses = dict(db.session.execute(
        select(Booking.status, func.count()).where(Booking.session_id == session_id, Booking.employee_id.in_(crowd))
        .group_by(Booking.status)).all())
    assert statuses == {"booked": 3, "waitlisted": 47}
    assert seats(db, session) == 10


def test_manager_books_a_report_through_the_page(client, db, make_session, staff, make_employee, login):
    session = make_session()
    manager = make_employee(roles=("manager",), department=staff(session.site, 1)[0].department)
    report = staff(session.site, 1, manager=manager)[0]
    stranger = staff(session.site, 1)[0]
    login(manager)
    page = client.get(f"/workshops/sessions/{session.id}").get_data(as_text=True)
    assert report.full_name in page and stranger.full_name not in page
    response = client.post(f"/workshops/sessions/{session.id}/book-for", data={"employee_id": report.id})
    assert response.status_code == 302
    assert db.session.execute(select(Booking.status).where(Booking.employee_id == report.id)).scalar_one() == "booked"
    client.post(f"/workshops/sessions/{session.id}/book-for", data={"employee_id": stranger.id})
    assert db.session.execute(select(Booking).where(Booking.employee_id == stranger.id)).first() is None


def test_learner_books_and_cancels_through_pages(client, db, make_session, staff, login):
    session = make_session()
    person = staff(session.site, 1)[0]
    login(person)
    assert "Book a seat" in client.get(f"/workshops/sessions/{session.id}").get_data(as_text=True)
    response = client.post(f"/workshops/sessions/{session.id}/book", follow_redirects=True)
    assert "You are booked" in response.get_data(as_text=True)
    booking_id = db.session.execute(select(Booking.id)).scalar_one()
    mine = client.get("/workshops/my").get_data(as_text=True)
    assert "Booked" in mine and "Calendar invite" in mine
    client.post(f"/workshops/bookings/{booking_id}/cancel", data={"reason": "shift swap"})
    db.session.expire_all()
    assert db.session.get(Booking, booking_id).status == "cancelled"
    assert seats(db, session) == 0


def test_other_peoples_bookings_are_out_of_reach(client, db, make_session, staff, login):
    session = make_session()
    owner, other = staff(session.site, 2)
    booking = book_seat(owner, owner, session)
    db.session.commit()
    login(other)
    assert client.post(f"/workshops/bookings/{booking.id}/cancel").status_code == 404
    assert client.get(f"/workshops/bookings/{booking.id}/invite.ics").status_code == 404
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "booked"
