"""The problem builder on a hand-built organization: who is in, max_away, unavailable days, trainer windows, clipping.

The `org` fixture here is shared by the other live-plan test modules (they import it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from lms.auth.passwords import make_hasher
from lms.core.models import utcnow
from lms.extensions import db as _db
from lms.learning.progress import enrol
from lms.org.models import Department, Employee, Site, SiteHoliday
from lms.rollout.bound import lower_bound
from lms.rollout.live import Settings, build_problem, earliest_start
from lms.rollout.problem import parse_problem
from lms.trainers.certification import issue_certification
from lms.trainers.models import Certification
from lms.workshops.booking import book_seat
from lms.workshops.models import Booking, Room, RoomClosure
from lms.workshops.sessions import SessionPlan, create_session
from tests.helpers import TEST_PASSWORD
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)

TODAY = date.today()


def first_monday(after_days: int = 14) -> date:
    """The first Monday at least `after_days` days from today."""
    day = TODAY + timedelta(days=after_days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


@dataclass
class Org:
    """A hand-built organization: two sites, departments, rooms, trainers, and people in every state."""

    monday: date
    hq: Site
    air: Site
    far: Site
    ops: Department
    it: Department
    gate: Department
    cargo: Department
    admin: Employee
    room_a: Room
    room_b: Room
    room_air: Room
    t_hq: Employee
    t_air: Employee
    people: dict[str, Employee] = field(default_factory=dict)
    existing_session: object = None

    @property
    def start(self) -> date:
        return self.monday

    @property
    def end(self) -> date:
        return self.monday + timedelta(days=27)  # four weeks, ending on a Sunday

    def settings(self, **changes) -> Settings:
        values = dict(sites=(self.hq, self.air), window_start=self.start, window_end=self.end, min_size=4, max_size=12)
        values.update(changes)
        return Settings(**values)

    def numbers(self, *names: str) -> set[str]:
        return {self.people[n].employee_no for n in names}


def _person(db, department, name: str, **fields) -> Employee:
    employee = Employee(employee_no=fields.pop("employee_no", f"{department.code}-{name}"), email=f"{name}@org.test",
                        full_name=name.replace("-", " ").title(), department=department, **fields)
    db.session.add(employee)
    db.session.flush()
    return employee


def _certify(db, workshop, employee, issued: date, expires: date | None = None) -> Certification:  # noqa: F811
    certification = issue_certification(employee, workshop, issued, certified_by=None)
    if expires is not None:
        certification.expires_on = expires
    db.session.flush()
    return certification


@pytest.fixture
def org(db, workshop):  # noqa: F811
    """Two chosen sites (HQ works Monday to Friday, AIR Monday to Saturday) and a third site not chosen."""
    monday = first_monday()
    hq = Site(code="HQ", name="Head office", working_weekdays=[1, 2, 3, 4, 5])
    air = Site(code="AIR", name="Airport", working_weekdays=[1, 2, 3, 4, 5, 6])
    far = Site(code="FAR", name="Far away")
    common, hq_only = monday + timedelta(days=2), monday + timedelta(days=8)
    outside = monday - timedelta(days=3)
    hq.holidays = [SiteHoliday(day=common, name="Common"), SiteHoliday(day=hq_only, name="HQ only"),
                   SiteHoliday(day=outside, name="Before the window")]
    air.holidays = [SiteHoliday(day=common, name="Common")]
    db.session.add_all([hq, air, far])
    ops = Department(code="OPS", name="Operations", kind="front_line", site=hq, max_away_fraction=0.3)
    it = Department(code="IT", name="IT desk", kind="internal_provider", site=hq, max_away_fraction=0.34)
    gate = Department(code="GATE", name="Gates", kind="front_line", site=air, max_away_fraction=0.5)
    cargo = Department(code="CARGO", name="Cargo", kind="internal_provider", site=air, max_away_fraction=0.5)
    trainers_hq = Department(code="TRN", name="Training", kind="internal_provider", site=hq)
    remote = Department(code="FARD", name="Far department", kind="front_line", site=far)
    db.session.add_all([ops, it, gate, cargo, trainers_hq, remote])
    db.session.flush()

    people = {}
    for i in range(10):
        people[f"ops-{i}"] = _person(db, ops, f"ops-{i}")
    for i in range(3):
        people[f"it-{i}"] = _person(db, it, f"it-{i}")
    for i in range(6):
        people[f"gate-{i}"] = _person(db, gate, f"gate-{i}")
    for i in range(4):
        people[f"cargo-{i}"] = _person(db, cargo, f"cargo-{i}")
    people["inactive"] = _person(db, ops, "inactive", active=False)
    people["remote"] = _person(db, remote, "remote")
    admin = _person(db, trainers_hq, "admin", password_hash=make_hasher(1, 1024).hash(TEST_PASSWORD))
    admin.set_roles(["admin", "leader"])

    room_a = Room(site=hq, name="Room A", capacity=12)
    room_b = Room(site=hq, name="Room B", capacity=8, active=False)
    room_air = Room(site=air, name="Hangar room", capacity=10)
    room_far = Room(site=far, name="Far room", capacity=10)
    db.session.add_all([room_a, room_b, room_air, room_far])
    db.session.flush()
    room_a.closures = [RoomClosure(day=monday + timedelta(days=21), reason="Audit"),
                       RoomClosure(day=monday - timedelta(days=1), reason="Outside the window")]

    t_hq = _person(db, trainers_hq, "trainer-hq")
    t_air = _person(db, gate, "trainer-air")  # a gate agent who trains; counted in GATE's headcount
    t_revoked = _person(db, trainers_hq, "trainer-revoked")
    t_far = _person(db, remote, "trainer-far")
    _certify(db, workshop, t_hq, TODAY - timedelta(days=30))
    # AIR's trainer is certified only from the second week of the window
    _certify(db, workshop, t_air, monday + timedelta(days=7))
    revoked = _certify(db, workshop, t_revoked, TODAY - timedelta(days=30))
    revoked.revoked_at, revoked.revoked_reason = utcnow(), "Left the pool"
    _certify(db, workshop, t_far, TODAY - timedelta(days=30))
    db.session.commit()

    # people who are not to be planned: completed, booked, waitlisted; a cancelled booking does not count
    enrol(people["ops-9"], workshop).completed_at = utcnow()
    existing = create_session(admin, SessionPlan(room=room_a, day1=monday + timedelta(days=14), start_time=time(9),
                                                 end_time=time(17), capacity=12, trainers=(t_hq,)))
    book_seat(admin, people["ops-8"], existing)
    db.session.add(Booking(session=existing, course_id=workshop.id, employee=people["gate-5"], status="waitlisted"))
    db.session.add(Booking(session=existing, course_id=workshop.id, employee=people["it-2"], status="cancelled"))
    db.session.commit()
    return Org(monday, hq, air, far, ops, it, gate, cargo, admin, room_a, room_b, room_air, t_hq, t_air, people,
               existing)


def _by_id(items):
    return {i["id"]: i for i in items}


def test_only_people_who_still_need_the_workshop_are_planned(org):
    doc = build_problem(org.settings(), TODAY).doc
    planned = {e["id"] for e in doc["employees"]}
    expected = {f"OPS-ops-{i}" for i in range(8)} | {f"IT-it-{i}" for i in range(3)} | {
        f"GATE-gate-{i}" for i in range(5)} | {f"CARGO-cargo-{i}" for i in range(4)} | {
        "TRN-admin", "TRN-trainer-revoked"}
    # out: completed (ops-9), booked (ops-8), waitlisted (gate-5), inactive, another site, the certified trainers
    assert planned == expected


def test_excluded_people_are_left_out(org):
    doc = build_problem(org.settings(excluded_ids=frozenset({org.people["it-0"].id})), TODAY).doc
    assert "IT-it-0" not in {e["id"] for e in doc["employees"]}


def test_max_away_comes_from_the_staffing_floor_of_the_whole_active_headcount(org):
    departments = _by_id(build_problem(org.settings(), TODAY).doc["departments"])
    # OPS: 10 active (the inactive one does not count) at 30% = 3, although only 8 are still to plan
    assert departments["OPS"]["max_away"] == org.ops.max_away(10) == 3
    assert departments["OPS"]["headcount"] == 10
    assert departments["IT"]["max_away"] == 1  # 3 at 34%
    assert departments["GATE"]["max_away"] == 3  # 6 agents and the trainer at 50%
    assert "TRN" in departments and "FARD" not in departments
    assert departments["OPS"]["site"] == "HQ" and departments["GATE"]["site"] == "AIR"


def test_one_calendar_with_every_site_day_and_only_common_holidays(org):
    doc = build_problem(org.settings(), TODAY).doc
    assert doc["working_weekdays"] == [1, 2, 3, 4, 5, 6]
    common = (org.monday + timedelta(days=2)).isoformat()
    hq_only = (org.monday + timedelta(days=8)).isoformat()
    assert doc["holidays"] == [common]
    rooms = _by_id(doc["rooms"])
    saturdays = {(org.monday + timedelta(days=5 + 7 * w)).isoformat() for w in range(4)}
    # HQ's room is closed on HQ's own non-working days; AIR's room is not
    assert saturdays | {hq_only} <= set(rooms[f"R{org.room_a.id}"]["unavailable"])
    assert not (saturdays | {hq_only}) & set(rooms[f"R{org.room_air.id}"]["unavailable"])
    sites = _by_id(doc["sites"])
    assert set(sites["HQ"]["closed"]) == saturdays | {hq_only}
    assert sites["AIR"]["closed"] == []


def test_rooms_closures_and_days_already_used(org):
    live = build_problem(org.settings(), TODAY)
    rooms = _by_id(live.doc["rooms"])
    assert set(rooms) == {f"R{org.room_a.id}", f"R{org.room_air.id}"}  # inactive and other-site rooms are out
    room = rooms[f"R{org.room_a.id}"]
    assert room["capacity"] == 12 and room["site"] == "HQ" and room["name"] == "Room A"
    assert (org.monday + timedelta(days=21)).isoformat() in room["unavailable"]
    assert (org.monday - timedelta(days=1)).isoformat() not in room["unavailable"]  # clipped
    used = {d.isoformat() for d in org.existing_session.days}
    assert not used & set(room["unavailable"])  # used days are holds, written in by full()
    assert used <= set(_by_id(live.full()["rooms"])[f"R{org.room_a.id}"]["unavailable"])


def test_trainers_windows_sites_and_days_already_delivering(org):
    live = build_problem(org.settings(), TODAY)
    trainers = _by_id(live.doc["trainers"])
    assert set(trainers) == {org.t_hq.employee_no, org.t_air.employee_no}  # revoked and other-site are out
    hq, air = trainers[org.t_hq.employee_no], trainers[org.t_air.employee_no]
    assert hq["sites"] == ["HQ"] and air["sites"] == ["AIR"]
    assert hq["available_from"] == org.start.isoformat()  # certified before the window: clipped to it
    assert hq["available_until"] == org.end.isoformat()  # valid beyond it: clipped too
    assert air["available_from"] == (org.monday + timedelta(days=7)).isoformat()
    full = _by_id(live.full()["trainers"])
    delivering = {d.isoformat() for d in org.existing_session.days}
    assert delivering <= set(full[org.t_hq.employee_no]["unavailable"])
    saturday = (org.monday + timedelta(days=5)).isoformat()
    assert saturday in hq["unavailable"] and saturday not in air["unavailable"]


def test_a_lapsed_certification_ends_the_trainer_window(org, workshop):  # noqa: F811
    certification = _db.session.execute(select(Certification).where(Certification.employee_id == org.t_hq.id)).scalar_one()
    certification.expires_on = org.monday + timedelta(days=10)
    _db.session.commit()
    hq = _by_id(build_problem(org.settings(), TODAY).doc["trainers"])[org.t_hq.employee_no]
    assert hq["available_until"] == (org.monday + timedelta(days=10)).isoformat()


def test_departments_with_people_already_away_keep_fewer_places(org):
    live = build_problem(org.settings(), TODAY)
    day1, day2 = (d.isoformat() for d in org.existing_session.days)
    ops = _by_id(live.doc["departments"])["OPS"]
    assert ops["already_away"] == {day1: 1, day2: 1}
    full = live.full()
    available = [e for e in full["employees"] if e["department"] == "OPS" and day1 not in e.get("unavailable", [])]
    # max_away 3, one already booked away: two more places on each of those days
    assert len(available) == 2
    assert all(day2 not in e.get("unavailable", []) for e in available)


def test_window_is_clipped_to_the_earliest_start_and_the_document_parses(org):
    live = build_problem(org.settings(window_start=TODAY - timedelta(days=3)), TODAY)
    assert live.doc["window"]["start"] == earliest_start(TODAY).isoformat()
    assert live.doc["requested_window"]["start"] == (TODAY - timedelta(days=3)).isoformat()
    problem = parse_problem(live.full())  # every date inside the window, or the parser would refuse it
    assert problem.start == earliest_start(TODAY)
    assert len(problem.employees) == 22


def test_the_bound_before_solving(org):
    problem = parse_problem(build_problem(org.settings(), TODAY).full())
    bound = lower_bound(problem)
    # OPS: 8 people, 3 away at a time: 3 blocks of two days; AIR's trainer starts in week 2
    assert bound.value is not None and bound.value >= 6
    assert bound.fits_window


def test_a_window_that_has_passed_is_refused(org):
    from lms.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="earliest day"):
        build_problem(org.settings(window_start=TODAY - timedelta(days=10), window_end=TODAY), TODAY)
