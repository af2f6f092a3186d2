"""Access control on every route: the table covers the url_map, every role meets every route, ids swapped are refused."""
from __future__ import annotations

import pytest
from flask import url_for

from tests.security.routes import EVERYONE, PUBLIC, ROLE_ACCOUNT, TABLE

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _methods(app, endpoint: str) -> set[str]:
    return {m for rule in app.url_map.iter_rules(endpoint=endpoint) for m in rule.methods} - {"HEAD", "OPTIONS"}


def _url(app, route, world, params=None) -> str:
    with app.test_request_context():
        return url_for(route.endpoint, **(params if params is not None else route.params(world)))


def test_every_route_is_in_the_table_and_no_more(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(TABLE)) == [], "routes missing from tests/security/routes.py"
    assert sorted(set(TABLE) - endpoints) == [], "routes in the table that the app no longer has"


def test_table_roles_agree_with_the_views(app):
    """The roles a view declares (roles_required) are the table's roles, so the table cannot drift from the code."""
    for endpoint, route in TABLE.items():
        declared = getattr(app.view_functions[endpoint], "allowed_roles", None)
        if declared is None:
            continue
        declared = set(EVERYONE) if set(map(str, declared)) == {"learner"} else set(map(str, declared))
        assert declared == set(route.roles), endpoint


@pytest.mark.parametrize("role", [*EVERYONE, "anonymous"])
def test_every_role_against_every_route(app, world, as_user, snapshot, role):
    client = app.test_client() if role == "anonymous" else as_user(ROLE_ACCOUNT[role])
    before = snapshot()
    wrong, may_write = [], set()
    for route in TABLE.values():
        if route.roles == PUBLIC:
            continue
        url = _url(app, route, world)
        allowed = role != "anonymous" and role in route.roles
        if allowed:
            may_write |= route.get_writes
        for method in sorted(_methods(app, route.endpoint)):
            if allowed and method != "GET" and not route.token:
                continue  # allowed writes are exercised by each domain's own tests
            response = client.open(url, method=method)
            status = response.status_code
            if route.token:
                ok = status == 401  # a session cookie never authenticates the API
            elif role == "anonymous":
                ok = status == 302 and "/login" in response.headers.get("Location", "")
            elif not allowed:
                ok = status == 403
            else:
                ok = status in (200, 302, 404) and status < 500
            if not ok:
                wrong.append(f"{method} {url} as {role}: {status}")
    assert wrong == []
    after = snapshot()
    assert {t for t in after if after[t] != before[t]} <= may_write, "a refused request changed the database"


def test_each_route_opens_for_its_actor_on_its_own_objects(app, world, as_user):
    clients, wrong = {}, []
    for route in TABLE.values():
        if "GET" not in _methods(app, route.endpoint) or route.endpoint in ("auth.sso_callback", "auth.logout"):
            continue
        client = app.test_client() if route.actor is None else clients.setdefault(route.actor, as_user(route.actor))
        headers = {"Authorization": f"Bearer {world.api_token}"} if route.token else {}
        response = client.get(_url(app, route, world), headers=headers)
        if route.endpoint == "api.fallback":
            expected = (404,)
            if response.status_code not in expected:
                wrong.append(f"GET {route.endpoint}: {response.status_code}")
            continue
        # a certificate exists only once earned, a plan document only once solved
        expected = (200, 404) if route.endpoint in ("learning.certificate_pdf", "rollout.plan_json") else (200, 302)
        if response.status_code not in expected:
            wrong.append(f"GET {route.endpoint} as {route.actor}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("endpoint", sorted(e for e, r in TABLE.items() if r.swap))
def test_someone_elses_object_is_refused(app, world, as_user, snapshot, endpoint):
    route = TABLE[endpoint]
    client = as_user(route.actor)
    url = _url(app, route, world, route.swap(world))
    before = snapshot()
    for method in sorted(_methods(app, endpoint)):
        response = client.open(url, method=method, data={"reason": "swap", "text": "swap", "confirm": "y"})
        assert response.status_code in (403, 404), f"{method} {url} as {route.actor}: {response.status_code}"
    assert snapshot() == before


def test_api_tokens_cannot_be_swapped_or_outlive_their_owner(app, world, as_user):
    from sqlalchemy import select, update

    from lms.api.models import ApiToken
    from lms.extensions import db as _db
    from lms.org.models import EmployeeRole

    bearer = {"Authorization": f"Bearer {world.api_token}"}
    client = app.test_client()
    assert client.get("/api/v1/enrolments", headers=bearer).status_code == 200
    assert client.get("/api/v1/enrolments", headers={"Authorization": "Bearer lms_pat_forged"}).status_code == 401
    assert client.get("/api/v1/enrolments", headers={"Authorization": f"Basic {world.api_token}"}).status_code == 401
    # A learner's session cookie does not open the API.
    assert as_user("learner").get("/api/v1/enrolments").status_code == 401
    with app.app_context():
        owner = _db.session.execute(select(ApiToken.owner_id).where(ApiToken.id == world.api_token_id)).scalar_one()
        _db.session.execute(update(EmployeeRole).where(EmployeeRole.employee_id == owner, EmployeeRole.role == "leader")
                            .values(role="trainer"))
        _db.session.commit()
    try:
        assert client.get("/api/v1/enrolments", headers=bearer).status_code == 403
    finally:
        with app.app_context():
            _db.session.execute(update(EmployeeRole).where(EmployeeRole.employee_id == owner, EmployeeRole.role == "trainer")
                                .values(role="leader"))
            _db.session.commit()
    assert client.get("/api/v1/enrolments", headers=bearer).status_code == 200
