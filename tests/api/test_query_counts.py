"""The statements a call issues do not grow with the page size nor with the size of the organization."""
from __future__ import annotations

from datetime import date, timedelta

from lms.api import tokens
from lms.core.roles import Role
from lms.extensions import db as _db
from lms.insights.models import ServiceIdea
from lms.learning.models import Enrolment
from lms.workshops.models import Booking, SessionTrainer
from tests.helpers import counting

CALLS = [("/api/v1/participation/organization", {}), ("/api/v1/participation/kind", {}),
         ("/api/v1/participation/site", {}), ("/api/v1/participation/department", {}), ("/api/v1/enrolments", {}),
         ("/api/v1/enrolments", {"state": "overdue"}), ("/api/v1/workshop/sessions", {}),
         ("/api/v1/workshop/bookings", {}), ("/api/v1/ideas", {}), ("/api/v1/ideas/summary", {})]


def statements_of(client, limit: int) -> dict:
    """Statements issued by each call, with `limit` items a page where the call pages."""
    counts = {}
    for url, params in CALLS:
        if not url.endswith("summary"):
            params = {**params, "limit": limit}
        with counting(_db.engine) as statements:
            response, body = client.get(url, **params)
        assert response.status_code == 200, body
        counts[(url, tuple(params.items()))] = len(statements)
    return counts


def grow(db, make_employee, org, per_department: int):
    """More people in every department, each with an enrolment, and bookings, trainers and ideas."""
    for department in org.departments.values():
        manager = make_employee(department=department, roles=(Role.MANAGER,), manager=org.people["boss"], password=None)
        for n in range(per_department):
            person = make_employee(department=department, manager=manager, password=None)
            db.session.add(Enrolment(employee_id=person.id, course_id=org.courses["C1"].id,
                                     due_date=date(2027, 3, 1) if n % 3 == 0 else None))
            if n % 2:
                db.session.add(Booking(session_id=org.sessions["S2"].id, course_id=org.courses["W"].id,
                                       employee_id=person.id, status="booked"))
            if n % 4 == 0:
                db.session.add(ServiceIdea(author_id=person.id, department_id=department.id, title="Idea",
                                           description="x", beneficiary="external", status="submitted"))
            if n == 1:
                db.session.add(SessionTrainer(session_id=org.sessions["S1"].id, employee_id=person.id))
    db.session.commit()


def test_statements_per_call_stay_the_same_as_pages_and_the_organization_grow(boss_api, small_org, db, make_employee,
                                                                              monkeypatch):
    monkeypatch.setattr(tokens, "LAST_USED_EVERY", timedelta(days=1))
    boss_api.get("/api/v1/ideas")  # the token's first use is written once, before counting

    small = statements_of(boss_api, limit=2)
    assert list(statements_of(boss_api, limit=20).values()) == list(small.values())
    assert max(small.values()) <= 6

    grow(db, make_employee, small_org, per_department=25)
    assert list(statements_of(boss_api, limit=2).values()) == list(small.values())
    assert list(statements_of(boss_api, limit=200).values()) == list(small.values())
