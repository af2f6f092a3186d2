"""Demo workshops: site calendars, rooms, upcoming sessions with bookings, and one past session with attendance."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select, update

from lms.core.demo import demo_seeder
from lms.extensions import db
from lms.learning.progress import enrol
from lms.org.models import Department, Employee, Site, SiteHoliday
from lms.workshops.booking import book_seat
from lms.workshops.calendar import site_calendar
from lms.workshops.models import Booking, DepartmentDay, WorkshopSession
from lms.workshops.sessions import SessionPlan, add_room, create_session

# Mauritius public holidays (the moveable ones as announced for those years).
HOLIDAYS = (
    ("2026-01-01", "New Year"), ("2026-01-02", "New Year"), ("2026-02-01", "Abolition of Slavery"),
    ("2026-02-17", "Chinese Spring Festival"), ("2026-03-12", "Independence and Republic Day"),
    ("2026-05-01", "Labour Day"), ("2026-08-15", "Assumption of Mary"), ("2026-11-02", "Arrival of Indentured Labourers"),
    ("2026-11-08", "Divali"), ("2026-12-25", "Christmas"),
    ("2027-01-01", "New Year"), ("2027-01-02", "New Year"), ("2027-02-01", "Abolition of Slavery"),
    ("2027-02-06", "Chinese Spring Festival"), ("2027-03-06", "Maha Shivaratree"),
    ("2027-03-12", "Independence and Republic Day"), ("2027-05-01", "Labour Day"), ("2027-08-15", "Assumption of Mary"),
    ("2027-11-02", "Arrival of Indentured Labourers"), ("2027-12-25", "Christmas"),
)
ROOMS = {"PLU": (("Baobab room", 20), ("Dodo room", 16)), "AIR": (("Runway room", 18),),
         "BMR": (("Lagoon room", 20), ("Coral room", 14))}


def _employee(email: str) -> Employee:
    return db.session.execute(select(Employee).where(Employee.email == email)).scalar_one()


def _trainers_at(site: Site) -> list[Employee]:
    from lms.trainers.certification import certified_trainers
    from lms.workshops.sessions import workshop_course

    return [t for t in db.session.execute(certified_trainers(workshop_course(), date.today())).scalars() if t.department.site_id == site.id]


@demo_seeder("workshops", order=50)
def seed_workshops() -> None:
    """Calendars and rooms at every site, open sessions, bookings, and a past session with attendance."""
    admin = _employee("admin@demo.example")
    sites = {s.code: s for s in db.session.execute(select(Site)).scalars()}
    rooms = {}
    for code, site in sites.items():
        site.holidays = [SiteHoliday(day=date.fromisoformat(d), name=n) for d, n in HOLIDAYS]
        for name, capacity in ROOMS.get(code, ()):
            rooms.setdefault(code, []).append(add_room(site, name, capacity))
    db.session.flush()

    trainer = _employee("trainer@demo.example")
    calendar = site_calendar(sites["BMR"])
    day = date.today()
    for _ in range(10):
        day = calendar.next_working_day(day)
    upcoming: list[WorkshopSession] = []
    for code in ("PLU", "AIR", "BMR"):
        people = [trainer] if code == "BMR" else _trainers_at(sites[code])[:1]
        start = day
        for room in rooms[code]:
            if not people:
                break
            upcoming.append(create_session(admin, SessionPlan(room=room, day1=start, start_time=time(8, 30),
                                                                 end_time=time(16, 30), capacity=room.capacity,
                                                                 trainers=tuple(people))))
            start = site_calendar(sites[code]).next_working_day(site_calendar(sites[code]).next_working_day(start))
    plu = next(s for s in upcoming if s.site.code == "PLU")
    book_seat(admin, _employee("learner@demo.example"), plu)
    bmr = next(s for s in upcoming if s.site.code == "BMR")
    for employee in _mixed_group(sites["BMR"], 12):
        book_seat(admin, employee, bmr)
    _past_session(admin, trainer, rooms["BMR"][-1], sites["BMR"])
    db.session.flush()


def _mixed_group(site: Site, size: int) -> list[Employee]:
    """Front-line and back-office people of a site, alternating, without a booking and not the demo accounts."""
    rows = db.session.execute(
        select(Employee).join(Department).where(Department.site_id == site.id, Employee.password_hash.is_(None))
        .where(Employee.id.not_in(select(Booking.employee_id)))
        .order_by(Department.kind, Employee.id)
    ).scalars().all()
    front = [e for e in rows if e.department.kind == "front_line"]
    back = [e for e in rows if e.department.kind != "front_line"]
    mixed = [p for pair in zip(front, back) for p in pair]
    return mixed[:size]


def _past_session(admin: Employee, trainer: Employee, room, site: Site) -> None:
    """A session held last week with both days' attendance taken (recorded directly: booking rules look forward)."""
    calendar = site_calendar(site)
    day1 = date.today() - timedelta(days=10)
    while not calendar.is_working_day(day1):
        day1 -= timedelta(days=1)
    session = create_session(admin, SessionPlan(room=room, day1=day1, start_time=time(8, 30), end_time=time(16, 30),
                                                capacity=room.capacity, trainers=(trainer,)))
    people = _mixed_group(site, 10)
    for number, employee in enumerate(people):
        present = number != 3  # one no-show, back in the pool
        db.session.add(Booking(session=session, course_id=session.course_id, employee=employee,
                               status="booked" if present else "no_show", booked_by_id=admin.id,
                               day1_present=present, day2_present=present, attendance_marked_by_id=trainer.id))
        enrol(employee, session.course)
    db.session.execute(update(WorkshopSession).where(WorkshopSession.id == session.id).values(seats_taken=len(people)))
    db.session.flush()
    for department_id in {e.department_id for e in people}:
        away = sum(1 for e in people if e.department_id == department_id)
        for day in session.days:
            db.session.add(DepartmentDay(department_id=department_id, day=day, away=away))
    db.session.flush()
