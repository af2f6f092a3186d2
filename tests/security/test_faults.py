"""Database faults: a dropped connection or SQLite locked past its timeout gives a clean 503, no partial rows,
and the next request works."""
from __future__ import annotations

import io
import logging
import sqlite3

import pytest
from sqlalchemy import event, func, select

from lms.extensions import db as _db
from tests.org.test_roster_import import GOOD


@pytest.fixture
def admin(client, make_employee, login):
    person = make_employee(roles=("admin",))
    login(person)
    return person


def _stage(client) -> int:
    from lms.org.models import RosterUpload

    response = client.post("/admin/roster", data={"file": (io.BytesIO(GOOD.encode()), "hr.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return _db.session.execute(select(func.max(RosterUpload.id))).scalar_one()


def _counts(db):
    from lms.org.models import Employee, EmployeeRole, RosterUpload

    db.session.expire_all()
    return (db.session.execute(select(func.count()).select_from(Employee)).scalar_one(),
            db.session.execute(select(func.count()).select_from(EmployeeRole)).scalar_one(),
            db.session.execute(select(RosterUpload.status)).scalars().all())


def _drop_connection_on(engine, table: str):
    """Kill the request's own database connection just before its first write to `table`."""
    fired = []

    def drop(conn, cursor, statement, parameters, context, executemany):
        if fired or not statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            return
        fired.append(statement)
        raw = conn.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            pid = raw.info.backend_pid
            with engine.connect() as other:  # a real server-side disconnect, as when PostgreSQL restarts
                other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
        else:
            raw.close()  # the closest SQLite has to a dropped connection

    event.listen(engine, "before_cursor_execute", drop)
    return drop, fired


def test_a_dropped_connection_mid_import_gives_503_and_leaves_nothing_behind(app, db, client, admin, caplog):
    upload_id = _stage(client)
    before = _counts(db)
    listener, fired = _drop_connection_on(db.engine, "employee_role")
    caplog.set_level(logging.ERROR, logger="lms.core.web")
    try:
        response = client.post(f"/admin/roster/{upload_id}/apply")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert fired, "the fault was never injected"
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "Temporarily unavailable" in html and "Traceback" not in html and "INSERT" not in html
    incident = html.split('class="incident-id">')[1].split("<")[0]
    assert any(incident in record.getMessage() for record in caplog.records)
    assert _counts(db) == before, "partial rows were left behind"

    again = client.post(f"/admin/roster/{upload_id}/apply")
    assert again.status_code == 302 and again.headers["Location"].endswith("/admin/employees")
    employees, roles, statuses = _counts(db)
    assert employees == before[0] + 4 and statuses == ["applied"]


@pytest.mark.skipif("postgresql" in __import__("os").environ.get("TEST_DATABASE_URL", ""), reason="SQLite's file lock")
def test_sqlite_locked_past_its_timeout_gives_503_then_works(app, db, client, admin, monkeypatch):
    import lms.core.database as database
    from lms.insights.models import ServiceIdea

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 200)
    db.session.remove()
    db.engine.dispose()  # new connections pick up the short timeout
    path = db.engine.url.database
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    idea = {"title": "Queue tickets", "description": "Numbered tickets at busy times.", "beneficiary": "external",
            "beneficiary_department_id": "0"}
    try:
        response = client.post("/ideas/new", data=idea)
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503 and "Temporarily unavailable" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(ServiceIdea)).scalar_one() == 0
    assert client.post("/ideas/new", data=idea).status_code == 302
    assert db.session.execute(select(func.count()).select_from(ServiceIdea)).scalar_one() == 1
    monkeypatch.undo()
    db.session.remove()
    db.engine.dispose()


def test_unexpected_errors_show_a_generic_page_with_an_incident_id(app, db, client, admin, monkeypatch, caplog):
    def broken():
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setitem(app.view_functions, "org.departments", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production, not as under TESTING
    caplog.set_level(logging.ERROR)
    response = client.get("/admin/departments")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "hunter2" not in html and "RuntimeError" not in html
    incident = html.split('class="incident-id">')[1].split("<")[0]
    assert len(incident) == 12
    assert any(incident in r.getMessage() for r in caplog.records)


def test_log_lines_are_utc_single_line_and_masked():
    from lms.core.logs import OneLineUTCFormatter

    record = logging.LogRecord("lms.test", logging.WARNING, __file__, 1, "name=%s password=%s token: %s", (
        "Evil\r\nFAKE 2026-01-01 INFO forged line", "hunter2", "abc123"), None)
    line = OneLineUTCFormatter().format(record)
    assert "\n" not in line and "\r" not in line and "\\r\\nFAKE" in line
    assert "hunter2" not in line and "abc123" not in line and "[redacted]" in line
    assert line[19] == "Z" and line[10] == "T"
