"""A small hand-built organization whose every figure is worked out by hand in the tests.

Sites A and B; departments FL1 (front line, A), IP1 (internal provider, A), LD (leadership, B),
FL2 (front line, B). boss (LD, leader) manages m1 (FL1), m2 (IP1) and b1 (FL2); m1 manages a1, a2,
a3 and the leaver `gone`; m2 manages p1 and p2. Courses: C1 (online), L1 (leadership), W (the
workshop) and OLD (archived). "Today" is Wednesday 10 March 2027.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import pytest

from lms.core.roles import Role

TODAY = date(2027, 3, 10)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


@dataclass
class SmallOrg:
    sites: dict
    departments: dict
    people: dict
    courses: dict
    sessions: dict


@pytest.fixture
def small_org(db, make_site, make_department, make_employee):
    from lms.learning.models import Course, Enrolment
    from lms.workshops.models import Booking, Room, WorkshopSession

    sites = {"A": make_site("A", name="Site A"), "B": make_site("B", name="Site B")}
    departments = {
        "FL1": make_department("FL1", "front_line", sites["A"], name="Front one"),
        "IP1": make_department("IP1", "internal_provider", sites["A"], name="Provider one"),
        "LD": make_department("LD", "leadership", sites["B"], name="Leaders"),
        "FL2": make_department("FL2", "front_line", sites["B"], name="Front two"),
    }
    p = {}
    p["boss"] = make_employee("boss@org.test", roles=(Role.LEADER, Role.MANAGER), department=departments["LD"], full_name="Boss")
    p["m1"] = make_employee("m1@org.test", roles=(Role.MANAGER,), department=departments["FL1"], manager=p["boss"], full_name="Manager One")
    p["m2"] = make_employee("m2@org.test", roles=(Role.MANAGER,), department=departments["IP1"], manager=p["boss"], full_name="Manager Two")
    p["b1"] = make_employee("b1@org.test", department=departments["FL2"], manager=p["boss"], full_name="Bea One")
    for name in ("a1", "a2", "a3"):
        p[name] = make_employee(f"{name}@org.test", department=departments["FL1"], manager=p["m1"], full_name=f"Agent {name}")
    p["gone"] = make_employee("gone@org.test", department=departments["FL1"], manager=p["m1"], full_name="Gone", active=False)
    for name in ("p1", "p2"):
        p[name] = make_employee(f"{name}@org.test", department=departments["IP1"], manager=p["m2"], full_name=f"Provider {name}")

    courses = {
        "C1": Course(slug="c1", title="Course one", kind="online"),
        "L1": Course(slug="l1", title="Leading", kind="leadership"),
        "W": Course(slug="w", title="Workshop", kind="workshop"),
        "OLD": Course(slug="old", title="Old course", kind="online", archived=True),
    }
    db.session.add_all(courses.values())
    db.session.flush()

    def enrol(person, course, *, started=None, completed=None, due=None, unassigned=None):
        db.session.add(Enrolment(employee=p[person], course=courses[course], assigned_at=at(date(2027, 1, 4)),
                                 started_at=at(started) if started else None,
                                 completed_at=at(completed) if completed else None, due_date=due,
                                 unassigned_at=at(unassigned) if unassigned else None))

    enrol("a1", "C1", started=date(2027, 2, 1), completed=date(2027, 2, 10))
    enrol("a2", "C1", started=date(2027, 2, 1), due=date(2027, 3, 1))
    enrol("a3", "C1", due=date(2027, 4, 1))
    enrol("p1", "C1", started=date(2027, 1, 10), completed=date(2027, 1, 20), unassigned=date(2027, 2, 1))
    enrol("p2", "C1", unassigned=date(2027, 2, 1))
    enrol("b1", "C1", due=date(2027, 3, 1))
    enrol("gone", "C1", started=date(2027, 1, 5), completed=date(2027, 1, 6))
    enrol("m1", "C1", started=date(2027, 3, 1))
    enrol("boss", "L1", started=date(2027, 1, 5), completed=date(2027, 1, 8))
    enrol("m1", "L1")
    enrol("a1", "OLD", completed=date(2027, 1, 8))
    enrol("a1", "W", started=date(2027, 3, 2), completed=date(2027, 3, 3))
    enrol("a2", "W")
    enrol("b1", "W", due=date(2027, 3, 1))

    room = Room(site=sites["A"], name="Room", capacity=30)
    db.session.add(room)
    db.session.flush()

    def session(key, day1, day2, capacity, status="open"):
        s = WorkshopSession(course_id=courses["W"].id, site_id=sites["A"].id, room_id=room.id, day1=day1, day2=day2,
                            start_time=time(9), end_time=time(17), capacity=capacity, status=status)
        db.session.add(s)
        return s

    sessions = {
        "S0": session("S0", date(2027, 3, 2), date(2027, 3, 3), 10, "completed"),
        "S1": session("S1", date(2027, 3, 10), date(2027, 3, 11), 8),
        "S2": session("S2", date(2027, 3, 15), date(2027, 3, 16), 12),
        "S3": session("S3", date(2027, 3, 22), date(2027, 3, 23), 20, "cancelled"),
    }
    db.session.flush()

    def book(person, key, status="booked", day1=None, day2=None):
        db.session.add(Booking(session_id=sessions[key].id, course_id=courses["W"].id, employee_id=p[person].id,
                               status=status, day1_present=day1, day2_present=day2))

    book("a1", "S0", day1=True, day2=True)
    book("p1", "S0", status="no_show", day1=False, day2=False)
    book("p2", "S1", day1=True)
    book("a2", "S2")
    db.session.commit()
    return SmallOrg(sites, departments, p, courses, sessions)


@pytest.fixture
def fixed_today(monkeypatch):
    """Pages and exports see TODAY as today."""
    import lms.insights.review_views
    import lms.insights.views

    monkeypatch.setattr(lms.insights.views, "_today", lambda: TODAY)
    monkeypatch.setattr(lms.insights.review_views, "_today", lambda: TODAY)
    return TODAY
