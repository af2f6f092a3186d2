"""The audit log: changes by admins, leaders, lead trainers and the command line, with before and after, no secrets."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.audit.models import AuditEvent
from tests.helpers import TEST_PASSWORD


def _events(db, **where):
    db.session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return db.session.execute(stmt).scalars().all()


def test_an_admins_change_is_recorded_with_before_and_after(client, db, make_employee, make_department, login):
    admin = make_employee(roles=("admin",))
    department = make_department(name="Old name")
    db.session.commit()
    login(admin)
    response = client.post(f"/admin/departments/{department.id}", data={
        "name": "New\nname", "kind": "internal_provider", "max_away_fraction": "0.25"})
    assert response.status_code == 302
    [event] = _events(db, table_name="department", action="update")
    assert event.actor_id == admin.id and "admin" in event.actor_roles and event.source.startswith("POST /admin/departments/")
    assert event.row_id == str(department.id)
    assert event.before["name"] == "Old name" and event.after["name"] == "New\nname"
    assert event.before["kind"] == "front_line" and event.after["kind"] == "internal_provider"
    assert event.at.tzinfo is not None


def test_passwords_and_tokens_never_reach_the_log(client, db, make_employee, login):
    admin = make_employee(roles=("admin",))
    worker = make_employee()
    login(admin)
    client.post(f"/admin/employees/{worker.id}/password", data={"password": "a-fresh-long-secret-phrase"})
    events = _events(db, table_name="employee", action="update")
    assert events, "the password change was not recorded"
    text = repr([(e.before, e.after) for e in events])
    assert "a-fresh-long-secret-phrase" not in text and "$argon2" not in text
    assert events[-1].after["password_hash"] == "[redacted]" and events[-1].after["session_token"] == "[redacted]"


def test_learners_own_changes_are_not_audited(client, db, make_employee, login):
    login(make_employee())
    client.post("/ideas/new", data={"title": "t", "description": "d", "beneficiary": "external",
                                    "beneficiary_department_id": "0"})
    assert _events(db) == []


def test_command_line_changes_are_attributed_to_the_operator(runner, db):
    result = runner.invoke(args=["lms", "user", "create", "--email", "ops@example.test", "--name", "Ops Person",
                                 "--role", "admin"], input=TEST_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    events = _events(db, table_name="employee", action="insert")
    assert events and events[0].actor_id is None and events[0].source == "cli: lms user create"
    assert events[0].after["email"] == "ops@example.test"
    hashes = [e.after["password_hash"] for e in _events(db, table_name="employee") if "password_hash" in (e.after or {})]
    assert hashes == ["[redacted]"]


def test_large_and_bulk_changes_are_summarised(app, db, runner, tmp_path, monkeypatch):
    from tests.org.test_roster_import import GOOD

    monkeypatch.setitem(app.config, "LMS_AUDIT_BULK_THRESHOLD", 3)
    path = tmp_path / "hr.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(args=["lms", "roster", "import", str(path)]).exit_code == 0
    bulk = _events(db, action="bulk")
    assert any(e.table_name == "employee" and e.source == "cli: lms roster import"
               and (e.after.get("rows") or e.after.get("parameter_sets", 0)) >= 4 for e in bulk)


def test_leaders_read_the_log_with_filters_and_pages(client, db, make_employee, login):
    leader = make_employee(roles=("leader",))
    admin = make_employee(roles=("admin",), full_name="Ada Admin")
    for n in range(60):
        db.session.add(AuditEvent(actor_id=admin.id, actor_label=f"Ada Admin <{admin.email}>", actor_roles="admin",
                                  source="POST /x", action="update", table_name="department" if n % 2 else "room",
                                  row_id=str(n), before={"name": f"<b>old {n}</b>"}, after={"name": f"new {n}"}))
    db.session.commit()
    assert login(make_employee()).status_code == 302
    assert client.get("/audit").status_code == 403
    client.post("/logout")
    login(leader)
    page = client.get("/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Page 1 of" in html and "&lt;b&gt;old" in html and "<b>old" not in html
    filtered = client.get("/audit?table=room&who=ada&action=update").get_data(as_text=True)
    assert "<code>room</code>" in filtered and "<code>department</code>" not in filtered
    today = date.today()
    assert "No audit events" in client.get(f"/audit?until={(today - timedelta(days=2)).isoformat()}").get_data(as_text=True)
    assert client.get("/audit?since=not-a-date").status_code == 422
    assert client.get("/audit?page=2").status_code == 200
