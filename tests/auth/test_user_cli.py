"""`lms user create` and `lms user set-password`."""
from __future__ import annotations

from sqlalchemy import select

from lms.org.models import Employee


def test_create_first_admin_then_log_in(runner, db, app):
    result = runner.invoke(args=["lms", "user", "create", "--email", "First.Admin@Corp.test", "--name", "First Admin",
                                 "--role", "admin"], input="a-long-admin-passphrase\n")
    assert result.exit_code == 0, result.output
    admin = db.session.execute(select(Employee)).scalar_one()
    assert admin.email == "first.admin@corp.test"
    assert admin.roles == {"learner", "admin"}
    assert admin.department.code == "ADMIN"
    client = app.test_client()
    response = client.post("/login", data={"email": "first.admin@corp.test", "password": "a-long-admin-passphrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin")


def test_create_refuses_short_password_bad_email_duplicate_and_unknown_role(runner, db):
    short = runner.invoke(args=["lms", "user", "create", "--email", "a@corp.test", "--name", "A"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    bad = runner.invoke(args=["lms", "user", "create", "--email", "nope", "--name", "A"], input="a-long-passphrase\n")
    assert bad.exit_code == 1 and "not a valid e-mail address" in bad.output
    role = runner.invoke(args=["lms", "user", "create", "--email", "a@corp.test", "--name", "A", "--role", "king"],
                         input="a-long-passphrase\n")
    assert role.exit_code == 1 and "Unknown role(s): king" in role.output
    assert db.session.execute(select(Employee)).first() is None
    ok = runner.invoke(args=["lms", "user", "create", "--email", "a@corp.test", "--name", "A"], input="a-long-passphrase\n")
    assert ok.exit_code == 0
    dup = runner.invoke(args=["lms", "user", "create", "--email", "A@corp.test", "--name", "A"], input="a-long-passphrase\n")
    assert dup.exit_code == 1 and "already exists" in dup.output


def test_set_password_changes_it_and_ends_sessions(runner, db, app, make_employee):
    employee = make_employee(email="someone@corp.test")
    client = app.test_client()
    client.post("/login", data={"email": "someone@corp.test", "password": "correct-horse-battery"})
    assert client.get("/my").status_code == 200
    result = runner.invoke(args=["lms", "user", "set-password", "SOMEONE@corp.test"], input="a-fresh-passphrase\n")
    assert result.exit_code == 0, result.output
    assert client.get("/my").status_code == 302
    assert app.test_client().post("/login", data={"email": "someone@corp.test", "password": "a-fresh-passphrase"}).status_code == 302


def test_set_password_unknown_account(runner, db):
    result = runner.invoke(args=["lms", "user", "set-password", "ghost@corp.test"], input="a-fresh-passphrase\n")
    assert result.exit_code == 1
    assert "No active account" in result.output
