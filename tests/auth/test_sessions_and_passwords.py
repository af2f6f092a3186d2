"""Session timeouts, cookie flags in production, the common-password policy and the failed-login throttle's stores."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from lms.auth.passwords import PasswordTooWeak, check_policy, is_common
from tests.helpers import TEST_PASSWORD


def _age_session(client, **shift):
    with client.session_transaction() as s:
        for key, seconds in shift.items():
            s[key] -= seconds


def test_idle_session_ends(app, client, make_employee, login):
    login(make_employee())
    assert client.get("/my").status_code == 200
    _age_session(client, _seen_at=app.config["LMS_SESSION_IDLE_MINUTES"] * 60 + 1)
    response = client.get("/my")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_activity_keeps_a_session_alive_until_its_absolute_limit(app, client, make_employee, login):
    login(make_employee())
    _age_session(client, _seen_at=120)
    assert client.get("/my").status_code == 200
    with client.session_transaction() as s:
        assert time.time() - s["_seen_at"] < 60, "use refreshed the idle clock"
    _age_session(client, _auth_at=int(app.permanent_session_lifetime.total_seconds()) + 1)
    assert client.get("/my").status_code == 302


def test_a_session_without_stamps_is_not_trusted(app, client, make_employee, login):
    login(make_employee())
    with client.session_transaction() as s:
        del s["_auth_at"]
    assert client.get("/my").status_code == 302


def test_login_starts_a_new_session(client, make_employee, login):
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    login(make_employee())
    with client.session_transaction() as s:
        assert "planted" not in s and "_auth_at" in s


def test_production_cookies_are_secure_httponly_lax_and_hsts_is_sent(tmp_path_factory, monkeypatch, make_employee, db):
    from lms import create_app
    from tests.conftest import test_config

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    monkeypatch.setenv("LMS_JOBS_IMMEDIATE", "1")
    config = test_config(tmp_path_factory, SQLALCHEMY_DATABASE_URI=db.engine.url.render_as_string(hide_password=False))
    config.pop("SECRET_KEY")
    prod = create_app(config)
    employee = make_employee()
    client = prod.test_client()
    response = client.post("/login", data={"email": employee.email, "password": TEST_PASSWORD},
                           base_url="https://lms.example")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop123", "iloveyou2024!", "aaaaaaaaaaaa", "123456789012",
                                      "monkeymonkey", "Password123!"])
def test_common_passwords_are_refused(password):
    assert is_common(password)
    with pytest.raises(PasswordTooWeak):
        check_policy(password)


@pytest.mark.parametrize("password", [TEST_PASSWORD, "demo-pass-2027", "tram lamp violet 42", "Ünïcödé пароль 🔑 ok",
                                      "\x00 nul and spaces are fine \t"])
def test_long_uncommon_passwords_with_any_characters_are_accepted(password):
    check_policy(password)


def test_the_list_has_ten_thousand_entries():
    from lms.auth.passwords import common_passwords

    assert len(common_passwords()) >= 9900


def test_changing_to_a_common_password_is_refused(client, make_employee, login):
    login(make_employee())
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "password12345", "confirm": "password12345"})
    assert response.status_code == 200
    assert "too common" in response.get_data(as_text=True)


def test_throttle_stores_only_digests_in_the_database(app, db, make_employee):
    from lms.auth.models import LoginFailure

    employee = make_employee()
    app.test_client().post("/login", data={"email": employee.email, "password": "wrong-wrong-wrong"})
    keys = db.session.execute(select(LoginFailure.key)).scalars().all()
    assert len(keys) == 2 and all(len(k) == 64 and employee.email not in k for k in keys)


def _redis_or_skip(url: str):
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("redis not reachable at 127.0.0.1:6379")


def test_failed_logins_are_counted_in_redis_when_configured(app, db, make_employee, monkeypatch):
    import redis

    url = "redis://127.0.0.1:6379/15"
    _redis_or_skip(url)
    redis.Redis.from_url(url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.delitem(app.extensions, "lms_login_counter", raising=False)
    try:
        employee = make_employee()
        for n in range(10):
            assert app.test_client().post("/login", data={"email": employee.email, "password": f"bad-{n}"}).status_code == 401
        refused = app.test_client().post("/login", data={"email": employee.email, "password": TEST_PASSWORD})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 900
        assert len(redis.Redis.from_url(url).keys("lms:login-failures:*")) == 2
        from lms.auth.models import LoginFailure

        assert db.session.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0
    finally:
        app.extensions.pop("lms_login_counter", None)
        redis.Redis.from_url(url).flushdb()


def test_failures_older_than_the_window_stop_counting(app, db, make_employee):
    from datetime import timedelta

    from lms.auth.models import LoginFailure
    from lms.core.models import utcnow

    employee = make_employee()
    for n in range(10):
        app.test_client().post("/login", data={"email": employee.email, "password": f"bad-{n}"})
    old = utcnow() - timedelta(minutes=16)
    for row in db.session.execute(select(LoginFailure)).scalars():
        row.at = old
    db.session.commit()
    assert app.test_client().post("/login", data={"email": employee.email, "password": TEST_PASSWORD}).status_code == 302
