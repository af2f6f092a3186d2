"""Login, logout, session revocation, password changes and throttling."""
from __future__ import annotations

from sqlalchemy import select

from lms.org.models import Employee
from tests.helpers import TEST_PASSWORD


def test_login_page_has_named_fields(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html
    assert "<label" in html


def test_login_redirects_to_role_home(client, make_employee, login):
    learner = make_employee()
    response = login(learner)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my")
    page = client.get("/my")
    assert page.status_code == 200
    assert learner.full_name in page.get_data(as_text=True)


def test_login_is_case_insensitive_on_email(client, make_employee):
    employee = make_employee(email="Mixed.Case@Example.test")
    response = client.post("/login", data={"email": "MIXED.case@example.TEST", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_failed_login_says_only_email_or_password_wrong(client, make_employee, login):
    employee = make_employee()
    wrong_password = login(employee, password="not-the-password")
    unknown_email = client.post("/login", data={"email": "nobody@example.test", "password": TEST_PASSWORD})
    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert "The e-mail or password is wrong." in response.get_data(as_text=True)
    assert client.get("/my").status_code == 302  # still anonymous


def test_employee_without_password_cannot_log_in(client, make_employee, login):
    employee = make_employee(password=None)
    assert login(employee, password="").status_code == 401
    assert login(employee, password=TEST_PASSWORD).status_code == 401


def test_inactive_employee_cannot_log_in(client, make_employee, login):
    employee = make_employee(active=False)
    assert login(employee).status_code == 401


def test_login_rejects_offsite_next(client, make_employee):
    employee = make_employee()
    response = client.post("/login?next=https://evil.example/x", data={"email": employee.email, "password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/my")
    response = client.post("/logout")
    response = client.post("/login?next=/account/password", data={"email": employee.email, "password": TEST_PASSWORD})
    assert response.headers["Location"].endswith("/account/password")


def test_logout_ends_every_session_of_the_account(app, db, make_employee):
    employee = make_employee()
    phone, laptop = app.test_client(), app.test_client()
    for c in (phone, laptop):
        c.post("/login", data={"email": employee.email, "password": TEST_PASSWORD})
        assert c.get("/my").status_code == 200
    copied_cookie = laptop.get_cookie("session").value

    response = phone.post("/logout")
    assert response.status_code == 302
    assert phone.get("/my").status_code == 302
    assert laptop.get("/my").status_code == 302  # the other device is logged out too

    thief = app.test_client()
    thief.set_cookie("session", copied_cookie)
    assert thief.get("/my").status_code == 302


def test_logout_requires_post(client, make_employee, login):
    login(make_employee())
    assert client.get("/logout").status_code == 405
    assert client.get("/my").status_code == 200


def test_password_change_ends_other_sessions_but_keeps_this_one(app, db, make_employee):
    employee = make_employee()
    this, other = app.test_client(), app.test_client()
    for c in (this, other):
        c.post("/login", data={"email": employee.email, "password": TEST_PASSWORD})
    response = this.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a-brand-new-passphrase", "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert this.get("/my").status_code == 200
    assert other.get("/my").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": employee.email, "password": TEST_PASSWORD}).status_code == 401
    assert fresh.post("/login", data={"email": employee.email, "password": "a-brand-new-passphrase"}).status_code == 302


def test_password_change_refuses_wrong_current_and_short_new(client, make_employee, login):
    employee = make_employee()
    login(employee)
    wrong = client.post("/account/password", data={
        "current_password": "nope-nope-nope", "new_password": "another-long-one", "confirm": "another-long-one"})
    assert "The current password is wrong." in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "short", "confirm": "short"})
    assert "at least 12" in short.get_data(as_text=True)
    assert client.get("/my").status_code == 200


def test_deactivation_ends_sessions(app, db, make_employee, login, client):
    admin = make_employee(roles=("admin",))
    worker = make_employee()
    worker_client = app.test_client()
    worker_client.post("/login", data={"email": worker.email, "password": TEST_PASSWORD})
    assert worker_client.get("/my").status_code == 200
    login(admin)
    response = client.post(f"/admin/employees/{worker.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert worker_client.get("/my").status_code == 302
    assert db.session.execute(select(Employee.active).where(Employee.id == worker.id)).scalar_one() is False


def test_failed_logins_are_throttled_per_account(app, db, make_employee):
    employee = make_employee()
    for n in range(10):
        c = app.test_client()  # a different client each time: the per-account limit still applies
        assert c.post("/login", data={"email": employee.email, "password": f"wrong-{n}"}).status_code == 401
    response = app.test_client().post("/login", data={"email": employee.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_failed_logins_are_throttled_per_address(client, make_employee):
    for n in range(10):
        assert client.post("/login", data={"email": f"nobody{n}@example.test", "password": "x"}).status_code == 401
    someone = make_employee()
    assert client.post("/login", data={"email": someone.email, "password": TEST_PASSWORD}).status_code == 429


def test_successful_logins_are_not_throttled(app, db, make_employee):
    employee = make_employee()
    c = app.test_client()
    for _ in range(12):
        assert c.post("/login", data={"email": employee.email, "password": TEST_PASSWORD}).status_code == 302
        c.post("/logout")


def test_session_cookie_flags(client, make_employee, login):
    response = login(make_employee())
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_old_hash_upgraded_at_login(app, db, make_employee):
    from lms.auth.passwords import make_hasher

    employee = make_employee(password=None)
    weak = make_hasher(time_cost=1, memory_kib=512).hash(TEST_PASSWORD)
    employee.password_hash = weak
    db.session.commit()
    app.test_client().post("/login", data={"email": employee.email, "password": TEST_PASSWORD})
    db.session.refresh(employee)
    assert employee.password_hash != weak
    assert "m=1024" in employee.password_hash
