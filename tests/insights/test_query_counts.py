"""The number of SQL statements a page issues does not grow with the size of the organization."""
from __future__ import annotations

from datetime import date

from lms.core.roles import Role
from tests.helpers import counting


def grow(db, make_employee, org, per_department: int, seed: int):
    """Add people to every department, with enrolments, bookings, ideas and reviews."""
    from lms.insights.models import ServiceIdea
    from lms.learning.models import Enrolment
    from lms.workshops.models import Booking

    import random

    rng = random.Random(seed)
    for code, department in org.departments.items():
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
                                           description="x", beneficiary="external", status=rng.choice(
                                               ["submitted", "accepted"])))
    db.session.commit()


def page_statements(client, url) -> int:
    from lms.extensions import db

    with counting(db.engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_pages_issue_the_same_statements_for_a_small_and_a_larger_organization(client, small_org, login, db,
                                                                               make_employee):
    login(small_org.people["boss"])
    department = f"/insights/departments/{small_org.departments['FL1'].id}"
    urls = ["/insights", department, f"{department}/teams/{small_org.people['m1'].id}",
            f"/insights/sites/{small_org.sites['A'].id}", "/insights/reviews",
            f"/insights/departments/{small_org.departments['IP1'].id}"]
    small = {url: page_statements(client, url) for url in urls}
    grow(db, make_employee, small_org, per_department=30, seed=1)
    larger = {url: page_statements(client, url) for url in urls}
    assert larger == small


def test_manager_pages_too(client, small_org, login, db, make_employee):
    login(small_org.people["m1"])
    urls = ["/insights", f"/insights/departments/{small_org.departments['FL1'].id}"]
    small = {url: page_statements(client, url) for url in urls}
    grow(db, make_employee, small_org, per_department=25, seed=2)
    assert {url: page_statements(client, url) for url in urls} == small
