"""Personal API tokens: the page (create, shown once, revoke), hashed at rest, and who a token lets in."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from lms.api import tokens
from lms.api.models import ApiToken
from lms.core.errors import Conflict, PermissionDenied, ValidationFailed
from lms.core.roles import Role
from tests.helpers import csrf_token_from

PAGE = "/account/api-tokens"


def once_from(html: str) -> str:
    match = re.search(r'name="once"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="once"', html)
    assert match, "no one-time field in the form"
    return match.group(1)


def create(client, name: str, once: str | None = None):
    """Send the creation form as a browser does: with the one-time value of the page just shown."""
    return client.post(PAGE, data={"name": name, "once": once or once_from(client.get(PAGE).get_data(as_text=True))})


def created_secret(html: str) -> str:
    match = re.search(r'id="new-token-value"[^>]*value="(lms_pat_[A-Za-z0-9_-]+)"', html)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_a_leader_creates_a_token_on_the_page_and_sees_it_once(client, db, make_employee, login, api):
    leader = make_employee(roles=(Role.LEADER,))
    login(leader)
    page = client.get(PAGE)
    assert page.status_code == 200 and "No tokens yet" in page.get_data(as_text=True)

    created = create(client, "  Power BI   finance ")
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = created_secret(created.get_data(as_text=True))
    assert len(secret) == len("lms_pat_") + 43

    row = db.session.execute(select(ApiToken)).scalar_one()
    assert (row.owner_id, row.name, row.hint) == (leader.id, "Power BI finance", secret[:12])
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
    assert not any(secret in value or secret[12:] in value for value in stored), "the token is stored in clear"

    again = client.get(PAGE).get_data(as_text=True)
    assert secret not in again and "Power BI finance" in again and f"{secret[:12]}…" in again and "Never" in again

    assert api(secret).get("/api/v1/enrolments")[0].status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None
    assert "Never" not in client.get(PAGE).get_data(as_text=True)


def test_revoking_on_the_page_makes_the_token_fail_with_401(client, db, make_employee, login, api, token_for):
    leader = make_employee(roles=(Role.LEADER,))
    secret = token_for(leader, "Tableau")
    token = db.session.execute(select(ApiToken)).scalar_one()
    login(leader)
    response = client.post(f"{PAGE}/{token.id}/revoke", follow_redirects=True)
    assert "revoked" in response.get_data(as_text=True)
    response, body = api(secret).get("/api/v1/enrolments")
    assert response.status_code == 401
    assert body["error"] == {"code": "unauthorized", "message": "This API token was revoked.", "details": []}
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_only_the_owner_or_an_admin_revokes(client, db, make_employee, login, token_for, api):
    owner, other_leader, admin = (make_employee(roles=(Role.LEADER,)), make_employee(roles=(Role.LEADER,)),
                                  make_employee(roles=(Role.ADMIN,)))
    secret = token_for(owner)
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    login(other_leader)
    assert client.post(f"{PAGE}/{token_id}/revoke").status_code == 404
    assert api(secret).get("/api/v1/ideas")[0].status_code == 200
    client.post("/logout")
    login(admin)
    overview = client.get(PAGE).get_data(as_text=True)
    assert owner.full_name in overview and "Everyone else" in overview
    client.post(f"{PAGE}/{token_id}/revoke")
    assert api(secret).get("/api/v1/ideas")[0].status_code == 401
    with pytest.raises(Conflict):
        tokens.revoke_token(owner, db.session.get(ApiToken, token_id))


@pytest.mark.parametrize("roles, status", [((), 403), ((Role.MANAGER,), 403), ((Role.TRAINER,), 403),
                                           ((Role.LEAD_TRAINER,), 403), ((Role.LEADER,), 200), ((Role.ADMIN,), 200)])
def test_the_page_is_for_leaders_and_admins(client, make_employee, login, roles, status):
    login(make_employee(roles=roles))
    assert client.get(PAGE).status_code == status
    if status == 403:
        assert client.post(PAGE, data={"name": "x", "once": "x"}).status_code == 403
    else:
        assert create(client, "x").status_code == 201


def test_the_page_refuses_a_post_without_its_csrf_token(app, client, make_employee, login, monkeypatch, db):
    login(make_employee(roles=(Role.LEADER,)))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(PAGE, data={"name": "Stolen"}).status_code == 400
    assert db.session.execute(select(ApiToken)).first() is None
    html = client.get(PAGE).get_data(as_text=True)
    response = client.post(PAGE, data={"name": "Mine", "csrf_token": csrf_token_from(html), "once": once_from(html)})
    assert response.status_code == 201


def test_names_and_the_limit_of_live_tokens(client, db, make_employee, login, app, monkeypatch):
    leader = make_employee(roles=(Role.LEADER,))
    with pytest.raises(ValidationFailed):
        tokens.create_token(leader, "   ", max_live=2)
    with pytest.raises(ValidationFailed):
        tokens.create_token(leader, "x" * 101, max_live=2)
    with pytest.raises(PermissionDenied):
        tokens.create_token(make_employee(roles=(Role.MANAGER,)), "BI", max_live=2)
    monkeypatch.setitem(app.config, "LMS_API_MAX_TOKENS", 2)
    login(leader)
    assert [create(client, f"T{n}").status_code for n in range(3)] == [201, 201, 409]
    assert "the most allowed" in create(client, "T4").get_data(as_text=True)
    first = tokens.tokens_of(leader)[-1]
    client.post(f"{PAGE}/{first.id}/revoke")
    assert create(client, "T5").status_code == 201
    assert create(client, "").status_code == 422


def test_sending_the_form_again_creates_no_second_token(client, db, make_employee, login):
    login(make_employee(roles=(Role.LEADER,)))
    once = once_from(client.get(PAGE).get_data(as_text=True))
    assert create(client, "Tableau", once).status_code == 201
    again = create(client, "Tableau", once)  # a reload of the page that showed the token
    assert again.status_code == 409 and "sent already" in again.get_data(as_text=True)
    assert 'id="new-token-value"' not in again.get_data(as_text=True)
    assert len(db.session.execute(select(ApiToken)).all()) == 1
    assert create(client, "Tableau", "x" * 33).status_code == 422  # not a value the page gives
    assert create(client, "Tableau again").status_code == 201  # a fresh page: a fresh form


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token",
                                    "Bearer lms_pat_" + "A" * 43, "Token lms_pat_abc"])
def test_calls_without_a_valid_token_get_401(api, db, header):
    headers = {} if header is None else {"Authorization": header}
    for path in ("/api/v1/enrolments", "/api/v1/participation/site", "/api/v1/workshop/sessions",
                 "/api/v1/workshop/bookings", "/api/v1/ideas", "/api/v1/ideas/summary", "/api/v1/nothing-here"):
        response, body = api().get(path, token=None, headers=headers)
        assert response.status_code == 401, path
        assert body["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="lms-api"')


def test_an_owner_who_left_gets_401_and_one_who_lost_the_role_gets_403(db, make_employee, token_for, api):
    leader = make_employee(roles=(Role.LEADER, Role.MANAGER))
    client = api(token_for(leader))
    assert client.get("/api/v1/ideas")[0].status_code == 200

    leader.set_roles((Role.MANAGER,))
    db.session.commit()
    response, body = client.get("/api/v1/ideas")
    assert response.status_code == 403 and body["error"]["code"] == "forbidden"

    leader.set_roles((Role.ADMIN,))  # an administrator may hold a token too: it works again
    db.session.commit()
    assert client.get("/api/v1/ideas")[0].status_code == 200

    leader.active = False
    db.session.commit()
    response, body = client.get("/api/v1/ideas")
    assert response.status_code == 401 and "no longer active" in body["error"]["message"]


def test_the_api_has_no_write_methods(app, db, make_employee, token_for, api, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # the API is exempt: 405, not a CSRF 400
    client = api(token_for(make_employee(roles=(Role.ADMIN,))))
    for path in ("/api/v1/enrolments", "/api/v1/participation/department", "/api/v1/workshop/sessions",
                 "/api/v1/workshop/bookings", "/api/v1/ideas", "/api/v1/ideas/summary", "/api/v1/openapi.json"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response, body = client.call(method, path)
            assert response.status_code == 405, (method, path)
            assert body["error"]["code"] == "method_not_allowed" and response.headers["Allow"] == "GET, HEAD"
            assert client.call(method, path, token=None)[0].status_code == 401
    assert db.session.execute(select(ApiToken.id)).scalars().all() != []


def test_last_use_is_written_at_most_once_a_minute(db, make_employee, token_for, api):
    from datetime import timedelta

    secret = token_for(make_employee(roles=(Role.LEADER,)))
    api(secret).get("/api/v1/ideas")
    token = db.session.execute(select(ApiToken)).scalar_one()
    first = token.last_used_at
    assert tokens.authenticate(secret, now=first + timedelta(seconds=30)).last_used_at == first
    later = first + tokens.LAST_USED_EVERY
    assert tokens.authenticate(secret, now=later).last_used_at == later
