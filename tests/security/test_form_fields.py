"""Ids carried in forms: extra fields (role, employee_id, ...) are ignored and logged; foreign ids are refused."""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from lms.extensions import db as _db


def _count(app, stmt):
    with app.app_context():
        return _db.session.execute(stmt).scalar_one()


def test_extra_role_and_employee_fields_are_ignored_and_logged(app, world, as_user, caplog):
    from lms.insights.models import ServiceIdea
    from lms.org.models import Employee, EmployeeRole

    learner = as_user("learner")
    caplog.set_level(logging.WARNING, logger="lms.security")
    response = learner.post("/ideas/new", data={
        "title": "Queue tickets", "description": "Hand out numbered tickets at busy times.", "beneficiary": "external",
        "beneficiary_department_id": "0", "author_id": str(world.outsider), "employee_id": str(world.outsider),
        "status": "implemented", "role": "admin"})
    assert response.status_code == 302
    with app.app_context():
        idea = _db.session.execute(select(ServiceIdea).order_by(ServiceIdea.id.desc()).limit(1)).scalar_one()
        me = _db.session.execute(select(Employee).where(Employee.email == world.emails["learner"])).scalar_one()
        assert (idea.author_id, idea.status) == (me.id, "submitted")
        assert _db.session.execute(select(func.count()).select_from(EmployeeRole)
                                   .where(EmployeeRole.employee_id == me.id)).scalar_one() == 0
    records = [r.getMessage() for r in caplog.records if r.name == "lms.security"]
    assert any("ignored form fields" in m and "employee_id" in m and "role" in m and "insights.new_idea" in m for m in records)


def test_booking_is_for_oneself_whatever_employee_id_says(app, world, as_user, caplog):
    from lms.workshops.models import Booking

    caplog.set_level(logging.WARNING, logger="lms.security")
    client = as_user("only_learner")
    before = _count(app, select(func.count()).select_from(Booking).where(Booking.employee_id == world.outsider))
    client.post(f"/workshops/sessions/{world.session}/book", data={"confirm": "y", "employee_id": str(world.outsider)})
    assert _count(app, select(func.count()).select_from(Booking).where(Booking.employee_id == world.outsider)) == before
    assert any("employee_id" in r.getMessage() for r in caplog.records if r.name == "lms.security")


def test_manager_cannot_book_or_nominate_someone_outside_their_line(app, world, as_user, snapshot):
    client = as_user("manager")
    before = snapshot()
    booked = client.post(f"/workshops/sessions/{world.session}/book-for", data={"employee_id": str(world.outsider)})
    nominated = client.post("/trainers/nominees", data={"employee_id": str(world.outsider), "cohort_id": str(world.cohort),
                                                        "reason": "Great with customers."})
    # Refused by the forms' choice lists (only one's own reports are offered): nothing changes.
    assert booked.status_code in (302, 400, 403, 404) and nominated.status_code in (400, 403, 404, 422)
    assert snapshot() == before


def test_admin_role_change_is_audited_and_a_learner_cannot_grant_roles(app, world, as_user):
    from lms.audit.models import AuditEvent

    learner = as_user("learner")
    assert learner.post(f"/admin/employees/{world.employee}/roles", data={"roles": ["admin"]}).status_code == 403
    admin = as_user("admin")
    assert admin.post(f"/admin/employees/{world.employee}/roles", data={"roles": ["manager"]}).status_code == 302
    with app.app_context():
        event = _db.session.execute(select(AuditEvent).where(AuditEvent.table_name == "employee_role")
                                    .order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        assert event.action == "insert" and event.after["role"] == "manager"
        assert event.actor_label.endswith(f"<{world.emails['admin']}>") and "admin" in event.actor_roles
    admin.post(f"/admin/employees/{world.employee}/roles", data={"roles": []})
