"""CSRF on every state-changing route (CSRF on, as in production), and no GET changes anything undeclared."""
from __future__ import annotations

from flask import url_for

from tests.security.routes import TABLE

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint in TABLE]


def _url(app, endpoint, world):
    with app.test_request_context():
        return url_for(endpoint, **TABLE[endpoint].params(world))


def test_every_state_changing_route_refuses_a_request_without_csrf_token(csrf_app, world, csrf_user, snapshot):
    client = csrf_user("all")
    before = snapshot()
    checked, wrong = 0, []
    for rule in _rules(csrf_app):
        for method in sorted(rule.methods & set(STATE_CHANGING)):
            url = _url(csrf_app, rule.endpoint, world)
            response = client.open(url, method=method, data={"confirm": "y", "reason": "no token"})
            checked += 1
            # The JSON API is exempt from CSRF because cookies cannot authenticate it: without a bearer token, 401.
            expected = 401 if TABLE[rule.endpoint].token else 400
            if response.status_code != expected:
                wrong.append(f"{method} {url}: {response.status_code}")
    assert checked >= 60
    assert wrong == []
    after = snapshot()
    assert [t for t in after if after[t] != before[t]] == []
    assert client.get("/my").status_code == 200, "the session survived every refused request"


def test_a_token_from_another_session_is_refused(csrf_app, world, csrf_user):
    from tests.helpers import csrf_token_from

    mine, theirs = csrf_user("learner"), csrf_user("manager")
    stolen = csrf_token_from(theirs.get("/ideas/new").get_data(as_text=True))
    response = mine.post("/ideas/new", data={"csrf_token": stolen, "title": "t", "description": "d", "beneficiary": "b"})
    assert response.status_code == 400


def test_no_get_changes_state_beyond_what_the_table_declares(app, world, as_user, snapshot):
    clients, wrong = {}, []
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint in ("auth.logout",):
            continue
        route = TABLE[rule.endpoint]
        client = app.test_client() if route.actor is None else clients.setdefault(route.actor, as_user(route.actor))
        before = snapshot()
        response = client.get(_url(app, rule.endpoint, world))
        assert response.status_code < 500, rule.endpoint
        after = snapshot()
        changed = {t for t in after if after[t] != before[t]}
        if not changed <= route.get_writes:
            wrong.append(f"GET {rule.endpoint} changed {sorted(changed - route.get_writes)}")
    assert wrong == []


def test_every_get_writer_explains_why(app):
    for route in TABLE.values():
        if route.get_writes:
            assert route.note, route.endpoint
