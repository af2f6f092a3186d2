"""Integrity under concurrent requests to gunicorn with 4 workers, on this run's database (SQLite or PostgreSQL)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.helpers import TEST_PASSWORD
from tests.rollout.test_live import org  # noqa: F401  (fixture)
from tests.rollout.test_live_solve import fast  # noqa: F401  (fixture)
from tests.rollout.test_publish import solved  # noqa: F401  (fixture)
from tests.security.live import csrf_token, gunicorn, logged_in, post_form
from tests.workshops.conftest import make_room, make_session, workshop  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """gunicorn -w 4 serving the test database for the whole module."""
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("live")) as base:
        yield base


def together(calls):
    """Run every call at the same moment (a barrier releases them) and return their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _people(db, make_department, n: int, site=None, **fields):
    from lms.auth.passwords import make_hasher
    from lms.org.models import Employee

    department = make_department(site=site, max_away_fraction=1.0)
    hashed = make_hasher(1, 1024).hash(TEST_PASSWORD)
    people = [Employee(employee_no=f"C{department.id}-{i:03d}", email=f"c{department.id}.{i}@example.test",
                       full_name=f"Concurrent {i}", department=department, password_hash=hashed, **fields)
              for i in range(n)]
    db.session.add_all(people)
    db.session.commit()
    return people


def test_fifty_concurrent_bookings_for_the_last_three_seats(server, db, make_department, make_session, make_room):
    from lms.workshops.models import Booking, WorkshopSession

    room = make_room(capacity=3)
    session = make_session(room=room, capacity=3)
    people = _people(db, make_department, 50, site=room.site)
    clients = [logged_in(server, p.email, TEST_PASSWORD) for p in people]
    tokens = [csrf_token(c.get(f"{server}/workshops/sessions/{session.id}", timeout=60).text) for c in clients]
    url = f"{server}/workshops/sessions/{session.id}/book"
    responses = together([lambda c=c, t=t: c.post(url, data={"csrf_token": t}, allow_redirects=False, timeout=120)
                          for c, t in zip(clients, tokens)])
    assert all(r.status_code == 302 for r in responses), [r.status_code for r in responses]
    db.session.expire_all()
    booked = db.session.execute(select(func.count()).select_from(Booking).where(
        Booking.session_id == session.id, Booking.status == "booked")).scalar_one()
    waitlisted = db.session.execute(select(func.count()).select_from(Booking).where(
        Booking.session_id == session.id, Booking.status == "waitlisted")).scalar_one()
    seats_taken = db.session.execute(select(WorkshopSession.seats_taken).where(WorkshopSession.id == session.id)).scalar_one()
    assert (booked, seats_taken, booked + waitlisted) == (3, 3, 50)


def test_concurrent_quiz_starts_open_one_attempt(server, db, make_employee, course):
    from lms.learning.progress import enrol
    from lms.quizzes.models import QuizAttempt

    learner = make_employee()
    enrol(learner, course("service-recovery-last"))
    db.session.commit()
    http = logged_in(server, learner.email, TEST_PASSWORD)
    token = csrf_token(http.get(f"{server}/courses/service-recovery-last/quiz", timeout=60).text)
    url = f"{server}/courses/service-recovery-last/quiz/start"
    responses = together([lambda: http.post(url, data={"csrf_token": token}, allow_redirects=False, timeout=120)
                          for _ in range(20)])
    assert all(r.status_code == 302 for r in responses)
    attempts = db.session.execute(select(QuizAttempt).where(QuizAttempt.employee_id == learner.id)).scalars().all()
    assert len(attempts) == 1 and attempts[0].is_open
    assert {r.headers["Location"].rstrip("/").split("/")[-1] for r in responses} == {str(attempts[0].id)}


def test_concurrent_roster_confirmations_apply_once(server, db, make_employee):
    from lms.org import services
    from lms.org.models import Employee, RosterUpload
    from tests.org.test_roster_import import GOOD

    admin = make_employee(roles=("admin",))
    upload = services.stage_roster_upload(admin, "hr.csv", GOOD.encode(), False)
    db.session.commit()
    http = logged_in(server, admin.email, TEST_PASSWORD)
    token = csrf_token(http.get(f"{server}/admin/roster/{upload.id}", timeout=60).text)
    before = db.session.execute(select(func.count()).select_from(Employee)).scalar_one()
    responses = together([lambda: http.post(f"{server}/admin/roster/{upload.id}/apply", data={"csrf_token": token},
                                            allow_redirects=False, timeout=120) for _ in range(10)])
    assert all(r.status_code == 302 for r in responses)
    assert sum(r.headers["Location"].endswith("/admin/employees") for r in responses) == 1
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(Employee)).scalar_one() == before + 4
    assert db.session.get(RosterUpload, upload.id).status == "applied"


def test_concurrent_decisions_on_an_idea_move_it_once(server, db, make_employee, make_department):
    from lms.insights import ideas
    from lms.insights.models import ServiceIdea

    manager = make_employee(roles=("manager",))
    author = make_employee(manager=manager, department=manager.department)
    idea = ideas.submit_idea(author, title="Numbered tickets", description="At busy times.", beneficiary="external")
    db.session.commit()
    http = logged_in(server, manager.email, TEST_PASSWORD)
    token = csrf_token(http.get(f"{server}/ideas/{idea.id}", timeout=60).text)
    responses = together([lambda: http.post(f"{server}/ideas/{idea.id}/accept", data={"csrf_token": token},
                                            allow_redirects=False, timeout=120) for _ in range(20)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(302) >= 1 and set(statuses) <= {302, 409}
    db.session.expire_all()
    assert db.session.get(ServiceIdea, idea.id).status == "accepted"


def test_concurrent_publishing_of_a_plan_publishes_it_once(server, db, solved, org):  # noqa: F811
    from lms.workshops.models import Booking, WorkshopSession

    planned_sessions = len(solved.plan_doc["sessions"])
    planned_people = sum(len(s["attendees"]) for s in solved.plan_doc["sessions"])
    http = logged_in(server, org.admin.email, TEST_PASSWORD)
    token = csrf_token(http.get(f"{server}/rollout/{solved.id}", timeout=60).text)
    sessions_before = db.session.execute(select(func.count()).select_from(WorkshopSession)).scalar_one()
    booked = select(func.count()).select_from(Booking).where(Booking.status == "booked")
    bookings_before = db.session.execute(booked).scalar_one()
    responses = together([lambda: http.post(f"{server}/rollout/{solved.id}/publish", data={"csrf_token": token},
                                            allow_redirects=False, timeout=300) for _ in range(8)])
    assert all(r.status_code in (302, 409, 422) for r in responses), [r.status_code for r in responses]
    db.session.expire_all()
    created = db.session.execute(select(func.count()).select_from(WorkshopSession)).scalar_one() - sessions_before
    assert created == planned_sessions
    assert db.session.execute(booked).scalar_one() - bookings_before == planned_people


def test_failed_logins_are_counted_across_all_workers(server, db, make_employee):
    import requests

    employee = make_employee()
    statuses = []
    for n in range(11):  # a fresh connection each time: the four workers share the count through the database
        http = requests.Session()
        token = csrf_token(http.get(f"{server}/login", timeout=30).text)
        statuses.append(http.post(f"{server}/login", data={"email": employee.email, "password": f"wrong-{n}",
                                                            "csrf_token": token}, timeout=30).status_code)
    assert statuses == [401] * 10 + [429]
