"""Publishing a live plan: exactly the planned sessions and bookings, all or nothing, once; re-planning the rest."""
from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from lms.core.errors import Conflict, ValidationFailed
from lms.notify.models import OutboxMessage
from lms.org.models import Employee
from lms.rollout import services
from lms.rollout.checker import check_plan
from lms.rollout.models import RolloutPlan
from lms.rollout.plan import parse_plan
from lms.rollout.problem import parse_problem
from lms.rollout.publish import publish_plan
from lms.workshops.models import Booking, RoomClosure, WorkshopSession
from tests.helpers import TEST_PASSWORD
from tests.rollout.test_live import TODAY, org  # noqa: F401  (fixture)
from tests.rollout.test_live_solve import fast, solve  # noqa: F401  (fixture)
from tests.workshops.conftest import workshop  # noqa: F401  (fixture)


@pytest.fixture
def solved(db, org, fast):  # noqa: F811
    plan = services.create_plan(org.admin, name="To publish", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.end, today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    done = solve(plan)
    assert done.status == "solved" and done.plan_doc["stats"]["unassigned"] == 0
    return done


def _count(db, model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _planned(plan: RolloutPlan) -> set[tuple]:
    rooms = {r["id"]: r["ref"] for r in plan.problem_doc["rooms"]}
    trainers = {t["id"]: t["ref"] for t in plan.problem_doc["trainers"]}
    return {(rooms[s["room"]], date.fromisoformat(s["days"][0]), date.fromisoformat(s["days"][1]),
             frozenset(trainers[t] for t in s["trainers"]), frozenset(s["attendees"]))
            for s in plan.plan_doc["sessions"]}


def _created(db, ids: list[int]) -> set[tuple]:
    out = set()
    for session in db.session.execute(select(WorkshopSession).where(WorkshopSession.id.in_(ids))).scalars():
        people = db.session.execute(
            select(Employee.employee_no).join(Booking, Booking.employee_id == Employee.id)
            .where(Booking.session_id == session.id, Booking.status == "booked")).scalars().all()
        out.add((session.room_id, session.day1, session.day2, frozenset(t.id for t in session.trainers),
                 frozenset(people)))
    return out


def test_publishing_creates_exactly_the_planned_sessions_and_bookings(db, solved, org):  # noqa: F811
    sessions_before, bookings_before = _count(db, WorkshopSession), _count(db, Booking)
    mail_before = _count(db, OutboxMessage)
    done = publish_plan(org.admin, solved)
    db.session.commit()
    db.session.expire_all()
    plan = db.session.get(RolloutPlan, solved.id)
    planned = plan.plan_doc["sessions"]
    people = sum(len(s["attendees"]) for s in planned)
    assert plan.status == "published" and plan.published_by_id == org.admin.id and plan.published_at
    assert len(done.sessions) == len(planned) and done.bookings == people
    assert _count(db, WorkshopSession) == sessions_before + len(planned)
    assert _count(db, Booking) == bookings_before + people
    assert sorted(plan.published_session_ids) == sorted(s["workshop_session"] for s in planned)
    assert _created(db, plan.published_session_ids) == _planned(plan)
    for session in db.session.execute(select(WorkshopSession).where(WorkshopSession.id.in_(plan.published_session_ids))).scalars():
        assert session.status == "open" and session.start_time == plan.start_time and session.end_time == plan.end_time
        assert session.capacity == min(session.room.capacity, plan.max_size)
    # the booking service sends each person their invite
    assert _count(db, OutboxMessage) == mail_before + people
    invite = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc())).scalars().first()
    assert invite.subject.startswith("Booked:") and invite.attachments[0].filename == "invite.ics"


def test_one_refusal_refuses_the_whole_plan_with_every_reason(db, solved, org):  # noqa: F811
    first, second = solved.plan_doc["sessions"][0], solved.plan_doc["sessions"][1]
    room = next(r for r in (org.room_a, org.room_air) if f"R{r.id}" == first["room"])
    room.closures = list(room.closures) + [RoomClosure(day=date.fromisoformat(first["days"][1]), reason="Painting")]
    leaver = db.session.execute(select(Employee).where(Employee.employee_no == second["attendees"][0])).scalar_one()
    leaver.active = False
    db.session.commit()
    sessions_before, bookings_before = _count(db, WorkshopSession), _count(db, Booking)
    mail_before = _count(db, OutboxMessage)
    with pytest.raises(ValidationFailed) as refused:
        publish_plan(org.admin, solved)
    db.session.rollback()
    problems = refused.value.problems
    assert "Nothing was published" in refused.value.message
    assert any(room.name in p and "unavailable" in p and "Painting" in p for p in problems)
    assert any(leaver.full_name in p and "not an active employee" in p for p in problems)
    assert len(problems) == 2
    db.session.expire_all()
    assert _count(db, WorkshopSession) == sessions_before and _count(db, Booking) == bookings_before
    assert _count(db, OutboxMessage) == mail_before
    assert db.session.get(RolloutPlan, solved.id).status == "solved"


def test_a_person_who_booked_meanwhile_refuses_the_plan(db, solved, org):  # noqa: F811
    from lms.workshops.booking import book_seat

    hq_people = {e["id"] for e in solved.problem_doc["employees"] if e["department"] in ("OPS", "IT", "TRN")}
    person_no = next(a for s in solved.plan_doc["sessions"] for a in s["attendees"] if a in hq_people)
    person = db.session.execute(select(Employee).where(Employee.employee_no == person_no)).scalar_one()
    book_seat(org.admin, person, org.existing_session)
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        publish_plan(org.admin, solved)
    db.session.rollback()
    assert any(person.full_name in p and "already has a booking" in p for p in refused.value.problems)


def test_the_page_shows_every_reason_and_publishes_nothing(client, login, db, solved, org):  # noqa: F811
    session = solved.plan_doc["sessions"][0]
    for number in session["attendees"][:2]:
        db.session.execute(update(Employee).where(Employee.employee_no == number).values(active=False))
    db.session.commit()
    login(org.admin)
    before = _count(db, WorkshopSession)
    response = client.post(f"/rollout/{solved.id}/publish")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"Nothing was published: \d+ rule\(s\) refused the plan.", html)
    assert html.count("is not an active employee.</li>") == 2
    assert _count(db, WorkshopSession) == before


def test_publish_twice_publishes_once(db, solved, org):  # noqa: F811
    publish_plan(org.admin, solved)
    db.session.commit()
    count = _count(db, WorkshopSession)
    with pytest.raises(Conflict, match="already been published"):
        publish_plan(org.admin, solved)
    db.session.rollback()
    assert _count(db, WorkshopSession) == count


def test_a_double_click_publishes_once(app, db, solved, org):  # noqa: F811
    planned = len(solved.plan_doc["sessions"])
    before = _count(db, WorkshopSession)
    clients = [app.test_client(), app.test_client()]
    for c in clients:
        c.post("/login", data={"email": org.admin.email, "password": TEST_PASSWORD})
    barrier = threading.Barrier(2)
    codes = []

    def click(c):
        barrier.wait()
        codes.append(c.post(f"/rollout/{solved.id}/publish").status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [302, 302]
    db.session.expire_all()
    assert _count(db, WorkshopSession) == before + planned
    messages = clients[0].get(f"/rollout/{solved.id}").get_data(as_text=True) + \
        clients[1].get(f"/rollout/{solved.id}").get_data(as_text=True)
    assert "already been published" in messages and f"Published {planned} sessions" in messages


def test_re_planning_after_publishing_plans_only_the_rest(db, org, fast):  # noqa: F811
    # a window too short for everyone: publish what fits, then give the rest more time
    plan = services.create_plan(org.admin, name="Two waves", sites=[org.hq, org.air], window_start=org.start,
                                window_end=org.start + timedelta(days=4), today=TODAY, min_size=4, max_size=12)
    db.session.commit()
    wave1 = solve(plan)
    assert wave1.plan_doc["stats"]["unassigned"] > 0
    left = {u["employee"] for u in wave1.plan_doc["unassigned"]}
    publish_plan(org.admin, wave1)
    db.session.commit()
    first_ids = list(wave1.published_session_ids)
    published = _created(db, first_ids)

    db.session.execute(update(RolloutPlan).where(RolloutPlan.id == plan.id).values(window_end=org.end))
    db.session.commit()
    db.session.expire_all()
    wave2 = solve(db.session.get(RolloutPlan, plan.id))
    assert wave2.status == "solved"
    assert check_plan(parse_problem(wave2.problem_doc), parse_plan(wave2.plan_doc)) == []
    # the published people, rooms and trainer days are already in the database: only the rest is planned
    assert {e["id"] for e in wave2.problem_doc["employees"]} == left
    assert wave2.plan_doc["stats"]["unassigned"] == 0
    booked_days = {(room, d) for room, d1, d2, _, _ in published for d in (d1, d2)}
    refs = {r["id"]: r["ref"] for r in wave2.problem_doc["rooms"]}
    new_days = {(refs[s["room"]], date.fromisoformat(d)) for s in wave2.plan_doc["sessions"] for d in s["days"]}
    assert not booked_days & new_days
    assert _created(db, first_ids) == published  # untouched

    publish_plan(org.admin, wave2)
    db.session.commit()
    db.session.expire_all()
    final = db.session.get(RolloutPlan, plan.id)
    assert final.published_session_ids[:len(first_ids)] == first_ids
    assert len(final.published_session_ids) == len(first_ids) + len(wave2.plan_doc["sessions"])
    still_to_plan = services.build_problem(services.settings_of(final), TODAY).doc["employees"]
    assert still_to_plan == []
